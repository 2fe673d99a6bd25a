"""Pure rules of reviewing: default criteria, conflicts by unit, the review window, what a reviewer sees,
and reading the score inputs of a review form.

No ORM, no HTTP: plain values in, plain values (or translated messages) out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from seminar.i18n import _


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as the form and the arithmetic need it: its key in the scores, name and maximum."""

    key: str
    name: str
    max_points: int


# From the domain notes: 选题 15, 观点 25, 论证 20, 实践价值 25, 文字表达 15 (total 100).
DEFAULT_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("选题", "针对性、创新性", 15),
    ("观点", "正确、鲜明", 25),
    ("论证", "论据充分、逻辑严密", 20),
    ("实践价值", "可操作、可推广", 25),
    ("文字表达", "表达准确、格式规范", 15),
)

CONFIDENCE_LEVELS = (1, 2, 3)


def is_automatic_conflict(reviewer_unit_id: int | None, reviewer_unit_parent_id: int | None, city_id: int) -> bool:
    """A reviewer from the paper's city, or from a unit belonging to that city, never reviews it."""
    return city_id in (reviewer_unit_id, reviewer_unit_parent_id)


def is_review_open(now: dt.datetime, deadline: dt.datetime | None) -> bool:
    """Reviews may be written and edited until the seminar's review deadline (none set: always)."""
    return deadline is None or now < deadline


def review_closed_message() -> str:
    return _("The review deadline has passed: reviews can no longer be changed.")


def shows_identity(blind_review: bool, is_organizer: bool) -> bool:
    """Whether a reviewer may see the paper's city and authors: never in blind review."""
    return is_organizer or not blind_review


def read_scores(raw: Mapping[str, str], criteria: Sequence[CriterionSpec]) -> tuple[dict[str, int], dict[str, str]]:
    """The whole-number scores typed in (blank inputs left out) and, per criterion key, what is wrong.

    A draft may leave criteria blank; every score typed must be a whole number in 0..maximum.
    """
    scores: dict[str, int] = {}
    problems: dict[str, str] = {}
    for criterion in criteria:
        text = (raw.get(criterion.key) or "").strip()
        if not text:
            continue
        try:
            value = int(text)
        except ValueError:
            problems[criterion.key] = _("Enter a whole number of points for “%(name)s”.", name=criterion.name)
            continue
        if not 0 <= value <= criterion.max_points:
            problems[criterion.key] = _(
                "“%(name)s” is scored from 0 to %(max)s points.", name=criterion.name, max=criterion.max_points
            )
            continue
        scores[criterion.key] = value
    return scores, problems


def missing_scores(scores: Mapping[str, int], criteria: Sequence[CriterionSpec]) -> list[str]:
    """Names of the criteria still without a score (a review is submitted only with none missing)."""
    return [criterion.name for criterion in criteria if criterion.key not in scores]


def short_of_reviews(submitted: Mapping[int, int], paper_ids: Iterable[int], required: int) -> dict[int, int]:
    """The papers (of `paper_ids`) with fewer submitted reviews than the seminar requires, each with how many it has.

    Deciding such a paper, or mailing its decision ("经专家评审…"), needs the organizer's confirmation.
    """
    return {paper_id: submitted.get(paper_id, 0) for paper_id in paper_ids if submitted.get(paper_id, 0) < required}


@dataclass(frozen=True)
class Progress:
    assigned: int
    drafted: int
    submitted: int

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted


def progress(statuses: Iterable[str | None]) -> Progress:
    """Counts from one status per assignment: None (not started), "draft" or "submitted"."""
    values = list(statuses)
    return Progress(
        assigned=len(values),
        drafted=sum(1 for status in values if status == "draft"),
        submitted=sum(1 for status in values if status == "submitted"),
    )
