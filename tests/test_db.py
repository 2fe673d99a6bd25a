"""Telling a lost database (503) from a failing query or another fault (500), on real errors."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from tortoise import connections
from tortoise.exceptions import OperationalError

from seminar.db import is_connection_lost, is_postgres
from tests.faults.network import free_port


async def test_a_refused_database_connection_is_a_lost_database() -> None:
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(host="127.0.0.1", port=free_port(), user="nobody", database="nothing", timeout=5)

    assert is_connection_lost(refused.value)


async def test_a_wrong_query_is_not_a_lost_database() -> None:
    with pytest.raises(OperationalError) as wrong:
        await connections.get("default").execute_query("SELECT no_such_column FROM no_such_table")

    assert not is_connection_lost(wrong.value)


def test_a_missing_file_outside_the_database_is_not_a_lost_database(tmp_path: Path) -> None:
    with pytest.raises(OSError) as missing:
        (tmp_path / "absent.pdf").read_bytes()

    assert not is_connection_lost(missing.value)
    assert not is_connection_lost(ValueError("not a database error"))


async def test_connections_given_back_without_a_reset_still_start_clean(database: str) -> None:
    """Pooled PostgreSQL connections skip asyncpg's reset query on release (`keep_session_state`):
    a transaction that failed half-way is still rolled back, so the next query on any pooled
    connection works, and a transaction's own setting ends with it."""
    from tortoise.exceptions import IntegrityError
    from tortoise.transactions import in_transaction

    from seminar.accounts.models import Unit, UnitKind

    await Unit.create(name="广州市", kind=UnitKind.CITY)
    for _attempt in range(8):  # more than the pool holds: every connection is given back once
        with pytest.raises(IntegrityError):
            async with in_transaction() as connection:
                if is_postgres(database):
                    await connection.execute_query("SET LOCAL statement_timeout = 1234")
                await Unit.create(name="广州市", kind=UnitKind.CITY, using_db=connection)
    rows = [await connections.get("default").execute_query_dict("SELECT count(*) AS n FROM unit") for _n in range(8)]

    assert all(row == [{"n": 1}] for row in rows)
    if is_postgres(database):
        shown = await connections.get("default").execute_query_dict("SHOW statement_timeout")
        assert shown[0]["statement_timeout"] != "1234ms"
