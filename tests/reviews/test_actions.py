"""Saving a review while another transaction holds its paper (PostgreSQL's row locks: SQLite lets one
writer at a time in), or after the review or its paper changed since the caller read them. A first save
reads the paper and the review in one locked statement; a later one is one conditional update of the
review as read (`read=`). What either finds after waiting is what the other transaction stored."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from seminar.db import is_postgres, rows
from seminar.errors import UserError
from seminar.reviews import actions
from seminar.reviews.models import Assignment, Recommendation, Review, ReviewStatus
from seminar.submissions.models import Paper, PaperStatus
from tests.patience import patience
from tests.reviews.test_routes import Scene, scene

DRAFT = actions.ReviewInput(scores={}, comment_to_authors="第二个标签页的意见", confidential_note="",
                            recommendation="", confidence=None)


def _skip_without_row_locks(database: str) -> None:
    if not is_postgres(database):
        pytest.skip("row locks need PostgreSQL; SQLite lets one writer at a time in")


async def _review_read_at_version_1() -> tuple[Scene, Assignment, Review]:
    """The scene's paper with its reviewer's review at version 1, as the review page has just read it."""
    s = await scene()
    assignment = await Assignment.get(paper_id=s.paper.id)
    return s, assignment, await Review.create(assignment=assignment, scores={}, comment_to_authors="第一版", version=1)


async def _while_held(change: str, values: list[object], paper_id: int, save: asyncio.Future[object]) -> object:
    """`change` done in a transaction that holds the paper's row while `save` starts; the save's outcome."""
    locked, release = asyncio.Event(), asyncio.Event()

    async def other_request() -> None:
        async with in_transaction():
            await rows("SELECT id FROM paper WHERE id = $1", [paper_id], for_update=True)
            await rows(change, values)
            locked.set()
            await release.wait()

    holder = asyncio.create_task(other_request())
    await locked.wait()
    saving = asyncio.ensure_future(save)
    await asyncio.sleep(0.2)  # the save is waiting for the paper's lock
    assert not saving.done()
    release.set()
    await holder
    try:
        return await asyncio.wait_for(saving, timeout=patience(10))
    except UserError as error:
        return error


async def test_a_save_that_waited_for_another_save_reads_the_review_as_stored_since(database: str) -> None:
    _skip_without_row_locks(database)
    s, assignment, _read = await _review_read_at_version_1()

    outcome = await _while_held(
        "UPDATE review SET version = 2, comment_to_authors = $1 WHERE assignment_id = $2", ["另一个标签页的意见", assignment.id],
        s.paper.id, actions.save_review(s.seminar, assignment, DRAFT, opened_version=1, submit=False),
    )
    review = await Review.get(assignment_id=assignment.id)

    assert isinstance(outcome, actions.StaleReview)
    assert (review.version, review.comment_to_authors, review.status) == (2, "另一个标签页的意见", ReviewStatus.DRAFT)


async def test_a_save_that_waited_for_a_withdrawal_is_refused(database: str) -> None:
    _skip_without_row_locks(database)
    s = await scene()
    assignment = await Assignment.get(paper_id=s.paper.id)

    outcome = await _while_held(
        "UPDATE paper SET status = $1 WHERE id = $2", [PaperStatus.WITHDRAWN.value, s.paper.id],
        s.paper.id, actions.save_review(s.seminar, assignment, DRAFT, opened_version=0, submit=False),
    )

    assert isinstance(outcome, UserError) and outcome.message == actions.withdrawn_message()
    assert not await Review.exists(assignment_id=assignment.id)
    assert (await Paper.get(id=s.paper.id)).status is PaperStatus.WITHDRAWN


async def test_a_first_save_reads_no_review_and_the_paper_as_submitted(database: str) -> None:
    s = await scene()
    assignment = await Assignment.get(paper_id=s.paper.id)

    saved = await actions.save_review(s.seminar, assignment, DRAFT, opened_version=0, submit=False)
    again = await actions.save_review(s.seminar, assignment, DRAFT, opened_version=1, submit=False)

    assert (saved.version, again.version) == (1, 2)
    assert (await Review.get(assignment_id=assignment.id)).comment_to_authors == "第二个标签页的意见"


async def test_an_update_that_waited_for_another_save_is_refused_as_stale(database: str) -> None:
    _skip_without_row_locks(database)
    s, assignment, read = await _review_read_at_version_1()

    outcome = await _while_held(
        "UPDATE review SET version = 2, comment_to_authors = $1 WHERE assignment_id = $2", ["另一个标签页的意见", assignment.id],
        s.paper.id, actions.save_review(s.seminar, assignment, DRAFT, opened_version=1, submit=False, read=read),
    )
    review = await Review.get(assignment_id=assignment.id)

    assert isinstance(outcome, actions.StaleReview)
    assert (review.version, review.comment_to_authors) == (2, "另一个标签页的意见")


async def test_an_update_that_waited_for_a_withdrawal_is_refused(database: str) -> None:
    _skip_without_row_locks(database)
    s, assignment, read = await _review_read_at_version_1()

    outcome = await _while_held(
        "UPDATE paper SET status = $1 WHERE id = $2", [PaperStatus.WITHDRAWN.value, s.paper.id],
        s.paper.id, actions.save_review(s.seminar, assignment, DRAFT, opened_version=1, submit=False, read=read),
    )
    review = await Review.get(assignment_id=assignment.id)

    assert isinstance(outcome, UserError) and outcome.message == actions.withdrawn_message()
    assert (review.version, review.comment_to_authors) == (1, "第一版")


async def test_an_update_of_a_review_changed_since_it_was_read_is_refused_as_stale(database: str) -> None:
    s, assignment, read = await _review_read_at_version_1()
    await Review.filter(id=read.id).update(version=2, comment_to_authors="另一个标签页的意见")

    with pytest.raises(actions.StaleReview):
        await actions.save_review(s.seminar, assignment, DRAFT, opened_version=1, submit=False, read=read)
    review = await Review.get(assignment_id=assignment.id)

    assert (review.version, review.comment_to_authors) == (2, "另一个标签页的意见")


async def test_an_update_of_a_review_whose_paper_was_withdrawn_since_it_was_read_is_refused(database: str) -> None:
    s, assignment, read = await _review_read_at_version_1()
    await Paper.filter(id=s.paper.id).update(status=PaperStatus.WITHDRAWN)

    with pytest.raises(UserError) as refused:
        await actions.save_review(s.seminar, assignment, DRAFT, opened_version=1, submit=False, read=read)
    review = await Review.get(assignment_id=assignment.id)

    assert refused.value.message == actions.withdrawn_message()
    assert (review.version, review.comment_to_authors) == (1, "第一版")


async def test_an_update_stores_what_the_page_sent_as_the_orm_reads_it(database: str) -> None:
    s, assignment, read = await _review_read_at_version_1()
    typed = actions.ReviewInput(scores={"1": 18}, comment_to_authors="选题紧扣专题", confidential_note="仅供组织者",
                                recommendation="keynote", confidence=3, typed_scores={"2": "30"})

    saved = await actions.save_review(s.seminar, assignment, typed, opened_version=1, submit=False, read=read)
    stored = await Review.get(assignment_id=assignment.id)

    assert saved is read
    assert (stored.version, stored.scores, stored.typed_scores, stored.total) == (2, {"1": 18}, {"2": "30"}, None)
    assert (stored.comment_to_authors, stored.confidential_note) == ("选题紧扣专题", "仅供组织者")
    assert (stored.recommendation, stored.confidence, stored.status) == (Recommendation.KEYNOTE, 3, ReviewStatus.DRAFT)
    assert stored.updated_at == saved.updated_at
