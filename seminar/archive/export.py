"""Writing one seminar as one archive, from one consistent read of the database.

Rows are read table by table inside one read-only transaction (REPEATABLE READ on PostgreSQL,
a read transaction on SQLite), as `seminar backup` does; the files are then copied into the zip
one at a time inside the same transaction, so a large archive is written to its file (or to a
temporary file the download streams) and never held in memory whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from tortoise.models import Model
from tortoise.transactions import in_transaction

from seminar.archive.remap import AGENDA_COLUMNS, agenda_people
from seminar.archive.schema import FORMAT
from seminar.archive.tables import (
    CARRIED, FILES, PEOPLE, PERSON_COLUMNS, UNIT_COLUMNS, UNITS, carried_models, columns, relations,
)
from seminar.backup import _encode
from seminar.db import is_postgres
from seminar.proceedings.progress import BuildStatus

DOCUMENT = "seminar.json"
MANIFEST = "manifest.json"
# A build still queued or running is the old installation's work in progress: not carried.
_FINISHED_BUILDS = (BuildStatus.DONE, BuildStatus.FAILED)


class Problem(StrEnum):
    """What kind of thing is wrong with an archive, for the import page to say in the reader's language."""

    NOT_ZIP = "not_zip"  # not a zip file at all
    NOT_ARCHIVE = "not_archive"  # a zip, but not a seminar archive of this system
    OTHER_VERSION = "other_version"  # a seminar archive of another version of the format or schema
    DAMAGED = "damaged"  # a seminar archive whose content does not hold together
    SLUG_TAKEN = "slug_taken"  # a seminar with the slug exists here already
    BAD_SLUG = "bad_slug"  # the slug cannot name a seminar's address here
    NO_SEMINAR = "no_seminar"  # (export) no seminar with that slug


class ArchiveError(Exception):
    """The archive cannot be made or imported; the message says why (in English, for the command
    line and the log), `problem` what kind of thing is wrong, and nothing was written."""

    def __init__(self, message: str, problem: Problem = Problem.DAMAGED, slug: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.slug = slug


@dataclass
class ExportSummary:
    slug: str
    rows: dict[str, int] = field(default_factory=dict)
    people: int = 0
    units: int = 0
    files: int = 0
    file_bytes: int = 0
    left_out: dict[str, int] = field(default_factory=dict)


def file_path(sha256: str) -> str:
    return f"files/{sha256}"


async def _rows(model: type[Model], seminar_id: int) -> list[dict[str, Any]]:
    query = model.filter(**{CARRIED[model._meta.db_table]: seminar_id})
    if model._meta.db_table == "proceedings_build":
        query = query.filter(status__in=list(_FINISHED_BUILDS))
    rows = await query.order_by(model._meta.pk_attr).values(*columns(model))
    return [dict(row) for row in rows]


async def _collect(seminar_id: int) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int]]:
    """Every carried table's rows of the seminar, with what had to be left out."""
    tables: dict[str, list[dict[str, Any]]] = {}
    left_out: dict[str, int] = {}
    for model in carried_models():
        table = model._meta.db_table
        rows = await _rows(model, seminar_id)
        if table == "overlap_match":
            # A 查重 match may be with a paper of an earlier seminar, which the archive does not hold.
            sources = {row["id"] for row in tables["overlap_source"]}
            kept = [row for row in rows if row["source_id"] in sources]
            if len(kept) < len(rows):
                left_out["overlap_match_with_other_seminars"] = len(rows) - len(kept)
            rows = kept
        tables[table] = rows
    return tables, left_out


def _named(tables: dict[str, list[dict[str, Any]]], target: type[Model]) -> set[Any]:
    """The ids of `target` (people, units, files) that the carried rows name."""
    named: set[Any] = set()
    for model in carried_models():
        for column, related in relations(model).items():
            if related is target:
                named.update(row[column] for row in tables[model._meta.db_table] if row[column] is not None)
    if target is PEOPLE:
        for table, json_columns in AGENDA_COLUMNS.items():
            for row in tables[table]:
                for column in json_columns:
                    named.update(agenda_people(row[column]))
    if target is FILES:
        named.update(row["seal_sha256"] for row in tables["certificate_settings"] if row["seal_sha256"])
    return named


async def _units(ids: set[int]) -> list[dict[str, Any]]:
    """The units named, with every parent of theirs (a unit names its parent)."""
    found: dict[int, dict[str, Any]] = {}
    wanted = set(ids)
    while wanted:
        rows = await UNITS.filter(id__in=sorted(wanted)).values(*UNIT_COLUMNS)
        found.update({row["id"]: dict(row) for row in rows})
        wanted = {row["parent_id"] for row in rows if row["parent_id"] is not None} - set(found)
    return [found[key] for key in sorted(found)]


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    return _encode(value)


async def write_archive(slug: str, target: Path | IO[bytes], database_url: str) -> ExportSummary:
    """Write the seminar `slug` as a zip to `target`; ArchiveError if there is no such seminar."""
    summary = ExportSummary(slug)
    async with in_transaction() as connection:
        if is_postgres(database_url):
            await connection.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        from seminar.seminars.models import Seminar

        seminar = await Seminar.get_or_none(slug=slug)
        if seminar is None:
            raise ArchiveError(f"there is no seminar {slug!r} here", Problem.NO_SEMINAR, slug)
        tables, left_out = await _collect(seminar.id)
        people = [dict(row) for row in await PEOPLE.filter(id__in=sorted(_named(tables, PEOPLE))).order_by("id").values(*PERSON_COLUMNS)]
        unit_ids = _named(tables, UNITS) | {row["unit_id"] for row in people if row["unit_id"] is not None}
        units = await _units(unit_ids)
        hashes = sorted(_named(tables, FILES))
        sizes = dict(await FILES.filter(sha256__in=hashes).values_list("sha256", "size"))
        missing = [sha for sha in hashes if sha not in sizes]
        if missing:
            raise ArchiveError(f"the seminar names files this installation does not hold: {', '.join(missing[:3])}")
        document = {
            "format": FORMAT,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "seminar": {"slug": seminar.slug, "title": seminar.title},
            "units": _json(units),
            "people": _json(people),
            "files": [{"sha256": sha, "size": int(sizes[sha])} for sha in hashes],
            "left_out": left_out,
            "tables": {table: _json(rows) for table, rows in tables.items()},
        }
        data = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DOCUMENT, data)
            for sha in hashes:
                [content] = await FILES.filter(sha256=sha).values_list("content", flat=True)
                # Files are mostly compressed already (PDF, .docx): stored as they are.
                archive.writestr(zipfile.ZipInfo(file_path(sha), date_time=(1980, 1, 1, 0, 0, 0)), bytes(content),
                                 compress_type=zipfile.ZIP_STORED)
                summary.file_bytes += len(content)
            manifest = {
                "format": FORMAT,
                "document": {"path": DOCUMENT, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
                "files": len(hashes),
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    summary.rows = {table: len(rows) for table, rows in tables.items()}
    summary.people, summary.units, summary.files, summary.left_out = len(people), len(units), len(hashes), left_out
    return summary


async def archive_bytes(slug: str, database_url: str) -> bytes:
    """The archive in memory (tests)."""
    buffer = io.BytesIO()
    await write_archive(slug, buffer, database_url)
    return buffer.getvalue()
