"""Hearing PostgreSQL's change notices (`seminar.changes`): on one connection of the process's own, and on
every pooled connection, so that a change counts at once in the process that made it.

A transaction that writes a table who is asking is read from notifies the channel (migration 0029). The
process's listener holds a connection for nothing else, LISTENs and waits: notices from every other
process arrive on it within milliseconds of their commit, and while it is not connected the process
keeps no copies (`changes.listening`). The pooled connections LISTEN too, from the moment they are
opened (the pool's `init`), and keep doing so between requests (`db.keep_session_state` resets
nothing): PostgreSQL hands a transaction's own notice to its connection before its COMMIT's answer,
so the process that made a change has heard of it before its next statement — the request that made
it, or the next one, never reads an older copy.

Both need a session of their own on the server: a direct connection or PgBouncer's session pooling,
not transaction pooling (docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from seminar import changes

logger = logging.getLogger(__name__)

CHANNEL = "seminar_changes"  # migration 0029's triggers notify it
# How the listener's connection shows in pg_stat_activity.
APPLICATION_NAME = "seminar listener"
# How long the listener's connection may stay silent before it is asked whether it still answers, and how
# long it may take to answer: a server gone without closing the connection (a failover, a cable) is noticed
# within their sum, and meanwhile nothing of the other processes' changes is heard.
HEARTBEAT_SECONDS = 10.0
HEARTBEAT_TIMEOUT_SECONDS = 5.0
# Waits between attempts to connect again, the last repeated.
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)


class NotifiedConnection(asyncpg.Connection):
    """A connection whose change notices reach `changes.heard` as they arrive, whatever asyncpg's own
    listeners (which it forgets each time a pooled connection is released) say."""

    def _process_notification(self, pid: int, channel: str, payload: str) -> None:
        if channel == CHANNEL:
            changes.heard(payload)
        super()._process_notification(pid, channel, payload)  # type: ignore[misc]  # not in asyncpg's hints


async def listen_on(connection: asyncpg.Connection) -> None:
    """A new connection starts listening (the pool's `init`: once per connection, not per request)."""
    await connection.execute(f"LISTEN {CHANNEL}")


def _connect_arguments(client: Any) -> dict[str, Any]:
    """What the ORM's PostgreSQL client connects with (host, user, TLS…), for a connection outside its pool."""
    accepted = inspect.signature(asyncpg.connect).parameters
    extra = {name: value for name, value in client.extra.items() if name in accepted}
    return {
        **extra, "host": client.host, "port": client.port, "user": client.user, "password": client.password,
        "database": client.database, "server_settings": {**client.server_settings, "application_name": APPLICATION_NAME},
        "connection_class": NotifiedConnection,
    }


async def _listen_once(arguments: dict[str, Any], connected: asyncio.Event) -> None:
    """Connects, listens and holds the connection until it is lost or stops answering."""
    connection = await asyncpg.connect(**arguments)
    try:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await listen_on(connection)
        changes.listening(True)
        connected.set()
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), HEARTBEAT_SECONDS)
            except TimeoutError:
                await connection.fetchval("SELECT 1", timeout=HEARTBEAT_TIMEOUT_SECONDS)
    finally:
        changes.listening(False)
        connection.terminate()


async def _listen(arguments: dict[str, Any], connected: asyncio.Event) -> None:
    """`_listen_once` again and again, until cancelled: waiting longer after each attempt that did not connect."""
    failed = 0
    while True:
        connected.clear()
        try:
            await _listen_once(arguments, connected)
            logger.warning("change notices: the listener's connection closed; no copies used until it is back")
        except Exception as error:  # whatever it was, the process goes on without copies and tries again
            logger.warning("change notices: no listener (%s: %s); no copies used until it is back",
                           type(error).__name__, str(error)[:200])
        failed = 0 if connected.is_set() else failed + 1
        await asyncio.sleep(RETRY_SECONDS[min(failed, len(RETRY_SECONDS) - 1)])


@contextlib.asynccontextmanager
async def listening(client: Any, wait_seconds: float = 0.0) -> AsyncIterator[None]:
    """The process's listener, for as long as the block runs, on the ORM's PostgreSQL `client`'s server.

    The site starts without waiting for it (until it connects, copies are simply not used); a test
    waits up to `wait_seconds`."""
    connected = asyncio.Event()
    task = asyncio.create_task(_listen(_connect_arguments(client), connected))
    try:
        if wait_seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(connected.wait(), wait_seconds)
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
