"""The events of a paper's life and what each one sets off, as plain data: no ORM, no web.

docs/lifecycle.md has the whole table (reviewing, the agenda, the book, mail). What needs
writing happens in `consequences`, inside the transaction of the change that causes it. The
rest follows from the paper's status and decision whenever it is read: the agenda's checks,
the book's list of papers, the reviewers' loads and reminders read them afresh every time, so
nothing there can go stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class PaperEvent(StrEnum):
    WITHDRAWN = "withdrawn"  # the city withdraws a submitted paper
    REINSTATED = "reinstated"  # the city sends a withdrawn paper in again
    ADMITTED_LATE = "admitted_late"  # first sent in after reviewers were assigned to other papers
    TOPIC_CHANGED = "topic_changed"
    DECIDED = "decided"
    DECISION_CHANGED = "decision_changed"
    DECISION_REMOVED = "decision_removed"
    FINAL_VERSION = "final_version"  # 定稿: submissions.actions.upload_final_version, see docs/lifecycle.md


def submission_event(previous_status: str, sent_in_before: bool, reviewing_started: bool) -> PaperEvent | None:
    """What sending a paper in means for the rest of the seminar.

    `previous_status` is the paper's status before ("draft", "submitted", "withdrawn"),
    `sent_in_before` whether it was ever sent in, `reviewing_started` whether any reviewer of the
    seminar has been assigned. A revision of a submitted paper, or a first paper before any
    assignment, sets nothing off.
    """
    if previous_status == "withdrawn":
        return PaperEvent.REINSTATED
    if not sent_in_before and reviewing_started:
        return PaperEvent.ADMITTED_LATE
    return None


def decision_event(before: str | None, after: str | None) -> PaperEvent | None:
    """The event of a decision going from `before` to `after` (outcomes; None: undecided)."""
    if before == after:
        return None
    if before is None:
        return PaperEvent.DECIDED
    if after is None:
        return PaperEvent.DECISION_REMOVED
    return PaperEvent.DECISION_CHANGED


def keeps_left_out(event: PaperEvent) -> bool:
    """Whether an organizer's "leave this paper out of the agenda" still stands after the event.

    It was given for one decision: a new or removed decision asks the question again.
    """
    return event not in (PaperEvent.DECISION_CHANGED, PaperEvent.DECISION_REMOVED)


@dataclass(frozen=True)
class ReviewerTask:
    """One reviewer's assignment to the paper, as far as telling them about it matters."""

    reviewer_id: int
    declined: bool
    review_status: str | None  # None: not begun; "draft"; "submitted"


def reviewers_to_tell(event: PaperEvent, tasks: Iterable[ReviewerTask]) -> list[int]:
    """Whom to write to when the paper is withdrawn or sent in again: the reviewers whose review was
    still to do (not declined, not submitted). A submitted review is finished work either way."""
    if event not in (PaperEvent.WITHDRAWN, PaperEvent.REINSTATED):
        return []
    return sorted({t.reviewer_id for t in tasks if not t.declined and t.review_status != "submitted"})
