"""A reviewer's work through HTTP: preferences, the list of reviews, reading, scoring, autosave, declining,
and what a reviewer may see (own-first, blind review, conflicts) with data around that could leak."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest

from seminar.accounts.models import User
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import (
    Assignment,
    Bid,
    Conflict,
    Criterion,
    Review,
    ReviewerProfile,
    ReviewSettings,
    ReviewStatus,
)
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Blob, Manuscript, Paper
from tests.conftest import Client, counted_queries, flashes
from tests.factories import (
    make_assignment,
    make_organizer,
    make_paper,
    make_review,
    make_reviewer,
    make_seminar,
    make_unit,
)

NEXT_WEEK = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
YESTERDAY = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
SECRET_TEXT = "<p>市域社会治理的广州实践正文</p>"


@dataclass
class Scene:
    seminar: Seminar
    paper: Paper
    reviewer: User


async def scene(blind: bool = True, deadline: dt.datetime | None = NEXT_WEEK) -> Scene:
    """A seminar with a submitted paper of 广州市 (with converted text) and a reviewer assigned to it."""
    seminar = await make_seminar(review_deadline=deadline, blind_review=blind)
    await make_organizer(seminar)
    await ensure_criteria(seminar)
    paper = await make_paper(seminar, city="广州市", status="submitted", title="坚持党建引领 推进市域社会治理现代化")
    await Manuscript.filter(paper_id=paper.id).update(html=SECRET_TEXT, original_filename="广州市-陈静-党建引领.docx")
    reviewer = await make_reviewer(seminar, email="reviewer01@example.org")
    await make_assignment(paper, reviewer)
    return Scene(seminar, paper, reviewer)


async def scores_form(seminar: Seminar, points: list[str], **fields: str) -> dict[str, str]:
    criteria = await Criterion.filter(seminar_id=seminar.id).order_by("position")
    data = {f"score-{c.id}": value for c, value in zip(criteria, points, strict=False)}
    return {
        "comment_to_authors": "选题紧扣专题，经验具体，建议压缩背景部分。",
        "confidential_note": "可作为重点发言备选。",
        "recommendation": "keynote",
        "confidence": "3",
        "version": "0",
        **data,
        **fields,
    }


FULL = ["13", "22", "17", "21", "12"]  # total 85


async def open_review(client: Client, s: Scene) -> str:
    page = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}")
    assert page.status_code == 200
    return page.text


async def test_my_reviews_lists_assigned_papers_with_progress_and_deadline(client: Client) -> None:
    s = await scene()
    other = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解机制研究")
    await client.login("reviewer01@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/")

    assert page.status_code == 200
    assert s.paper.title in page.text
    assert other.title not in page.text  # not assigned
    assert "已分配：1 · 草稿：0 · 已提交：0" in page.text
    assert "评审截止时间" in page.text


async def test_my_reviews_shows_each_papers_topic(client: Client) -> None:
    s = await scene()
    topic = await Topic.get(seminar_id=s.seminar.id, position=3)
    other = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解机制研究", topic=topic)
    await make_assignment(other, s.reviewer)
    await client.login("reviewer01@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/")

    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][:3]
        for row in re.findall(r"<tr>(.*?)</tr>", page.text.split("<tbody>")[1], re.S)
    ]
    first_topic = await Topic.get(seminar_id=s.seminar.id, position=1)
    assert "<th>专题</th>" in page.text
    assert rows == [
        [f"#{s.paper.number}", first_topic.title, s.paper.title],
        [f"#{other.number}", topic.title, other.title],
    ]


async def test_my_reviews_shows_each_reviews_state_and_total(client: Client) -> None:
    s = await scene()
    drafted = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解机制研究")
    submitted = await make_paper(s.seminar, city="佛山市", status="submitted", title="佛山市网格化治理的实践")
    await make_review(drafted, s.reviewer, scores=[9], status="draft")
    await make_review(submitted, s.reviewer)
    await client.login("reviewer01@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/")

    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][3:]
        for row in re.findall(r"<tr>(.*?)</tr>", page.text.split("<tbody>")[1], re.S)
    ]
    assert rows == [["未开始", "—"], ["草稿", "—"], ["已提交", "80"]]
    assert "已分配：3 · 草稿：1 · 已提交：1" in page.text


async def test_review_page_shows_text_and_hides_city_and_authors_in_blind_review(client: Client) -> None:
    s = await scene(blind=True)
    await client.login("reviewer01@example.org")

    text = await open_review(client, s)

    assert s.paper.title in text and SECRET_TEXT in text
    assert "本文总结了以党建引领基层治理的做法。" in text  # the abstract
    assert "广州市" not in text and "陈静" not in text  # city and author hidden
    assert "匿名评审" in text


async def test_review_page_shows_city_and_authors_in_open_review(client: Client) -> None:
    s = await scene(blind=False)
    await client.login("reviewer01@example.org")

    text = await open_review(client, s)

    assert "广州市" in text and "陈静" in text


async def test_manuscript_download_is_renamed_in_blind_review(client: Client) -> None:
    s = await scene(blind=True)
    await client.login("reviewer01@example.org")

    response = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}/manuscript")

    assert response.status_code == 200
    assert response.content == b"text"
    assert f'filename="paper-{s.paper.number}.docx"' in response.headers["content-disposition"]
    assert "%E5%B9%BF" not in response.headers["content-disposition"]  # no 广 from the original name


@pytest.mark.parametrize("path", ["", "/manuscript", "/decline"])
async def test_unassigned_paper_is_not_found(client: Client, path: str) -> None:
    s = await scene()
    other = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解机制研究")
    await client.login("reviewer01@example.org")

    response = await client.get(f"/{s.seminar.slug}/reviews/{other.number}{path}")

    assert response.status_code == 404
    assert other.title not in response.text


@pytest.mark.parametrize("path", ["", "/manuscript", "/decline"])
async def test_conflicted_reviewer_gets_not_found_even_when_assigned(client: Client, path: str) -> None:
    s = await scene()
    # A reviewer from a district of 广州市: the unit belongs to the paper's city.
    guangzhou = await make_unit("广州市")
    district = await make_unit("广州市天河区委政法委", parent=guangzhou)
    insider = await make_reviewer(s.seminar, email="insider@example.org", name="赵强", unit=district.name)
    await make_assignment(s.paper, insider)
    await client.login("insider@example.org")

    response = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}{path}")
    listing = await client.get(f"/{s.seminar.slug}/reviews/")

    assert response.status_code == 404
    assert SECRET_TEXT not in response.text and s.paper.title not in response.text
    assert s.paper.title not in listing.text


async def test_declared_conflict_hides_an_assigned_paper(client: Client) -> None:
    s = await scene()
    await Conflict.create(seminar=s.seminar, paper=s.paper, reviewer=s.reviewer, source="organizer", reason="曾指导该文")
    await client.login("reviewer01@example.org")

    response = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}")
    autosave = await client.post_form(f"/{s.seminar.slug}/reviews/{s.paper.number}/autosave", await scores_form(s.seminar, FULL))

    assert response.status_code == 404
    assert autosave.status_code == 404
    assert not await Review.exists()


async def test_people_without_the_reviewer_role_get_not_found(client: Client) -> None:
    s = await scene()
    await client.login("organizer@example.org")

    response = await client.get(f"/{s.seminar.slug}/reviews/")

    assert response.status_code == 404


async def test_save_partial_draft_then_submit_complete_review(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    await open_review(client, s)

    draft = await client.post_form(
        f"/{s.seminar.slug}/reviews/{s.paper.number}", await scores_form(s.seminar, ["13", ""], action="save")
    )
    draft_page = await client.get(draft.headers["location"])
    stored_draft = await Review.get(assignment__paper_id=s.paper.id)
    submitted = await client.post_form(
        f"/{s.seminar.slug}/reviews/{s.paper.number}",
        await scores_form(s.seminar, FULL, action="submit", version=str(stored_draft.version)),
    )
    after = await client.get(submitted.headers["location"])
    review = await Review.get(assignment__paper_id=s.paper.id)
    criteria = await Criterion.filter(seminar_id=s.seminar.id).order_by("position")

    assert draft.status_code == 303
    assert flashes(draft_page) == ["草稿已保存。"]
    assert stored_draft.status is ReviewStatus.DRAFT and stored_draft.total is None
    assert stored_draft.scores == {str(criteria[0].id): 13}
    assert submitted.status_code == 303
    assert review.status is ReviewStatus.SUBMITTED and review.total == 85
    assert review.comment_to_authors == "选题紧扣专题，经验具体，建议压缩背景部分。"
    assert review.recommendation.value == "keynote" and review.confidence == 3
    assert review.submitted_at is not None
    assert flashes(after) == [f"您对论文 #{s.paper.number} 的评审意见已提交，截止时间前仍可修改。"]


async def test_submit_with_a_missing_score_is_refused_and_keeps_what_was_typed_as_a_draft(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")

    response = await client.post_form(
        f"/{s.seminar.slug}/reviews/{s.paper.number}", await scores_form(s.seminar, FULL[:4], action="submit")
    )

    assert response.status_code == 400
    assert "请为每项评分：文字表达。" in response.text
    assert "选题紧扣专题，经验具体，建议压缩背景部分。" in response.text
    review = await Review.get(assignment__paper_id=s.paper.id)
    assert review.status is ReviewStatus.DRAFT and review.total is None
    assert review.comment_to_authors == "选题紧扣专题，经验具体，建议压缩背景部分。"
    assert 'name="version" type="hidden" value="1"' in response.text  # the next try is not refused as stale


def score_row(page: str, criterion: Criterion) -> str:
    """The table row of one criterion's score input."""
    start = page.rindex("<tr", 0, page.index(f'id="score-{criterion.id}"'))
    return page[start:page.index("</tr>", start)]


def total_shown(page: str) -> str:
    start = page.index('<output id="review-total"')
    return page[page.index(">", start) + 1:page.index("</output>", start)]


async def test_autosave_keeps_an_out_of_range_score_marked_and_the_comment_typed_meanwhile(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    criteria = await Criterion.filter(seminar_id=s.seminar.id).order_by("position")
    typed = await scores_form(s.seminar, ["13", "30", "17", "21", "12"], comment_to_authors="观点部分还需补充典型案例。")

    saved = await client.post(f"/{s.seminar.slug}/reviews/{s.paper.number}/autosave", data=typed,
                              headers={"X-CSRF-Token": await client.csrf()})
    reloaded = await open_review(client, s)

    assert saved.status_code == 200
    assert saved.json()["marks"] == {f"score-{criteria[1].id}": "“观点”的评分范围为 0 至 25 分。"}
    assert "标记的内容已按原样保存" in saved.json()["message"]
    assert "观点部分还需补充典型案例。" in reloaded  # the comment typed meanwhile survives the reload
    row = score_row(reloaded, criteria[1])
    assert 'value="30"' in row and 'aria-invalid="true"' in row and "“观点”的评分范围为 0 至 25 分。" in row
    assert 'aria-invalid' not in score_row(reloaded, criteria[0])
    assert total_shown(reloaded) == "63"  # 13 + 17 + 21 + 12: the 30 is not counted (it showed 93)
    review = await Review.get(assignment__paper_id=s.paper.id)
    assert review.status is ReviewStatus.DRAFT and review.total is None
    assert review.typed_scores == {str(criteria[1].id): "30"}


async def test_save_draft_with_an_out_of_range_score_stores_it_and_marks_it_where_it_is(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    criteria = await Criterion.filter(seminar_id=s.seminar.id).order_by("position")

    response = await client.post_form(
        f"/{s.seminar.slug}/reviews/{s.paper.number}", await scores_form(s.seminar, ["16"], action="save")
    )
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert flashes(page) == ["草稿已保存。请在提交前更正标记的内容。"]
    row = score_row(page.text, criteria[0])
    assert 'value="16"' in row and "“选题”的评分范围为 0 至 15 分。" in row
    assert total_shown(page.text) == "0"


async def test_submit_is_refused_until_every_score_is_valid(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    url = f"/{s.seminar.slug}/reviews/{s.paper.number}"
    criteria = await Criterion.filter(seminar_id=s.seminar.id).order_by("position")

    refused = await client.post_form(url, await scores_form(s.seminar, ["13", "30", "17", "21", "12"], action="submit"))
    draft = await Review.get(assignment__paper_id=s.paper.id)
    fixed = await client.post_form(url, await scores_form(s.seminar, ["13", "25", "17", "21", "12"], action="submit",
                                                          version=str(draft.version)))

    assert refused.status_code == 400
    assert "请更正标记的评分。" in refused.text
    assert "“观点”的评分范围为 0 至 25 分。" in score_row(refused.text, criteria[1])
    assert total_shown(refused.text) == "63"
    assert draft.status is ReviewStatus.DRAFT and draft.typed_scores == {str(criteria[1].id): "30"}
    assert fixed.status_code == 303
    review = await Review.get(assignment__paper_id=s.paper.id)
    assert review.status is ReviewStatus.SUBMITTED and review.total == 88 and review.typed_scores == {}


async def test_a_submitted_review_is_never_saved_with_an_invalid_score(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    url = f"/{s.seminar.slug}/reviews/{s.paper.number}"
    await client.post_form(url, await scores_form(s.seminar, FULL, action="submit"))

    response = await client.post_form(url, await scores_form(s.seminar, ["99", *FULL[1:]], action="submit", version="1"))

    assert response.status_code == 400
    assert 'value="99"' in response.text  # still in the form
    review = await Review.get(assignment__paper_id=s.paper.id)
    assert review.status is ReviewStatus.SUBMITTED and review.total == 85 and review.version == 1


async def test_review_after_the_deadline_is_refused(client: Client) -> None:
    s = await scene(deadline=YESTERDAY)
    await client.login("reviewer01@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}")
    response = await client.post_form(
        f"/{s.seminar.slug}/reviews/{s.paper.number}", await scores_form(s.seminar, FULL, action="submit")
    )

    assert "评审截止时间已过，评审意见不能再修改。" in page.text
    assert "提交评审意见" not in page.text
    assert response.status_code == 400
    assert "评审截止时间已过，评审意见不能再修改。" in response.text
    assert not await Review.exists()


async def test_second_tab_saving_an_older_version_gets_a_conflict_and_nothing_is_lost(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    url = f"/{s.seminar.slug}/reviews/{s.paper.number}"
    first_tab = await scores_form(s.seminar, ["10"], action="save", comment_to_authors="第一个标签页的意见")
    second_tab = await scores_form(s.seminar, ["14"], action="save", comment_to_authors="第二个标签页的意见")

    first = await client.post_form(url, first_tab)
    second = await client.post_form(url, second_tab)
    review = await Review.get(assignment__paper_id=s.paper.id)

    assert first.status_code == 303
    assert second.status_code == 409
    assert "此评审意见已在另一个标签页或窗口中修改" in second.text
    assert "第二个标签页的意见" in second.text  # what this tab typed is still in the form
    assert review.comment_to_authors == "第一个标签页的意见" and review.version == 1


async def test_autosave_returns_the_new_version_and_a_stale_tab_gets_409(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    url = f"/{s.seminar.slug}/reviews/{s.paper.number}/autosave"
    token = await client.csrf()

    saved = await client.post(url, data=await scores_form(s.seminar, ["9", "20"]), headers={"X-CSRF-Token": token})
    again = await client.post(url, data=await scores_form(s.seminar, ["9", "21"], version="1"), headers={"X-CSRF-Token": token})
    stale = await client.post(url, data=await scores_form(s.seminar, ["1"], version="1"), headers={"X-CSRF-Token": token})
    review = await Review.get(assignment__paper_id=s.paper.id)

    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert "saved_at" in saved.json()
    assert again.status_code == 200 and again.json()["version"] == 2
    assert stale.status_code == 409
    assert "此评审意见已在另一个标签页或窗口中修改" in stale.json()["error"]
    assert review.version == 2 and sorted(review.scores.values()) == [9, 21]
    assert review.status is ReviewStatus.DRAFT


async def test_autosave_without_the_csrf_header_is_refused(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")

    response = await client.post(f"/{s.seminar.slug}/reviews/{s.paper.number}/autosave", data={"version": "0"})

    assert response.status_code == 403
    assert not await Review.exists()


async def _submit_other_review(s: Scene) -> User:
    colleague = await make_reviewer(s.seminar, email="reviewer02@example.org", name="周敏", unit="省委政法委")
    assignment = await make_assignment(s.paper, colleague)
    await Review.create(assignment=assignment, scores={}, total=77, comment_to_authors="另一位评审专家的点评",
                        status=ReviewStatus.SUBMITTED, recommendation="discussion", confidence=2,
                        submitted_at=dt.datetime.now(dt.UTC))
    return colleague


@pytest.mark.parametrize(
    ("after_own", "own_submitted", "visible"),
    [(True, False, False), (True, True, True), (False, False, True)],
)
async def test_other_reviews_are_shown_only_after_ones_own_when_the_seminar_says_so(
    client: Client, after_own: bool, own_submitted: bool, visible: bool
) -> None:
    s = await scene()
    await _submit_other_review(s)
    await ReviewSettings.create(seminar=s.seminar, reviews_visible_after_own=after_own)
    if own_submitted:
        own = await Assignment.get(paper_id=s.paper.id, reviewer_id=s.reviewer.id)
        await Review.create(assignment=own, scores={}, total=80, status=ReviewStatus.SUBMITTED)
    await client.login("reviewer01@example.org")

    text = await open_review(client, s)

    assert ("另一位评审专家的点评" in text) is visible
    assert "周敏" not in text  # fellow reviewers stay anonymous
    assert ("提交您的评审意见后才能看到其他评审意见。" in text) is (not visible)


async def test_decline_with_a_reason_removes_the_paper_from_the_reviewer(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")

    empty = await client.post_form(f"/{s.seminar.slug}/reviews/{s.paper.number}/decline", {"reason": ""})
    declined = await client.post_form(f"/{s.seminar.slug}/reviews/{s.paper.number}/decline", {"reason": "与作者系同事"})
    page = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}")
    assignment = await Assignment.get(paper_id=s.paper.id)

    assert empty.status_code == 400
    assert declined.status_code == 303
    assert assignment.declined_at is not None and assignment.decline_reason == "与作者系同事"
    assert page.status_code == 404


async def test_bids_page_lists_topic_papers_blind_without_conflicted_ones_and_saves_choices(client: Client) -> None:
    s = await scene()
    shenzhen = await make_paper(s.seminar, city="深圳市", status="submitted", title="深圳市矛盾纠纷多元化解机制研究")
    zhuhai = await make_paper(s.seminar, city="珠海市", status="submitted", title="珠海横琴社会治理协同创新")
    draft = await make_paper(s.seminar, city="佛山市", title="佛山市未提交的草稿")
    guangzhou_reviewer = await make_reviewer(s.seminar, email="gz@example.org", name="黄磊", unit="广州市", unit_kind="city")
    await client.login("gz@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/bids")
    saved = await client.post_form(f"/{s.seminar.slug}/reviews/bids", {
        f"paper-{shenzhen.id}": "want",
        f"paper-{zhuhai.id}": "conflict",
        f"paper-{s.paper.id}": "want",  # conflicted by unit: not offered, so not saved
    })
    bids = await Bid.filter(reviewer_id=guangzhou_reviewer.id).values_list("paper_id", "preference")
    conflicts = await Conflict.filter(reviewer_id=guangzhou_reviewer.id).values_list("paper_id", "source")

    assert page.status_code == 200
    assert shenzhen.title in page.text and zhuhai.title in page.text
    assert s.paper.title not in page.text  # the reviewer's own city
    assert draft.title not in page.text
    assert "深圳市" not in page.text.replace(shenzhen.title, "")  # blind: no city beside the title
    assert "想审" in page.text and "有利益冲突" in page.text
    assert saved.status_code == 303
    assert [(p, str(v)) for p, v in bids] == [(shenzhen.id, "want")]
    assert [(p, str(v)) for p, v in conflicts] == [(zhuhai.id, "declared")]


async def test_a_reviewer_describes_their_expertise_on_the_preferences_page(client: Client) -> None:
    s = await scene()
    reviewer = await make_reviewer(s.seminar, email="gz@example.org", name="黄磊")
    await client.login("gz@example.org")

    too_long = await client.post_form(f"/{s.seminar.slug}/reviews/bids",
                                      {"part": "expertise", "keywords": "网格化" * 200, "description": ""})
    saved = await client.post_form(f"/{s.seminar.slug}/reviews/bids",
                                   {"part": "expertise", "keywords": "网格化、综治中心", "description": "研究基层矛盾纠纷调处"})
    page = await client.get(f"/{s.seminar.slug}/reviews/bids")
    profile = await ReviewerProfile.get(seminar_id=s.seminar.id, user_id=reviewer.id)

    assert too_long.status_code == 400
    assert saved.status_code == 303
    assert "您的专长已保存。" in flashes(page)
    assert profile.keywords == "网格化、综治中心" and profile.description == "研究基层矛盾纠纷调处"
    assert 'value="网格化、综治中心"' in page.text and "研究基层矛盾纠纷调处" in page.text
    assert await Bid.filter(reviewer_id=reviewer.id).count() == 0  # the bids form was not touched


async def test_declaring_a_conflict_on_an_assigned_paper_ends_the_assignment(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")

    await client.post_form(f"/{s.seminar.slug}/reviews/bids", {f"paper-{s.paper.id}": "conflict"})
    page = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}")
    assignment = await Assignment.get(paper_id=s.paper.id)

    assert page.status_code == 404
    assert assignment.declined_at is not None


async def test_bids_page_shows_only_the_reviewers_topics(client: Client) -> None:
    s = await scene()
    from seminar.seminars.models import Topic

    topics = await Topic.filter(seminar_id=s.seminar.id).order_by("position")
    other_topic = await make_paper(s.seminar, city="深圳市", status="submitted", title="另一专题的论文", topic=topics[1])
    await make_reviewer(s.seminar, email="expert@example.org", name="孙丽", unit="中山大学", unit_kind="institution",
                        topic_ids=[topics[0].id])
    await client.login("expert@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/bids")

    assert s.paper.title in page.text
    assert other_topic.title not in page.text


async def test_manuscript_blob_is_not_read_for_a_conflicted_reviewer(client: Client) -> None:
    s = await scene()
    await Conflict.create(seminar=s.seminar, paper=s.paper, reviewer=s.reviewer, source="declared", reason="")
    await client.login("reviewer01@example.org")

    response = await client.get(f"/{s.seminar.slug}/reviews/{s.paper.number}/manuscript")

    assert response.status_code == 404
    assert await Blob.exists()  # the file is there: the 404 is the policy, not a missing file


async def _reviewer_round(client: Client) -> tuple[list[int], list[list[str]]]:
    """The scene's reviewer signs in and opens their paper, then, counted: the page again, a first and a
    later autosave, and the list of reviews. Each counted request's status and the queries it sent."""
    s = await scene()
    await client.login("reviewer01@example.org")
    page_url = f"/{s.seminar.slug}/reviews/{s.paper.number}"
    token = await client.csrf()
    first, second = await scores_form(s.seminar, ["9"]), await scores_form(s.seminar, ["9", "20"], version="1")
    await client.get(page_url)
    statuses, sent = [], []
    for method, url, data in (("GET", page_url, None), ("POST", f"{page_url}/autosave", first),
                              ("POST", f"{page_url}/autosave", second), ("GET", f"/{s.seminar.slug}/reviews/", None)):
        with counted_queries() as queries:
            response = await client.request(method, url, data=data, headers={"X-CSRF-Token": token})
        statuses.append(response.status_code)
        sent.append(queries)
    return statuses, sent


async def test_the_reviewer_pages_send_few_queries(client: Client) -> None:
    """Most of a seminar's load in its review weeks (docs/performance.md): who is asking, then the paper
    with its topic, city, assignment, review and criteria (and for the page its settings and manuscript)
    in one query; a first autosave's transaction reads the paper and the review, both locked, in one more
    before its insert, and every later save is one conditional update, with no transaction."""
    statuses, (page, first_save, save, listed) = await _reviewer_round(client)

    assert statuses == [200, 200, 200, 200]
    assert len(page) == 2, page
    assert len(first_save) == 4, first_save  # actor, paper, locked rows, insert
    assert len(save) == 3, save  # actor, paper, the update
    assert len(listed) == 2, listed


async def test_served_on_postgresql_the_reviewer_pages_do_not_ask_who_is_asking_again(client: Client, change_notices) -> None:  # type: ignore[no-untyped-def]
    """With the listener up, who is asking is kept between requests: saving a review, the writes of every
    review page, touches nothing it is read from, so the pages and saves after the first ask one query less."""
    statuses, (page, first_save, save, listed) = await _reviewer_round(client)

    assert statuses == [200, 200, 200, 200]
    assert len(page) == 1, page
    assert len(first_save) == 3, first_save  # paper, locked rows, insert
    assert len(save) == 2, save  # paper, the update
    assert len(listed) == 1, listed
