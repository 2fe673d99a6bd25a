"""Every change by a signed-in person leaves an entry: who, what, when, from where."""

from __future__ import annotations

import datetime as dt

import pytest

from seminar.audit.models import AuditEntry
from seminar.audit.record import is_audited, prune_audit_log
from tests.conftest import Client
from tests.factories import make_organizer, make_seminar, make_submitter


@pytest.mark.parametrize(
    ("action", "method", "status", "audited"),
    [
        ("seminars:settings", "POST", 303, True),
        ("seminars:settings", "POST", 400, False),  # refused: nothing changed
        ("seminars:settings", "GET", 200, False),
        ("accounts:language", "POST", 303, False),
        ("reviews:autosave", "POST", 200, False),
    ],
)
def test_is_audited(action: str, method: str, status: int, audited: bool) -> None:
    assert is_audited(action, method, status) is audited


async def test_an_organizers_change_is_recorded_with_who_what_and_where(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    await client.login("organizer@example.org")

    await client.post_form("/gd-2021/manage/topics", {"title": "新增专题", "description": ""})

    entry = await AuditEntry.get(action="seminars:topics")
    assert (entry.user_email, entry.method, entry.path) == ("organizer@example.org", "POST", "/gd-2021/manage/topics")
    assert entry.seminar_id == seminar.id  # type: ignore[attr-defined]
    assert entry.field_names == ["description", "title"]
    assert entry.ip == "127.0.0.1"


async def test_refused_and_anonymous_requests_leave_no_entry(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, email="guangzhou@example.org")

    await client.post_form("/login", {"email": "guangzhou@example.org", "password": "wrong-password"})
    await client.login("guangzhou@example.org")
    await client.post_form("/gd-2021/manage/topics", {"title": "x"})  # 403 for a submitter

    assert await AuditEntry.all().count() == 0


async def test_organizers_search_their_seminars_log_and_only_theirs(client: Client) -> None:
    seminar = await make_seminar()
    other = await make_seminar(slug="gd-2022")
    await make_organizer(seminar)
    await make_organizer(other, email="other@example.org")
    await client.login("other@example.org")
    await client.post_form("/gd-2022/manage/topics", {"title": "另一个研讨班的专题", "description": ""})
    await client.logout()
    await client.login("organizer@example.org")
    await client.post_form("/gd-2021/manage/topics", {"title": "新增专题", "description": ""})

    page = await client.get("/gd-2021/manage/audit", params={"person": "organizer"})
    foreign = await client.get("/gd-2022/manage/audit")

    assert "seminars:topics" in page.text and "organizer@example.org" in page.text
    assert "other@example.org" not in page.text
    assert foreign.status_code == 403


async def test_old_entries_are_pruned_after_the_retention_period() -> None:
    old = await AuditEntry.create(action="x", method="POST", path="/x", status_code=303)
    await AuditEntry.filter(id=old.id).update(at=dt.datetime.now(dt.UTC) - dt.timedelta(days=200))
    await AuditEntry.create(action="y", method="POST", path="/y", status_code=303)

    removed = await prune_audit_log(180)

    assert removed == 1
    assert await AuditEntry.all().values_list("action", flat=True) == ["y"]
