"""The organizers once reviews come in, through HTTP: progress and reminders, the ranking per topic with its
figures on hand-computed examples, decisions one by one and in bulk, decision mails (wording, preview,
sending to a real SMTP server), what the city then reads, the .xlsx of all reviews, and who may do it."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass

import lxml.html
import pytest
from openpyxl import load_workbook

from seminar import i18n
from seminar.accounts.models import User
from seminar.config import Settings
from seminar.i18n import _
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from seminar.reviews.actions import ensure_criteria
from seminar.mail.models import MailWording
from seminar.reviews.models import Decision, ReviewSettings
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper
from tests.conftest import Client, SmtpServer, counted_queries, flashes
from tests.factories import (
    make_assignment,
    make_organizer,
    make_paper,
    make_review,
    make_reviewer,
    make_seminar,
    make_submitter,
    make_user,
)

MAXIMA = (15, 25, 20, 25, 15)


def points(total: int) -> list[int]:
    """Scores per criterion (选题 15, 观点 25, 论证 20, 实践价值 25, 文字表达 15) adding up to `total`."""
    left, result = total, []
    for top in MAXIMA:
        result.append(min(top, left))
        left -= result[-1]
    return result


@dataclass
class Scene:
    seminar: Seminar
    organizer: User


async def scene(**fields: object) -> Scene:
    seminar = await make_seminar(review_deadline=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), **fields)
    organizer = await make_organizer(seminar)
    await ensure_criteria(seminar)
    return Scene(seminar, organizer)


def confirming(*papers: Paper) -> dict[str, list[str]]:
    """The fields that confirm deciding (or mailing the decision of) papers without the reviews the seminar requires."""
    return {"confirmed": [str(paper.id) for paper in papers]}


def row_of(page: str, number: int) -> str:
    match = re.search(rf'<tr id="paper-{number}">(.*?)</tr>', page, re.S)
    assert match, f"paper #{number} not in the ranking"
    return match.group(1)


def score_cell(row: str, kind: str) -> str:
    match = re.search(rf'data-score="{kind}">([^<]*)<', row)
    assert match
    return match.group(1).strip()


# --- progress and reminders ------------------------------------------------------------


async def test_progress_counts_each_reviewers_and_papers_reviews(client: Client) -> None:
    s = await scene()
    first = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    second = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解")
    wang = await make_reviewer(s.seminar, email="wang@example.org", name="王芳")
    await make_review(first, wang, points(80))
    await make_review(second, wang, points(50), status="draft")
    zhao = await make_reviewer(s.seminar, email="zhao@example.org", name="赵磊")
    await make_assignment(first, zhao, declined_at=dt.datetime.now(dt.UTC), decline_reason="出差")
    await client.login("organizer@example.org")

    page = await client.get(f"/{s.seminar.slug}/manage/reviews")

    assert page.status_code == 200
    wang_row = re.search(r"王芳</a></td>(.*?)</tr>", page.text, re.S)
    assert wang_row
    cells = re.findall(r'<td class="number">(\d+)</td>', wang_row.group(1))
    assert cells == ["2", "1", "1", "0"]  # assigned, drafted, submitted, declined
    assert f">#{second.number}</a>" in wang_row.group(1)  # the draft is outstanding
    zhao_row = re.search(r"赵磊</a></td>(.*?)</tr>", page.text, re.S)
    assert zhao_row
    assert re.findall(r'<td class="number">(\d+)</td>', zhao_row.group(1)) == ["0", "0", "0", "1"]
    assert "1/3" in page.text  # paper #1: one submitted of three needed


async def test_progress_page_sends_the_same_queries_for_one_and_three_reviewers(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted")
    first = await make_reviewer(s.seminar, email="r1@example.org")
    await make_review(paper, first, points(70))
    await client.login("organizer@example.org")
    url = f"/{s.seminar.slug}/manage/reviews"
    await client.get(url)

    with counted_queries() as one:
        await client.get(url)
    for index in (2, 3):
        other = await make_paper(s.seminar, status="submitted")
        reviewer = await make_reviewer(s.seminar, email=f"r{index}@example.org")
        await make_review(other, reviewer, points(60), status="draft")
    with counted_queries() as three:
        page = await client.get(url)

    assert page.text.count('<td class="number">') > 8
    assert len(three) == len(one)


async def test_reminder_mails_each_reviewer_with_outstanding_reviews_their_papers_only(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    s = await scene()
    first = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    second = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解")
    wang = await make_reviewer(s.seminar, email="wang@example.org", name="王芳")
    await make_assignment(first, wang)
    await make_review(second, wang, points(40), status="draft")
    done = await make_reviewer(s.seminar, email="done@example.org", name="赵磊")
    await make_review(first, done, points(80))
    await client.login("organizer@example.org")

    response = await client.post_form(f"/{s.seminar.slug}/manage/reviews/remind")

    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert flashes(page) == ["已向 1 位评审专家发送催办提醒。"]
    assert await OutboxMail.filter(template="reviews/reminder").count() == 1
    assert await send_pending(smtp_settings, "test-worker") == 1
    [body] = smtp_server.bodies_to("wang@example.org")
    assert f"#{first.number} 网格化管理的广州实践" in body
    assert f"#{second.number} 深圳市矛盾纠纷多元化解" in body
    assert "2026年11月20日" in body
    assert "广州市" not in body and "深圳市" not in body.replace("深圳市矛盾纠纷多元化解", "")  # blind: no city
    assert "陈静" not in body  # nor an author
    assert smtp_server.bodies_to("done@example.org") == []


# --- ranking ---------------------------------------------------------------------------


async def test_ranking_shows_mean_and_trimmed_mean_of_four_reviews(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    for index, total in enumerate((90, 80, 70, 56)):
        await make_review(paper, await make_reviewer(s.seminar, email=f"r{index}@example.org"), points(total))
    await client.login("organizer@example.org")

    page = await client.get(f"/{s.seminar.slug}/manage/ranking")

    row = row_of(page.text, paper.number)
    assert score_cell(row, "mean") == "74.0"  # (90 + 80 + 70 + 56) / 4
    assert score_cell(row, "trimmed") == "75.0"  # 56 and 90 dropped: (80 + 70) / 2
    assert "评审意见分歧较大" in row  # 90 − 56 = 34 > 20 points


async def test_ranking_shows_the_severity_normalised_score(client: Client) -> None:
    # A strict and a lenient reviewer agree on the order: after normalisation both papers are
    # M ± S, where M = 75 and S = sqrt(125) ≈ 11.18 are the mean and spread of all four totals.
    s = await scene()
    better = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    worse = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解")
    lenient = await make_reviewer(s.seminar, email="lenient@example.org")
    strict = await make_reviewer(s.seminar, email="strict@example.org")
    await make_review(better, lenient, points(90))
    await make_review(worse, lenient, points(70))
    await make_review(better, strict, points(80))
    await make_review(worse, strict, points(60))
    await client.login("organizer@example.org")

    page = await client.get(f"/{s.seminar.slug}/manage/ranking")

    assert score_cell(row_of(page.text, better.number), "mean") == "85.0"
    assert score_cell(row_of(page.text, better.number), "normalised") == "86.2"
    assert score_cell(row_of(page.text, worse.number), "normalised") == "63.8"


async def test_ranking_sorts_by_the_chosen_score(client: Client) -> None:
    # The strict reviewer's 70 is their best paper; the lenient reviewer's 95 is one of two.
    s = await scene()
    strict = await make_reviewer(s.seminar, email="strict@example.org")
    lenient = await make_reviewer(s.seminar, email="lenient@example.org")
    best_of_strict = await make_paper(s.seminar, status="submitted", title="严格专家最好的一篇")
    for total in (60, 65):
        await make_review(await make_paper(s.seminar, status="submitted"), strict, points(total))
    await make_review(best_of_strict, strict, points(70))
    best_of_lenient = await make_paper(s.seminar, status="submitted", title="宽松专家最好的一篇")
    await make_review(best_of_lenient, lenient, points(95))
    await make_review(await make_paper(s.seminar, status="submitted"), lenient, points(85))
    await client.login("organizer@example.org")

    by_mean = await client.get(f"/{s.seminar.slug}/manage/ranking?sort=mean")
    by_normalised = await client.get(f"/{s.seminar.slug}/manage/ranking?sort=normalised")

    assert by_mean.text.index("宽松专家最好的一篇") < by_mean.text.index("严格专家最好的一篇")
    assert by_normalised.text.index("严格专家最好的一篇") < by_normalised.text.index("宽松专家最好的一篇")


async def test_ranking_shows_every_review_inline_with_names_and_confidential_notes(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted")
    reviewer = await make_reviewer(s.seminar, email="wang@example.org", name="王芳")
    await make_review(paper, reviewer, [13, 22, 17, 21, 12], comment_to_authors="论证扎实，建议精简背景。",
                      confidential_note="可作重点发言。", recommendation="keynote", confidence=3)
    draft_author = await make_reviewer(s.seminar, email="zhao@example.org", name="赵磊")
    await make_review(paper, draft_author, [1, 1, 1, 1, 1], status="draft", comment_to_authors="草稿里的意见")
    await client.login("organizer@example.org")

    page = await client.get(f"/{s.seminar.slug}/manage/ranking")

    assert "<details>" in page.text
    assert "王芳" in page.text and "论证扎实，建议精简背景。" in page.text and "可作重点发言。" in page.text
    assert "22 / 25" in page.text and "<strong>85</strong>" in page.text
    assert "重点发言 ×1" in page.text
    assert "草稿里的意见" not in page.text  # only submitted reviews count


async def test_ranking_page_sends_the_same_queries_for_one_and_three_papers(client: Client) -> None:
    s = await scene()
    reviewer = await make_reviewer(s.seminar, email="wang@example.org")
    await make_review(await make_paper(s.seminar, status="submitted"), reviewer, points(70))
    await client.login("organizer@example.org")
    url = f"/{s.seminar.slug}/manage/ranking"
    await client.get(url)

    with counted_queries() as one:
        await client.get(url)
    for total in (60, 80):
        paper = await make_paper(s.seminar, status="submitted")
        await make_review(paper, reviewer, points(total))
        await Decision.create(seminar=s.seminar, paper=paper, outcome="discussion", decided_at=dt.datetime.now(dt.UTC))
    with counted_queries() as three:
        page = await client.get(url)

    assert page.text.count('<tr id="paper-') == 3
    assert len(three) == len(one)


# --- decisions -------------------------------------------------------------------------


async def test_decide_one_paper_then_several_in_bulk(client: Client) -> None:
    s = await scene()
    papers = [await make_paper(s.seminar, city=city, status="submitted") for city in ("广州市", "深圳市", "珠海市")]
    await client.login("organizer@example.org")

    one = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                 {"paper": str(papers[0].id), "outcome": "keynote", "award": "first", **confirming(*papers)})
    bulk = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                  {"paper": [str(papers[1].id), str(papers[2].id)], "outcome": "discussion", "award": "",
                                   **confirming(*papers)})

    assert one.status_code == bulk.status_code == 303
    page = await client.get(bulk.headers["location"])
    assert flashes(page) == ["已对 1 篇论文作出决定。", "已对 2 篇论文作出决定。"]
    decisions = {d.paper_id: d for d in await Decision.all()}  # type: ignore[attr-defined]
    assert (decisions[papers[0].id].outcome.value, decisions[papers[0].id].award.value) == ("keynote", "first")  # type: ignore[union-attr]
    assert [(decisions[p.id].outcome.value, decisions[p.id].award) for p in papers[1:]] == [("discussion", None)] * 2
    assert decisions[papers[0].id].decided_by_id == s.organizer.id  # type: ignore[attr-defined]
    assert 'data-decision="keynote"' in row_of(page.text, papers[0].number)
    # Suggested for 3 papers (0 / 1 / 1 / 1: 10% of 3 rounds to none) next to what was given (1 / 0 / 0 / 0).
    assert "一等奖 0 / 1 · 二等奖 1 / 0 · 三等奖 1 / 0 · 优秀奖 1 / 0" in page.text


async def test_deciding_one_row_brings_the_organizer_back_to_that_row(client: Client) -> None:
    s = await scene()
    papers = [await make_paper(s.seminar, city=city, status="submitted") for city in ("广州市", "深圳市")]
    await client.login("organizer@example.org")
    page = await client.get(f"/{s.seminar.slug}/manage/ranking?sort=mean")
    row_form = re.search(rf'<form [^>]*id="decide-{papers[1].id}".*?</form>', page.text, re.S)
    assert row_form
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', row_form.group(0)))

    asked = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                   {**fields, "outcome": "keynote", "award": ""})  # nobody reviewed it: asked first
    confirmation = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', asked.text))
    decided = await client.post_form(f"/{s.seminar.slug}/manage/decisions", confirmation)

    assert asked.status_code == 409
    assert decided.status_code == 303
    assert decided.headers["location"] == (
        f"http://testserver/{s.seminar.slug}/manage/ranking?sort=mean#paper-{papers[1].number}"
    )
    assert await Decision.filter(paper_id=papers[1].id).exists()


async def test_an_award_for_a_declined_paper_is_refused_and_nothing_changes(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted")
    await client.login("organizer@example.org")

    response = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                      {"paper": str(paper.id), "outcome": "decline", "award": "second"})

    assert response.status_code == 400
    assert "不采用的论文不能获奖。" in response.text
    assert await Decision.all().count() == 0


async def test_deciding_a_paper_nobody_scored_asks_first_says_why_and_decides_only_when_confirmed(client: Client) -> None:
    s = await scene()
    unscored = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    await make_review(unscored, await make_reviewer(s.seminar, email="wang@example.org"), points(80), status="draft")
    await client.login("organizer@example.org")
    choice = {"paper": str(unscored.id), "outcome": "proceedings", "award": "excellence", "back": "sort=mean"}

    asked = await client.post_form(f"/{s.seminar.slug}/manage/decisions", choice)
    nothing_yet = await Decision.all().count()
    confirmed = await client.post_form(f"/{s.seminar.slug}/manage/decisions", {**choice, "confirmed": str(unscored.id)})

    assert asked.status_code == 409
    assert "1 篇论文已提交的评审意见少于本研讨班要求的 3 份。" in asked.text
    assert f"#{unscored.number} 网格化管理的广州实践：已提交评审意见 0/3 份" in html.unescape(asked.text)
    assert f'name="confirmed" value="{unscored.id}"' in asked.text
    assert nothing_yet == 0
    assert confirmed.status_code == 303 and confirmed.headers["location"].endswith("?sort=mean")
    decision = await Decision.get(paper_id=unscored.id)
    assert (decision.outcome.value, decision.award.value) == ("proceedings", "excellence")  # type: ignore[union-attr]


async def test_deciding_papers_with_the_required_reviews_asks_nothing(client: Client) -> None:
    s = await scene(reviews_per_paper=2)
    paper = await make_paper(s.seminar, status="submitted")
    for index in (1, 2):
        await make_review(paper, await make_reviewer(s.seminar, email=f"r{index}@example.org"), points(80))
    await client.login("organizer@example.org")

    response = await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(paper.id), "outcome": "keynote"})

    assert response.status_code == 303
    assert (await Decision.get(paper_id=paper.id)).outcome.value == "keynote"


async def test_mailing_an_award_for_a_paper_nobody_scored_asks_first_and_sends_only_when_ticked(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    await Decision.create(seminar=s.seminar, paper=paper, outcome="discussion", award="excellence",
                          decided_at=dt.datetime.now(dt.UTC))
    await client.login("organizer@example.org")

    page = await client.get(f"/{s.seminar.slug}/manage/decisions/send")
    refused = await client.post_form(f"/{s.seminar.slug}/manage/decisions/send")
    nothing_sent = await OutboxMail.filter(template="reviews/decision").count()
    sent = await client.post_form(f"/{s.seminar.slug}/manage/decisions/send", {"confirmed": str(paper.id)})

    text = html.unescape(page.text)
    assert "1 篇论文已提交的评审意见少于本研讨班要求的 3 份，但通知邮件会宣布评审结果" in text
    assert f"仍然发送：#{paper.number} 网格化管理的广州实践（已提交评审意见 0/3 份；研讨交流；邮件将宣布获得“优秀奖”）" in text
    assert refused.status_code == 409
    assert "如仍要发送，请逐篇勾选" in refused.text
    assert nothing_sent == 0
    assert sent.status_code == 303
    assert await OutboxMail.filter(template="reviews/decision").count() == 1
    assert (await Decision.get(paper_id=paper.id)).notified_at is not None


async def test_the_send_page_confirms_all_papers_short_of_reviews_with_one_box(client: Client) -> None:
    s = await scene()
    papers = [await make_paper(s.seminar, city=city, status="submitted") for city in ("广州市", "深圳市")]
    for paper in papers:
        await Decision.create(seminar=s.seminar, paper=paper, outcome="proceedings", decided_at=dt.datetime.now(dt.UTC))
    await client.login("organizer@example.org")

    page = await client.get(f"/{s.seminar.slug}/manage/decisions/send")
    box = re.search(r'<input type="checkbox" name="confirmed" value="([\d,]+)" form="send-form">\s*以上论文全部仍然发送', page.text)
    assert box is not None
    sent = await client.post_form(f"/{s.seminar.slug}/manage/decisions/send", {"confirmed": box.group(1)})
    ranking = await client.get(sent.headers["location"])

    assert sent.status_code == 303
    assert await OutboxMail.filter(template="reviews/decision").count() == 2
    # The ranking, where sending returns, follows the mails (this site has no mail server: it says so).
    [region] = lxml.html.fromstring(ranking.text).xpath("//*[@id='mail-batch']")
    assert region.xpath(".//h2")[0].text_content() == "决定通知邮件"
    assert "已发送 0/2" in region.text_content()


# --- decision mails --------------------------------------------------------------------


async def test_preview_refuses_an_unknown_placeholder_naming_it_and_saves_and_sends_nothing(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted")
    await client.login("organizer@example.org")

    for action in ("preview", "save"):
        response = await client.post_form(f"/{s.seminar.slug}/manage/decisions/mail/keynote", {
            "subject": "关于第{paper_number}号论文", "body": "{recipient}：您的论文《{paper_titel}》入选。{foo}",
            "paper": str(paper.number), "action": action,
        })

        assert response.status_code == 400
        assert "未知的占位符：{paper_titel}、{foo}" in response.text
        assert "{paper_titel}" in response.text  # what was typed is kept
    assert await MailWording.all().count() == 0
    assert await OutboxMail.all().count() == 0


async def test_preview_fills_in_the_wording_for_a_chosen_paper_and_save_keeps_it(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    await Decision.create(seminar=s.seminar, paper=paper, outcome="keynote", award="second", decided_at=dt.datetime.now(dt.UTC))
    await client.login("organizer@example.org")
    wording = {"subject": "{seminar}：第{paper_number}号论文评审结果", "body": "{recipient}：\n《{paper_title}》（{city}，{topic}）：{decision}。{award}"}

    preview = await client.post_form(f"/{s.seminar.slug}/manage/decisions/mail/keynote",
                                     {**wording, "paper": str(paper.number), "action": "preview"})
    saved = await client.post_form(f"/{s.seminar.slug}/manage/decisions/mail/keynote",
                                   {**wording, "paper": str(paper.number), "action": "save"})

    assert preview.status_code == 200
    assert f"全省市域社会治理现代化试点创新研讨班：第{paper.number}号论文评审结果" in preview.text
    assert "陈静：\n《网格化管理的广州实践》（广州市，完成政治任务）：重点发言。论文荣获二等奖。" in preview.text
    assert saved.status_code == 303
    stored = await MailWording.get(seminar_id=s.seminar.id, kind="reviews-decision-keynote")
    assert (stored.locale, stored.body) == ("zh_Hans", wording["body"])
    assert await OutboxMail.all().count() == 0


@pytest.mark.parametrize("authors_see_comments", [True, False])
async def test_decision_mails_reach_the_contact_author_and_the_city_with_comments_only_when_allowed(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer, authors_see_comments: bool
) -> None:
    s = await scene(reviews_per_paper=1)
    await ReviewSettings.create(seminar=s.seminar, authors_see_comments=authors_see_comments)
    await make_submitter(s.seminar, city="广州市", email="gz@example.org")
    await make_submitter(s.seminar, city="深圳市", email="sz@example.org")
    paper = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    await make_review(paper, await make_reviewer(s.seminar, email="wang@example.org", name="王芳"), points(88),
                      comment_to_authors="经验做法具体，可复制可推广。", confidential_note="内部：建议重点发言")
    await Decision.create(seminar=s.seminar, paper=paper, outcome="keynote", award="first", decided_at=dt.datetime.now(dt.UTC))
    await client.login("organizer@example.org")

    confirm = await client.get(f"/{s.seminar.slug}/manage/decisions/send")
    response = await client.post_form(f"/{s.seminar.slug}/manage/decisions/send")

    assert "将向 1 篇论文的联系作者和城市报送人发送 2 封邮件" in confirm.text
    assert response.status_code == 303
    assert flashes(await client.get(response.headers["location"])) == ["已将 1 篇论文的 2 封决定通知邮件放入发件箱。"]
    assert await send_pending(smtp_settings, "test-worker") == 2
    [to_author] = smtp_server.bodies_to(f"author{paper.id}@example.org")
    [to_city] = smtp_server.bodies_to("gz@example.org")
    assert smtp_server.bodies_to("sz@example.org") == []
    assert "陈静：" in to_author and "广州市联络员：" in to_city
    for body in (to_author, to_city):
        assert "《网格化管理的广州实践》" in body and "重点发言" in body and "论文荣获一等奖。" in body
        assert ("经验做法具体，可复制可推广。" in body) is authors_see_comments
        assert "王芳" not in body and "内部：建议重点发言" not in body
    decision = await Decision.get(paper_id=paper.id)
    assert decision.notified_at is not None and decision.notified_outcome is not None


async def test_sending_again_mails_only_changed_decisions(client: Client) -> None:
    s = await scene()
    first = await make_paper(s.seminar, status="submitted")
    second = await make_paper(s.seminar, city="深圳市", status="submitted")
    await client.login("organizer@example.org")
    both = confirming(first, second)
    await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                           {"paper": [str(first.id), str(second.id)], "outcome": "discussion", **both})
    await client.post_form(f"/{s.seminar.slug}/manage/decisions/send", both)
    assert await OutboxMail.filter(template="reviews/decision").count() == 2

    await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                           {"paper": [str(first.id), str(second.id)], "outcome": "discussion"})  # unchanged: nothing to confirm
    await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(second.id), "outcome": "keynote", **both})
    confirm = await client.get(f"/{s.seminar.slug}/manage/decisions/send")
    await client.post_form(f"/{s.seminar.slug}/manage/decisions/send", both)
    nothing = await client.post_form(f"/{s.seminar.slug}/manage/decisions/send")

    assert "将向 1 篇论文" in confirm.text
    mails = await OutboxMail.filter(template="reviews/decision").order_by("id")
    assert [m.to_address for m in mails[2:]] == [f"author{second.id}@example.org"]
    assert "重点发言" in mails[2].body_text
    assert flashes(await client.get(nothing.headers["location"]))[-1] == "没有新的或变更的决定需要发送。"


async def test_each_language_has_its_wording_and_each_recipient_reads_their_own(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    s = await scene(reviews_per_paper=0)
    english = await make_submitter(s.seminar, city="广州市", email="en@example.org")
    traditional = await make_submitter(s.seminar, city="广州市", email="hant@example.org")
    await User.filter(id=english.id).update(locale="en", name="Ann Lee")
    await User.filter(id=traditional.id).update(locale="zh_Hant")
    paper = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践", created_by=traditional)
    await Decision.create(seminar=s.seminar, paper=paper, outcome="keynote", award="first", decided_at=dt.datetime.now(dt.UTC))
    await client.login("organizer@example.org")
    url = f"/{s.seminar.slug}/manage/decisions/mail/keynote"

    # Each language starts from the site's wording in it.
    english_page = await client.get(f"{url}?locale=en")
    assert "Dear {recipient}," in html.unescape(english_page.text) and "selected for a keynote speech" in english_page.text
    assert "您好！经专家评审" in (await client.get(url)).text
    saved = await client.post_form(url, {
        "locale": "en", "subject": "{seminar}: paper #{paper_number}",
        "body": "Dear {recipient},\n\n“{paper_title}”: {decision}.{award} Details: https://example.org/agenda",
        "paper": str(paper.number), "action": "save",
    })
    assert saved.status_code == 303 and saved.headers["location"].endswith("?locale=en")
    edited = await client.get(saved.headers["location"])
    assert "English措辞已保存" in "".join(flashes(edited)) and "English ✎" in edited.text
    preview = await client.post_form(url, {
        "locale": "en", "subject": "{seminar}", "body": "{decision}.{award}", "paper": str(paper.number), "action": "preview",
    })
    assert "Keynote speech. The paper is awarded the first prize." in preview.text
    assert (await MailWording.get(kind="reviews-decision-keynote")).locale == "en"

    await client.post_form(f"/{s.seminar.slug}/manage/decisions/send")
    assert await send_pending(smtp_settings, "test-worker") == 3
    [to_english] = smtp_server.bodies_to("en@example.org")
    assert to_english.startswith("Dear Ann Lee,")
    assert "“网格化管理的广州实践”: Keynote speech. The paper is awarded the first prize." in to_english
    message = next(m for m in smtp_server.messages if "en@example.org" in m["To"])
    assert message["Subject"] == f"{s.seminar.title}: paper #{paper.number}"
    page = message.get_body(("html",)).get_content()
    assert '<a href="https://example.org/agenda">https://example.org/agenda</a>' in page
    # Not customised in Traditional Chinese: the site's wording in it. The contact author has no account: they
    # read the language of the account that entered the paper, Traditional Chinese, not the site's Simplified.
    [to_traditional] = smtp_server.bodies_to("hant@example.org")
    assert "經專家評審" in to_traditional and "論文榮獲一等獎。" in to_traditional
    [to_author] = smtp_server.bodies_to(f"author{paper.id}@example.org")
    assert to_author.startswith("陈静：") and "經專家評審，貴單位報送的論文《网格化管理的广州实践》" in to_author
    assert "論文榮獲一等獎。" in to_author


async def test_a_contact_author_without_an_account_reads_the_decision_in_the_citys_language_or_their_own(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    s = await scene(reviews_per_paper=0)
    city = await make_submitter(s.seminar, city="广州市", email="gz@example.org")
    await User.filter(id=city.id).update(locale="en", name="Ann Lee")
    entered_by_nobody = await make_paper(s.seminar, status="submitted", title="网格化管理的广州实践")
    with_account = await make_paper(s.seminar, status="submitted", title="诉源治理的广州探索", created_by=city)
    await make_user(email=f"author{with_account.id}@example.org", name="陈静", locale="zh_Hant")
    for paper in (entered_by_nobody, with_account):
        await Decision.create(seminar=s.seminar, paper=paper, outcome="discussion", decided_at=dt.datetime.now(dt.UTC))
    await client.login("organizer@example.org")

    await client.post_form(f"/{s.seminar.slug}/manage/decisions/send")

    assert await send_pending(smtp_settings, "test-worker") == 4
    # No account and nobody entered the paper: the city's submitter's language, English.
    [to_author] = smtp_server.bodies_to(f"author{entered_by_nobody.id}@example.org")
    assert to_author.startswith("Dear 陈静,") and "selected for discussion and exchange" in to_author
    # An address that is an account's: its own language, Traditional Chinese, wins over the city's.
    [to_account] = smtp_server.bodies_to(f"author{with_account.id}@example.org")
    assert to_account.startswith("陈静：") and "入選研討交流" in to_account


async def test_reset_brings_back_the_sites_wording_in_that_language_only(client: Client) -> None:
    s = await scene()
    await MailWording.create(seminar=s.seminar, kind="reviews-decision-decline", locale="en", subject="No", body="Sorry.")
    await MailWording.create(seminar=s.seminar, kind="reviews-decision-decline", locale="zh_Hans", subject="未采用", body="抱歉。")
    await client.login("organizer@example.org")
    url = f"/{s.seminar.slug}/manage/decisions/mail/decline"

    assert "恢复默认措辞" in (await client.get(f"{url}?locale=en")).text
    assert "恢复默认措辞" not in (await client.get(f"{url}?locale=zh_Hant")).text
    reset = await client.post_form(url, {"locale": "en", "action": "reset"})

    assert reset.status_code == 303
    page = await client.get(reset.headers["location"])
    assert "English的录用通知邮件已恢复为网站默认措辞。" in flashes(page)
    assert "it was not accepted this time" in page.text
    assert [w.locale for w in await MailWording.all()] == ["zh_Hans"]


# --- what the city reads ---------------------------------------------------------------


@pytest.mark.parametrize("authors_see_comments", [True, False])
async def test_city_reads_decision_and_comments_only_after_the_mail_and_only_when_allowed(
    client: Client, authors_see_comments: bool
) -> None:
    s = await scene(reviews_per_paper=1)
    await ReviewSettings.create(seminar=s.seminar, authors_see_comments=authors_see_comments)
    await make_submitter(s.seminar, city="广州市", email="gz@example.org")
    paper = await make_paper(s.seminar, status="submitted")
    reviewer = await make_reviewer(s.seminar, email="wang@example.org", name="王芳")
    await make_review(paper, reviewer, points(88), comment_to_authors="经验做法具体，可复制可推广。",
                      confidential_note="内部：建议重点发言")
    await make_review(paper, await make_reviewer(s.seminar, email="zhao@example.org"), points(20),
                      status="draft", comment_to_authors="尚未提交的意见")
    await client.login("organizer@example.org")
    await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(paper.id), "outcome": "keynote", "award": "first"})
    await client.logout()
    await client.login("gz@example.org")
    url = f"/{s.seminar.slug}/papers/{paper.number}"

    before = await client.get(url)
    await client.logout()
    await client.login("organizer@example.org")
    await client.post_form(f"/{s.seminar.slug}/manage/decisions/send")
    await client.logout()
    await client.login("gz@example.org")
    after = await client.get(url)

    assert before.status_code == after.status_code == 200
    assert "评审结果" not in before.text and "经验做法具体" not in before.text
    assert "评审结果" in after.text and "重点发言" in after.text and "一等奖" in after.text
    assert ("经验做法具体，可复制可推广。" in after.text) is authors_see_comments
    assert "王芳" not in after.text and "内部：建议重点发言" not in after.text and "尚未提交的意见" not in after.text


async def test_another_city_cannot_open_the_decided_paper(client: Client) -> None:
    s = await scene()
    await ReviewSettings.create(seminar=s.seminar, authors_see_comments=True)
    await make_submitter(s.seminar, city="深圳市", email="sz@example.org")
    paper = await make_paper(s.seminar, status="submitted")
    await Decision.create(seminar=s.seminar, paper=paper, outcome="keynote", decided_at=dt.datetime.now(dt.UTC),
                          notified_at=dt.datetime.now(dt.UTC), notified_outcome="keynote")
    await client.login("sz@example.org")

    response = await client.get(f"/{s.seminar.slug}/papers/{paper.number}")

    assert response.status_code == 404
    assert "重点发言" not in response.text


# --- export ----------------------------------------------------------------------------


async def test_export_has_every_submitted_review_in_city_order(client: Client) -> None:
    s = await scene()
    topic = await Topic.filter(seminar_id=s.seminar.id).order_by("position").first()
    assert topic is not None
    shenzhen = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解")
    guangzhou = await make_paper(s.seminar, city="广州市", status="submitted", title="=网格化管理的广州实践")
    from seminar.accounts.models import Unit

    await Unit.filter(name="广州市").update(sort_order=1)
    await Unit.filter(name="深圳市").update(sort_order=2)
    wang = await make_reviewer(s.seminar, email="wang@example.org", name="王芳")
    await make_review(shenzhen, wang, [10, 20, 15, 20, 10], recommendation="proceedings", confidence=1,
                      comment_to_authors="建议补充数据。", confidential_note="一般")
    await make_review(guangzhou, wang, [13, 22, 17, 21, 12], recommendation="keynote", confidence=3)
    await make_review(guangzhou, await make_reviewer(s.seminar, email="zhao@example.org"), [1], status="draft")
    await client.login("organizer@example.org")

    response = await client.get(f"/{s.seminar.slug}/manage/reviews.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == ["序号", "编号", "题目", "城市", "专题", "评审专家", "选题（15）", "观点（25）", "论证（20）",
                       "实践价值（25）", "文字表达（15）", "总分", "推荐", "把握程度", "点评", "内部意见", "提交时间"]
    assert len(rows) == 3
    assert rows[1][:6] == [1, guangzhou.number, "=网格化管理的广州实践", "广州市", topic.title, "王芳"]
    assert rows[1][6:14] == [13, 22, 17, 21, 12, 85, "重点发言", "高"]
    assert rows[2][:4] == [2, shenzhen.number, "深圳市矛盾纠纷多元化解", "深圳市"]
    assert rows[2][11:16] == [75, "仅收入论文集", "低", "建议补充数据。", "一般"]
    assert isinstance(rows[2][16], dt.datetime)


# --- who may ---------------------------------------------------------------------------

ORGANIZER_PAGES = [
    ("get", "/manage/reviews"),
    ("post", "/manage/reviews/remind"),
    ("get", "/manage/ranking"),
    ("post", "/manage/decisions"),
    ("get", "/manage/decisions/mail/keynote"),
    ("get", "/manage/decisions/send"),
    ("post", "/manage/decisions/send"),
    ("get", "/manage/reviews.xlsx"),
]


@pytest.mark.parametrize("who", ["reviewer", "submitter"])
@pytest.mark.parametrize(("method", "path"), ORGANIZER_PAGES)
async def test_reviewers_and_cities_are_refused_on_organizer_pages(client: Client, who: str, method: str, path: str) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted")
    reviewer = await make_reviewer(s.seminar, email="reviewer@example.org")
    await make_review(paper, reviewer, points(80))
    await make_submitter(s.seminar, city="广州市", email="submitter@example.org")
    await client.login(f"{who}@example.org")

    if method == "get":
        response = await client.get(f"/{s.seminar.slug}{path}")
    else:
        response = await client.post_form(f"/{s.seminar.slug}{path}", {"paper": str(paper.id), "outcome": "keynote"})

    assert response.status_code == 403
    assert await Decision.all().count() == 0
    assert await OutboxMail.all().count() == 0


async def test_unknown_outcome_has_no_mail_page(client: Client) -> None:
    s = await scene()
    await client.login("organizer@example.org")

    response = await client.get(f"/{s.seminar.slug}/manage/decisions/mail/prize")

    assert response.status_code == 404
    assert "placeholder" not in response.text and "占位符" not in response.text


# --- taking a decision back ------------------------------------------------------------


async def test_a_decision_is_removed_one_by_one_and_in_bulk(client: Client) -> None:
    s = await scene()
    papers = [await make_paper(s.seminar, city=city, status="submitted") for city in ("广州市", "深圳市", "珠海市")]
    await client.login("organizer@example.org")
    await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                           {"paper": [str(p.id) for p in papers], "outcome": "discussion", "award": "", **confirming(*papers)})

    one = await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(papers[0].id), "outcome": "undecided"})
    bulk = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                  {"paper": [str(p.id) for p in papers], "outcome": "undecided", "award": ""})
    page = await client.get(bulk.headers["location"])

    assert one.status_code == bulk.status_code == 303
    assert flashes(page)[-2:] == [
        i18n.ngettext("Decision removed for %(num)s paper.", "Decisions removed for %(num)s papers.", 1),
        i18n.ngettext("Decision removed for %(num)s paper.", "Decisions removed for %(num)s papers.", 2),
    ]
    assert not await Decision.exists()
    assert 'data-decision=""' in row_of(page.text, papers[0].number)
    assert '<option value="undecided" selected>' in row_of(page.text, papers[0].number)


async def test_a_mailed_decision_can_be_changed_but_not_removed(client: Client) -> None:
    s = await scene()
    mailed = await make_paper(s.seminar, status="submitted")
    fresh = await make_paper(s.seminar, city="深圳市", status="submitted")
    await client.login("organizer@example.org")
    both = confirming(mailed, fresh)
    await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(mailed.id), "outcome": "discussion", **both})
    await client.post_form(f"/{s.seminar.slug}/manage/decisions/send", both)
    await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(fresh.id), "outcome": "keynote", **both})

    refused = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                     {"paper": [str(mailed.id), str(fresh.id)], "outcome": "undecided"})
    with_award = await client.post_form(f"/{s.seminar.slug}/manage/decisions",
                                        {"paper": str(fresh.id), "outcome": "undecided", "award": "first"})
    changed = await client.post_form(f"/{s.seminar.slug}/manage/decisions", {"paper": str(mailed.id), "outcome": "keynote", **both})

    assert refused.status_code == 400
    assert html.escape(_("The decision on %(papers)s was already mailed to the city: it can be changed, but not removed.",
                         papers=f"#{mailed.number}"), quote=False) in refused.text
    assert with_award.status_code == 400
    assert await Decision.filter(paper_id=fresh.id).exists()  # nothing removed, not even the unmailed one
    assert changed.status_code == 303
    decision = await Decision.get(paper_id=mailed.id)
    assert decision.outcome.value == "keynote" and decision.notified_outcome.value == "discussion"  # type: ignore[union-attr]
    assert decision.needs_mail


# --- the disagreement threshold --------------------------------------------------------


async def test_the_disagreement_threshold_is_set_on_the_review_form_page_and_used_by_the_ranking(client: Client) -> None:
    s = await scene()
    paper = await make_paper(s.seminar, status="submitted")
    await make_review(paper, await make_reviewer(s.seminar, email="a@example.org", name="王芳"), points(60))
    await make_review(paper, await make_reviewer(s.seminar, email="b@example.org", name="赵磊"), points(85))
    await client.login("organizer@example.org")
    criteria = await ensure_criteria(s.seminar)
    data = {"reviews_visible_after_own": "y"}
    for i, c in enumerate(criteria):
        data |= {f"criteria-{i}-id": str(c.id), f"criteria-{i}-name": c.name, f"criteria-{i}-description": c.description,
                 f"criteria-{i}-max_points": str(c.max_points)}
    flagged = await client.get(f"/{s.seminar.slug}/manage/ranking")

    form_page = await client.get(f"/{s.seminar.slug}/manage/review-form")
    invalid = await client.post_form(f"/{s.seminar.slug}/manage/review-form", {**data, "disagreement_points": "0"})
    saved = await client.post_form(f"/{s.seminar.slug}/manage/review-form", {**data, "disagreement_points": "30"})
    calm = await client.get(f"/{s.seminar.slug}/manage/ranking")

    disagree = _("Reviewers disagree")
    assert disagree in row_of(flagged.text, paper.number)  # 85 − 60 = 25 > 20, the default
    assert 'name="disagreement_points"' in form_page.text and 'value="20"' in form_page.text
    assert invalid.status_code == 400
    assert saved.status_code == 303
    assert (await ReviewSettings.get(seminar_id=s.seminar.id)).disagreement_points == 30
    assert disagree not in row_of(calm.text, paper.number)  # 25 is within 30
    assert _("Trimmed mean: the highest and the lowest total are left out once a paper has 4 reviews or more. "
             "Normalised: each reviewer's totals are standardised over everything they scored in the seminar, then put "
             "back on the 0–100 scale. ⚠ marks papers whose totals differ by more than %(points)s points.",
             points=30).replace("'", "&#39;") in calm.text
