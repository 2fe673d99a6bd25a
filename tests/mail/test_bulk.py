"""Mail to a group: who is in each group, the preview, the refusal of a bad placeholder, one mail each."""

from __future__ import annotations

import re

import pytest

from seminar.accounts.models import UnitKind
from seminar.mail.bulk import Group, recipients
from seminar.mail.models import MailBatch, OutboxMail
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.actions import ensure_criteria
from seminar.seminars.models import Seminar
from tests.conftest import Client, flashes
from tests.factories import (
    make_assignment,
    make_attendee,
    make_decision,
    make_organizer,
    make_paper,
    make_reviewer,
    make_review,
    make_seminar,
    make_submitter,
    make_unit,
    make_user,
)

SLUG = "gd-2021"


async def _seminar() -> Seminar:
    seminar = await make_seminar(SLUG)
    await ensure_criteria(seminar)
    await make_organizer(seminar)
    for order, city in enumerate(("广州市", "深圳市", "珠海市"), start=1):
        await make_unit(city, UnitKind.CITY, sort_order=order)
        await make_submitter(seminar, city, f"city{order}@example.org")
    chosen = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(chosen, "keynote")
    await make_paper(seminar, "深圳市", status="submitted")
    done = await make_reviewer(seminar, "done@example.org", name="已评完")
    late = await make_reviewer(seminar, "late@example.org", name="未评完")
    await make_review(chosen, done)
    await make_assignment(chosen, late)
    await make_attendee(seminar, "attendee@example.org")
    waiting = await make_user(email="waiting@example.org", name="待审核")
    await Registration.create(seminar=seminar, user=waiting, name="待审核", unit_text="某研究院", email=waiting.email,
                              status=RegistrationStatus.PENDING)
    return seminar


@pytest.mark.parametrize(("group", "emails"), [
    (Group.CITIES_WITHOUT_PAPERS, ["city3@example.org"]),
    (Group.CITIES_WITH_PAPERS, ["city1@example.org", "city2@example.org"]),
    (Group.CITIES_CHOSEN, ["city1@example.org"]),
    (Group.REVIEWERS_OUTSTANDING, ["late@example.org"]),
    (Group.ATTENDEES, ["attendee@example.org"]),
    (Group.REGISTRATIONS_WAITING, ["waiting@example.org"]),
])
async def test_each_group_holds_the_people_its_name_says(group: Group, emails: list[str]) -> None:
    seminar = await _seminar()

    assert [person.email for person in await recipients(seminar, group)] == emails


async def test_one_unit_only_and_everyone_once(client: Client) -> None:
    seminar = await _seminar()
    shenzhen = await make_unit("深圳市")

    assert [p.email for p in await recipients(seminar, Group.SUBMITTERS, shenzhen.id)] == ["city2@example.org"]
    everyone = [p.email for p in await recipients(seminar, Group.EVERYONE)]
    assert len(everyone) == len(set(everyone)) == 7  # organizer, 3 cities, 2 reviewers, 1 attendee


async def test_the_organizer_previews_then_sends_one_mail_to_each(client: Client) -> None:
    await _seminar()
    await client.login("organizer@example.org")
    typed = {"group": "cities_without_papers", "unit": "", "subject": "关于报送论文的提醒",
             "body": "{recipient}（{unit}）：\n\n{seminar}论文报送即将截止，请抓紧报送：{link}"}

    preview = await client.post_form(f"/{SLUG}/manage/mail/new", {**typed, "preview": "1"})
    queued_by_preview = await OutboxMail.filter(template="bulk").count()
    sent = await client.post_form(f"/{SLUG}/manage/mail/new", {**typed, "send": "1"})

    assert preview.status_code == 200 and "收件人 1 人" in preview.text and "发送给 1 人" in preview.text
    assert "（珠海市）：" in preview.text and "/gd-2021/" in preview.text
    assert queued_by_preview == 0 and sent.status_code == 303
    (mail,) = await OutboxMail.filter(template="bulk")
    assert mail.to_address == "city3@example.org" and mail.subject == "关于报送论文的提醒"
    assert "（珠海市）：" in mail.body_text and "http://testserver/gd-2021/" in mail.body_text
    assert mail.batch_id == (await MailBatch.get(kind="bulk")).id  # type: ignore[attr-defined]  # the FK's column
    page = await client.get(sent.headers["location"])
    assert "1 封邮件已放入发件箱。" in flashes(page) and 'id="mail-batch"' in page.text


async def test_the_preview_lists_the_provincial_departments_people_before_the_cities(client: Client) -> None:
    await _seminar()  # the cities are numbered 1–3; the departments keep the default order, after them
    await client.login("organizer@example.org")

    preview = await client.post_form(f"/{SLUG}/manage/mail/new", {
        "group": "everyone", "unit": "", "subject": "会议通知", "body": "{recipient}：请按时参会。", "preview": "1",
    })

    listed = re.search(r'收件人 7 人</h2>\s*<p class="meta">(.*?)</p>', preview.text)
    assert preview.status_code == 200 and listed
    assert re.findall(r"（(.*?)）", listed.group(1)) == [
        "省委政法委", "省委组织部", "省委组织部", "省公安厅", "广州市", "深圳市", "珠海市",
    ]
    assert listed.group(1).startswith("李明（省委政法委）、")


async def test_an_unknown_placeholder_is_refused_and_nothing_is_sent(client: Client) -> None:
    await _seminar()
    await client.login("organizer@example.org")

    refused = await client.post_form(f"/{SLUG}/manage/mail/new", {
        "group": "reviewers", "unit": "", "subject": "提醒", "body": "{recipient}：请于{deadline}前完成评审。", "send": "1",
    })

    assert refused.status_code == 400 and "{deadline}" in refused.text and "请于{deadline}前完成评审" in refused.text
    assert not await OutboxMail.filter(template="bulk").exists()


async def test_only_organizers_write_to_groups(client: Client) -> None:
    await _seminar()
    await client.login("late@example.org")

    assert (await client.get(f"/{SLUG}/manage/mail/new")).status_code == 403
