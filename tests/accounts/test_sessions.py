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
