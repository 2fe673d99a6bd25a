"""签到 by a badge's QR address: staff check its person in once per day or session; every other case changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from seminar.accounts.models import RoleName
from seminar.certificates.checkin import checkin_code, checkin_token
from seminar.checkin import days
from seminar.checkin.models import CheckIn, CheckInMethod
from seminar.config import Settings
from seminar.seminars.models import Seminar
from tests.conftest import Client
from tests.factories import grant, make_attendee, make_organizer, make_seminar, make_user

SEMINAR_DAY = dt.datetime(2026, 12, 10, 1, 30, tzinfo=dt.UTC)  # 09:30 in Guangzhou, the seminar's day


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(days, "now", lambda: SEMINAR_DAY)
    yield


async def staffed(email: str = "staff@example.org") -> tuple[Seminar, object, object]:
    seminar = await make_seminar()
    attendee = await make_attendee(seminar, "a1@example.org", name="黄颖")
    staff = await grant(await make_user(email=email, name="周工"), seminar, RoleName.STAFF)
    return seminar, attendee, staff


def badge_path(settings: Settings, seminar_id: int, user_id: int, slug: str = "gd-2021") -> str:
    return f"/{slug}/checkin/{checkin_token(settings.secret_key, seminar_id, user_id)}"


async def test_staff_open_the_badge_see_the_person_and_check_them_in_once(client: Client, settings: Settings) -> None:
    seminar, attendee, staff = await staffed()
    path = badge_path(settings, seminar.id, attendee.id)  # type: ignore[attr-defined]
    await client.login(staff.email)  # type: ignore[attr-defined]

    page = await client.get(path)
    done = await client.post_form(path, {"day": "2026-12-10", "session": ""}, follow_redirects=True)
    again = await client.post_form(path, {"day": "2026-12-10", "session": ""}, follow_redirects=True)

    assert page.status_code == 200
    assert "黄颖" in page.text and "省公安厅" in page.text and "治安管理局干部" in page.text
    assert "签到" in page.text
    assert "黄颖 已签到：2026年12月10日" in done.text
    row = await CheckIn.get(seminar_id=seminar.id, user_id=attendee.id)  # type: ignore[attr-defined]
    assert (row.day, row.session_key, row.by_id, row.method) == (dt.date(2026, 12, 10), "", staff.id, CheckInMethod.SCAN)  # type: ignore[attr-defined]
    assert await CheckIn.all().count() == 1
    assert "已于" in again.text and "周工" in again.text  # when and by whom
    assert "09:30" in again.text


@pytest.mark.parametrize("case", ["forged", "other_seminar", "expired", "not_listed"])
async def test_a_bad_badge_gets_a_clear_answer_and_changes_nothing(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch, case: str,
) -> None:
    seminar, attendee, staff = await staffed()
    other = await make_seminar("sz-2022", title="深圳市域社会治理研讨班")
    user_id = attendee.id  # type: ignore[attr-defined]
    token = checkin_token(settings.secret_key, seminar.id, user_id)
    expected, status = {
        "forged": ("不是本系统的参会证", 400),
        "other_seminar": ("另一个研讨班", 404),  # as if there were no such badge here
        "expired": ("已过期：本研讨班的签到已于2026年12月12日结束", 410),
        "not_listed": ("不在本研讨班的名单", 400),
    }[case]
    if case == "forged":
        token = checkin_token("another-secret", seminar.id, user_id)
    elif case == "other_seminar":
        token = checkin_token(settings.secret_key, other.id, user_id)
    elif case == "expired":
        monkeypatch.setattr(days, "now", lambda: SEMINAR_DAY + dt.timedelta(days=3))
    else:
        token = checkin_token(settings.secret_key, seminar.id, staff.id + 1000)  # type: ignore[attr-defined]
    await client.login(staff.email)  # type: ignore[attr-defined]

    page = await client.get(f"/gd-2021/checkin/{token}")
    posted = await client.post_form(f"/gd-2021/checkin/{token}", {"day": "2026-12-10"}, follow_redirects=True)
    sent = await client.post("/gd-2021/checkin/record", content=json.dumps({"token": token, "day": "2026-12-10"}),
                             headers={"X-CSRF-Token": await client.csrf(), "Content-Type": "application/json"})

    assert page.status_code == status and expected in page.text
    assert "黄颖" not in page.text
    assert posted.status_code == status and expected in posted.text
    assert sent.status_code == 400 and expected in sent.json()["message"]
    assert await CheckIn.all().count() == 0


@pytest.mark.parametrize("scanned", [
    "https://example.com/gd-2021/news", "WIFI:S:会场;T:WPA;P:12345678;;", "hello", "https://u.wechat.com/EAbCdEf",
])
async def test_a_scanned_qr_code_that_is_no_badge_is_told_so_and_checks_nobody_in(client: Client, scanned: str) -> None:
    _seminar, _attendee, staff = await staffed()
    await client.login(staff.email)  # type: ignore[attr-defined]

    sent = await client.post("/gd-2021/checkin/record", content=json.dumps({"token": scanned, "day": "2026-12-10"}),
                             headers={"X-CSRF-Token": await client.csrf(), "Content-Type": "application/json"})

    assert sent.status_code == 400
    assert sent.json() == {"status": "refused",
                           "message": "这个二维码不是参会证，不能用于签到。请扫描参会证上的二维码，或按姓名查找。"}
    assert await CheckIn.all().count() == 0


async def test_people_who_do_not_check_in_see_only_a_request_to_show_the_badge(client: Client, settings: Settings) -> None:
    seminar, attendee, _staff = await staffed()
    path = badge_path(settings, seminar.id, attendee.id)  # type: ignore[attr-defined]

    anonymous = await client.get(path)
    anonymous_post = await client.post_form(path, {"day": "2026-12-10"})
    await client.login(attendee.email)  # type: ignore[attr-defined]
    own = await client.get(path)
    own_post = await client.post_form(path, {"day": "2026-12-10"})

    other = await make_seminar("sz-2022", title="深圳市域社会治理研讨班")
    elsewhere = await client.get(badge_path(settings, other.id, attendee.id))  # type: ignore[attr-defined]

    assert elsewhere.status_code == 404 and "不是本研讨班的参会证" in elsewhere.text
    for page in (anonymous, own):
        assert page.status_code == 200
        assert "请向会务工作人员出示" in page.text
        assert "省公安厅" not in page.text and "治安管理局干部" not in page.text
    assert anonymous_post.status_code == 303 and "/login" in anonymous_post.headers["location"]
    assert own_post.status_code == 403
    assert await CheckIn.all().count() == 0


async def test_organizers_check_in_too_per_session(client: Client, settings: Settings) -> None:
    seminar, attendee, _staff = await staffed()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.post_form(badge_path(settings, seminar.id, attendee.id),  # type: ignore[attr-defined]
                                      {"day": "2026-12-10", "session": "no-such-session"})

    assert response.status_code == 303
    assert await CheckIn.filter(user_id=attendee.id, by_id=organizer.id).count() == 1  # type: ignore[attr-defined]


async def test_the_scanner_records_a_check_in_sent_twice_once(client: Client, settings: Settings) -> None:
    seminar, attendee, staff = await staffed()
    await client.login(staff.email)  # type: ignore[attr-defined]
    page = await client.get("/gd-2021/checkin")
    url = "http://testserver" + badge_path(settings, seminar.id, attendee.id)  # type: ignore[attr-defined]
    queued_at = (SEMINAR_DAY - dt.timedelta(minutes=20)).isoformat()
    headers = {"X-CSRF-Token": await client.csrf(), "Content-Type": "application/json"}

    first = await client.post("/gd-2021/checkin/record", headers=headers,
                              content=json.dumps({"token": url, "day": "2026-12-10", "session": "", "at": queued_at}))
    second = await client.post("/gd-2021/checkin/record", headers=headers,
                               content=json.dumps({"token": url, "day": "2026-12-10", "session": ""}))
    unsigned = await client.post("/gd-2021/checkin/record", content=json.dumps({"token": url}),
                                 headers={"Content-Type": "application/json"})

    assert page.status_code == 200 and "jsQR.js" in page.text
    assert first.json()["status"] == "checked_in" and second.json()["status"] == "already"
    assert "周工" in second.json()["message"]
    row = await CheckIn.get(user_id=attendee.id)  # type: ignore[attr-defined]
    assert row.at == SEMINAR_DAY - dt.timedelta(minutes=20)  # the time the phone scanned it, offline
    assert unsigned.status_code == 403  # no CSRF header
    assert await CheckIn.all().count() == 1


async def test_staff_find_a_person_by_the_code_on_the_badge_or_by_name(client: Client, settings: Settings) -> None:
    seminar, attendee, staff = await staffed()
    await make_attendee(seminar, "a2@example.org", name="马俊")
    code = checkin_code(settings.secret_key, seminar.id, attendee.id)  # type: ignore[attr-defined]
    await client.login(staff.email)  # type: ignore[attr-defined]

    by_code = (await client.get("/gd-2021/checkin/find", params={"q": code.lower()})).json()
    by_name = (await client.get("/gd-2021/checkin/find", params={"q": "马"})).json()
    nobody = (await client.get("/gd-2021/checkin/find", params={"q": "ZZZZZ"})).json()
    headers = {"X-CSRF-Token": await client.csrf(), "Content-Type": "application/json"}
    await client.post("/gd-2021/checkin/record", headers=headers,
                      content=json.dumps({"person": attendee.id, "method": "code", "day": "2026-12-10"}))  # type: ignore[attr-defined]

    assert by_code["by"] == "code" and [p["name"] for p in by_code["people"]] == ["黄颖"]
    assert [p["name"] for p in by_name["people"]] == ["马俊"]
    assert nobody["people"] == []
    assert (await CheckIn.get(user_id=attendee.id)).method == CheckInMethod.CODE  # type: ignore[attr-defined]


async def test_staff_may_check_in_but_not_follow_the_counts(client: Client) -> None:
    _seminar, _attendee, staff = await staffed()
    await client.login(staff.email)  # type: ignore[attr-defined]

    scanner = await client.get("/gd-2021/checkin")
    overview = await client.get("/gd-2021/manage/checkin")
    status = await client.get("/gd-2021/manage/checkin/status.json")

    assert scanner.status_code == 200 and "签到登记" in scanner.text
    assert overview.status_code == 403 and status.status_code == 403
