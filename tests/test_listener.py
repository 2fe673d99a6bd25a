"""Hearing PostgreSQL's change notices: another process's change within moments, nothing kept while the
listener is lost, and nothing kept from before it came back (the process's own changes: tests/accounts/test_sessions.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from seminar import changes, listener
from seminar.accounts.actions import open_session
from seminar.accounts.models import RoleName
from seminar.db import is_postgres
from seminar.middleware import load_actor
from tests.conftest import Client, counted_queries
from tests.factories import grant, make_organizer, make_reviewer, make_seminar
from tests.faults.processes import served_site
from tests.patience import patience


def _session(user_id: int, key: str) -> dict:  # type: ignore[type-arg]
    now = int(time.time())
    return {"user_id": user_id, "epoch": 0, "key": key, "since": now, "seen": now}


async def _loaded(session: dict):  # type: ignore[no-untyped-def, type-arg]
    with counted_queries() as queries:
        actor = await load_actor(session)
    return actor, len(queries)


async def _until(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + patience(seconds)
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        await asyncio.sleep(0.01)


def _server_url(database: str) -> str:
    return database.replace("postgres://", "postgresql://", 1)


async def test_a_change_made_by_another_process_counts_once_its_notice_arrives(change_notices, database: str) -> None:  # type: ignore[no-untyped-def]
    """Another server process (here a script of its own) takes a role away: this process hears of it within
    moments of the commit, and the next request after that reads who is asking anew."""
    seminar = await make_seminar()
    user = await grant(await make_organizer(seminar), seminar, RoleName.REVIEWER)
    key = await open_session(user, 3600)
    await _loaded(_session(user.id, key))
    before, asked_before = await _loaded(_session(user.id, key))
    stamp = changes.stamp()

    script = (
        "import asyncio, asyncpg, sys\n"
        "async def main():\n"
        "    connection = await asyncpg.connect(sys.argv[1])\n"
        "    await connection.execute(\"DELETE FROM role WHERE user_id = $1 AND name = 'reviewer'\", int(sys.argv[2]))\n"
        "    await connection.close()\n"
        "asyncio.run(main())\n"
    )
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", script, _server_url(database), str(user.id)], timeout=patience(20)
    )
    await _until(lambda: changes.stamp() != stamp, seconds=2)
    after, asked_after = await _loaded(_session(user.id, key))

    assert done.returncode == 0
    assert asked_before == 0 and before.roles[seminar.id] == {RoleName.ORGANIZER.value, RoleName.REVIEWER.value}
    assert asked_after == 1 and after.roles[seminar.id] == {RoleName.ORGANIZER.value}


async def test_nothing_is_kept_while_the_listener_is_lost_nor_from_before_it_came_back(
    change_notices, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Changes made while the listener's connection is gone go unheard: meanwhile every request asks, and
    what was kept before is not used after it reconnects."""
    monkeypatch.setattr(listener, "RETRY_SECONDS", (patience(1.0),))
    seminar = await make_seminar()
    user = await make_organizer(seminar)
    key = await open_session(user, 3600)
    await _loaded(_session(user.id, key))
    _kept, asked_kept = await _loaded(_session(user.id, key))

    admin = await asyncpg.connect(_server_url(database))
    try:
        ended = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            listener.APPLICATION_NAME,
        )
    finally:
        await admin.close()
    await _until(lambda: changes.stamp() is None, seconds=2)
    _lost, asked_while_lost = await _loaded(_session(user.id, key))
    _lost_again, asked_again_while_lost = await _loaded(_session(user.id, key))
    await _until(lambda: changes.stamp() is not None, seconds=5)
    _back, asked_when_back = await _loaded(_session(user.id, key))
    _kept_again, asked_after = await _loaded(_session(user.id, key))

    assert ended == 1 and asked_kept == 0
    assert (asked_while_lost, asked_again_while_lost) == (1, 1)
    assert (asked_when_back, asked_after) == (1, 0)


async def test_two_servers_on_one_database_a_change_counts_at_once_where_made_and_moments_later_elsewhere(
    database: str, tmp_path: Path
) -> None:
    """Two `seminar serve` processes on one database, a reviewer signed in on each: an organizer takes the
    reviewer role away on the second. There the reviewer's very next request is refused; on the first,
    once its listener has heard of it (milliseconds; the test allows seconds)."""
    if not is_postgres(database):
        pytest.skip("copies kept between requests need PostgreSQL's change notices; SQLite keeps none")
    seminar = await make_seminar()
    await make_organizer(seminar)
    reviewer = await make_reviewer(seminar, email="reviewer01@example.org")
    reviews = f"/{seminar.slug}/reviews/"
    with served_site(database, tmp_path / "first") as first, served_site(database, tmp_path / "second") as second:
        async with Client(base_url=first) as on_first, Client(base_url=second) as on_second, \
                Client(base_url=second) as organizer:
            await on_first.login("reviewer01@example.org")
            await on_second.login("reviewer01@example.org")
            await organizer.login("organizer@example.org")
            before = [(await browser.get(reviews)).status_code for browser in (on_first, on_second) for _twice in (1, 2)]

            removed = await organizer.post_form(f"/{seminar.slug}/manage/people/{reviewer.id}/remove")
            where_made = (await on_second.get(reviews)).status_code
            started = time.monotonic()
            while (elsewhere := (await on_first.get(reviews)).status_code) == 200 and time.monotonic() < started + patience(2):
                await asyncio.sleep(0.01)

    assert before == [200, 200, 200, 200]
    assert removed.status_code == 303
    assert where_made == 404 and elsewhere == 404  # the reviews of a seminar one does not review: not there


@pytest.mark.parametrize("notices", [True, False])
async def test_change_notices_false_keeps_no_copies_behind_a_pooler_that_cannot_listen(
    notices: bool, settings, database: str  # type: ignore[no-untyped-def]
) -> None:
    """`CHANGE_NOTICES=false` (PgBouncer's transaction pooling carries no LISTEN): the served app starts no
    listener, so every request asks who is asking; by default the second request asks nothing."""
    import dataclasses

    from seminar.app import change_notices

    if not is_postgres(database):
        pytest.skip("copies kept between requests need PostgreSQL's change notices; SQLite keeps none")
    seminar = await make_seminar()
    user = await make_organizer(seminar)
    key = await open_session(user, 3600)
    async with change_notices(dataclasses.replace(settings, change_notices=notices)):
        if notices:
            await _until(lambda: changes.stamp() is not None, seconds=5)
        else:
            await asyncio.sleep(patience(0.5))  # time enough for a listener, were one started, to connect
        listening = changes.stamp() is not None
        await _loaded(_session(user.id, key))
        _again, asked_again = await _loaded(_session(user.id, key))
    assert (listening, asked_again) == ((True, 0) if notices else (False, 1))
