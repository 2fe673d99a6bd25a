"""Next year's seminar from this year's: the set-up comes along, the content does not, people are
invited again when asked; nobody copies a seminar they do not run."""

from __future__ import annotations

import re

from seminar.accounts.models import Role, RoleName, User
from seminar.agenda.models import AgendaSettings, Room
from seminar.handbook.models import HandbookSettings
from seminar.mail.models import MailWording, OutboxMail
from seminar.proceedings.models import ProceedingsSettings
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import Criterion, ReviewSettings
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper
from tests.conftest import Client, flashes
from tests.factories import make_organizer, make_paper, make_reviewer, make_seminar, make_submitter, make_user
from tests.seminars.test_routes import seminar_form


async def _this_year() -> Seminar:
    seminar = await make_seminar("gd-2021", topics=3, blind_review=False, reviews_per_paper=4)
    await make_organizer(seminar)
    await ensure_criteria(seminar)
    await Criterion.filter(seminar_id=seminar.id, position=1).update(name="选题意义", max_points=30)
    await ReviewSettings.create(seminar=seminar, disagreement_points=15, max_load=12, version=7)
    for locale, subject in (("zh_Hans", "关于{paper_title}的通知"), ("en", "About {paper_title}")):
        await MailWording.create(seminar=seminar, kind="reviews-decision-keynote", locale=locale, subject=subject, body="…")
    await MailWording.create(seminar=seminar, kind="invitation", locale="zh_Hans", subject="{seminar}邀请函",
                             body="{name}同志：请通过以下链接设置密码。")
    await AgendaSettings.create(seminar=seminar, days=["2021-11-25", "2021-11-26"], day_start="08:30",
                                sign_in={"2021-11-25": "08:00"})
    await Room.create(seminar=seminar, name="第一会议室", capacity=120, position=1)
    await Room.create(seminar=seminar, name="第二会议室", capacity=60, position=2)
    await ProceedingsSettings.create(seminar=seminar, preface="二〇二一年的前言。", mark="内部资料 注意保存",
                                     include_participants=True, house_style="official")
    await HandbookSettings.create(seminar=seminar, notice="一、11月25日8:00在珠岛宾馆签到。",
                                  contacts="会务组　王小明　020-83001234", include_participants=False)
    colleague = await make_user(email="colleague@example.org", name="同事")
    await Role.create(user=colleague, seminar=seminar, name=RoleName.ORGANIZER)
    await make_reviewer(seminar, "reviewer01@example.org", name="王芳")
    gone = await make_reviewer(seminar, "gone@example.org", name="已离职")
    await User.filter(id=gone.id).update(is_active=False)
    await make_submitter(seminar, "广州市", "guangzhou@example.org")
    await make_paper(seminar, status="submitted")
    return seminar


async def test_a_seminar_started_from_last_years_has_its_set_up_but_not_its_content(client: Client) -> None:
    earlier = await _this_year()
    await client.login("organizer@example.org")

    form = await client.get("/manage/seminars/new?from=gd-2021")
    created = await client.post_form("/manage/seminars/new", {
        **seminar_form(slug="gd-2022", title="全省市域社会治理现代化试点创新研讨班（2022）"),
        "copy_from": "gd-2021", "invite_reviewers": "y", "invite_submitters": "y",  # not the other organizers
    })

    assert form.status_code == 200 and 'value="全省市域社会治理现代化试点创新研讨班"' in form.text
    (slug_input,) = re.findall(r'<input[^>]*name="slug"[^>]*>', form.text)
    assert "gd-2021" not in slug_input and 'name="starts_on"' in form.text and "2026-12-10" not in form.text
    assert created.status_code == 303, created.text
    new = await Seminar.get(slug="gd-2022")
    assert [t.title for t in await Topic.filter(seminar=new).order_by("position")] == \
        [t.title for t in await Topic.filter(seminar=earlier).order_by("position")]
    criteria = await Criterion.filter(seminar=new).order_by("position").values_list("name", "max_points")
    assert criteria[0] == ("选题意义", 30) and len(criteria) == await Criterion.filter(seminar=earlier).count()
    settings = await ReviewSettings.get(seminar=new)
    assert (settings.disagreement_points, settings.max_load, settings.version) == (15, 12, 1)
    decision_wordings = MailWording.filter(seminar=new, kind="reviews-decision-keynote").order_by("locale")
    assert await decision_wordings.values_list("locale", "subject") == [("en", "About {paper_title}"), ("zh_Hans", "关于{paper_title}的通知")]
    assert (await MailWording.get(seminar=new, kind="invitation")).subject == "{seminar}邀请函"
    agenda = await AgendaSettings.get(seminar=new)
    assert (agenda.day_start, agenda.days, agenda.sign_in) == ("08:30", [], {})  # last year's dates stay behind
    assert await Room.filter(seminar=new).order_by("position").values_list("name", "capacity") == [("第一会议室", 120), ("第二会议室", 60)]
    book = await ProceedingsSettings.get(seminar=new)
    assert (book.preface, book.mark, book.include_participants, book.house_style) == ("", "内部资料 注意保存", True, "official")
    handbook = await HandbookSettings.get(seminar=new)  # last year's 须知 names its dates and hotel: it stays behind
    assert (handbook.notice, handbook.contacts, handbook.include_participants) == ("", "会务组　王小明　020-83001234", False)
    assert not await Paper.filter(seminar=new).exists()
    held = set(await Role.filter(seminar=new).values_list("user__email", "name"))
    assert held == {("organizer@example.org", "organizer"), ("reviewer01@example.org", "reviewer"),
                    ("guangzhou@example.org", "submitter")}
    mailed = set(await OutboxMail.filter(seminar_id=new.id).values_list("to_address", flat=True))
    assert mailed == {"reviewer01@example.org", "guangzhou@example.org"}
    people_page = await client.get(created.headers["location"])
    assert "已重新邀请 2 人。" in " ".join(flashes(people_page))


async def test_nobody_starts_from_a_seminar_they_do_not_run(client: Client) -> None:
    await make_seminar("other-2021")
    mine = await make_seminar("gd-2021")
    await make_organizer(mine)
    await client.login("organizer@example.org")

    shown = await client.get("/manage/seminars/new?from=other-2021")
    posted = await client.post_form("/manage/seminars/new", {**seminar_form(slug="gd-2022"), "copy_from": "other-2021"})

    assert shown.status_code == 404 and posted.status_code == 404
    assert not await Seminar.filter(slug="gd-2022").exists()


async def test_the_settings_page_offers_next_years_seminar(client: Client) -> None:
    seminar = await make_seminar("gd-2021")
    await make_organizer(seminar)
    await client.login("organizer@example.org")

    page = await client.get("/gd-2021/manage/settings")

    assert "/manage/seminars/new?from=gd-2021" in page.text and "以本届为模板新建研讨班" in page.text
