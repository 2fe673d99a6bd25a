"""Carrying out what a paper's change of state sets off (docs/lifecycle.md), one function per event.

Call each inside the transaction of the change itself: the change and its consequences (the
mail in the outbox, a mark taken back) commit together or not at all. What follows from the
state alone (loads, reminders, the agenda's checks, the book's papers) is not written here: it
is read afresh wherever it is shown (see `lifecycle`).
"""

from __future__ import annotations

from dataclasses import dataclass

from seminar.accounts.models import Role, RoleName, User
from seminar.agenda.models import AgendaLeftOut
from seminar.mail.outbox import queue_mail, wordings_for
from seminar.reviews.models import Assignment, Review
from seminar.seminars.models import Seminar
from seminar.submissions import lifecycle
from seminar.submissions.lifecycle import PaperEvent
from seminar.submissions.models import Paper


@dataclass(frozen=True)
class PaperLinks:
    """Absolute addresses for the mails a paper's change sends."""

    paper_url: str  # the paper's page, for its city
    my_reviews_url: str  # a reviewer's list of reviews
    assignments_url: str  # the organizers' assignments page


async def _reviewer_tasks(paper: Paper) -> list[lifecycle.ReviewerTask]:
    assignments = await Assignment.filter(paper_id=paper.id).values_list("id", "reviewer_id", "declined_at")
    statuses = dict(
        await Review.filter(assignment_id__in=[a for a, _r, _d in assignments]).values_list("assignment_id", "status")
    )
    return [
        lifecycle.ReviewerTask(int(reviewer_id), declined_at is not None, str(statuses[a]) if a in statuses else None)
        for a, reviewer_id, declined_at in assignments
    ]


async def _tell_reviewers(event: PaperEvent, paper: Paper, seminar: Seminar, links: PaperLinks) -> int:
    """One mail to each reviewer whose review of the paper was still to do, in their language."""
    tasks = await _reviewer_tasks(paper)
    drafted = {t.reviewer_id for t in tasks if t.review_status is not None}
    told = lifecycle.reviewers_to_tell(event, tasks)
    wordings = await wordings_for(seminar.id, "reviews/paper_status")
    for reviewer in await User.filter(id__in=told, is_active=True).order_by("id"):
        await queue_mail(
            template="reviews/paper_status",
            to_address=reviewer.email,
            to_name=reviewer.name,
            locale=reviewer.locale,
            context={
                "seminar": seminar,
                "event": event.value,
                # Number and title only: no city or author reaches a reviewer by mail.
                "paper": {"number": paper.number, "title": paper.title},
                "has_draft": reviewer.id in drafted,
                "review_deadline": seminar.review_deadline,
                "my_reviews_url": links.my_reviews_url,
            },
            seminar_id=seminar.id,
            wordings=wordings,
        )
    return len(told)


async def paper_withdrawn(paper: Paper, seminar: Seminar, links: PaperLinks) -> None:
    """The paper's open assignments end: its reviewers are told, their drafts stay (read-only).

    The assignment rows stay as they are, so that sending the paper in again resumes them; while
    the paper is withdrawn they count in no load, no progress and no reminder, and the score form
    refuses (`permissions.can_write_review`). The agenda's checks report the paper wherever the
    draft or the published agenda still holds it; the book leaves it out from its next build.
    """
    await _tell_reviewers(PaperEvent.WITHDRAWN, paper, seminar, links)


async def paper_sent_in(paper: Paper, seminar: Seminar, previous_status: str, sent_in_before: bool,
                        links: PaperLinks) -> PaperEvent | None:
    """A paper sent in again after withdrawal resumes its assignments and its reviewers are told; a paper
    sent in for the first time after reviewing began is announced to the organizers, who assign it."""
    reviewing_started = await Assignment.exists(seminar_id=seminar.id)
    event = lifecycle.submission_event(previous_status, sent_in_before, reviewing_started)
    if event is PaperEvent.REINSTATED:
        await _tell_reviewers(event, paper, seminar, links)
    elif event is PaperEvent.ADMITTED_LATE:
        await _tell_organizers_of_late_paper(paper, seminar, links)
    return event


async def _tell_organizers(template: str, seminar: Seminar, context: dict[str, object]) -> None:
    """One mail to each active organizer of the seminar, in their language."""
    organizers = await Role.filter(
        seminar_id=seminar.id, name=RoleName.ORGANIZER, user__is_active=True
    ).select_related("user").order_by("user_id")
    for role in organizers:
        await queue_mail(
            template=template,
            to_address=role.user.email,
            to_name=role.user.name,
            locale=role.user.locale,
            context={"seminar": seminar, **context},
            seminar_id=seminar.id,
        )


async def _tell_organizers_of_late_paper(paper: Paper, seminar: Seminar, links: PaperLinks) -> None:
    await paper.fetch_related("city", "topic")
    await _tell_organizers("submissions/late_paper", seminar, {
        "paper": {"number": paper.number, "title": paper.title},
        "city": paper.city.name,
        "topic": paper.topic.title if paper.topic else "",
        "assignments_url": links.assignments_url,
    })


async def final_version_sent(paper: Paper, seminar: Seminar, version: int, final_versions_url: str) -> None:
    """The city sent a final version (定稿): the organizers are told it waits for them to accept or return it.

    Nothing else follows until they do: the book keeps printing the version that was reviewed.
    """
    await paper.fetch_related("city")
    await _tell_organizers("submissions/final_version_sent", seminar, {
        "paper": {"number": paper.number, "title": paper.title},
        "city": paper.city.name,
        "version": version,
        "final_versions_url": final_versions_url,
    })


async def decisions_changed(changes: dict[int, tuple[str | None, str | None]]) -> None:
    """Paper id → (outcome before, outcome after) for the decisions just set, changed or removed.

    A paper an organizer left out of the agenda for its old decision is no longer left out: the
    agenda's checks ask about it again. Everything else (the agenda's checks, the book, the
    decision mail) reads the decision afresh.
    """
    taken_back = [
        paper_id for paper_id, (before, after) in changes.items()
        if (event := lifecycle.decision_event(before, after)) is not None and not lifecycle.keeps_left_out(event)
    ]
    if taken_back:
        await AgendaLeftOut.filter(paper_id__in=taken_back).delete()
