"""`seminar backup` and `seminar restore`: every row of every table, files included, in one zip.

Files live in the database (the `Blob` table), so one consistent read of the database is a
consistent copy of the installation. The copy is taken through the app, table by table inside
one read-only transaction that sees a single snapshot (REPEATABLE READ on PostgreSQL; a read
transaction in SQLite's WAL mode), and written as JSON lines: it restores on either database,
whichever it came from — which `pg_dump` cannot do, though on a large PostgreSQL installation a
`pg_dump` next to it is still the faster way back (docs/operations.md).

The zip holds `manifest.json` (format, time, the migrations applied, each table's row count and
the SHA-256 of its file) and `tables/<table>.jsonl`. Restoring checks all of it before writing
anything: the format, every table file's hash, every blob's content against its SHA-256, an
installation at the same migrations and with no rows at all. Then it inserts every row with its
own id, parents before children, in one transaction, and moves PostgreSQL's id sequences past them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from tortoise import Tortoise, fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from seminar.db import is_postgres

FORMAT = "seminar-backup/1"
BATCH = 500


class BackupError(Exception):
    """The backup cannot be restored here; the message says why, and nothing was written."""


@dataclass(frozen=True)
class TableCount:
    table: str
    rows: int


# ---------- models, in the order rows can be inserted ----------


def models_in_order() -> list[type[Model]]:
    """Every model, each after the models its foreign keys point to (a self-reference aside)."""
    remaining = {model._meta.db_table: model for model in Tortoise.apps["models"].values()}
    ordered: list[type[Model]] = []
    while remaining:
        ready = sorted(
            table for table, model in remaining.items()
            if all(parent is model or parent._meta.db_table not in remaining for parent in _parents(model))
        )
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(remaining)}")
        for table in ready:
            ordered.append(remaining.pop(table))
    return ordered


def _parents(model: type[Model]) -> list[type[Model]]:
    meta = model._meta
    return [meta.fields_map[name].related_model for name in (*meta.fk_fields, *meta.o2o_fields)]  # type: ignore[attr-defined]  # fields_map holds Field; a relation field has related_model


def _self_references(model: type[Model]) -> list[str]:
    """The column fields of foreign keys from a model to itself (Unit.parent → `parent_id`)."""
    meta = model._meta
    return [
        meta.fields_map[name].source_field or f"{name}_id"
        for name in (*meta.fk_fields, *meta.o2o_fields)
        if meta.fields_map[name].related_model is model  # type: ignore[attr-defined]  # as above: a relation field
    ]


def _columns(model: type[Model]) -> list[str]:
    return list(model._meta.fields_db_projection)


# ---------- values as JSON and back ----------


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _decoder(field: fields.Field[Any]) -> Callable[[Any], Any]:
    if isinstance(field, fields.BinaryField):
        return base64.b64decode
    if isinstance(field, fields.DatetimeField):
        return dt.datetime.fromisoformat
    if isinstance(field, fields.DateField):
        return dt.date.fromisoformat
    if isinstance(field, fields.TimeField):
        return dt.time.fromisoformat
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None:
        return enum_type
    return lambda value: value


def _decode_row(model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
    fields_map = model._meta.fields_map
    return {name: None if value is None else _decoder(fields_map[name])(value) for name, value in row.items()}


# ---------- writing ----------


async def table_rows(model: type[Model]) -> Iterator[dict[str, Any]]:
    """Every row of a table as JSON-ready values, by primary key."""
    rows = await model.all().order_by(model._meta.pk_attr).values(*_columns(model))
    return ({name: _encode(value) for name, value in row.items()} for row in rows)


async def applied_migrations() -> list[str]:
    from seminar.operations.queries import migrations_on_disk, pending_migrations

    pending = set(await pending_migrations())
    return sorted(migrations_on_disk() - pending)


async def write_backup(target: Path | io.BufferedIOBase, database_url: str) -> list[TableCount]:
    """Write the whole installation to `target` as a zip; returns each table's row count."""
    counts: list[TableCount] = []
    manifest: dict[str, Any] = {"format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(), "tables": {}}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        async with in_transaction() as connection:
            if is_postgres(database_url):
                await connection.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            manifest["migrations"] = await applied_migrations()
            for model in models_in_order():
                table = model._meta.db_table
                lines = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in await table_rows(model)]
                data = ("\n".join(lines) + "\n" if lines else "").encode()
                archive.writestr(f"tables/{table}.jsonl", data)
                manifest["tables"][table] = {"rows": len(lines), "sha256": hashlib.sha256(data).hexdigest()}
                counts.append(TableCount(table, len(lines)))
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return counts


# ---------- restoring ----------


def _read_archive(source: Path | io.BufferedIOBase) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise BackupError(f"not a backup of this system (format {manifest.get('format')!r}, expected {FORMAT!r})")
            tables: dict[str, list[dict[str, Any]]] = {}
            for table, entry in manifest["tables"].items():
                data = archive.read(f"tables/{table}.jsonl")
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    raise BackupError(f"tables/{table}.jsonl is damaged: its SHA-256 differs from the manifest's")
                tables[table] = [json.loads(line) for line in data.decode().splitlines() if line]
                if len(tables[table]) != entry["rows"]:
                    raise BackupError(f"tables/{table}.jsonl holds {len(tables[table])} rows, the manifest says {entry['rows']}")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(f"not a readable backup: {error}") from error
    return manifest, tables


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Restored rows keep their own created/updated times: the fields' auto_now/auto_now_add would
    stamp them with the time of the restore, so they are switched off for its duration."""
    switched: list[tuple[fields.DatetimeField, bool, bool]] = []
    for model in Tortoise.apps["models"].values():
        for field in model._meta.fields_map.values():
            if isinstance(field, fields.DatetimeField) and (field.auto_now or field.auto_now_add):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


async def restore_backup(source: Path | io.BufferedIOBase, database_url: str) -> list[TableCount]:
    """Bring a backup back into an installation that is migrated to the same point and empty."""
    manifest, tables = _read_archive(source)
    models = models_in_order()
    known = {model._meta.db_table for model in models}
    if set(tables) != known:
        missing, unknown = sorted(known - set(tables)), sorted(set(tables) - known)
        raise BackupError(f"the backup's tables differ from this installation's (missing {missing}, unknown {unknown})")
    here = await applied_migrations()
    if manifest.get("migrations") != here:
        raise BackupError(
            "the backup was taken at other migrations than this installation has: run the same version "
            f"of the system (backup: {manifest.get('migrations', [])[-1:]}, here: {here[-1:]})"
        )
    for model in models:
        if await model.all().exists():
            raise BackupError(f"this installation is not empty (table {model._meta.db_table} has rows): restore into a new database")
    for row in tables.get("blob", []):
        content = base64.b64decode(row["content"])
        if hashlib.sha256(content).hexdigest() != row["sha256"]:
            raise BackupError(f"the file {row['sha256']} is damaged: its content does not match its SHA-256")
    counts: list[TableCount] = []
    with _timestamps_as_given():
        async with in_transaction() as connection:
            for model in models:
                rows = [_decode_row(model, row) for row in tables[model._meta.db_table]]
                deferred = _self_references(model)
                instances = [model(**{**row, **{name: None for name in deferred}}) for row in rows]
                for start in range(0, len(instances), BATCH):
                    await model.bulk_create(instances[start:start + BATCH], using_db=connection)
                for name in deferred:
                    for row in rows:
                        if row[name] is not None:
                            await model.filter(pk=row[model._meta.pk_attr]).using_db(connection).update(**{name: row[name]})
                counts.append(TableCount(model._meta.db_table, len(rows)))
            if is_postgres(database_url):
                await _move_sequences(connection, models)
    return counts


async def _move_sequences(connection: Any, models: list[type[Model]]) -> None:
    """PostgreSQL hands out ids from a sequence that inserted ids do not move: set each past its table's largest id."""
    for model in models:
        table, pk = model._meta.db_table, model._meta.db_pk_column
        if not isinstance(model._meta.pk, fields.IntField | fields.BigIntField | fields.SmallIntField):
            continue
        await connection.execute_query(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
            f"COALESCE((SELECT MAX(\"{pk}\") FROM \"{table}\"), 0) + 1, false)"
        )

