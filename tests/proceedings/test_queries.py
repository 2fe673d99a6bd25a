"""What the book's inputs hold: which manuscript each paper prints, and whose authors it names."""

from __future__ import annotations

from seminar.accounts.models import User
from seminar.proceedings.queries import book_spec
from seminar.reviews.decisions import decide
from seminar.reviews.models import Decision
from seminar.submissions.models import Blob, Manuscript, Paper
from tests.factories import make_decision, make_organizer, make_paper, make_review, make_reviewer, make_seminar


async def _add_version(paper: Paper, version: int, text: str) -> None:
    blob = await Blob.get(sha256="0" * 64)
    await Manuscript.create(paper=paper, version=version, blob=blob, original_filename="论文.txt",
                            content_type="text/plain", kind="txt", html=f"<p>{text}</p>")


async def test_the_book_leaves_out_the_authors_of_papers_under_blind_review_only() -> None:
    seminar = await make_seminar()
    open_seminar = await make_seminar(slug="gd-2022", blind_review=False)
    reviewer = await make_reviewer(seminar)
    under_review = await make_paper(seminar, status="submitted")
    reviewed = await make_paper(seminar, title="深化矛盾纠纷多元化解", status="submitted")
    open_paper = await make_paper(open_seminar, status="submitted")
    await make_review(under_review, reviewer, status="draft")
    await make_review(reviewed, reviewer)
    await make_review(open_paper, reviewer, status="draft")

    blind_book = [paper for topic in (await book_spec(seminar)).topics for paper in topic.papers]
    open_book = [paper for topic in (await book_spec(open_seminar)).topics for paper in topic.papers]

    assert [(p.number, [a[0] for a in p.authors], p.authors_withheld) for p in blind_book] == [
        (under_review.number, [], True), (reviewed.number, ["陈静"], False),
    ]
    assert [(p.number, [a[0] for a in p.authors]) for p in open_book] == [(open_paper.number, ["陈静"])]


async def test_deciding_records_the_version_reviewed_which_the_book_prints_after_later_uploads() -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    paper = await make_paper(seminar, status="submitted")
    await _add_version(paper, 2, "修改稿")
    by = await User.get(id=organizer.id)

    await decide(seminar, [paper.id], "keynote", "", by=by, confirmed=[paper.id])  # decided without reviews
    await _add_version(paper, 3, "决定后才上传的稿件")  # e.g. through the demo or an older page

    decision = await Decision.get(paper_id=paper.id)
    assert decision.reviewed_version == 2
    printed = [p for topic in (await book_spec(seminar)).topics for p in topic.papers]
    assert [(p.manuscript_version, p.body_html) for p in printed] == [(2, "<p>修改稿</p>")]


async def test_a_paper_decided_before_versions_were_recorded_prints_its_newest_ordinary_upload() -> None:
    seminar = await make_seminar()
    paper = await make_paper(seminar, status="submitted")
    await make_decision(paper, "discussion")  # reviewed_version empty, as for decisions made before 定稿
    await _add_version(paper, 2, "修改稿")

    printed = [p for topic in (await book_spec(seminar)).topics for p in topic.papers]

    assert [p.manuscript_version for p in printed] == [2]
