"""The demo seminar's reviewing: profiles, bids, the solver's assignment, reviews with 点评, and decisions.

Everything is derived from the papers and reviewers by fixed rules (no randomness), so building
again gives the same data. Each part is made only when the seminar has none of it yet: an
organizer's or reviewer's own changes to the demo are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from seminar.accounts.models import User
from seminar.mail.models import MailStatus, OutboxMail
from seminar.reviews import actions
from seminar.reviews.decisions import decide
from seminar.reviews.models import (
    Assignment,
    Bid,
    Decision,
    Preference,
    Recommendation,
    Review,
    ReviewerProfile,
    ReviewSettings,
    ReviewStatus,
)
from seminar.reviews.overview import ranking
from seminar.reviews.proposals import propose_assignments
from seminar.reviews.queries import reviewable_papers, reviewers_of
from seminar.reviews.scoring import suggested_awards
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper

SEED = 2024

STRENGTHS = (
    "选题紧扣专题，问题意识较强",
    "经验做法具体，数据翔实",
    "结合本地实际，特色鲜明",
    "体制机制创新有亮点，可复制可推广",
    "党建引领基层治理的路径清晰",
    "案例典型，说服力较强",
)
SUGGESTIONS = (
    "建议进一步提炼理论观点",
    "背景部分可适当压缩，突出做法和成效",
    "建议补充成效数据和典型案例",
    "对存在问题的分析可更深入",
    "文字表达还需精炼，个别表述不够规范",
    "建议加强与专题要求的对应",
)
NOTES = ("可作为重点发言备选。", "与同市另一篇论文内容有重复。", "数据来源需核实。", "")


def _number(*parts: object) -> int:
    """A stable pseudo-random number from the parts (the same on every build and machine)."""
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:4], "big")


def _split(total: int, maxima: Sequence[int]) -> list[int]:
    """Scores per criterion in proportion to each maximum, adding up to `total` exactly."""
    scores = [min(top, round(top * total / 100)) for top in maxima]
    for index in range(len(scores)):
        gap = total - sum(scores)
        if gap == 0:
            break
        scores[index] = max(0, min(maxima[index], scores[index] + gap))
    return scores


def _recommendation(total: int) -> Recommendation:
    if total >= 85:
        return Recommendation.KEYNOTE
    if total >= 75:
        return Recommendation.DISCUSSION
    if total >= 62:
        return Recommendation.PROCEEDINGS
    return Recommendation.DECLINE


def _comment(paper: Paper, reviewer: User, total: int) -> str:
    strength = STRENGTHS[_number(paper.title, reviewer.email, "s") % len(STRENGTHS)]
    suggestion = SUGGESTIONS[_number(paper.title, reviewer.email, "g") % len(SUGGESTIONS)]
    verdict = "整体质量较高" if total >= 80 else "总体较好" if total >= 68 else "还需进一步完善"
    return f"{strength}。{verdict}，{suggestion}。"


@dataclass(frozen=True)
class DemoReviews:
    assignments: int
    submitted: int
    decisions: int


async def _profiles(seminar: Seminar, reviewers: Sequence[User], topics: Sequence[Topic]) -> None:
    """Each reviewer knows three neighbouring topics, so every topic has four experts."""
    for index, reviewer in enumerate(reviewers):
        chosen = sorted({topics[(index + step) % len(topics)].id for step in range(3)})
        await ReviewerProfile.get_or_create(seminar_id=seminar.id, user_id=reviewer.id, defaults={"topic_ids": chosen})


async def _bids(seminar: Seminar, reviewers: Sequence[User], papers: Sequence[Paper]) -> None:
    if await Bid.exists(seminar_id=seminar.id):
        return
    profiles = {p.user_id: set(p.topic_ids) for p in await ReviewerProfile.filter(seminar_id=seminar.id)}
    choices = (Preference.WANT, Preference.WILLING, Preference.WILLING, Preference.UNWILLING)
    await Bid.bulk_create([
        Bid(seminar_id=seminar.id, paper_id=paper.id, reviewer_id=reviewer.id,
            preference=choices[_number(paper.title, reviewer.email, "bid") % len(choices)])
        for reviewer in reviewers for paper in papers
        if paper.topic_id in profiles.get(reviewer.id, set())
        and _number(paper.title, reviewer.email, "bids?") % 3 != 0  # not everyone states every preference
    ])


async def _reviews(seminar: Seminar, now: dt.datetime, finished: bool) -> None:
    """A review for most assignments; one in twelve not started, one in twelve a draft (`finished`: every
    review submitted, as when the review stage is over)."""
    if await Review.exists(assignment__seminar_id=seminar.id):
        return
    criteria = await actions.ensure_criteria(seminar)
    maxima = [c.max_points for c in criteria]
    rows: list[Review] = []
    for assignment in await Assignment.filter(seminar_id=seminar.id, declined_at__isnull=True).select_related("paper", "reviewer").order_by("id"):
        paper, reviewer = assignment.paper, assignment.reviewer
        state = 2 if finished else _number(paper.title, reviewer.email, "state") % 12
        if state == 0:
            continue
        quality = 58 + _number(paper.title, "quality") % 35  # the paper's own merit, 58..92
        severity = _number(reviewer.email, "severity") % 12 - 6  # strict to lenient, −6..+5
        noise = _number(paper.title, reviewer.email, "noise") % 9 - 4
        total = max(40, min(98, quality + severity + noise))
        submitted = state != 1
        rows.append(Review(
            assignment_id=assignment.id,
            scores={str(c.id): s for c, s in zip(criteria, _split(total, maxima), strict=True)},
            total=total if submitted else None,
            comment_to_authors=_comment(paper, reviewer, total),
            confidential_note=NOTES[_number(paper.title, reviewer.email, "note") % len(NOTES)] if submitted else "",
            recommendation=_recommendation(total) if submitted else None,
            confidence=1 + _number(reviewer.email, paper.title, "confidence") % 3 if submitted else None,
            status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
            submitted_at=now - dt.timedelta(hours=_number(paper.title, reviewer.email) % 200) if submitted else None,
        ))
    await Review.bulk_create(rows)


async def _decisions(seminar: Seminar, organizer: User) -> None:
    """Per topic the best two (three in a large topic) speak, the next three discuss, the rest go to the book;
    the two weakest papers of the seminar are declined; the best get 一/二/三等奖 in the suggested shares."""
    if await Decision.exists(seminar_id=seminar.id):
        return
    ranked = await ranking(seminar, "trimmed")
    outcome: dict[int, str] = {}
    scored: list[tuple[float, int]] = []
    for section in ranked.topics:
        rows = [row for row in section.rows if row.ranked.trimmed is not None]
        keynotes = 3 if len(section.rows) >= 9 else 2
        for position, row in enumerate(rows):
            outcome[row.paper.id] = "keynote" if position < keynotes else "discussion" if position < keynotes + 3 else "proceedings"
            scored.append((row.ranked.trimmed or 0.0, row.paper.id))
    scored.sort(reverse=True)
    for _score, paper_id in scored[-2:]:
        outcome[paper_id] = "decline"
    kept = [paper_id for _score, paper_id in scored if outcome[paper_id] != "decline"]
    shares = suggested_awards(len(kept))
    award: dict[int, str] = {}
    start = 0
    for grade in ("first", "second", "third"):
        for paper_id in kept[start:start + shares[grade]]:
            award[paper_id] = grade
        start += shares[grade]
    groups: dict[tuple[str, str], list[int]] = {}
    for paper_id, chosen in outcome.items():
        groups.setdefault((chosen, award.get(paper_id, "")), []).append(paper_id)
    for (chosen, grade), paper_ids in sorted(groups.items()):
        # Some reviews are still drafts or not started: the demo's organizer confirms deciding anyway.
        await decide(seminar, paper_ids, chosen, grade, by=organizer, confirmed=paper_ids)


async def _notified(seminar: Seminar, on: dt.date) -> None:
    """The decisions taken two days before `on` and told to the cities on `on` (no mail is queued: the
    demo's decision mails went out long ago)."""
    zone = ZoneInfo(seminar.time_zone)
    decided = dt.datetime.combine(on - dt.timedelta(days=2), dt.time(15), tzinfo=zone)
    told = dt.datetime.combine(on, dt.time(10), tzinfo=zone)
    for decision in await Decision.filter(seminar_id=seminar.id, notified_at__isnull=True):
        await Decision.filter(id=decision.id).update(
            decided_at=decided, notified_at=told, notified_outcome=decision.outcome, notified_award=decision.award,
        )


async def build_demo_reviews(
    seminar: Seminar, organizer: User, base_url: str, now: dt.datetime, notified_on: dt.date | None = None
) -> DemoReviews:
    """Profiles, bids, the solver's assignment (3 a paper, mails in the outbox: already sent when the
    review stage is over), reviews and decisions.

    `notified_on`: the review stage is over — every review is in, and the decisions were told to the
    cities that day. Without it some reviews are outstanding and the decisions not yet told."""
    await ReviewSettings.get_or_create(seminar_id=seminar.id, defaults={"authors_see_comments": True})
    await actions.ensure_criteria(seminar)
    reviewers = await reviewers_of(seminar)
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    papers = await reviewable_papers(seminar).order_by("number")
    if not reviewers or not topics or not papers:
        return DemoReviews(0, 0, 0)
    await _profiles(seminar, reviewers, topics)
    await _bids(seminar, reviewers, papers)
    if not await Assignment.exists(seminar_id=seminar.id):
        proposal = await propose_assignments(seminar, SEED)
        links = actions.MailLinks(f"{base_url}/{seminar.slug}/reviews/")
        await actions.apply_assignments(seminar, proposal.pairs, by=organizer, links=links)
        if notified_on is not None:  # a finished seminar: its assignment mails went out when it was assigned
            await OutboxMail.filter(
                seminar_id=seminar.id, template="reviews/assigned", status=MailStatus.PENDING
            ).update(status=MailStatus.SENT, sent_at=now - dt.timedelta(days=20), next_attempt_at=now - dt.timedelta(days=20))
    await _reviews(seminar, now, finished=notified_on is not None)
    await _decisions(seminar, organizer)
    if notified_on is not None:
        await _notified(seminar, notified_on)
    return DemoReviews(
        assignments=await Assignment.filter(seminar_id=seminar.id).count(),
        submitted=await Review.filter(assignment__seminar_id=seminar.id, status=ReviewStatus.SUBMITTED).count(),
        decisions=await Decision.filter(seminar_id=seminar.id).count(),
    )
