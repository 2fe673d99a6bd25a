"""What a city's withdrawal or (re)submission sets off in reviewing and mail, through HTTP as each person sees it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from seminar.accounts.models import User
from seminar.mail.models import OutboxMail
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import Review, ReviewStatus
from seminar.reviews.overview import reviewer_loads
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper, PaperStatus
from tests.conftest import Client
from tests.factories import (
    make_assignment,
    make_organizer,
    make_paper,
    make_review,
    make_reviewer,
    make_seminar,
    make_submitter,
)

NEXT_MONTH = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)


@dataclass
class Scene:
    seminar: Seminar
    paper: Paper
    waiting: User  # assigned, nothing written yet
    drafting: User  # a draft saved
    done: User  # review submitted
    declined: User  # declined the paper


async def scene() -> Scene:
    """广州市's paper sent in and assigned to four reviewers, while the city may still withdraw it."""
    seminar = await make_seminar(submission_deadline=NEXT_MONTH, review_deadline=NEXT_MONTH)
    await make_organizer(seminar)
    await ensure_criteria(seminar)
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    paper = await make_paper(seminar, "广州市", status="submitted")
    waiting = await make_reviewer(seminar, email="waiting@example.org", name="王芳")
    drafting = await make_reviewer(seminar, email="drafting@example.org", name="李强")
    await User.filter(id=drafting.id).update(locale="en")
    done = await make_reviewer(seminar, email="done@example.org", name="周敏")
    declined = await make_reviewer(seminar, email="declined@example.org", name="赵磊")
    await make_assignment(paper, waiting)
    await make_review(paper, drafting, scores=[10, 20], status="draft", comment_to_authors="论证部分尚需补充数据。")
    await make_review(paper, done)
    await make_assignment(paper, declined, declined_at=dt.datetime.now(dt.UTC), decline_reason="出差")
    return Scene(seminar, paper, waiting, drafting, done, declined)


async def withdraw(client: Client, s: Scene) -> None:
    await client.login("guangzhou@example.org")
    response = await client.post_form(f"/{s.seminar.slug}/papers/{s.paper.number}/withdraw", {"confirm": "yes"})
    assert response.status_code == 303
    await client.logout()


async def mails_to(address: str) -> list[OutboxMail]:
    return await OutboxMail.filter(to_address=address).order_by("id")


async def test_a_withdrawn_paper_tells_its_reviewers_in_their_language_whose_review_was_still_to_do(client: Client) -> None:
    s = await scene()

    await withdraw(client, s)

    number = s.paper.number
    assert [m.subject for m in await mails_to("waiting@example.org")] == [f"论文#{number}已撤回：暂不需要评审"]
    [english] = await mails_to("drafting@example.org")
    assert english.subject == f"Paper #{number} was withdrawn: no review needed for now"
    assert "Your draft is kept and you can still read it, but it cannot be changed." in english.body_text
    assert "广州市" not in english.body_text  # a reviewer learns no city by mail
    assert await mails_to("done@example.org") == []
    assert await mails_to("declined@example.org") == []


async def test_a_withdrawn_paper_leaves_the_queue_as_withdrawn_not_as_work_to_do(client: Client) -> None:
    s = await scene()
    await withdraw(client, s)
    await client.login("waiting@example.org")

    page = await client.get(f"/{s.seminar.slug}/reviews/")

    assert page.status_code == 200
    assert "已被所在市撤回" in page.text
    assert "未开始" not in page.text
    assert "已分配：0 · 草稿：0 · 已提交：0" in page.text
    assert await reviewer_loads(s.seminar) == {}  # no load while the paper is withdrawn, submitted review or not


async def test_a_withdrawn_papers_review_is_read_only_with_the_draft_visible_and_refuses_posts(client: Client) -> None:
    s = await scene()
    await withdraw(client, s)
    await client.login("drafting@example.org")
    url = f"/{s.seminar.slug}/reviews/{s.paper.number}"
    review = await Review.get(assignment__reviewer_id=s.drafting.id)

    page = await client.get(url)
    saved = await client.post_form(url, {"comment_to_authors": "改过的点评", "version": str(review.version),
                                         "action": "submit"})
    autosaved = await client.post_form(f"{url}/autosave", {"comment_to_authors": "改过的点评",
                                                           "version": str(review.version)})

    assert page.status_code == 200
    assert "The city has withdrawn this paper" in page.text  # this reviewer reads English
    assert "论证部分尚需补充数据。" in page.text
    assert 'name="action"' not in page.text  # no save or submit button
    assert "<fieldset class=\"bare\" disabled>" in page.text
    assert saved.status_code == 403 and "The city has withdrawn this paper" in saved.text
    assert autosaved.status_code == 403
    await review.refresh_from_db()
    assert (review.comment_to_authors, review.status) == ("论证部分尚需补充数据。", ReviewStatus.DRAFT)


async def test_sending_a_withdrawn_paper_in_again_resumes_its_reviews_and_tells_the_reviewers(client: Client) -> None:
    s = await scene()
    await withdraw(client, s)
    await client.login("guangzhou@example.org")

    response = await client.post_form(f"/{s.seminar.slug}/papers/{s.paper.number}/submit")

    assert response.status_code == 303
    await s.paper.refresh_from_db()
    assert s.paper.status is PaperStatus.SUBMITTED
    assert [m.subject for m in await mails_to("waiting@example.org")][-1] == f"论文#{s.paper.number}已重新报送：请继续评审"
    assert "Your draft is as you left it." in (await mails_to("drafting@example.org"))[-1].body_text
    assert await reviewer_loads(s.seminar) == {s.waiting.id: 1, s.drafting.id: 1, s.done.id: 1}
    await client.logout()
    await client.login("drafting@example.org")
    review = await Review.get(assignment__reviewer_id=s.drafting.id)
    saved = await client.post_form(f"/{s.seminar.slug}/reviews/{s.paper.number}/autosave",
                                   {"comment_to_authors": "补充数据后论证充分。", "version": str(review.version)})
    assert saved.status_code == 200
    await review.refresh_from_db()
    assert review.comment_to_authors == "补充数据后论证充分。"


async def test_a_first_paper_after_reviewing_began_is_announced_to_the_organizers(client: Client) -> None:
    s = await scene()
    await make_submitter(s.seminar, "深圳市", email="shenzhen@example.org")
    late = await make_paper(s.seminar, "深圳市", title="深圳市矛盾纠纷多元化解的实践")
    await client.login("shenzhen@example.org")

    response = await client.post_form(f"/{s.seminar.slug}/papers/{late.number}/submit")

    assert response.status_code == 303
    [mail] = await mails_to("organizer@example.org")
    assert mail.subject == f"论文#{late.number}在评审开始后报送：尚需分配评审专家"
    assert "深圳市" in mail.body_text and f"/{s.seminar.slug}/manage/assignments" in mail.body_text


async def test_a_first_paper_before_any_assignment_is_no_news_for_the_organizers(client: Client) -> None:
    seminar = await make_seminar(submission_deadline=NEXT_MONTH)
    await make_organizer(seminar)
    await make_submitter(seminar, "深圳市", email="shenzhen@example.org")
    paper = await make_paper(seminar, "深圳市")
    await client.login("shenzhen@example.org")

    await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")

    assert await mails_to("organizer@example.org") == []
    assert await mails_to("shenzhen@example.org") != []  # the city's receipt
