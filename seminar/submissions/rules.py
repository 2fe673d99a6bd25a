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
