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
