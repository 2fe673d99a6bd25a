"""Sessions end after a quiet spell and some hours after login, whatever the activity."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from seminar.accounts.sessions import session_expired
from seminar.app import create_app
from tests.conftest import Client, flashes
from tests.factories import make_organizer, make_seminar


@pytest.mark.parametrize(
    ("since", "seen", "now", "expired"),
    [
        (0, 0, 100, False),
        (0, 0, 7201, True),  # idle over two hours
        (0, 7000, 14000, False),  # active, within the twelve hours
        (0, 43000, 43300, True),  # active but signed in over twelve hours ago
    ],
)
def test_session_expired(since: int, seen: int, now: int, expired: bool) -> None:
    assert session_expired({"since": since, "seen": seen}, now, 7200, 43200) is expired


async def test_an_idle_session_ends_with_a_message(settings) -> None:  # type: ignore[no-untyped-def]
    seminar = await make_seminar()
    await make_organizer(seminar)
    app = create_app(replace(settings, session_idle_seconds=-1))
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await client.login("organizer@example.org")

        page = await client.get("/gd-2021/manage/", follow_redirects=True)

    assert "李明" not in page.text
    assert "会话已过期，请重新登录。" in flashes(page)


async def test_who_is_signed_in_and_their_roles_cost_one_query_and_every_change_counts_at_once() -> None:
    """A request learns who is asking and what they may do in one query, a reviewer's assigned and
    conflicted papers included. Nothing is kept between requests, so a role granted or taken away,
    a password changed elsewhere and a sign-out all count on the next one."""
    import datetime as dt
    import time

    from seminar.accounts.actions import close_session, open_session
    from seminar.accounts.models import Role, RoleName, User
    from seminar.middleware import load_actor
    from tests.conftest import counted_queries
    from seminar.reviews.models import Conflict
    from tests.factories import grant, make_assignment, make_paper

    seminar = await make_seminar()
    user = await make_organizer(seminar)
    key = await open_session(user, 3600)
    now = int(time.time())

    def session() -> dict:  # type: ignore[type-arg]
        return {"user_id": user.id, "epoch": 0, "key": key, "since": now, "seen": now}

    with counted_queries() as organizer_queries:
        organizer = await load_actor(session())
    await grant(user, seminar, RoleName.REVIEWER)
    assigned = await make_paper(seminar, city="广州市", status="submitted")
    declined = await make_paper(seminar, city="深圳市", status="submitted")
    conflicted = await make_paper(seminar, city="珠海市", status="submitted")
    await make_assignment(assigned, user)
    await make_assignment(declined, user, declined_at=dt.datetime.now(dt.UTC))
    await Conflict.create(seminar=seminar, paper=conflicted, reviewer=user, source="declared")
    with counted_queries() as reviewer_queries:
        reviewer = await load_actor(session())
    await Role.filter(user_id=user.id, name=RoleName.ORGANIZER).delete()
    demoted = await load_actor(session())
    await User.filter(id=user.id).update(session_epoch=1)  # what a password change elsewhere does
    after_password_change = await load_actor(session())
    await User.filter(id=user.id).update(session_epoch=0)
    again = await load_actor(session())
    await close_session(key)
    signed_out = await load_actor(session())

    assert organizer.roles == {seminar.id: frozenset({RoleName.ORGANIZER.value})} and len(organizer_queries) == 1
    assert reviewer.roles == {seminar.id: frozenset({RoleName.ORGANIZER.value, RoleName.REVIEWER.value})}
    assert reviewer.assigned_paper_ids == {assigned.id} and reviewer.conflicted_paper_ids == {conflicted.id}
    assert len(reviewer_queries) == 1
    assert organizer.user is not None and organizer.user.name == "李明" and organizer.user.id == user.id
    assert demoted.roles == {seminar.id: frozenset({RoleName.REVIEWER.value})}
    assert after_password_change.user is None and again.user is not None
    assert signed_out.user is None


def _session_of(user_id: int, key: str, seen: int | None = None) -> dict:  # type: ignore[type-arg]
    """What the cookie of a session opened now carries (`seen`: its last request, now by default)."""
    import time

    now = int(time.time())
    return {"user_id": user_id, "epoch": 0, "key": key, "since": now, "seen": now if seen is None else seen}


async def _asked(session: dict, slug: str = ""):  # type: ignore[no-untyped-def, type-arg]
    """Who is asking for this session (and the seminar `slug` names), and how many queries that took."""
    from seminar.middleware import actor_and_seminar
    from tests.conftest import counted_queries

    with counted_queries() as queries:
        actor, seminar = await actor_and_seminar(session, 7200, 43200, slug)
    return actor, seminar, len(queries)


async def test_who_is_asking_is_kept_between_requests_and_every_change_counts_at_the_next(change_notices) -> None:  # type: ignore[no-untyped-def]
    """Served on PostgreSQL, a session's next request asks nothing: the answer is kept in the process until a
    table it was read from changes. Each change made in this process counts at the very next request,
    as when nothing was kept; writes to other tables (a paper's title, a review) keep the copy."""
    from seminar.accounts.actions import close_session, open_session
    from seminar.accounts.models import Role, RoleName, User
    from seminar.reviews.models import Conflict, Review
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper
    from tests.factories import grant, make_assignment, make_paper, make_unit

    seminar = await make_seminar()
    user = await make_organizer(seminar)
    key = await open_session(user, 3600)
    session = _session_of(user.id, key)

    first, kept_seminar, asked_first = await _asked(session, seminar.slug)
    again, again_seminar, asked_again = await _asked(session, seminar.slug)
    assert (asked_first, asked_again) == (1, 0)
    assert again.roles == first.roles == {seminar.id: frozenset({RoleName.ORGANIZER.value})}
    assert again_seminar is not None and kept_seminar is not None and again_seminar.title == kept_seminar.title
    assert again.user is not None and again.user is not first.user  # each request its own instances
    assert again_seminar is not kept_seminar

    await grant(user, seminar, RoleName.REVIEWER)
    reviewer, _seminar, asked = await _asked(session, seminar.slug)
    assert reviewer.roles == {seminar.id: frozenset({RoleName.ORGANIZER.value, RoleName.REVIEWER.value})} and asked == 1

    assigned = await make_paper(seminar, city="广州市", status="submitted")
    await make_assignment(assigned, user)
    conflicted = await make_paper(seminar, city="珠海市", status="submitted")
    await Conflict.create(seminar=seminar, paper=conflicted, reviewer=user, source="declared")
    papers, _seminar, _asked_papers = await _asked(session, seminar.slug)
    assert papers.assigned_paper_ids == {assigned.id} and papers.conflicted_paper_ids == {conflicted.id}

    # Writes to what who is asking is not read from keep the copy.
    await Paper.filter(id=assigned.id).update(title="以党建引领推进市域社会治理")
    assignment = await make_assignment(await make_paper(seminar, city="佛山市", status="submitted"), await make_organizer(seminar, "other@example.org"))
    _kept, _seminar, asked_after_a_new_paper = await _asked(session, seminar.slug)  # a new paper may be one of theirs
    await Review.create(assignment=assignment, scores={}, comment_to_authors="草稿", version=1)
    await Review.filter(assignment_id=assignment.id).update(comment_to_authors="草稿二", version=2)
    _kept, _seminar, asked_after_other_writes = await _asked(session, seminar.slug)
    assert (asked_after_a_new_paper, asked_after_other_writes) == (1, 0)

    # The reviewer moves to 佛山市: its papers become theirs to stay away from (the unit conflict).
    await User.filter(id=user.id).update(unit_id=(await make_unit("佛山市")).id)
    moved, _seminar, _asked_moved = await _asked(session, seminar.slug)
    assert moved.conflicted_paper_ids == {conflicted.id, assignment.paper_id}
    await Paper.filter(id=assignment.paper_id).update(city_id=(await make_unit("珠海市")).id)
    papers_moved, _seminar, _asked_papers_moved = await _asked(session, seminar.slug)
    assert papers_moved.conflicted_paper_ids == {conflicted.id}

    await Seminar.filter(id=seminar.id).update(title="第二届研讨班")
    _actor, renamed, _asked_renamed = await _asked(session, seminar.slug)
    assert renamed is not None and renamed.title == "第二届研讨班"

    await Role.filter(user_id=user.id, name=RoleName.ORGANIZER).delete()
    demoted, _seminar, _asked_demoted = await _asked(session)
    await User.filter(id=user.id).update(session_epoch=1)  # what a password change elsewhere does
    after_password_change, _seminar, _asked_password = await _asked(session)
    await User.filter(id=user.id).update(session_epoch=0)
    back, _seminar, _asked_back = await _asked(_session_of(user.id, key))
    await User.filter(id=user.id).update(is_active=False)
    switched_off, _seminar, _asked_off = await _asked(_session_of(user.id, key))
    await User.filter(id=user.id).update(is_active=True)
    await close_session(key)
    signed_out, _seminar, _asked_out = await _asked(_session_of(user.id, key))

    assert demoted.roles == {seminar.id: frozenset({RoleName.REVIEWER.value})}
    assert after_password_change.user is None and back.user is not None
    assert switched_off.user is None and signed_out.user is None


async def test_a_kept_session_still_ends_on_the_clock(change_notices) -> None:  # type: ignore[no-untyped-def]
    """What the copy holds is the database's; how long a session lasts is the cookie's, checked against
    the clock on every request: a session idle too long ends though its answer is kept."""
    import time

    from seminar.accounts.actions import open_session

    seminar = await make_seminar()
    user = await make_organizer(seminar)
    key = await open_session(user, 3600)
    await _asked(_session_of(user.id, key))
    kept, _seminar, asked = await _asked(_session_of(user.id, key))
    idle = _session_of(user.id, key, seen=int(time.time()) - 7201)
    ended, _seminar, asked_idle = await _asked(idle)

    assert kept.user is not None and asked == 0
    assert ended.user is None and idle.get("expired") is True and asked_idle == 0


async def test_every_table_who_is_asking_is_read_from_tells_of_its_changes(change_notices) -> None:  # type: ignore[no-untyped-def]
    """Migration 0029 gives each table the actor's query reads a trigger that sends the change notice:
    a table added to the query needs one too, or its changes would go unseen by the kept copies."""
    import re

    from tortoise import connections

    from seminar.accounts.queries import _session_actor_sql

    read = set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', _session_actor_sql(False)))
    found = await connections.get("default").execute_query_dict(
        "SELECT DISTINCT event_object_table AS name FROM information_schema.triggers"
        " WHERE trigger_name LIKE '%_actor_changed'"
    )

    assert read == {"user", "login_session", "role", "review_assignment", "review_conflict",
                    "review_unit_conflict_lift", "paper", "seminar", "unit"}
    assert read <= {row["name"] for row in found}
