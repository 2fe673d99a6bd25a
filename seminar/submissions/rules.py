"""Pure rules of submission: keywords, what a paper needs before it is sent, deadlines, quotas.

No ORM, no HTTP: plain values in, plain values (or translated messages) out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from seminar.i18n import _

MIN_KEYWORDS = 3
MAX_KEYWORDS = 5
TITLE_MAX_LENGTH = 200

_KEYWORD_SEPARATORS = re.compile(r"[,，、;；\n]+")


def parse_keywords(text: str) -> list[str]:
    """Keywords as typed, separated by commas (half- or full-width), 、 or semicolons; duplicates dropped."""
    keywords: list[str] = []
    for part in _KEYWORD_SEPARATORS.split(text or ""):
        keyword = part.strip()
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    return keywords


@dataclass(frozen=True)
class AuthorDraft:
    name: str
    unit: str
    is_contact: bool


@dataclass(frozen=True)
class PaperDraft:
    """What a paper holds when it is about to be submitted."""

    title: str
    has_topic: bool
    abstract: str
    keywords: Sequence[str]
    originality_confirmed: bool
    authors: Sequence[AuthorDraft]
    has_manuscript: bool


def missing_for_submission(paper: PaperDraft) -> list[str]:
    """Everything still missing before the paper can be submitted, each as a message for the city."""
    problems: list[str] = []
    if not paper.title.strip():
        problems.append(_("Enter the title."))
    if not paper.has_topic:
        problems.append(_("Choose the topic."))
    if not paper.authors:
        problems.append(_("Enter at least one author."))
    elif any(not author.name.strip() or not author.unit.strip() for author in paper.authors):
        problems.append(_("Enter the name and unit of every author."))
    if paper.authors and not any(author.is_contact for author in paper.authors):
        problems.append(_("Mark one author as the contact author."))
    if not paper.abstract.strip():
        problems.append(_("Enter the abstract."))
    if not MIN_KEYWORDS <= len(paper.keywords) <= MAX_KEYWORDS:
        problems.append(_("Enter 3 to 5 keywords."))
    if not paper.originality_confirmed:
        problems.append(_("Confirm that the paper is original and unpublished."))
    if not paper.has_manuscript:
        problems.append(_("Upload the manuscript."))
    return problems


def effective_deadline(seminar_deadline: dt.datetime | None, extension: dt.datetime | None) -> dt.datetime | None:
    """The city's deadline: an extension only ever moves it later."""
    if extension is None:
        return seminar_deadline
    if seminar_deadline is None:
        return None
    return max(seminar_deadline, extension)


def is_open(now: dt.datetime, opens_at: dt.datetime | None, deadline: dt.datetime | None) -> bool:
    if opens_at is not None and now < opens_at:
        return False
    return deadline is None or now <= deadline


def closed_message(now: dt.datetime, opens_at: dt.datetime | None) -> str:
    if opens_at is not None and now < opens_at:
        return _("Submission has not opened yet.")
    return _("The submission deadline has passed: papers can no longer be changed.")


def over_quota(submitted_by_city: int, quota: int | None) -> bool:
    """Whether one more submitted paper would exceed the city's quota (None: no limit)."""
    return quota is not None and submitted_by_city >= quota


# Decisions after which a paper goes into the book, and so has a final version (定稿).
POSITIVE_OUTCOMES = frozenset({"keynote", "discussion", "proceedings"})


def final_version_problem(released_outcome: str | None, deadline: dt.datetime | None, now: dt.datetime) -> str | None:
    """Why the city cannot send a final version now, or None if it can.

    Only once the city has been told of a positive decision (`released_outcome`, the outcome in
    the decision mail), and until the seminar's final-version deadline if it has one.
    """
    if released_outcome not in POSITIVE_OUTCOMES:
        return _("A final version can be sent once the organizers have told you that the paper is accepted.")
    if deadline is not None and now > deadline:
        return _("The deadline for final versions has passed. Write to the organizers if the paper must still change.")
    return None


@dataclass(frozen=True)
class VersionFacts:
    """One manuscript version of a paper, as far as choosing the book's version cares."""

    version: int
    final_status: str | None = None  # None: an ordinary upload; else a `FinalVersionStatus` value


def book_version(versions: Sequence[VersionFacts], reviewed_version: int | None) -> int | None:
    """The manuscript version the book prints: the newest accepted final version; else the version
    that was reviewed (current when the paper was decided); else, for a paper not decided (or decided
    before versions were recorded), the newest ordinary upload. None when there is no manuscript.

    A final version waiting for the organizers, or returned, is never printed.
    """
    accepted = [v.version for v in versions if v.final_status == "accepted"]
    if accepted:
        return max(accepted)
    ordinary = [v.version for v in versions if v.final_status is None]
    if reviewed_version is not None and reviewed_version in ordinary:
        return reviewed_version
    return max(ordinary, default=None)
