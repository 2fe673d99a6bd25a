"""The 会议手册's pages: organizers set it up, build and publish it; people of the seminar download the published one."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import lxml.html

from seminar.handbook.models import HandbookSettings
from seminar.proceedings.actions import INTERRUPTED
from seminar.proceedings.models import BuildKind, BuildStatus, ProceedingsBuild
from tests.conftest import Client, flashes
from tests.factories import make_attendee, make_organizer, make_pdf, make_proceedings_build, make_seminar, make_user


async def test_organizers_save_the_notice_contacts_and_the_participants_switch(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.post_form("/gd-2021/manage/handbook", {
        "notice": "  一、请准时到会。\r\n二、会场内请勿吸烟。  ", "contacts": "会务组　王小明　020-83001234",
    })

    assert response.status_code == 303
    saved = await HandbookSettings.get(seminar_id=seminar.id)
    assert (saved.notice, saved.contacts, saved.include_participants) == (
        "一、请准时到会。\r\n二、会场内请勿吸烟。", "会务组　王小明　020-83001234", False,
    )
    assert flashes(await client.get("/gd-2021/manage/handbook"))[0] == "会议手册设置已保存。"


async def test_the_build_button_queues_one_handbook_build_and_a_second_click_reuses_it(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    await client.post_form("/gd-2021/manage/handbook/build", {})
    second = await client.post_form("/gd-2021/manage/handbook/build", {}, follow_redirects=True)

    builds = await ProceedingsBuild.all()
    assert [(build.kind, build.status) for build in builds] == [(BuildKind.HANDBOOK, BuildStatus.QUEUED)]
    assert f"内容相同的第 {builds[0].id} 号生成任务正在进行中。" in flashes(second)
    page = lxml.html.fromstring(second.text)
    assert page.xpath("//*[@id='no-agenda']")  # told why the booklet would have no programme


async def test_an_attendee_downloads_the_published_handbook_and_finds_it_on_the_seminar_page(client: Client) -> None:
    seminar = await make_seminar()
    pdf = make_pdf(pages=2)
    await make_proceedings_build(seminar, pdf=pdf, kind=BuildKind.HANDBOOK)
    attendee = await make_attendee(seminar)
    await client.login(attendee.email)

    response = await client.get("/gd-2021/handbook.pdf")
    landing = await client.get("/gd-2021/")

    assert response.status_code == 200 and response.content == pdf
    assert response.headers["etag"] == f'"{hashlib.sha256(pdf).hexdigest()}"'
    assert response.headers["content-disposition"] == f"inline; filename=\"____.pdf\"; filename*=UTF-8''{quote('会议手册.pdf')}"
    assert response.headers["cache-control"].startswith("private")
    assert lxml.html.fromstring(landing.text).xpath("//a[contains(@href, '/gd-2021/handbook.pdf')]")


async def test_an_unpublished_handbook_or_a_published_book_is_not_a_handbook_to_download(client: Client) -> None:
    seminar = await make_seminar()
    await make_proceedings_build(seminar, kind=BuildKind.HANDBOOK, published=False)
    await make_proceedings_build(seminar)  # the 论文集, published
    attendee = await make_attendee(seminar)
    await client.login(attendee.email)

    response = await client.get("/gd-2021/handbook.pdf")
    landing = await client.get("/gd-2021/")

    assert response.status_code == 404
    assert not lxml.html.fromstring(landing.text).xpath("//a[contains(@href, '/gd-2021/handbook.pdf')]")


async def test_people_outside_the_seminar_get_404_even_when_the_proceedings_are_public(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    await make_proceedings_build(seminar, kind=BuildKind.HANDBOOK)
    outsider = await make_user(email="outsider@example.org")
    await client.login(outsider.email)

    response = await client.get("/gd-2021/handbook.pdf")

    assert response.status_code == 404


async def test_publishing_a_handbook_build_withdraws_the_earlier_one_but_not_the_book(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    book = await make_proceedings_build(seminar)
    earlier = await make_proceedings_build(seminar, kind=BuildKind.HANDBOOK, input_hash="1" * 64)
    newer = await make_proceedings_build(seminar, kind=BuildKind.HANDBOOK, published=False, input_hash="2" * 64)
    await client.login(organizer.email)

    response = await client.post_form(f"/gd-2021/manage/handbook/builds/{newer.id}/publish", {})

    assert response.status_code == 303
    published = {build.id for build in await ProceedingsBuild.filter(published=True)}
    assert published == {book.id, newer.id} and earlier.id not in published


async def test_the_builds_table_reads_as_the_books_with_the_duration_and_a_failure_in_the_organizers_words(
    client: Client,
) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    done = await make_proceedings_build(seminar, kind=BuildKind.HANDBOOK, published=False, seconds=4.2)
    failed = await make_proceedings_build(seminar, kind=BuildKind.HANDBOOK, published=False, status=BuildStatus.FAILED,
                                          error=INTERRUPTED, blob_id=None, pages=None)
    await client.login(organizer.email)

    page = lxml.html.fromstring((await client.get("/gd-2021/manage/handbook")).text)

    headers = [th.text_content().strip() for th in page.xpath("//table[@class='builds']/thead//th")]
    assert headers == ["#", "状态", "提交时间", "用时", "分页", "问题", "操作"]
    done_row = page.xpath(f"//tr[@id='build-{done.id}']")[0].text_content()
    assert "4.2 s" in done_row and "预览" in done_row and "发布" in done_row
    failed_row = page.xpath(f"//tr[@id='build-{failed.id}']")[0].text_content()
    assert "生成失败" in failed_row and "每次生成都因后台进程停止或被终止而中断" in failed_row and "interrupted" not in failed_row
    assert page.xpath(f"//tr[@id='build-{done.id}']//form/@action") == [
        f"http://testserver/gd-2021/manage/handbook/builds/{done.id}/publish"
    ]
