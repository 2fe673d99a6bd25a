"""`seminar demo` builds a usable seminar, and building it again changes nothing."""

from __future__ import annotations

import datetime as dt

from seminar.accounts.models import Role, RoleName, Unit, UnitKind, User
from seminar.demo import build_demo
from seminar.seminars.models import Seminar, Topic
from tests.conftest import Client

TODAY = dt.date(2026, 11, 25)


async def _counts() -> dict[str, int]:
    return {
        "units": await Unit.all().count(),
        "users": await User.all().count(),
        "roles": await Role.all().count(),
        "seminars": await Seminar.all().count(),
        "topics": await Topic.all().count(),
    }


async def test_demo_built_twice_has_the_same_rows_and_the_same_seminar_version() -> None:
    await build_demo(today=TODAY)
    first = await _counts()
    version = (await Seminar.get(slug="gd-2021")).version

    await build_demo(today=TODAY)

    assert await _counts() == first
    assert first["seminars"] == 1 and first["topics"] == 6 and first["users"] == 33
    assert (await Seminar.get(slug="gd-2021")).version == version


async def test_demo_has_one_submitter_per_city_plus_hengqin_reviewers_and_an_admin_organizer() -> None:
    await build_demo(today=TODAY)
    seminar = await Seminar.get(slug="gd-2021").select_related("organizer_unit")

    submitters = await User.filter(roles__seminar=seminar, roles__name=RoleName.SUBMITTER).select_related("unit")
    reviewers = await User.filter(roles__seminar=seminar, roles__name=RoleName.REVIEWER).order_by("email")
    organizer = await User.get(email="organizer@example.org")

    city_units = {user.unit.name for user in submitters if user.unit.kind == UnitKind.CITY}
    assert len(submitters) == 22 and len(city_units) == 21
    assert {user.email for user in submitters} >= {"guangzhou@example.org", "shenzhen@example.org", "hengqin@example.org"}
    assert [user.email for user in reviewers] == [f"reviewer{n:02d}@example.org" for n in range(1, 9)]
    assert organizer.is_admin
    assert await Role.filter(user=organizer, seminar=seminar, name=RoleName.ORGANIZER).exists()
    assert seminar.organizer_unit.name == "省委政法委"
    assert seminar.title == "全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）"


async def test_demo_dates_are_upcoming_with_submission_open() -> None:
    await build_demo(today=TODAY)

    seminar = await Seminar.get(slug="gd-2021")

    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    assert seminar.submission_opens_at < now < seminar.submission_deadline < seminar.review_deadline
    assert seminar.starts_on > TODAY


async def test_demo_again_puts_back_edited_topics_passwords_and_deactivated_accounts(client: Client) -> None:
    await build_demo(today=TODAY)
    await Topic.filter(position=2).update(title="改过的专题")
    await Topic.create(seminar=await Seminar.get(slug="gd-2021"), position=7, title="多出来的专题")
    await User.filter(email="guangzhou@example.org").update(is_active=False, name="别人")

    await build_demo("new-demo-password", today=TODAY)

    titles = [t.title for t in await Topic.all().order_by("position")]
    assert titles == ["完成政治任务", "发挥政治优势", "凝聚政治力量", "防范政治风险", "提升政治能力", "压实政治责任"]
    guangzhou = await User.get(email="guangzhou@example.org")
    assert (guangzhou.is_active, guangzhou.name) == (True, "陈志刚")
    await client.login("guangzhou@example.org", "new-demo-password")


async def test_demo_accounts_can_log_in_and_the_organizer_reaches_the_dashboard(client: Client) -> None:
    await build_demo(today=TODAY)

    for email in ("shenzhen@example.org", "reviewer01@example.org", "attendee02@example.org"):
        await client.login(email)
        await client.logout()
    await client.login("organizer@example.org")
    dashboard = await client.get("/gd-2021/manage/")

    assert dashboard.status_code == 200
    assert "全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）" in dashboard.text
