"""Importing one seminar's archive into this installation, as a new seminar with new ids.

Everything is checked before anything is written: the zip, the manifest, seminar.json against
its hash and the published schema, every file against its SHA-256 and size, every reference
between rows, and the slug. Then, in one transaction: units are matched by name (else by code)
or created, people are matched by e-mail or created without a usable password (they are
invited from the people page), the files are stored (once per content), and every row is
inserted with a new id, the ids it names — in columns and inside JSON — rewritten to the new
ones. The 查重 index of the seminar's texts is made again from them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from seminar.archive import older
from seminar.archive.export import DOCUMENT, MANIFEST, ArchiveError, Problem, file_path
from seminar.archive.remap import JSON_TABLES, remap_json_columns
from seminar.archive.schema import FORMAT, problems, published_schema
from seminar.archive.tables import FILES, PEOPLE, UNITS, carried_models, relations
from seminar.backup import _decode_row
from seminar.certificates.wording import certificate_number
from seminar.seminars.rules import slug_problem

_ACTIVE_CHECKS = ("queued", "running")
_ZIP_MAGIC = b"PK\x03\x04"
_FORMAT_NAME = FORMAT.rsplit("/", 1)[0] + "/"  # "seminar-archive/": the same kind of archive, any version
_READABLE = (FORMAT, older.FORMAT_1)  # this format, and the one before it (converted on reading)


@dataclass
class ImportReport:
    slug: str
    seminar_id: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    people_matched: int = 0
    people_created: int = 0
    units_matched: int = 0
    units_created: int = 0
    files_stored: int = 0
    files_present: int = 0
    file_bytes: int = 0
    certificates_renumbered: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    # An archive of the format before: which format, and the old tables' rows converted (table → rows).
    converted_from: str = ""
    converted: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        counted = ", ".join(f"{table} {count}" for table, count in self.rows.items() if count)
        lines = [
            f"Imported as '{self.slug}' (id {self.seminar_id}).",
            f"Rows: {counted}.",
            f"People: {self.people_matched} matched by e-mail, {self.people_created} created without a password "
            "(invite them from the people page).",
            f"Units: {self.units_matched} matched, {self.units_created} created.",
            f"Files: {self.files_stored} stored, {self.files_present} already here ({self.file_bytes} bytes).",
        ]
        if self.certificates_renumbered:
            lines.append(f"Certificates renumbered (their numbers were taken here): {self.certificates_renumbered}.")
        if self.converted_from:
            counted = ", ".join(f"{table} {count}" for table, count in self.converted.items())
            lines.append(f"Converted from the older format {self.converted_from}: {counted} (decision letters' wording, "
                         f"now mail_wording in {older.DECISION_LOCALE}).")
        if self.left_out:
            lines.append("Left out by the export: " + ", ".join(f"{k} {v}" for k, v in self.left_out.items()) + ".")
        return lines


# ---------- reading and checking ----------


@dataclass
class _Archive:
    zip: zipfile.ZipFile
    document: dict[str, Any]
    converted_from: str = ""
    converted: dict[str, int] = field(default_factory=dict)


def _starts_like_a_zip(source: Path | IO[bytes]) -> bool:
    """Whether the file begins as a zip does (a cut-off or damaged zip, rather than another kind of file)."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return handle.read(4) == _ZIP_MAGIC
    source.seek(0)
    return source.read(4) == _ZIP_MAGIC


def _open(source: Path | IO[bytes]) -> _Archive:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        problem = Problem.DAMAGED if _starts_like_a_zip(source) else Problem.NOT_ZIP
        raise ArchiveError(f"not a readable archive (not a zip file: {error})", problem) from error
    try:
        names = set(archive.namelist())
        if MANIFEST not in names:
            raise ArchiveError(f"not a seminar archive: it has no {MANIFEST}", Problem.NOT_ARCHIVE)
        manifest = json.loads(archive.read(MANIFEST))
        if not isinstance(manifest, dict) or manifest.get("format") not in _READABLE:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            problem = Problem.OTHER_VERSION if str(found).startswith(_FORMAT_NAME) else Problem.NOT_ARCHIVE
            raise ArchiveError(
                f"not a seminar archive of this system (format {found!r}, expected {' or '.join(map(repr, _READABLE))})", problem
            )
        data = archive.read(DOCUMENT)
        if hashlib.sha256(data).hexdigest() != manifest.get("document", {}).get("sha256"):
            raise ArchiveError(f"{DOCUMENT} is damaged: its SHA-256 differs from the manifest's")
        document = json.loads(data)
    except (KeyError, json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, EOFError, AttributeError) as error:
        raise ArchiveError(f"not a readable archive: {error}") from error
    if manifest["format"] == older.FORMAT_1:
        return _Archive(archive, document, older.FORMAT_1, _upgraded(document))
    return _Archive(archive, document)


def _upgraded(document: Any) -> dict[str, int]:
    """A format-1 document made this format's, in place (archive/older.py); what was converted."""
    if not isinstance(document, dict) or document.get("format") != older.FORMAT_1 or not isinstance(document.get("tables"), dict):
        raise ArchiveError(f"{DOCUMENT} is not of the format its manifest names ({older.FORMAT_1})", Problem.OTHER_VERSION)
    the_old_table = {"type": "object", "required": ["tables"], "properties": {"tables": {
        "type": "object", "required": [older.DECISION_TABLE], "properties": {older.DECISION_TABLE: older.DECISION_ROWS}}}}
    if found := problems(document, the_old_table, limit=5):
        raise ArchiveError(f"{DOCUMENT} does not follow the schema of format {older.FORMAT_1}: " + "; ".join(found),
                           Problem.OTHER_VERSION)
    return older.upgrade(document, FORMAT)


def _check_document(document: Any) -> None:
    found = problems(document, published_schema(), limit=5)
    if found:
        raise ArchiveError(
            f"{DOCUMENT} does not follow the archive's schema (made by another version of the system?): " + "; ".join(found),
            Problem.OTHER_VERSION,
        )


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    """The SHA-256 of a file in the zip, read a megabyte at a time."""
    digest = hashlib.sha256()
    with archive.open(name) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_files(archive: _Archive) -> None:
    """Every file listed is in the zip with its SHA-256 and size, and every file the rows name is listed."""
    listed = {entry["sha256"]: entry["size"] for entry in archive.document["files"]}
    names = set(archive.zip.namelist())
    for sha, size in listed.items():
        if file_path(sha) not in names:
            raise ArchiveError(f"the file {sha} is missing from the archive")
        try:
            digest = _sha256(archive.zip, file_path(sha))
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise ArchiveError(f"the file {sha} is damaged: {error}") from error
        if digest != sha or archive.zip.getinfo(file_path(sha)).file_size != size:
            raise ArchiveError(f"the file {sha} is damaged: its content does not match its SHA-256")
    tables = archive.document["tables"]
    named = {row["seal_sha256"] for row in tables["certificate_settings"] if row["seal_sha256"]}
    for model in carried_models():
        for column, related in relations(model).items():
            if related is FILES:
                named.update(row[column] for row in tables[model._meta.db_table] if row[column] is not None)
    if unlisted := sorted(named - set(listed)):
        raise ArchiveError(f"the archive's rows name a file it does not hold: {unlisted[0]}")


def _check_references(document: dict[str, Any]) -> None:
    """Every id a row names is the id of a row in the archive; ids are unique per table; one seminar."""
    tables = document["tables"]
    ids: dict[str, set[Any]] = {"user": set(), "unit": set()}
    for name, rows in (("user", document["people"]), ("unit", document["units"]), *tables.items()):
        ids[name] = {row["id"] for row in rows}
        if len(ids[name]) != len(rows):
            raise ArchiveError(f"the archive is damaged: two rows of {name} have the same id")
    if len(tables["seminar"]) != 1:
        raise ArchiveError(f"the archive is damaged: it holds {len(tables['seminar'])} seminars, not one")
    references: list[tuple[str, list[dict[str, Any]], str, str]] = [
        ("people", document["people"], "unit_id", "unit"), ("units", document["units"], "parent_id", "unit"),
    ]
    for model in carried_models():
        for column, related in relations(model).items():
            if related is not FILES:
                table = model._meta.db_table
                references.append((table, tables[table], column, related._meta.db_table))
    for table, rows, column, target in references:
        for row in rows:
            if row[column] is not None and row[column] not in ids[target]:
                raise ArchiveError(
                    f"the archive is damaged: {table} {row['id']} names {target} {row[column]}, which it does not hold"
                )


def _decoded(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows with dates, times and choices as Python values; ArchiveError for one that is no date."""
    decoded: dict[str, list[dict[str, Any]]] = {}
    try:
        for model in carried_models():
            table = model._meta.db_table
            decoded[table] = [_decode_row(model, row) for row in sorted(document["tables"][table], key=lambda r: r["id"])]
        decoded["unit"] = [_decode_row(UNITS, row) for row in sorted(document["units"], key=lambda r: r["id"])]
        decoded["user"] = [_decode_row(PEOPLE, row) for row in sorted(document["people"], key=lambda r: r["id"])]
    except (ValueError, TypeError) as error:
        raise ArchiveError(f"the archive is damaged: a value cannot be read ({error})") from error
    return decoded


def check_archive(source: Path | IO[bytes]) -> tuple[_Archive, dict[str, list[dict[str, Any]]]]:
    """Open the archive and check all of it; ArchiveError says what is wrong. Reads and hashes
    every file: run it off the event loop (`read_and_check`)."""
    archive = _open(source)
    _check_document(archive.document)
    _check_references(archive.document)
    _check_files(archive)
    return archive, _decoded(archive.document)


async def read_and_check(source: Path | IO[bytes]) -> tuple[_Archive, dict[str, list[dict[str, Any]]]]:
    """`check_archive` in a worker thread: unzipping, parsing and hashing a large archive would
    otherwise hold up every other request of the web process."""
    return await asyncio.to_thread(check_archive, source)


# ---------- writing ----------


async def _units(rows: list[dict[str, Any]], report: ImportReport, connection: Any) -> dict[int, int]:
    by_name = {name: unit_id for unit_id, name in await UNITS.all().using_db(connection).values_list("id", "name")}
    by_code = {code: unit_id for unit_id, code in await UNITS.filter(code__isnull=False).using_db(connection).values_list("id", "code")}
    mapped: dict[int, int] = {}
    created: list[dict[str, Any]] = []
    for row in rows:
        found = by_name.get(row["name"]) or (by_code.get(row["code"]) if row["code"] else None)
        if found is not None:
            mapped[row["id"]] = found
            report.units_matched += 1
            continue
        values = {key: value for key, value in row.items() if key not in ("id", "parent_id")}
        unit = await UNITS.create(**values, using_db=connection)
        mapped[row["id"]] = unit.pk
        created.append(row)
        report.units_created += 1
    for row in created:  # parents once every unit has its new id; matched units keep their own
        if row["parent_id"] is not None:
            await UNITS.filter(id=mapped[row["id"]]).using_db(connection).update(parent_id=mapped[row["parent_id"]])
    return mapped


async def _people(rows: list[dict[str, Any]], units: dict[int, int], report: ImportReport, connection: Any) -> dict[int, int]:
    emails = [row["email"].strip().lower() for row in rows]
    known = dict(await PEOPLE.filter(email__in=emails).using_db(connection).values_list("email", "id"))
    mapped: dict[int, int] = {}
    for row, email in zip(rows, emails, strict=True):
        if email in known:
            mapped[row["id"]] = known[email]
            report.people_matched += 1
            continue
        unit_id = units[row["unit_id"]] if row["unit_id"] is not None else None
        values = {key: value for key, value in row.items() if key not in ("id", "unit_id", "email")}
        # No password: the person sets one through an invitation from the people page.
        person = await PEOPLE.create(
            **values, email=email, unit_id=unit_id, password_hash="", created_at=dt.datetime.now(dt.UTC), using_db=connection
        )
        mapped[row["id"]] = known[email] = person.pk
        report.people_created += 1
    return mapped


async def _files(archive: _Archive, report: ImportReport, connection: Any) -> None:
    for entry in archive.document["files"]:
        if await FILES.filter(sha256=entry["sha256"]).using_db(connection).exists():
            report.files_present += 1
            continue
        content = archive.zip.read(file_path(entry["sha256"]))
        await FILES.bulk_create(
            [FILES(sha256=entry["sha256"], size=len(content), content=content, created_at=dt.datetime.now(dt.UTC))],
            ignore_conflicts=True, using_db=connection,
        )
        report.files_stored += 1
        report.file_bytes += entry["size"]


async def _taken_certificate_numbers(rows: list[dict[str, Any]], connection: Any) -> set[str]:
    from seminar.certificates.models import Certificate

    numbers = [row["number"] for row in rows]
    return {str(number) for number in await Certificate.filter(number__in=numbers).using_db(connection).values_list("number", flat=True)}


def _fix(table: str, values: dict[str, Any], seminar_id: int | None, slug: str, taken: set[str], report: ImportReport) -> None:
    """What a row changes besides its ids on another installation."""
    if table == "seminar":
        values["slug"] = slug
    elif table == "proceedings_build" and values["dedupe_key"]:
        values["dedupe_key"] = f"{seminar_id}:{values['dedupe_key'].split(':', 1)[1]}"
    elif table == "certificate" and values["number"] in taken:
        year = int(values["number"].split("-", 1)[0])
        while values["number"] in taken:
            values["number"] = certificate_number(year, values["serial"])
        report.certificates_renumbered += 1
    elif table == "overlap_check" and values["state"] in _ACTIVE_CHECKS:
        # A check the old installation had not finished: this one's worker does it.
        values.update(state="queued", claimed_by="", started_at=None, progress_done=0, progress_total=None)


async def _index_again(source_id: int, normalised: str, connection: Any) -> None:
    from seminar.overlap.models import OverlapFingerprint
    from seminar.textsim.fingerprints import document_fingerprints

    await OverlapFingerprint.bulk_create(
        [OverlapFingerprint(hash=f.hash, source_id=source_id, position=f.position) for f in document_fingerprints(normalised)],
        batch_size=1000, using_db=connection,
    )


def _auto_now_columns(model: type[Model]) -> list[str]:
    """The columns a save stamps with the time of saving (`updated_at`). Imported rows keep their
    own times; the import runs inside the web process too, so the fields' switch is left alone
    (`seminar restore` turns it off for the whole process, which would stop other requests' stamps)."""
    return [
        name for name, field in model._meta.fields_map.items()
        if isinstance(field, fields.DatetimeField) and field.auto_now
    ]


async def _create(model: type[Model], values: dict[str, Any], slug: str, connection: Any) -> Model:
    if model._meta.db_table != "seminar":
        return await model.create(**values, using_db=connection)
    try:
        return await model.create(**values, using_db=connection)
    except IntegrityError as error:  # the slug is the seminar's only unique column but its id
        raise _slug_taken(slug) from error


def _insert_order() -> list[type[Model]]:
    """Parents before children, and the tables holding ids in JSON after every table those ids name."""
    models = carried_models()
    return [m for m in models if m._meta.db_table not in JSON_TABLES] + [m for m in models if m._meta.db_table in JSON_TABLES]


async def import_archive(source: Path | IO[bytes], slug: str | None = None) -> ImportReport:
    """Import the archive as a new seminar (named `slug`, else the archive's); ArchiveError, and
    nothing written, if anything is wrong with the archive or the slug is taken."""
    from seminar.seminars.models import Seminar

    archive, rows = await read_and_check(source)
    slug = (slug or archive.document["seminar"]["slug"]).strip()
    if problem := slug_problem(slug):
        raise ArchiveError(f"the slug '{slug}' cannot name a seminar here: {problem}", Problem.BAD_SLUG, slug)
    if await Seminar.filter(slug=slug).exists():
        raise _slug_taken(slug)
    return await write_import(archive, rows, slug)


def _slug_taken(slug: str) -> ArchiveError:
    return ArchiveError(
        f"a seminar '{slug}' exists here already: give the imported one another slug with --slug", Problem.SLUG_TAKEN, slug
    )


async def write_import(archive: _Archive, rows: dict[str, list[dict[str, Any]]], slug: str) -> ImportReport:
    """Write the checked archive as the seminar `slug`, in one transaction. Another import may take
    the slug after `import_archive` looked (two admins at the same moment): the seminar's insert then
    breaks the slug's unique constraint, and the same ArchiveError as the look's comes out with
    nothing written (the transaction rolls back)."""
    report = ImportReport(slug, left_out=dict(archive.document["left_out"]),
                          converted_from=archive.converted_from, converted=dict(archive.converted))
    async with in_transaction() as connection:
        maps: dict[str, dict[Any, Any]] = {"unit": await _units(rows["unit"], report, connection)}
        maps["user"] = await _people(rows["user"], maps["unit"], report, connection)
        await _files(archive, report, connection)
        taken = await _taken_certificate_numbers(rows["certificate"], connection)
        for model in _insert_order():
            table = model._meta.db_table
            links = relations(model)
            stamped = _auto_now_columns(model)
            maps[table] = {}
            for row in rows[table]:
                values = {key: value for key, value in row.items() if key != model._meta.pk_attr}
                for column, related in links.items():
                    if related is not FILES and values[column] is not None:
                        values[column] = maps[related._meta.db_table][values[column]]
                remap_json_columns(table, values, maps)
                _fix(table, values, next(iter(maps["seminar"].values()), None), slug, taken, report)
                created = await _create(model, values, slug, connection)
                if given := {name: values[name] for name in stamped if values.get(name) is not None}:
                    # An update query takes the times as given, where saving a row stamps "now".
                    await model.filter(pk=created.pk).using_db(connection).update(**given)
                maps[table][row["id"]] = created.pk
                if table == "overlap_source":
                    await _index_again(created.pk, values["normalised"], connection)
            report.rows[table] = len(rows[table])
        report.seminar_id = next(iter(maps["seminar"].values()))
    return report
