"""Telling a lost database (503) from a failing query or another fault (500), on real errors."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from tortoise import connections
from tortoise.exceptions import OperationalError

from seminar.db import is_connection_lost
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
