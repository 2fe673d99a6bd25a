"""Upgrading an installation that has data: every new NOT NULL column needs a default in the database.

A migration that adds a NOT NULL column without a database default applies to an empty database —
which is all the rest of the suite ever migrates — and fails on every real one: SQLite says
"Cannot add a NOT NULL column with default value NULL", PostgreSQL "column … contains null values".
Tortoise writes a field's Python `default` into no DDL, so each such AddField carries `db_default`
(edit what `makemigrations` wrote; see docs/development.md).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.migrations import operations as ops
from tortoise.migrations.api.migrate import migrate

import migrations
from seminar.archive import older
from seminar.db import is_postgres, tortoise_config
from tests.conftest import _postgres_admin, _postgres_parts


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """These tests migrate a database of their own (overrides the conftest's fixture)."""


def _migration_modules() -> list[tuple[str, object]]:
    names = sorted(name for _finder, name, package in pkgutil.iter_modules(migrations.__path__) if not package)
    return [(name, importlib.import_module(f"migrations.{name}").Migration) for name in names]


def test_every_added_not_null_column_has_a_database_default() -> None:
    missing = [
        f"{name}: {operation.model_name}.{operation.name}"
        for name, migration in _migration_modules()
        for operation in migration.operations  # type: ignore[attr-defined]  # a Migration class
        if isinstance(operation, ops.AddField)
        and not operation.field.null
        and not operation.field.has_db_default()
        and not getattr(operation.field, "generated", False)
    ]
    assert missing == [], "give these AddFields a db_default (see this module's docstring)"


@pytest.fixture
async def scratch_database(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own, on the suite's kind of server."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not is_postgres(base):
        yield f"sqlite://{tmp_path / 'upgrade.sqlite3'}"
        return
    server, admin_url = _postgres_parts(base)
    name = f"seminar_upgrade_{secrets.token_hex(4)}"
    await _postgres_admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        await _postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_an_installation_with_a_seminar_and_its_book_settings_upgrades(scratch_database: str, database: str) -> None:
    """The last migrations before the book's sections, a seminar with rows in the tables the later
    ones add columns to, then every migration since: nothing refused, the new columns filled."""
    try:
        await _upgrade_with_data(scratch_database)
    finally:  # the ORM is global: give the rest of the suite its own database back
        await Tortoise.close_connections()
        await Tortoise.init(config=tortoise_config(database))


async def _upgrade_with_data(scratch_database: str) -> None:
    await Tortoise.close_connections()
    config = tortoise_config(scratch_database)
    previous = _migration_modules()[[name for name, _m in _migration_modules()].index("0014_book_sections") - 1][0]
    await migrate(config=config, target=f"models.{previous}")
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        connection = connections.get("default")
        await connection.execute_script(
            "INSERT INTO unit (name, name_hant, kind, pinyin, sort_order) VALUES ('广州市', '', 'city', '', 1);"
            "INSERT INTO seminar (slug, title, description, venue, starts_on, ends_on, reviews_per_paper, blind_review,"
            " proceedings_public, time_zone, version, created_at, updated_at) VALUES ('gd-2021', '研讨班', '', '广州',"
            " '2021-11-25', '2021-11-26', 3, TRUE, FALSE, 'Asia/Shanghai', 1, '2021-11-01 00:00:00+00', '2021-11-01 00:00:00+00');"
            "INSERT INTO proceedings_settings (seminar_id, preface, mark, include_comments, include_agenda,"
            " include_participants, updated_at) SELECT id, '前言', '内部资料', FALSE, TRUE, FALSE, '2021-11-01 00:00:00+00' FROM seminar;"
            "INSERT INTO review_decision_mail_template (seminar_id, outcome, subject, body, updated_at)"
            " SELECT id, 'keynote', '{seminar}：重点发言', '{recipient}：入选。', '2021-11-01 00:00:00+00' FROM seminar;"
        )
    finally:
        await Tortoise.close_connections()

    await migrate(config=config)
    await Tortoise.close_connections()

    await Tortoise.init(config=config)
    try:
        rows = await connections.get("default").execute_query_dict(
            "SELECT preface, afterword, preface_signature, compiled_by, house_style FROM proceedings_settings"
        )
        units = await connections.get("default").execute_query_dict("SELECT full_name FROM unit")
        wordings = await connections.get("default").execute_query_dict("SELECT kind, locale, subject, body FROM mail_wording")
    finally:
        await Tortoise.close_connections()
    assert rows == [{"preface": "前言", "afterword": "", "preface_signature": "", "compiled_by": "", "house_style": older.HOUSE_STYLE}]
    assert units == [{"full_name": ""}]
    # A decision letter worded before letters had languages is the seminar's Simplified Chinese wording.
    assert wordings == [{"kind": "reviews-decision-keynote", "locale": "zh_Hans", "subject": "{seminar}：重点发言",
                         "body": "{recipient}：入选。"}]
    # An archive of the format before (seminar-archive/1) gets the same row from the importer's converter.
    old_row = {"id": 7, "outcome": "keynote", "subject": "{seminar}：重点发言", "body": "{recipient}：入选。",
               "updated_at": "2021-11-01T00:00:00+00:00", "seminar_id": 1}
    converted = older.decision_wording(old_row, 1)
    assert [{key: converted[key] for key in ("kind", "locale", "subject", "body")}] == wordings
