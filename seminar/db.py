"""Tortoise configuration (one app, every area's models, migrations in `migrations/`), telling a
lost database from a failing query, `column`, one field of every row a query finds, and `rows`,
a hand-written query for the few that every signed-in request sends."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tortoise.models import Model
    from tortoise.queryset import QuerySet

M = TypeVar("M", bound="Model")

MODEL_MODULES = [
    "seminar.accounts.models",
    "seminar.seminars.models",
    "seminar.mail.models",
    "seminar.audit.models",
    "seminar.submissions.models",
    "seminar.reviews.models",
    "seminar.proceedings.models",
    "seminar.registration.models",
    "seminar.agenda.models",
    "seminar.certificates.models",
    "seminar.operations.models",
    "seminar.overlap.models",
    "seminar.seating.models",
    "seminar.api.models",
    "seminar.checkin.models",
    "seminar.handbook.models",
]


async def keep_session_state(connection: object) -> None:
    """What a pooled PostgreSQL connection is put through when released, instead of asyncpg's reset.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`
    on every release: a round trip per query outside a transaction, 15% of the server's CPU under
    load. The site holds no advisory lock, no cursor outside a transaction and no session setting
    (SET), so there is nothing to undo; an open transaction is still rolled back by asyncpg before
    this is called. Code that starts using one of those must undo it itself. The one LISTEN, of
    change notices (`seminar.listener`), is kept on purpose: each connection listens from its start.
    """


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    connection: str | dict[str, Any] = database_url
    if is_postgres(database_url):
        from tortoise.backends.base.config_generator import expand_db_url

        from seminar.listener import NotifiedConnection, listen_on

        connection = expand_db_url(database_url)
        connection["credentials"]["reset"] = keep_session_state
        # Every pooled connection hears the change notices, its own transactions' before their COMMIT returns.
        connection["credentials"]["connection_class"] = NotifiedConnection
        connection["credentials"]["init"] = listen_on
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


# For Tortoise's own command line (`tortoise -c seminar.db.TORTOISE_ORM makemigrations`):
# making migrations compares models with migration files and needs no real database.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


# ---------- Telling a lost database from a bug ----------

# SQLite result codes (low byte) that mean "the file cannot be used right now", not "bad SQL":
# busy or locked by another process, cannot open, disk I/O error, disk full, read-only file.
_SQLITE_UNAVAILABLE = {5, 6, 8, 10, 13, 14}
_DRIVER_MODULES = ("asyncpg", "aiosqlite", "tortoise.backends")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it was raised from or during, and exceptions it wraps (Tortoise wraps the driver's)."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [link for link in (current.__cause__, current.__context__) if link is not None]
        pending += [argument for argument in current.args if isinstance(argument, BaseException)]


def _raised_by_database_driver(error: BaseException) -> bool:
    """Whether the error passed through the database driver: a refused socket there is the database's."""
    traceback = error.__traceback__
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.startswith(_DRIVER_MODULES):
            return True
        traceback = traceback.tb_next
    return False


def is_dropped_connection(error: BaseException) -> bool:
    """Whether a pooled connection died under the query (the server ended it, a failover): another
    connection from the pool, or a new one, may well work at once."""
    import asyncpg

    dropped = (asyncpg.ConnectionDoesNotExistError, asyncpg.exceptions.OperatorInterventionError)
    for cause in _causes(error):
        if isinstance(cause, dropped):
            return True
        # A backend ended while its connection sat idle in the pool: the driver may read the
        # server's farewell in the middle of the next query and lose track of its own state.
        if isinstance(cause, asyncpg.InternalClientError):
            return True
        if isinstance(cause, asyncpg.InterfaceError) and "closed" in str(cause):
            return True
    return False


def is_connection_lost(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached or used right now (a 503), not that a query is wrong.

    PostgreSQL: refused or dropped connections, a terminated backend, a server shutting down or
    full. SQLite: a file locked by another process beyond the busy timeout, or unreadable.
    Tortoise's DBConnectionError is a ConnectionError, so it is covered by the OSError rule.
    """
    import sqlite3

    import asyncpg

    unavailable = (
        asyncpg.PostgresConnectionError,
        asyncpg.exceptions.OperatorInterventionError,  # terminated backend, shutdown, cannot connect now
        asyncpg.exceptions.TooManyConnectionsError,
    )
    if is_dropped_connection(error):
        return True
    for cause in _causes(error):
        if isinstance(cause, unavailable):
            return True
        if isinstance(cause, sqlite3.OperationalError) and (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE:
            return True
        if isinstance(cause, OSError) and _raised_by_database_driver(cause):
            return True
    return False


async def column(query: QuerySet[Any], field: str) -> list[Any]:
    """`field` of every row the query finds, as a list of values: `values_list(field, flat=True)`,
    which Tortoise types as a list of tuples whatever `flat` says."""
    return await query.values_list(field, flat=True)


@functools.cache
def _sqlite_placeholders(sql: str) -> str:
    return re.sub(r"\$(\d+)", r"?\1", sql)


# Where a hand-written query locks the rows of one of its parts (`rows(..., for_update=True)`).
LOCK = "{for_update}"


async def rows(sql: str, values: Sequence[Any], for_update: bool = False) -> Sequence[Any]:
    """The rows of a hand-written query, each read by column name (`row["id"]`, `Model._init_from_db(**row)`).

    For the queries every signed-in request sends, where building the query and its model instances
    through the ORM costs more CPU than the database spends answering. `$1`, `$2`… are the values on
    both databases (SQLite's `?1`, `?2`…), and may repeat. The query goes through the ORM's connection
    (the request's transaction, if any), so it is logged and counted like the ORM's own.
    `for_update`: the rows found are locked until the transaction ends (PostgreSQL; SQLite locks the
    whole file for a transaction's writes, as `select_for_update` does there): those of the whole
    query, or, where the query says `LOCK` (after a part's WHERE), those of each part so marked.
    """
    _count, found = await _execute(sql, values, for_update)
    return found


async def changed(sql: str, values: Sequence[Any]) -> int:
    """How many rows a hand-written UPDATE or DELETE changed (values as in `rows`): for a write that
    checks in its WHERE what a locked read would have checked before it, in one statement."""
    count, _found = await _execute(sql, values)
    return count


async def _execute(sql: str, values: Sequence[Any], for_update: bool = False) -> tuple[int, Sequence[Any]]:
    """`rows` and `changed`: the count and the rows of a hand-written statement, in the database's dialect."""
    from tortoise import connections

    connection = connections.get("default")
    postgres = connection.capabilities.dialect != "sqlite"
    if not postgres:
        sql = _sqlite_placeholders(sql)  # $1, $2… as SQLite's ?1, ?2…
    if LOCK in sql:
        sql = sql.replace(LOCK, "FOR UPDATE" if postgres and for_update else "")
    elif postgres and for_update:
        sql += " FOR UPDATE"
    count, found = await connection.execute_query(sql, list(values))
    return count, found


def is_sqlite() -> bool:
    """Whether the site's database is SQLite (else PostgreSQL), for the few hand-written queries that differ."""
    from tortoise import connections

    return connections.get("default").capabilities.dialect == "sqlite"


@functools.cache
def json_rows(model: type[Model], alias: str, where: str, sqlite: bool) -> str:
    """A subquery that gives every row of `model`'s table that `where` finds (SQL on `alias`) as one
    JSON array of objects by column name, in no set order; `from_json` makes the instances. For a
    list beside a query's single row (the review page's criteria), instead of a query of its own."""
    table = model._meta.db_table
    pairs = ", ".join(f"'{column}', {alias}.\"{column}\"" for column in model._meta.fields_db_projection.values())
    if sqlite:
        return f"(SELECT json_group_array(json_object({pairs})) FROM \"{table}\" {alias} WHERE {where})"
    return f"(SELECT json_agg(json_build_object({pairs})) FROM \"{table}\" {alias} WHERE {where})"


def from_json(model: type[M], value: str | None) -> list[M]:
    """The instances in a column of `json_rows` (NULL when PostgreSQL found none), built as the ORM
    builds a query's own. Only for models whose columns JSON keeps as they are (numbers, text)."""
    projection = model._meta.fields_db_projection
    return [model._init_from_db(**{name: found[column] for name, column in projection.items()})
            for found in json.loads(value or "[]")]


def selected(model: type[Model], alias: str, prefix: str = "") -> str:
    """The SELECT list of every column of `model`'s table under `alias`, named `prefix` + column."""
    return ", ".join(f'{alias}."{column}" AS "{prefix}{column}"' for column in model._meta.fields_db_projection.values())


def instance(model: type[M], row: Any, prefix: str = "") -> M | None:
    """The model instance in a row of `rows` (its columns named as `selected` named them), None when
    a left join found none: built as the ORM builds a query's own, so it saves and compares like one."""
    projection = model._meta.fields_db_projection
    if row[prefix + projection[model._meta.pk_attr]] is None:
        return None
    return model._init_from_db(**{name: row[prefix + column] for name, column in projection.items()})


def attach(owner: Model, relation: str, related: Model | None) -> None:
    """`related` as `owner`'s foreign key `relation`, as `select_related(relation)` would have set it."""
    object.__setattr__(owner, f"_{relation}", related)
