"""The database lost and restored: requests get a clean 503 in the reader's language and the
site recovers by itself, without a restart.

PostgreSQL: the real site (`seminar serve`) reaches the server through a TCP proxy on loopback
that the test cuts (connections reset, new ones refused) and restores, and the server itself
terminates the site's connections (`pg_terminate_backend`, as an administrator or a failover
does). SQLite has no connection to lose — the file is opened inside the process and stays open
whatever happens to its name — so its real outage is another process holding the write lock
(a backup, a migration, a script) longer than the busy timeout.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from tortoise import connections

from seminar.accounts.models import User
from seminar.db import is_postgres
from tests.conftest import Client
from tests.factories import make_seminar, make_user
from tests.faults.network import TcpProxy
from tests.faults.processes import served_site

APP_NAME = "seminar-fault-site"
UNAVAILABLE = {  # each language's heading of the 503 page
    "zh_Hans": "暂时无法访问",
    "zh_Hant": "暫時無法訪問",
    "en": "Temporarily unavailable",
}


def assert_clean_503(response: httpx.Response, locale: str) -> None:
    assert response.status_code == 503, response.text[:500]
    assert response.headers["retry-after"] == "30"
    assert response.headers["content-type"].startswith("text/html")
    assert UNAVAILABLE[locale] in response.text
    assert "Traceback" not in response.text and "asyncpg" not in response.text and "sqlite" not in response.text


async def test_postgres_lost_and_restored_answers_503_then_recovers_without_a_restart(
    database: str, tmp_path: Path
) -> None:
    if not is_postgres(database):
        pytest.skip("SQLite has no connection to lose; its outage is the locked-file test below")
    seminar = await make_seminar()
    await make_user(email="lin@example.org", name="林静", locale="zh_Hant")
    target = urlsplit(database)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    site_database = f"postgres://{target.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}{target.path}?application_name={APP_NAME}"
    page = f"/{seminar.slug}/"
    try:
        with served_site(site_database, tmp_path) as base_url:
            async with Client(base_url=base_url) as browser, httpx.AsyncClient(base_url=base_url) as visitor:
                await browser.login("lin@example.org")
                assert (await browser.get(page)).status_code == 200

                proxy.cut()
                # Signed in with a Traditional Chinese profile on an English browser: the page still
                # speaks the person's language, though their profile cannot be read now.
                assert_clean_503(await browser.get(page, headers={"Accept-Language": "en-US,en"}), "zh_Hant")
                assert_clean_503(await visitor.get("/", headers={"Accept-Language": "zh-TW"}), "zh_Hant")
                assert_clean_503(await visitor.get("/"), "zh_Hans")
                assert (await visitor.get("/healthz")).status_code == 503

                proxy.restore()
                assert (await browser.get(page)).status_code == 200  # the very next request
                assert (await visitor.get("/healthz")).json() == {"status": "ok", "database": "ok"}

                terminated = await terminate_backends(database, APP_NAME)
                assert terminated >= 1
                after = await browser.get(page)
                assert after.status_code == 200
                assert "林静" in after.text
    finally:
        proxy.stop()


async def terminate_backends(database_url: str, application_name: str) -> int:
    """What an administrator (or a failover) does: the server ends the site's connections."""
    admin = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        terminated = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            application_name,
        )

        async def remaining() -> int:
            return await admin.fetchval("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", application_name)

        for _tick in range(100):  # the backends end asynchronously; wait until they are gone
            if not await remaining():
                break
            await asyncio.sleep(0.05)
        return terminated
    finally:
        await admin.close()


LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


async def test_sqlite_locked_by_another_process_answers_503_and_the_same_request_succeeds_once_released(
    database: str, client: Client
) -> None:
    if is_postgres(database):
        pytest.skip("a file lock is SQLite's outage; PostgreSQL's is the lost-connection test above")
    await make_user(email="chen@example.org", name="陈晨", locale="en")
    await client.login("chen@example.org")
    profile = {"name": "陈晨", "phone": "", "position": "处长", "locale": "en"}
    connection = connections.get("default")
    await connection.execute_script("PRAGMA busy_timeout = 300")  # the production 5 s, shortened for the test
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, database.removeprefix("sqlite://")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        blocked = await client.post_form("/profile", profile)
        reading = await client.get("/profile")  # reads go on: SQLite's WAL lets readers past a writer
    finally:
        holder.communicate("", timeout=10)
        await connection.execute_script("PRAGMA busy_timeout = 5000")

    assert_clean_503(blocked, "en")  # the signed-in person's own language
    assert reading.status_code == 200
    assert (await User.get(email="chen@example.org")).position == ""

    again = await client.post_form("/profile", profile)

    assert again.status_code == 303
    assert (await User.get(email="chen@example.org")).position == "处长"
