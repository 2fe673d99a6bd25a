"""The organizers' proceedings page and the published book as readers download it (HTTP)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from urllib.parse import quote

import lxml.html
import pytest
from pypdf import PdfReader

from seminar.proceedings import actions
from seminar.proceedings.models import BuildStatus, ProceedingsBuild, ProceedingsSettings
from seminar.submissions.models import Manuscript, Paper
from tests.conftest import Client, flashes
from tests.proceedings.test_actions import small_seminar
from tests.factories import (
    make_attendee,
    make_decision,
    make_organizer,
    make_paper,
    make_pdf,
    make_proceedings_build,
    make_review,
    make_reviewer,
    make_seminar,
    make_submitter,
    make_user,
)


async def test_anonymous_readers_get_404_unless_the_seminar_makes_the_book_public(client: Client) -> None:
    seminar = await make_seminar()
    await make_proceedings_build(seminar)

    hidden = await client.get("/gd-2021/proceedings.pdf")
    seminar.proceedings_public = True
    await seminar.save(update_fields=["proceedings_public"])
    public = await client.get("/gd-2021/proceedings.pdf")

    assert hidden.status_code == 404 and "application/pdf" not in hidden.headers["content-type"]
    assert public.status_code == 200 and public.headers["content-type"] == "application/pdf"
    assert public.headers["cache-control"].startswith("public")


async def test_an_attendee_downloads_the_published_book_with_a_chinese_file_name(client: Client) -> None:
    seminar = await make_seminar()
    pdf = make_pdf(pages=4)
    await make_proceedings_build(seminar, pdf=pdf)
    attendee = await make_attendee(seminar)
    await client.login(attendee.email)

    response = await client.get("/gd-2021/proceedings.pdf")

    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 4
    assert response.headers["etag"] == f'"{hashlib.sha256(pdf).hexdigest()}"'
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-disposition"] == f"inline; filename=\"___.pdf\"; filename*=UTF-8''{quote('论文集.pdf')}"
    assert response.headers["cache-control"].startswith("private")


async def test_an_attendee_of_another_seminar_gets_404(client: Client) -> None:
    seminar = await make_seminar()
    other = await make_seminar(slug="gd-2022")
    await make_proceedings_build(seminar)
    outsider = await make_attendee(other)
    await client.login(outsider.email)

    response = await client.get("/gd-2021/proceedings.pdf")

    assert response.status_code == 404


async def test_unpublished_or_missing_books_and_volumes_are_404_even_for_organizers(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await make_proceedings_build(seminar, published=False)
    await make_proceedings_build(seminar, volume=1, input_hash="d" * 64)
    await client.login(organizer.email)

    book = await client.get("/gd-2021/proceedings.pdf")
    published_volume = await client.get("/gd-2021/proceedings/topic-1.pdf")
    missing_volume = await client.get("/gd-2021/proceedings/topic-2.pdf")
    missing_seminar = await client.get("/gd-2099/proceedings.pdf")

    assert [book.status_code, published_volume.status_code, missing_volume.status_code, missing_seminar.status_code] == [
        404, 200, 404, 404,
    ]
    assert "filename*=UTF-8''" + quote("论文集-专题一.pdf") in published_volume.headers["content-disposition"]


async def test_a_matching_etag_gets_304_without_a_body(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    await make_proceedings_build(seminar)
    first = await client.get("/gd-2021/proceedings.pdf")

    again = await client.get("/gd-2021/proceedings.pdf", headers={"If-None-Match": first.headers["etag"]})
    stale = await client.get("/gd-2021/proceedings.pdf", headers={"If-None-Match": '"0000"'})

    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    assert stale.status_code == 200 and stale.content == first.content


async def test_range_requests_get_206_with_the_bytes_and_416_past_the_end(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    pdf = make_pdf(pages=2)
    await make_proceedings_build(seminar, pdf=pdf)

    part = await client.get("/gd-2021/proceedings.pdf", headers={"Range": "bytes=0-99"})
    tail = await client.get("/gd-2021/proceedings.pdf", headers={"Range": "bytes=-10"})
    beyond = await client.get("/gd-2021/proceedings.pdf", headers={"Range": f"bytes={len(pdf) + 10}-"})

    assert part.status_code == 206 and part.content == pdf[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(pdf)}"
    assert tail.status_code == 206 and tail.content == pdf[-10:]
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(pdf)}"


async def test_a_new_published_build_replaces_the_old_one_for_readers(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    organizer = await make_organizer(seminar)
    await make_proceedings_build(seminar, pdf=make_pdf(pages=2))
    newer = await make_proceedings_build(seminar, pdf=make_pdf(pages=5), published=False, input_hash="e" * 64)
    await client.login(organizer.email)

    response = await client.post_form(f"/gd-2021/manage/proceedings/builds/{newer.id}/publish")
    book = await client.get("/gd-2021/proceedings.pdf")

    assert response.status_code == 303
    assert len(PdfReader(io.BytesIO(book.content)).pages) == 5
    assert [b.id for b in await ProceedingsBuild.filter(published=True)] == [newer.id]


async def test_organizers_see_builds_with_failed_papers_and_preview_an_unpublished_one(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    done = await make_proceedings_build(seminar, published=False, failed_papers={"12": "RecursionError: too deep"})
    await ProceedingsBuild.create(seminar=seminar, input_hash="f" * 64, status=BuildStatus.FAILED, error="字体缺失")
    await client.login(organizer.email)

    page = await client.get("/gd-2021/manage/proceedings")
    preview = await client.get(f"/gd-2021/manage/proceedings/builds/{done.id}.pdf")

    assert page.status_code == 200
    assert "#12: RecursionError: too deep" in page.text and "字体缺失" in page.text
    assert preview.status_code == 200 and preview.headers["content-type"] == "application/pdf"


async def test_organizers_read_in_their_language_that_a_build_was_interrupted_and_queued_again_or_given_up(
    client: Client,
) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await ProceedingsBuild.create(seminar=seminar, input_hash="e" * 64, status=BuildStatus.QUEUED, attempts=1)
    await ProceedingsBuild.create(seminar=seminar, input_hash="f" * 64, status=BuildStatus.FAILED, error=actions.INTERRUPTED)
    await client.login(organizer.email)

    page = await client.get("/gd-2021/manage/proceedings")

    assert "后台进程在生成途中停止，已重新加入生成队列。" in page.text
    assert "每次生成都因后台进程停止或被终止而中断" in page.text and actions.INTERRUPTED not in page.text


async def test_the_build_button_queues_one_build_and_a_second_click_reuses_it(client: Client) -> None:
    seminar = await make_seminar(topics=1)
    organizer = await make_organizer(seminar)
    await make_paper(seminar, status="submitted")
    await client.login(organizer.email)

    first = await client.post_form("/gd-2021/manage/proceedings/build", {"volume": ""})
    second = await client.post_form("/gd-2021/manage/proceedings/build", {"volume": ""}, follow_redirects=True)

    assert first.status_code == 303
    builds = await ProceedingsBuild.all()
    assert [(b.status, b.volume, b.requested_by_id) for b in builds] == [(BuildStatus.QUEUED, None, organizer.id)]  # type: ignore[attr-defined]
    assert flashes(second) == ["已加入生成队列，本页显示进度。", f"内容相同的第 {builds[0].id} 号生成任务正在进行中。"]


async def test_organizers_save_the_preface_mark_and_options(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.post_form(
        "/gd-2021/manage/proceedings",
        {"preface": "为总结交流各地经验……", "mark": "内部资料", "compiled_by": "省委政法委办公室", "include_agenda": "y"},
    )

    assert response.status_code == 303
    saved = await ProceedingsSettings.get(seminar_id=seminar.id)
    assert (saved.preface, saved.mark, saved.compiled_by, saved.include_agenda, saved.include_participants) == (
        "为总结交流各地经验……", "内部资料", "省委政法委办公室", True, False,
    )


async def test_the_house_style_is_chosen_on_the_settings_page_and_reaches_the_book(client: Client) -> None:
    from seminar.proceedings.queries import book_spec
    from seminar.proceedings.styles import HouseStyle

    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    before = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)

    response = await client.post_form("/gd-2021/manage/proceedings", {"mark": "内部资料", "house_style": "official"})
    after = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)

    assert before.xpath("//select[@name='house_style']/option[@selected]/@value") == ["academic"]
    assert response.status_code == 303
    assert (await ProceedingsSettings.get(seminar_id=seminar.id)).house_style == HouseStyle.OFFICIAL
    assert after.xpath("//select[@name='house_style']/option[@selected]/@value") == ["official"]
    assert "公文" in after.xpath("string(//select[@name='house_style']/option[@selected])")
    assert (await book_spec(seminar)).house_style == HouseStyle.OFFICIAL
    refused = await client.post_form("/gd-2021/manage/proceedings", {"house_style": "comic-sans"})
    assert refused.status_code == 400
    assert (await ProceedingsSettings.get(seminar_id=seminar.id)).house_style == HouseStyle.OFFICIAL


async def test_the_tagged_pdf_is_switched_on_on_the_settings_page_and_makes_a_different_build(client: Client) -> None:
    from seminar.proceedings.inputs import input_hash
    from seminar.proceedings.queries import book_spec

    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    before = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)
    untagged = await book_spec(seminar)

    response = await client.post_form("/gd-2021/manage/proceedings", {"mark": "内部资料", "tagged_pdf": "y"})
    after = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)
    tagged = await book_spec(seminar)

    assert before.xpath("//input[@name='tagged_pdf']/@checked") == []
    assert "PDF/UA" in before.xpath("string(//label[@for='tagged_pdf'])")
    assert response.status_code == 303
    assert after.xpath("//input[@name='tagged_pdf']/@checked") != []
    assert (untagged.tagged, tagged.tagged) == (False, True)
    assert input_hash(untagged) != input_hash(tagged)  # a tagged book is another build, not the cached untagged one
    await client.post_form("/gd-2021/manage/proceedings", {"mark": "内部资料"})
    assert (await ProceedingsSettings.get(seminar_id=seminar.id)).tagged_pdf is False


async def test_the_participants_list_switched_on_without_an_approved_registration_is_left_out_and_the_organizer_is_told(
    client: Client,
) -> None:
    from seminar.agenda.models import AgendaRelease
    from seminar.proceedings.queries import book_spec
    from seminar.registration.models import Registration, RegistrationStatus

    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    waiting = await make_user(email="waiting@example.org", name="马俊")
    registration = await Registration.create(seminar=seminar, user=waiting, name="马俊", email=waiting.email)
    await ProceedingsSettings.create(seminar=seminar, include_participants=True, include_agenda=False)
    await client.login(organizer.email)

    page = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)
    [note] = page.xpath("//*[@id='left-out-participants']")
    text = " ".join(note.text_content().split())
    assert "参会人员名单" in text and "1" in text
    assert [href.endswith("/gd-2021/manage/participants") for href in note.xpath(".//a/@href")] == [True]
    assert (await book_spec(seminar)).participants is None  # the book indeed has no such appendix

    # The agenda appendix switched on without a published agenda: told as well.
    await ProceedingsSettings.filter(seminar_id=seminar.id).update(include_agenda=True)
    page = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)
    assert page.xpath("//*[@id='left-out-agenda']") and not await AgendaRelease.exists(seminar_id=seminar.id)

    # Approved: the list is in the book and the note about it is gone.
    await Registration.filter(id=registration.id).update(status=RegistrationStatus.APPROVED)
    page = lxml.html.fromstring((await client.get("/gd-2021/manage/proceedings")).text)
    assert not page.xpath("//*[@id='left-out-participants']")
    assert [p.name for p in (await book_spec(seminar)).participants or ()] == ["马俊"]


async def test_people_who_do_not_organize_cannot_open_the_proceedings_page(client: Client) -> None:
    seminar = await make_seminar()
    attendee = await make_attendee(seminar)
    await client.login(attendee.email)

    page = await client.get("/gd-2021/manage/proceedings")
    build = await client.post_form("/gd-2021/manage/proceedings/build", {"volume": ""})

    assert (page.status_code, build.status_code) == (403, 403)
    assert await ProceedingsBuild.all().count() == 0


async def test_a_stranger_is_sent_to_log_in(client: Client) -> None:
    await make_seminar()
    await make_user(email="someone@example.org")

    response = await client.get("/gd-2021/manage/proceedings")

    assert response.status_code == 303 and response.headers["location"].startswith("http://testserver/login")


# ---------- a paper's public page ----------


async def _decided_paper(seminar, outcome: str = "keynote", status: str = "submitted", **fields: object):  # type: ignore[no-untyped-def]
    paper = await make_paper(seminar, status=status, **fields)
    await make_decision(paper, outcome)
    return paper


async def test_everyone_reads_a_paper_of_public_proceedings_with_authors_and_text(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    paper = await _decided_paper(seminar, subtitle="以<i>广州</i>为例")
    await make_proceedings_build(seminar)

    response = await client.get(f"/gd-2021/proceedings/papers/{paper.number}")

    assert response.status_code == 200
    page = response.text
    assert "第 1 号论文" in page and "专题一" in page and "重点发言" in page
    assert paper.title in page and "以&lt;i&gt;广州&lt;/i&gt;为例" in page  # only the manuscript is HTML
    assert "广州市委政法委" in page and "陈静" in page
    assert "本文总结了以党建引领基层治理的做法。" in page and "党建引领；基层治理；市域社会治理" in page
    assert '<div class="paper-body"><p>正文</p></div>' in page
    assert 'href="http://testserver/gd-2021/proceedings.pdf"' in page


async def test_the_papers_own_headings_nest_under_its_title(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    paper = await _decided_paper(seminar)
    await Manuscript.filter(paper_id=paper.id).update(html="<h1>一、基本情况</h1><p>正文</p><h3>（一）做法</h3>")

    page = (await client.get(f"/gd-2021/proceedings/papers/{paper.number}")).text

    assert f"<h1>{paper.title}</h1>" in page
    assert "<h2>一、基本情况</h2><p>正文</p><h3>（一）做法</h3>" in page


async def test_the_manuscripts_repeat_of_the_form_is_left_out_and_organizers_are_told(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    paper = await _decided_paper(seminar)
    await Manuscript.filter(paper_id=paper.id).update(html=(
        f"<h1>{paper.title}</h1><p>【摘 要】{paper.abstract}</p><p>关键词：党建引领，基层治理</p>"
        "<h1>一、基本情况</h1><p>正文</p>"
    ))
    url = f"/gd-2021/proceedings/papers/{paper.number}"

    page = (await client.get(url)).text
    assert page.count(paper.abstract) == 1 and "【摘 要】" not in page and "党建引领，基层治理" not in page
    assert "<h2>一、基本情况</h2><p>正文</p>" in page
    assert "已省略" not in page  # readers are not told about the manuscript

    await client.login((await make_organizer(seminar)).email)
    page = (await client.get(url)).text
    assert "开头与表单重复的内容已省略（网页与论文集均不再印出）：标题、摘要、关键词。" in page


async def test_without_a_published_book_the_paper_page_has_no_download_link(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    paper = await _decided_paper(seminar, "proceedings")
    await make_proceedings_build(seminar, published=False)

    response = await client.get(f"/gd-2021/proceedings/papers/{paper.number}")

    assert response.status_code == 200 and "收录论文" in response.text
    assert "/gd-2021/proceedings.pdf" not in response.text


async def test_the_paper_page_of_attendees_only_proceedings_follows_the_download_rule(client: Client) -> None:
    seminar = await make_seminar()
    paper = await _decided_paper(seminar, "discussion")
    attendee = await make_attendee(seminar)
    submitter = await make_submitter(seminar, city="深圳市")  # another city: a role in the seminar all the same
    outsider = await make_attendee(await make_seminar(slug="gd-2022"), email="outsider@example.org")
    url = f"/gd-2021/proceedings/papers/{paper.number}"

    async def statuses() -> list[int]:
        found = [(await client.get(url)).status_code]
        for user in (attendee, submitter, outsider):
            await client.login(user.email)
            found.append((await client.get(url)).status_code)
            await client.logout()
        return found

    before = await statuses()  # no book yet: authors stay private under blind review
    await make_proceedings_build(seminar)
    after = await statuses()

    assert before == [404, 404, 404, 404]
    assert after == [404, 200, 200, 404]


async def test_papers_outside_the_book_have_no_page(client: Client) -> None:
    seminar = await make_seminar(proceedings_public=True)
    other = await make_seminar(slug="gd-2022", proceedings_public=True)
    included = await _decided_paper(seminar)
    declined = await _decided_paper(seminar, "decline")
    undecided = await make_paper(seminar, status="submitted")
    withdrawn = await _decided_paper(seminar, status="withdrawn")
    elsewhere = await _decided_paper(other)
    await Paper.filter(id=elsewhere.id).update(number=7)  # a number only the other seminar has

    statuses = {
        name: (await client.get(f"/{slug}/proceedings/papers/{number}")).status_code
        for name, slug, number in [
            ("included", "gd-2021", included.number),
            ("declined", "gd-2021", declined.number),
            ("undecided", "gd-2021", undecided.number),
            ("withdrawn", "gd-2021", withdrawn.number),
            ("missing", "gd-2021", 99),
            ("other seminar's number", "gd-2021", 7),
            ("other seminar", "gd-2022", 7),
        ]
    }

    assert statuses == {
        "included": 200, "declined": 404, "undecided": 404, "withdrawn": 404, "missing": 404,
        "other seminar's number": 404, "other seminar": 200,
    }


async def test_before_any_decision_no_paper_has_a_public_page(client: Client) -> None:
    """The book's preview takes every submitted paper while nothing is decided; the public pages do not."""
    seminar = await make_seminar(proceedings_public=True)
    paper = await make_paper(seminar, status="submitted")

    response = await client.get(f"/gd-2021/proceedings/papers/{paper.number}")

    assert response.status_code == 404


async def test_build_states_read_as_build_words_and_an_unloadable_image_is_described_not_quoted(client: Client) -> None:
    """A failed build is 生成失败 (not the mail word 发送失败), a queued one 排队中; a 518 KB image stays out of the page."""
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    image = "data:image/png;base64," + "iVBORw0K" * 88_400  # 707 KB of base64, 518 KB of image
    await ProceedingsBuild.create(seminar=seminar, input_hash="e" * 64, status=BuildStatus.QUEUED)
    await ProceedingsBuild.create(seminar=seminar, input_hash="f" * 64, status=BuildStatus.FAILED, error="字体缺失")
    await make_proceedings_build(
        seminar, published=False, warnings=[f"Failed to load image at '{image}': ValueError: broken"],
        failed_papers={"7": actions.OVER_BUDGET[0]},
    )
    await client.login(organizer.email)

    page = await client.get("/gd-2021/manage/proceedings")

    assert page.status_code == 200
    assert "生成失败" in page.text and "发送失败" not in page.text
    assert "排队中" in page.text and "入队时间" not in page.text
    assert "一张嵌入的 PNG 图片（518 KB）" in page.text and "iVBORw0K" not in page.text
    assert len(page.content) < 100_000
    assert "#7: 篇幅过长或结构过于复杂：单独排版本文所用时间超过了每篇论文的时限。" in page.text


async def test_a_book_published_while_blind_reviews_are_open_hides_the_authors_of_papers_still_under_review(
    client: Client,
) -> None:
    seminar = await make_seminar()  # blind review, proceedings for the seminar's people only
    organizer = await make_organizer(seminar)
    attendee = await make_attendee(seminar)
    reviewer = await make_reviewer(seminar)
    under_review = await _decided_paper(seminar)
    reviewed = await _decided_paper(seminar, "discussion")
    await make_review(under_review, reviewer, status="draft")
    await make_review(reviewed, reviewer)
    await make_proceedings_build(seminar)

    pages = {}
    for person in (attendee, reviewer, organizer):
        await client.login(person.email)
        pages[person.email] = [(await client.get(f"/gd-2021/proceedings/papers/{paper.number}")).text
                               for paper in (under_review, reviewed)]
        await client.logout()

    for person in (attendee, reviewer):
        hidden, shown = pages[person.email]
        assert "陈静" not in hidden and "广州市委政法委" not in hidden
        assert "本文匿名评审结束后显示作者。" in hidden
        assert "陈静" in shown
    organizers_view, _shown = pages[organizer.email]
    assert "陈静" in organizers_view and "本文匿名评审尚未结束，读者看不到作者；您作为组织方可以看到。" in organizers_view


async def test_publishing_a_book_while_blind_reviews_are_open_warns_and_names_the_papers(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    reviewer = await make_reviewer(seminar)
    hidden = await _decided_paper(seminar)
    printed = await _decided_paper(seminar, "discussion")
    for paper in (hidden, printed):
        await make_review(paper, reviewer, status="draft")
    # Built while only the first was under review; the second was assigned afterwards.
    build = await make_proceedings_build(
        seminar, published=False, manuscripts={str(hidden.number): 1, str(printed.number): 1},
        hidden_authors=[hidden.number],
    )
    await client.login(organizer.email)

    response = await client.post_form(f"/gd-2021/manage/proceedings/builds/{build.id}/publish")
    shown = flashes(await client.get(response.headers["location"]))

    await build.refresh_from_db()
    assert build.published
    assert shown == [
        f"第 {build.id} 号生成版本已发布，参会人员现可下载。",
        f"#{hidden.number}、#{printed.number} 的匿名评审尚未结束：在该论文的评审意见全部提交之前，其论文页面不显示作者。",
        f"此次生成的 PDF 印有 #{printed.number} 的作者，而这些论文目前仍在匿名评审中：请取消发布，或重新生成论文集以隐去作者。",
    ]


# ---------- live progress ----------

RUNNING_STAGES = ["正在读取论文和设置", "正在启动排版程序", "正在逐篇检查论文", "正在读取和排定版式", "正在排版页面",
                  "正在写入 PDF", "正在保存 PDF"]


async def make_earlier_book(seminar: object, seconds: float, pages: int) -> None:
    """A finished build of the same book that took `seconds` from start to end, as the estimate's yardstick."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await make_proceedings_build(seminar, published=False, pages=pages, started_at=start,
                                 finished_at=start + dt.timedelta(seconds=seconds))


async def test_the_proceedings_page_shows_a_queued_builds_progress_bar_and_a_reload_link(client: Client) -> None:
    seminar = await make_seminar(topics=1)
    organizer = await make_organizer(seminar)
    await make_paper(seminar, status="submitted")
    await make_earlier_book(seminar, 11.5, pages=7)
    await client.login(organizer.email)

    await client.post_form("/gd-2021/manage/proceedings/build", {"volume": ""})
    page = await client.get("/gd-2021/manage/proceedings")

    queued = await ProceedingsBuild.get(status=BuildStatus.QUEUED)
    [widget] = lxml.html.fromstring(page.text).xpath(f"//*[@id='builds']//*[@id='build-{queued.id}']//*[@class='job-progress']")
    assert widget.get("data-progress-url") == f"http://testserver/gd-2021/manage/proceedings/builds/{queued.id}/status"
    assert widget.xpath(".//progress")[0].get("aria-label") == f"第 {queued.id} 号生成任务的进度"
    assert widget.xpath(".//*[@data-progress-text]")[0].text_content() == "排队中 · 预计还需 12秒钟"
    [reload] = widget.xpath(".//*[@data-progress-reload]//a")
    assert (reload.text_content(), reload.get("href")) == (
        "刷新页面查看进度", f"http://testserver/gd-2021/manage/proceedings#build-{queued.id}"
    )
    assert '<script src="http://testserver/static/js/progress.js" defer>' in page.text
    assert len(lxml.html.fromstring(page.text).xpath("//*[@class='job-progress']")) == 1  # finished builds have none


async def test_a_builds_status_follows_it_from_the_queue_through_its_stages_to_the_finished_book(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 论文集 page said "Queued" 60 s after an 11.5 s build had finished: its status now moves with the build."""
    monkeypatch.setattr(actions, "PROGRESS_SECONDS", 0.05)
    seminar, _papers = await small_seminar()
    organizer = await make_organizer(seminar)
    await make_earlier_book(seminar, 11.5, pages=7)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/proceedings/build", {"volume": ""})
    build = await ProceedingsBuild.get(status=BuildStatus.QUEUED)
    status = f"/gd-2021/manage/proceedings/builds/{build.id}/status"

    queued = (await client.get(status)).json()
    claimed = await actions.claim_build("test-worker")
    assert claimed is not None
    collecting = (await client.get(status)).json()
    running = asyncio.create_task(actions.run_build(claimed))
    answers = []
    while not running.done():
        answers.append((await client.get(status)).json())
        await asyncio.sleep(0.05)
    finished = (await client.get(status)).json()
    page = await client.get(finished["url"])

    assert queued == {
        "stage": "排队中", "done": None, "maximum": None, "value": None, "seconds_left": 12,
        "text": "排队中 · 预计还需 12秒钟", "finished": False, "failed": False,
        "url": f"/gd-2021/manage/proceedings#build-{build.id}",
    }
    assert collecting["stage"] == "正在读取论文和设置" and not collecting["finished"]
    stages = [answer["stage"] for answer in answers if not answer["finished"]]
    assert set(stages) <= set(RUNNING_STAGES) and stages == sorted(stages, key=RUNNING_STAGES.index)
    counted = [answer for answer in answers if answer["stage"] == "正在排版页面"]
    assert all(answer["maximum"] >= 7 and 1 <= answer["value"] <= answer["maximum"] for answer in counted)
    await build.refresh_from_db()
    assert build.status == BuildStatus.DONE
    assert finished["finished"] and not finished["failed"]
    assert finished["text"].startswith(f"已完成：共 {build.pages} 页，用时 ")
    [row] = lxml.html.fromstring(page.text).xpath(f"//*[@id='builds']//*[@id='build-{build.id}']")
    assert "已完成" in row.text_content() and not row.xpath(".//*[@class='job-progress']")
    assert [button.text_content() for button in row.xpath(".//button")] == ["发布"]


async def test_a_failed_builds_status_is_finished_and_says_so(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    failed = await ProceedingsBuild.create(seminar=seminar, input_hash="f" * 64, status=BuildStatus.FAILED, error="字体缺失")
    await client.login(organizer.email)

    answer = (await client.get(f"/gd-2021/manage/proceedings/builds/{failed.id}/status")).json()

    assert (answer["text"], answer["finished"], answer["failed"]) == ("生成失败", True, True)


async def test_the_status_of_another_seminars_build_is_404_and_only_organizers_read_it(client: Client) -> None:
    seminar = await make_seminar()
    other = await make_seminar(slug="gd-2022")
    organizer = await make_organizer(seminar)
    theirs = await make_proceedings_build(other)
    attendee = await make_attendee(seminar)
    ours = await ProceedingsBuild.create(seminar=seminar, input_hash="e" * 64)

    await client.login(organizer.email)
    elsewhere = await client.get(f"/gd-2021/manage/proceedings/builds/{theirs.id}/status")
    await client.logout()
    await client.login(attendee.email)
    refused = await client.get(f"/gd-2021/manage/proceedings/builds/{ours.id}/status")

    assert elsewhere.status_code == 404 and "application/json" not in elsewhere.headers["content-type"]
    assert refused.status_code == 403 and "排队中" not in refused.text
