"""`seminar backup` and `seminar restore`: the demo comes back row for row and file for file; a
damaged, foreign or mismatched backup, or a database that is not empty, is refused and nothing changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from seminar.accounts.models import Unit, UnitKind
from seminar.backup import BackupError, models_in_order, restore_backup, table_rows, write_backup
from seminar.demo import build_demo
from seminar.submissions.models import Blob
from tests.conftest import _empty_all_tables
from tests.test_cli import query, run_seminar


async def _everything() -> dict[str, list[dict[str, object]]]:
    return {model._meta.db_table: list(await table_rows(model)) for model in models_in_order()}


async def _backup(database: str) -> bytes:
    buffer = io.BytesIO()
    await write_backup(buffer, database)
    return buffer.getvalue()


async def test_the_demo_comes_back_row_for_row_and_file_for_file(database: str) -> None:
    await build_demo(today=dt.date(2026, 11, 25))
    before = await _everything()
    files = {blob.sha256: hashlib.sha256(blob.content).hexdigest() for blob in await Blob.all()}
    backup = await _backup(database)

    await _empty_all_tables(database)
    counts = await restore_backup(io.BytesIO(backup), database)

    assert await _everything() == before
    assert {blob.sha256: hashlib.sha256(blob.content).hexdigest() for blob in await Blob.all()} == files
    assert len(files) >= 46 and all(key == value for key, value in files.items())
    assert sum(count.rows for count in counts) == sum(len(rows) for rows in before.values())
    # New rows get fresh ids after the restored ones (PostgreSQL's sequences were moved past them).
    added = await Unit.create(name="新单位", kind=UnitKind.INSTITUTION)
    assert added.id > max(int(str(row["id"])) for row in before["unit"])


async def test_a_unit_restored_before_its_parent_keeps_its_parent(database: str) -> None:
    """Units point at units: a child with a smaller id than its parent still comes back whole."""
    child = await Unit.create(name="下级", kind=UnitKind.INSTITUTION)
    parent = await Unit.create(name="上级", kind=UnitKind.DEPARTMENT)
    await Unit.filter(id=child.id).update(parent_id=parent.id)
    backup = await _backup(database)
    await _empty_all_tables(database)

    await restore_backup(io.BytesIO(backup), database)

    assert (await Unit.get(name="下级")).parent_id == parent.id  # type: ignore[attr-defined]


def _rewritten(backup: bytes, name: str, change: bytes) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(backup)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.namelist():
            archive.writestr(item, change if item == name else source.read(item))
    return target.getvalue()


async def test_a_damaged_or_mismatched_backup_and_a_database_with_rows_are_refused(database: str) -> None:
    await Unit.create(name="广州市", kind=UnitKind.CITY)
    backup = await _backup(database)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(backup)).read("manifest.json"))
    older = {**manifest, "migrations": manifest["migrations"][:-1]}
    cases = {
        "not empty": (backup, "this installation is not empty (table "),
        "damaged table": (_rewritten(backup, "tables/unit.jsonl", b'{"id": 1}\n'), "tables/unit.jsonl is damaged"),
        "other migrations": (_rewritten(backup, "manifest.json", json.dumps(older).encode()), "other migrations"),
        "not a zip": (b"PK\x03\x04 not really", "not a readable backup"),
        "foreign": (_rewritten(backup, "manifest.json", b'{"format": "other/1"}'), "not a backup of this system"),
    }
    for case, (data, message) in cases.items():
        if case != "not empty":
            await _empty_all_tables(database)
        with pytest.raises(BackupError, match=message.replace("(", r"\(")):
            await restore_backup(io.BytesIO(data), database)
        assert await Unit.all().count() == (1 if case == "not empty" else 0), case


def test_the_commands_back_up_one_site_and_restore_it_into_another(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_seminar(first, "migrate").returncode == 0 and run_seminar(first, "units").returncode == 0
    backup = tmp_path / "backup.zip"

    written = run_seminar(first, "backup", str(backup))
    restored = run_seminar(second, "restore", str(backup))
    again = run_seminar(second, "restore", str(backup))

    assert written.returncode == 0 and "written to" in written.stdout, written.stderr
    assert restored.returncode == 0 and "Restored" in restored.stdout, restored.stderr
    units = "SELECT id, name, kind, parent_id FROM unit ORDER BY id"
    assert query(second, units) == query(first, units) and len(query(first, units)) > 20
    assert again.returncode == 1 and "this installation is not empty" in again.stderr
