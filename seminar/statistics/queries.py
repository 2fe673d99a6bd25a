"""The figures behind the statistics page, each in a fixed number of queries.

Papers count when submitted and not withdrawn; reviews when submitted. Papers by city keep the
official order of provincial documents (`Unit.sort_order`); people by unit the order of lists of
people (`people_unit_order`: 省直单位, cities, institutions, people without a unit last).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from seminar.accounts.models import Role, RoleName, Unit
from seminar.accounts.units import people_unit_order
from seminar.db import column
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.models import Criterion, Review, ReviewStatus
from seminar.reviews.overview import review_progress
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper, PaperStatus

@dataclass(frozen=True)
class CityTopicCounts:
    """Papers per city (rows) and topic (columns); every city with a submitter, none left out."""

    cities: list[str]
    topics: list[str]
    counts: dict[tuple[int, int], int]  # (city index, topic index) → papers

    def row_total(self, row: int) -> int:
        return sum(count for (r, _c), count in self.counts.items() if r == row)

    def column_total(self, column: int) -> int:
        return sum(count for (_r, c), count in self.counts.items() if c == column)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def papers_by_city_and_topic(seminar: Seminar) -> CityTopicCounts:
    """Three queries: the topics, the submitters' units and the papers."""
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id").values_list("id", "title")
    submitter_units = await column(
        Role.filter(seminar_id=seminar.id, name=RoleName.SUBMITTER, user__unit_id__isnull=False), "user__unit_id"
    )
    papers = await Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED).values_list("city_id", "topic_id")
    unit_ids = {int(unit_id) for unit_id in submitter_units} | {int(city_id) for city_id, _topic in papers}
    units = await Unit.filter(id__in=unit_ids).order_by("sort_order", "id").values_list("id", "name")
    row_of = {unit_id: index for index, (unit_id, _name) in enumerate(units)}
    column_of = {topic_id: index for index, (topic_id, _title) in enumerate(topics)}
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for city_id, topic_id in papers:
        if topic_id in column_of:
            counts[(row_of[city_id], column_of[topic_id])] += 1
    return CityTopicCounts([name for _id, name in units], [title for _id, title in topics], dict(counts))


async def submission_days(seminar: Seminar) -> list[dt.date]:
    """The day (in the seminar's zone) each paper still in was submitted."""
    zone = ZoneInfo(seminar.time_zone)
    moments = await column(
        Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED, submitted_at__isnull=False), "submitted_at"
    )
    return sorted(moment.astimezone(zone).date() for moment in moments)


def deadline_day(seminar: Seminar) -> dt.date | None:
    deadline = seminar.submission_deadline
    return deadline.astimezone(ZoneInfo(seminar.time_zone)).date() if deadline else None


@dataclass(frozen=True)
class ReviewerTotals:
    name: str
    totals: list[int]  # of each submitted review

    @property
    def mean(self) -> float | None:
        return sum(self.totals) / len(self.totals) if self.totals else None


async def totals_by_reviewer(seminar: Seminar) -> tuple[list[ReviewerTotals], int]:
    """Each reviewer's submitted totals (papers still in only), and the form's highest total; two queries."""
    rows = await Review.filter(
        assignment__seminar_id=seminar.id, status=ReviewStatus.SUBMITTED, total__isnull=False,
        assignment__paper__status=PaperStatus.SUBMITTED,
    ).order_by("assignment__reviewer__name", "id").values_list("assignment__reviewer__name", "total")
    by_name: dict[str, list[int]] = defaultdict(list)
    for name, total in rows:
        by_name[str(name)].append(int(total))
    highest = sum(await column(Criterion.filter(seminar_id=seminar.id), "max_points")) or 100
    return [ReviewerTotals(name, totals) for name, totals in by_name.items()], int(highest)


@dataclass(frozen=True)
class ReviewerWork:
    name: str
    submitted: int
    drafted: int
    not_started: int


async def work_by_reviewer(seminar: Seminar) -> list[ReviewerWork]:
    """Per reviewer, the assigned reviews by state, as the review progress page counts them."""
    progress = await review_progress(seminar)
    return [
        ReviewerWork(row.reviewer.name, row.submitted, row.drafted, row.assigned - row.submitted - row.drafted)
        for row in progress.reviewers
        if row.assigned
    ]


@dataclass(frozen=True)
class UnitRegistrations:
    unit: str
    approved: int
    pending: int


async def registrations_by_unit(seminar: Seminar) -> list[UnitRegistrations]:
    """Approved and waiting registrations per unit (typed units by their text), rejected ones aside; one query."""
    rows = await Registration.filter(seminar_id=seminar.id).values_list(
        "unit__name", "unit__kind", "unit__sort_order", "unit_text", "status"
    )
    counts: dict[tuple[tuple[int, int], str], list[int]] = defaultdict(lambda: [0, 0])
    for unit_name, kind, sort_order, unit_text, status in rows:
        if status == RegistrationStatus.REJECTED:
            continue
        order = people_unit_order(str(kind), int(sort_order)) if kind is not None else people_unit_order(None)
        key = (order, str(unit_name or unit_text or "—"))
        counts[key][0 if status == RegistrationStatus.APPROVED else 1] += 1
    return [UnitRegistrations(name, approved, pending) for (_order, name), (approved, pending) in sorted(counts.items())]


@dataclass(frozen=True)
class Figures:
    """Everything the statistics page and its workbook show."""

    city_topic: CityTopicCounts
    submission_days: list[dt.date]
    deadline: dt.date | None
    reviewer_totals: list[ReviewerTotals]
    highest_total: int
    reviewer_work: list[ReviewerWork]
    registrations: list[UnitRegistrations]


async def figures_of(seminar: Seminar) -> Figures:
    totals, highest = await totals_by_reviewer(seminar)
    return Figures(
        await papers_by_city_and_topic(seminar), await submission_days(seminar), deadline_day(seminar),
        totals, highest, await work_by_reviewer(seminar), await registrations_by_unit(seminar),
    )
