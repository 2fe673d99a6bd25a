"""Reading people for pages: one query per list, whatever its length."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from tortoise.functions import Count

from seminar import changes
from seminar.accounts.models import LoginFailure, Role, RoleName, Unit, User
from seminar.accounts.people import PersonStatus, person_status, status_label
from seminar.accounts.roles import ROLE_ORDER
from seminar.accounts.units import people_order_of
from seminar.config import Settings
from seminar.db import column, instance, is_sqlite, rows, selected
from seminar.reviews.queries import reviewer_papers_sql, split_reviewer_papers
from seminar.seminars.models import Seminar
from seminar.seminars.queries import seminar_columns, seminar_in


@dataclass
class Person:
    user: User
    roles: list[RoleName] = field(default_factory=list)

    @property
    def status(self) -> PersonStatus:
        return person_status(self.user.is_active, bool(self.user.password_hash))


def _official_order(person: Person) -> tuple[tuple[int, int], int, str, int]:
    """省直单位 first, then the cities in official order, institutions, and people without a unit last."""
    unit = person.user.unit
    return (people_order_of(unit), unit.id if unit else 0, person.user.name, person.user.id)


async def people_of(seminar: Seminar, role: RoleName | None = None) -> list[Person]:
    """Everyone with a role in `seminar` (or with `role`), in the official order of their units."""
    people: dict[int, Person] = {}
    for row in await Role.filter(seminar_id=seminar.id).select_related("user", "user__unit"):
        person = people.setdefault(row.user.id, Person(row.user))
        person.roles.append(RoleName(row.name))
    selected = [p for p in people.values() if role is None or role in p.roles]
    for person in selected:
        person.roles.sort(key=ROLE_ORDER.index)
    return sorted(selected, key=_official_order)


async def locked_emails(emails: list[str], attempts: int, window_seconds: int) -> set[str]:
    """Which of these accounts are locked out by recent failed logins (one query)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=window_seconds)
    failures = await column(LoginFailure.filter(email__in=emails, at__gt=since), "email")
    counts = Counter(failures)
    return {email for email, count in counts.items() if count >= attempts}


async def seminars_of(user_ids: list[int]) -> dict[int, frozenset[int]]:
    """For each of these people, every seminar where they hold any role (one query)."""
    found: dict[int, set[int]] = {}
    for user_id, seminar_id in await Role.filter(user_id__in=user_ids).values_list("user_id", "seminar_id"):
        found.setdefault(user_id, set()).add(seminar_id)
    return {user_id: frozenset(ids) for user_id, ids in found.items()}


async def person_in_seminar_or_404(seminar: Seminar, user_id: int) -> User:
    """A person with a role in this seminar; anyone else is 'not found' from here."""
    if not await Role.exists(seminar_id=seminar.id, user_id=user_id):
        raise HTTPException(status_code=404)
    return await User.get(id=user_id)


async def units_in_order() -> list[Unit]:
    return await Unit.all().order_by("sort_order", "id")


async def units_page() -> list[Unit]:
    """Every unit in the official order, each with `people_count` (accounts) and `paper_count`: one query."""
    return await (Unit.all().annotate(people_count=Count("users", distinct=True),
                                      paper_count=Count("papers", distinct=True))
                  .order_by("sort_order", "id"))


async def unit_or_404(unit_id: int) -> Unit:
    unit = await Unit.get_or_none(id=unit_id)
    if unit is None:
        raise HTTPException(status_code=404)
    return unit


async def people_page(seminar: Seminar, role: RoleName | None, settings: Settings) -> dict[str, Any]:
    """What the people page lists: everyone with a role (or with `role`), who of them is locked out, and
    every seminar each belongs to (account-wide actions depend on it); three queries however many people."""
    listed = await people_of(seminar, role)
    emails = [person.user.email for person in listed]
    return {
        "seminar": seminar, "people": listed, "role": role, "roles": ROLE_ORDER, "status_label": status_label,
        "locked": await locked_emails(emails, settings.login_attempts_per_account, settings.login_window_seconds),
        "seminars_of": await seminars_of([person.user.id for person in listed]),
    }


async def roles_in(seminar: Seminar | None, user: User) -> list[RoleName]:
    """The roles `user` holds in `seminar`, as their invitation names them; none without a seminar."""
    if seminar is None:
        return []
    return [role.name for role in await Role.filter(user_id=user.id, seminar_id=seminar.id)]


async def with_unit(user: User) -> User:
    """`user` with their unit loaded (one query), as their profile shows it."""
    await user.fetch_related("unit")
    return user


@functools.cache
def _session_actor_sql(sqlite: bool) -> str:
    reviewing = "SELECT seminar_id FROM role WHERE user_id = $1 AND name = $3"
    # The roles and papers as one text column ("r:<seminar>:<role>,a:<paper>:,c:<paper>:"), so that the user's
    # and the seminar's columns come once rather than on a row per role and paper (their decoding was a third
    # of the query's CPU). Role names and kinds are plain words, ids numbers: neither holds ":" or ",".
    listed = "group_concat" if sqlite else "string_agg"
    return f"""
        SELECT {selected(User, 'u')}, {seminar_columns("sm", "su", "seminar.")},
            (SELECT {listed}(x.kind || ':' || x.ref || ':' || COALESCE(x.name, ''), ',') FROM (
                SELECT 'r' AS kind, seminar_id AS ref, name FROM role WHERE user_id = $1
                UNION ALL
                SELECT kind, ref, NULL FROM ({reviewer_papers_sql(reviewing)}) papers
            ) x) AS grants
        FROM "user" u
        JOIN login_session s ON s.user_id = u.id AND s.key_hash = $2
        LEFT JOIN seminar sm ON sm.slug = $4
        LEFT JOIN unit su ON su.id = sm.organizer_unit_id
        WHERE u.id = $1 AND u.is_active"""


@dataclass(frozen=True)
class SessionActor:
    user: User
    roles: dict[int, frozenset[str]]
    assigned_paper_ids: frozenset[int]
    conflicted_paper_ids: frozenset[int]
    seminar: Seminar | None


# The query's row and the roles and papers read from it, per user, session key and path's seminar.
_Found = tuple[Any, dict[int, frozenset[str]], frozenset[int], frozenset[int]]
# How many answers a process keeps (the most recently used): one per signed-in browser and first segment
# of the addresses it asks for, a few kilobytes each (the seminar's description included): some megabytes.
KEPT_ACTORS = 2048
_kept: changes.Kept[tuple[int, str, str], _Found] = changes.Kept(KEPT_ACTORS)


async def session_actor(user_id: int, key_hash: str, slug: str = "") -> SessionActor | None:
    """The active user whose login session has this key, their roles by seminar, and where they review,
    the papers they are assigned to and conflicted with: one query of one row, which every signed-in
    request sends first, or None when there is no such session. With it comes the seminar `slug`
    names, if there is one: the page's, for a seminar's page.

    On PostgreSQL the answer is kept in the process until any table it is read from changes
    (`seminar.changes`), and the next requests of that session for that seminar ask nothing. Each gets
    instances of its own, built from the kept row as from the query's, which it may change as it likes."""
    key, since = (user_id, key_hash, slug), changes.stamp()
    found = _kept.get(key, since)
    if found is None:
        answer = await rows(_session_actor_sql(is_sqlite()), [user_id, key_hash, RoleName.REVIEWER.value, slug])
        if not answer:
            return None
        found = _read_grants(answer[0])
        _kept.keep(key, found, since)
    row, roles, assigned, conflicted = found
    user = instance(User, row)
    assert user is not None, "an inner join"
    return SessionActor(user, dict(roles), assigned, conflicted, seminar_in(row, "seminar."))


def _read_grants(row: Any) -> _Found:
    """The roles by seminar and the assigned and conflicted papers in the row's text column `grants`."""
    roles: dict[int, set[str]] = {}
    papers = []
    for grant in (row["grants"] or "").split(","):
        if not grant:
            continue
        kind, ref, name = grant.split(":", 2)
        if kind == "r":
            roles.setdefault(int(ref), set()).add(name)
        else:
            papers.append({"kind": kind, "ref": ref})
    assigned, conflicted = split_reviewer_papers(papers)
    return row, {seminar_id: frozenset(names) for seminar_id, names in roles.items()}, assigned, conflicted
