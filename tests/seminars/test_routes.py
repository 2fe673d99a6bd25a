"""Organizers create and run seminars; everyone else sees only the public pages."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import lxml.html

from seminar.accounts.models import Role, RoleName, UnitKind
from seminar.seminars.models import Seminar, Topic
from tests.conftest import Client, counted_queries, flashes
from tests.factories import grant, make_organizer, make_seminar, make_submitter, make_unit, make_user

DEFAULT_TOPICS = ["完成政治任务", "发挥政治优势", "凝聚政治力量", "防范政治风险", "提升政治能力", "压实政治责任"]


def seminar_form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "全省市域社会治理现代化试点创新研讨班（第二期）",
        "slug": "gd-2027",
        "description": "交流各地发挥政治引领作用的经验做法。",
        "organizer_unit": "",
        "venue": "广州",
        "starts_on": "2027-04-20",
        "ends_on": "2027-04-21",
        "submission_opens_at": "2027-01-05T09:00",
        "submission_deadline": "2027-03-01T17:00",
        "review_deadline": "2027-03-31T17:00",
        "notification_on": "2027-04-05",
        "reviews_per_paper": "3",
        "blind_review": "y",
        "city_quota": "2",
        "time_zone": "Asia/Shanghai",
    }
    values.update(overrides)
    return values


def errors_of(response: httpx.Response) -> list[str]:
    return [e.strip() for e in re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', response.text, re.S)]


def form_errors_of(response: httpx.Response) -> list[str]:
    return [e.strip() for e in re.findall(r'class="flash flash-error" role="alert">\s*<p>(.*?)</p>', response.text, re.S)]


async def _signed_in_organizer(client: Client) -> Seminar:
    seminar = await make_seminar()
    await make_organizer(seminar)
    await client.login("organizer@example.org")
    return seminar


# --- creating a seminar -------------------------------------------------------------------------


async def test_create_seminar_stores_local_times_adds_default_topics_and_makes_creator_organizer(
    client: Client,
) -> None:
    await _signed_in_organizer(client)
    department = await make_unit("省委政法委", UnitKind.DEPARTMENT)

    response = await client.post_form("/manage/seminars/new", seminar_form(organizer_unit=str(department.id)))

    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver/gd-2027/manage/"
    seminar = await Seminar.get(slug="gd-2027")
    assert seminar.title == "全省市域社会治理现代化试点创新研讨班（第二期）"
    assert seminar.organizer_unit_id == department.id  # type: ignore[attr-defined]
    assert seminar.starts_on == dt.date(2027, 4, 20)
    # 17:00 in Beijing is 09:00 UTC.
    assert seminar.submission_deadline == dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert (seminar.city_quota, seminar.reviews_per_paper, seminar.blind_review) == (2, 3, True)
    assert [t.title for t in await Topic.filter(seminar=seminar).order_by("position")] == DEFAULT_TOPICS
    assert await Role.filter(seminar=seminar, name=RoleName.ORGANIZER, user__email="organizer@example.org").exists()
    page = await client.get(response.headers["location"])
    assert flashes(page) == ["研讨班已创建，含六个默认专题。您是该研讨班的组织者。"]


async def test_create_seminar_with_empty_quota_means_no_limit(client: Client) -> None:
    await _signed_in_organizer(client)

    await client.post_form("/manage/seminars/new", seminar_form(city_quota=""))

    assert (await Seminar.get(slug="gd-2027")).city_quota is None


async def test_create_seminar_with_reserved_slug_is_refused_with_a_message(client: Client) -> None:
    await _signed_in_organizer(client)

    response = await client.post_form("/manage/seminars/new", seminar_form(slug="manage"))

    assert response.status_code == 400
    assert errors_of(response) == ["“manage”已被系统使用，请另选网址简称。"]
    assert await Seminar.all().count() == 1
    assert "全省市域社会治理现代化试点创新研讨班（第二期）" in response.text  # what was typed stays


async def test_create_seminar_with_taken_slug_is_refused_with_a_message(client: Client) -> None:
    await _signed_in_organizer(client)

    response = await client.post_form("/manage/seminars/new", seminar_form(slug="gd-2021"))

    assert response.status_code == 400
    assert errors_of(response) == ["网址简称“gd-2021”已被其他研讨班使用，请另选。"]
    assert await Seminar.all().count() == 1
    assert await Topic.all().count() == 6


async def test_create_seminar_with_dates_reversed_is_refused_with_messages(client: Client) -> None:
    await _signed_in_organizer(client)

    response = await client.post_form(
        "/manage/seminars/new",
        seminar_form(ends_on="2027-04-19", submission_deadline="2027-01-01T17:00", review_deadline="2026-12-31T17:00"),
    )

    assert response.status_code == 400
    assert errors_of(response) == ["研讨班结束日期不能早于开始日期。", "论文报送截止时间须晚于开始报送时间。", "评审截止时间不能早于论文报送截止时间。"]
    assert not await Seminar.filter(slug="gd-2027").exists()


async def test_create_seminar_with_out_of_range_numbers_is_refused(client: Client) -> None:
    await _signed_in_organizer(client)

    response = await client.post_form("/manage/seminars/new", seminar_form(reviews_per_paper="11", city_quota="0"))

    assert response.status_code == 400
    assert len(errors_of(response)) == 2
    assert not await Seminar.filter(slug="gd-2027").exists()


async def test_create_seminar_is_refused_to_a_submitter(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    page = await client.get("/manage/seminars/new")
    response = await client.post_form("/manage/seminars/new", seminar_form())

    assert page.status_code == 403
    assert response.status_code == 403
    assert not await Seminar.filter(slug="gd-2027").exists()


async def test_create_seminar_asks_visitors_to_log_in(client: Client) -> None:
    response = await client.get("/manage/seminars/new")

    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver/login?next=%2Fmanage%2Fseminars%2Fnew"


# --- settings -----------------------------------------------------------------------------------


async def test_settings_form_shows_times_in_the_seminars_zone(client: Client) -> None:
    await _signed_in_organizer(client)  # deadline 2026-12-01 10:00 UTC

    response = await client.get("/gd-2021/manage/settings")

    assert response.status_code == 200
    assert 'value="2026-12-01T18:00"' in response.text
    assert 'name="version" type="hidden" value="1"' in response.text


async def test_settings_save_changes_the_seminar_and_bumps_its_version(client: Client) -> None:
    seminar = await _signed_in_organizer(client)

    response = await client.post_form(
        "/gd-2021/manage/settings", seminar_form(slug="gd-2021", venue="深圳", version="1")
    )

    assert response.status_code == 303
    await seminar.refresh_from_db()
    assert (seminar.venue, seminar.version, seminar.city_quota) == ("深圳", 2, 2)
    assert flashes(await client.get(response.headers["location"])) == ["设置已保存。"]


async def test_settings_save_from_a_stale_form_is_refused_and_overwrites_nothing(client: Client) -> None:
    seminar = await _signed_in_organizer(client)
    await client.post_form("/gd-2021/manage/settings", seminar_form(slug="gd-2021", venue="深圳", version="1"))

    # A second organizer had opened the form at version 1 too.
    response = await client.post_form(
        "/gd-2021/manage/settings", seminar_form(slug="gd-2021", venue="珠海", version="1")
    )

    assert response.status_code == 409
    assert form_errors_of(response) == ["您打开此表单后，有人修改了这些设置，因此本次修改未保存。请刷新页面查看当前设置后重新修改。"]
    await seminar.refresh_from_db()
    assert (seminar.venue, seminar.version) == ("深圳", 2)


async def test_settings_can_change_the_slug_but_not_to_a_taken_one(client: Client) -> None:
    seminar = await _signed_in_organizer(client)
    await make_seminar(slug="gd-2022")

    refused = await client.post_form("/gd-2021/manage/settings", seminar_form(slug="gd-2022", version="1"))
    accepted = await client.post_form("/gd-2021/manage/settings", seminar_form(slug="gd-2021a", version="1"))

    assert refused.status_code == 400
    assert errors_of(refused) == ["网址简称“gd-2022”已被其他研讨班使用，请另选。"]
    assert accepted.headers["location"] == "http://testserver/gd-2021a/manage/settings"
    await seminar.refresh_from_db()
    assert seminar.slug == "gd-2021a"


# --- topics -------------------------------------------------------------------------------------


async def _titles(seminar: Seminar) -> list[tuple[int, str]]:
    return [(t.position, t.title) for t in await Topic.filter(seminar=seminar).order_by("position")]


async def test_topics_page_lists_topics_in_order(client: Client) -> None:
    await _signed_in_organizer(client)

    response = await client.get("/gd-2021/manage/topics")

    assert response.status_code == 200
    shown = re.findall(r"<h2>专题 \d：(.*?)</h2>", response.text)
    assert shown == DEFAULT_TOPICS



async def test_topics_are_numbered_once_and_offer_only_the_moves_that_exist(client: Client) -> None:
    await _signed_in_organizer(client)

    page = lxml.html.fromstring((await client.get("/gd-2021/manage/topics")).text)

    assert not page.xpath("//ol[@class='topic-list']")  # the heading's 专题 N is the only number
    items = page.xpath("//ul[@class='topic-list']/li")
    moves = [[button.text_content() for button in item.xpath(".//button[@name='direction']")] for item in items]
    assert moves[0] == ["下移"] and moves[-1] == ["上移"]
    assert all(middle == ["上移", "下移"] for middle in moves[1:-1])


async def test_the_seminar_menus_close_each_other_and_the_address_name_is_marked_required(client: Client) -> None:
    await _signed_in_organizer(client)

    page = lxml.html.fromstring((await client.get("/gd-2021/manage/settings")).text)

    menus = page.xpath("//details[@class='nav-menu']")
    assert len(menus) == 2 and {menu.get("name") for menu in menus} == {"seminar-menus"}
    [slug_field] = page.xpath("//div[contains(@class, 'field')][.//input[@name='slug']]")
    assert slug_field.xpath(".//span[@class='required']")


async def test_the_review_form_and_the_per_city_deadlines_are_in_the_organizers_menus(client: Client) -> None:
    await _signed_in_organizer(client)

    page = lxml.html.fromstring((await client.get("/gd-2021/manage/settings")).text)

    menus = {
        menu.findtext("summary"): [(link.text_content(), link.get("href")) for link in menu.xpath(".//a")]
        for menu in page.xpath("//details[@class='nav-menu']")
    }
    assert ("评审表", "http://testserver/gd-2021/manage/review-form") in menus["评审"]
    assert ("延期报送", "http://testserver/gd-2021/manage/deadlines") in menus["管理"]


async def test_add_topic_appends_it_at_the_end(client: Client) -> None:
    seminar = await _signed_in_organizer(client)

    response = await client.post_form("/gd-2021/manage/topics", {"title": "防范化解重大风险", "description": "五类风险"})

    assert response.status_code == 303
    assert (await _titles(seminar))[-1] == (7, "防范化解重大风险")
    assert flashes(await client.get(response.headers["location"])) == ["已添加专题“防范化解重大风险”。"]


async def test_add_topic_without_title_is_refused(client: Client) -> None:
    seminar = await _signed_in_organizer(client)

    response = await client.post_form("/gd-2021/manage/topics", {"title": "  ", "description": "说明"})

    assert response.status_code == 400
    assert len(errors_of(response)) == 1
    assert await Topic.filter(seminar=seminar).count() == 6


async def test_edit_topic_changes_title_and_description(client: Client) -> None:
    seminar = await _signed_in_organizer(client)
    topic = await Topic.get(seminar=seminar, position=2)

    response = await client.post_form(
        f"/gd-2021/manage/topics/{topic.id}", {"title": "发挥党的政治优势", "description": "指挥体系"}
    )

    assert response.status_code == 303
    await topic.refresh_from_db()
    assert (topic.position, topic.title, topic.description) == (2, "发挥党的政治优势", "指挥体系")


async def test_move_topic_up_and_down_keeps_positions_one_to_n(client: Client) -> None:
    seminar = await _signed_in_organizer(client)
    third = await Topic.get(seminar=seminar, position=3)
    first = await Topic.get(seminar=seminar, position=1)

    await client.post_form(f"/gd-2021/manage/topics/{third.id}/move", {"direction": "up"})
    await client.post_form(f"/gd-2021/manage/topics/{first.id}/move", {"direction": "up"})  # already first

    assert [p for p, _t in await _titles(seminar)] == [1, 2, 3, 4, 5, 6]
    assert [t for _p, t in await _titles(seminar)][:3] == ["完成政治任务", "凝聚政治力量", "发挥政治优势"]
    await client.post_form(f"/gd-2021/manage/topics/{third.id}/move", {"direction": "down"})
    assert [t for _p, t in await _titles(seminar)] == DEFAULT_TOPICS


async def test_delete_topic_asks_first_then_renumbers(client: Client) -> None:
    seminar = await _signed_in_organizer(client)
    second = await Topic.get(seminar=seminar, position=2)

    confirm = await client.get(f"/gd-2021/manage/topics/{second.id}/delete")
    assert await Topic.filter(seminar=seminar).count() == 6
    response = await client.post_form(f"/gd-2021/manage/topics/{second.id}/delete")

    assert "删除专题“发挥政治优势”？" in confirm.text
    assert response.status_code == 303
    assert await _titles(seminar) == [(i, t) for i, t in enumerate([DEFAULT_TOPICS[0], *DEFAULT_TOPICS[2:]], 1)]


async def test_topic_of_another_seminar_is_not_found_here(client: Client) -> None:
    await _signed_in_organizer(client)
    other = await make_seminar(slug="gd-2022")
    foreign = await Topic.get(seminar=other, position=1)

    response = await client.post_form(f"/gd-2021/manage/topics/{foreign.id}/delete")

    assert response.status_code == 404
    assert await Topic.filter(seminar=other).count() == 6


# --- who may manage -----------------------------------------------------------------------------


async def test_manage_pages_are_forbidden_to_submitters_and_other_seminars_organizers(client: Client) -> None:
    seminar = await make_seminar()
    other = await make_seminar(slug="gd-2022")
    await make_submitter(seminar, email="guangzhou@example.org")
    await make_organizer(other, email="other@example.org")
    topic = await Topic.get(seminar=seminar, position=1)
    pages = ["/gd-2021/manage/", "/gd-2021/manage/settings", "/gd-2021/manage/topics", f"/gd-2021/manage/topics/{topic.id}"]

    for email in ("guangzhou@example.org", "other@example.org"):
        await client.login(email)
        assert [(await client.get(page)).status_code for page in pages] == [403] * len(pages)
        moved = await client.post_form(f"/gd-2021/manage/topics/{topic.id}/move", {"direction": "down"})
        deleted = await client.post_form(f"/gd-2021/manage/topics/{topic.id}/delete")
        assert (moved.status_code, deleted.status_code) == (403, 403)
        await client.logout()

    assert await _titles(seminar) == list(enumerate(DEFAULT_TOPICS, 1))


async def test_site_admin_may_manage_any_seminar(client: Client) -> None:
    await make_seminar()
    await make_user(email="admin@example.org", is_admin=True)
    await client.login("admin@example.org")

    response = await client.get("/gd-2021/manage/topics")

    assert response.status_code == 200


# --- dashboard, landing, index ------------------------------------------------------------------


async def test_dashboard_shows_key_dates_role_counts_and_links(client: Client) -> None:
    seminar = await _signed_in_organizer(client)
    for city in ("广州市", "深圳市", "珠海市"):
        await make_submitter(seminar, city=city)
    reviewer = await make_user(email="reviewer01@example.org")
    await grant(reviewer, seminar, RoleName.REVIEWER, RoleName.ATTENDEE)

    response = await client.get("/gd-2021/manage/")

    assert response.status_code == 200
    counts = dict(re.findall(r'<tr><th scope="row">(.*?)</th><td>(\d+)</td></tr>', response.text))
    assert counts == {"组织者": "1", "评审专家": "1", "报送人": "3", "参会人员": "1", "工作人员": "0"}
    assert "2026年12月1日 18:00" in response.text  # the deadline, in Beijing time
    assert 'href="http://testserver/gd-2021/manage/settings"' in response.text
    assert 'href="http://testserver/gd-2021/manage/topics"' in response.text
    assert 'href="http://testserver/gd-2021/manage/people"' in response.text
    assert 'href="http://testserver/gd-2021/manage/outbox"' in response.text


async def test_landing_shows_chinese_dates_topics_and_manage_link_only_for_organizers(client: Client) -> None:
    department = await make_unit("省委政法委", UnitKind.DEPARTMENT)
    seminar = await make_seminar(
        starts_on=dt.date(2026, 11, 25), ends_on=dt.date(2026, 11, 26), organizer_unit=department
    )
    await make_organizer(seminar)

    public = await client.get("/gd-2021/")
    await client.login("organizer@example.org")
    organizer = await client.get("/gd-2021/")

    assert "2026年11月25日 – 2026年11月26日" in public.text
    assert "2026年12月1日 18:00" in public.text
    assert "省委政法委" in public.text
    assert re.findall(r"<li><strong>(.*?)</strong>", public.text) == DEFAULT_TOPICS
    assert ">管理</a>" not in public.text
    assert 'href="http://testserver/gd-2021/manage/">管理</a>' in organizer.text


async def test_a_citys_landing_page_leads_with_submitting_papers(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, city="广州市", email="guangzhou@example.org")

    public = await client.get("/gd-2021/")
    await client.login("guangzhou@example.org")
    city = await client.get("/gd-2021/")

    def buttons(response: httpx.Response) -> list[str]:
        return [a.text_content() for a in lxml.html.fromstring(response.text).xpath("//p[@class='seminar-links']/a")]

    assert buttons(public) == ["报名"]
    assert buttons(city)[0] == "报送论文"
    assert 'class="button primary" href="http://testserver/gd-2021/papers/"' in city.text


async def test_index_lists_upcoming_first_and_offers_new_seminar_to_organizers(client: Client) -> None:
    today = dt.date.today()
    await make_seminar(slug="past", title="往届研讨班", starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=30))
    seminar = await make_seminar(slug="next", title="下一期研讨班", starts_on=today + dt.timedelta(days=30), ends_on=today + dt.timedelta(days=30))
    await make_organizer(seminar)

    anonymous = await client.get("/")
    await client.login("organizer@example.org")
    organizer = await client.get("/")

    assert re.findall(r'<h2><a href="[^"]+">(.*?)</a></h2>', anonymous.text) == ["下一期研讨班", "往届研讨班"]
    assert "新建研讨班" not in anonymous.text
    assert 'href="http://testserver/manage/seminars/new">新建研讨班</a>' in organizer.text




async def test_index_query_count_does_not_grow_with_the_number_of_seminars(client: Client) -> None:
    unit = await make_unit("省委政法委", UnitKind.DEPARTMENT)
    await make_seminar(slug="s1", organizer_unit=unit)
    with counted_queries() as one:
        first = await client.get("/")
    await make_seminar(slug="s2", organizer_unit=unit)
    await make_seminar(slug="s3", organizer_unit=unit)

    with counted_queries() as three:
        second = await client.get("/")

    assert first.text.count("省委政法委") == 1 and second.text.count("省委政法委") == 3
    assert len(one) == len(three) == 1
