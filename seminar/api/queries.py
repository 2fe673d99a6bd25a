"""The API's reads: the token behind a request, and each endpoint's rows — a fixed number of queries per page.

Which rows a person gets is decided by the same predicates as the pages (`seminar.permissions`):
the query narrows the rows to those the predicates could allow, and every row is then put
through the predicate itself before it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Avg, Count

from seminar import permissions
from seminar.accounts.models import Role, RoleName, User
from seminar.agenda.queries import latest_release
from seminar.agenda.snapshot import agenda_from_data
from seminar.api import shapes
from seminar.api.models import ApiToken
from seminar.db import column
from seminar.pagination import paginate
from seminar.permissions import Actor
from seminar.proceedings.queries import public_paper_numbers, published_build
from seminar.registration.models import Registration
from seminar.reviews.models import Decision, Review, ReviewStatus
from seminar.reviews.queries import reviewer_papers
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Paper

# ---------- tokens ----------


async def tokens_of(user: User) -> list[ApiToken]:
    """A person's tokens, newest first, with their seminars: one query."""
    return await ApiToken.filter(user_id=user.id).select_related("seminar").order_by("-created_at", "-id")


async def token_by_hash(hashed: str) -> ApiToken | None:
    """The token with this hash, its owner and its seminar: one query."""
    return await ApiToken.filter(token_hash=hashed).select_related("user", "seminar").first()


async def token_actor(user: User, seminar_id: int) -> Actor:
    """Who the token's owner is in the token's seminar, as `load_actor` builds it for a session —
    but with their roles in this one seminar only, so the token reads nothing of any other."""
    names = await column(Role.filter(user_id=user.id, seminar_id=seminar_id), "name")
    roles = frozenset(str(name) for name in names)
    reviewing = RoleName.REVIEWER.value in roles
    assigned, conflicted = await reviewer_papers(user, [seminar_id]) if reviewing else (frozenset(), frozenset())
    return Actor(
        user=user,
        roles={seminar_id: roles} if roles else {},
        unit_id=user.unit_id,
        assigned_paper_ids=assigned,
        conflicted_paper_ids=conflicted,
    )


# ---------- the seminar and its topics ----------


def seminar_shape(seminar: Seminar, actor: Actor) -> shapes.Seminar:
    return shapes.Seminar(
        slug=seminar.slug, title=seminar.title, description=seminar.description, venue=seminar.venue,
        starts_on=seminar.starts_on, ends_on=seminar.ends_on, time_zone=seminar.time_zone,
        submission_deadline=seminar.submission_deadline, review_deadline=seminar.review_deadline,
        blind_review=seminar.blind_review, reviews_per_paper=seminar.reviews_per_paper,
        roles=sorted(actor.roles.get(seminar.id, frozenset())),
    )


def _page(rows: list[Any], page: Any) -> shapes.Page[Any]:
    return shapes.Page(items=rows, page=page.number, per_page=page.size, total=page.total, pages=page.count)


async def topics(seminar: Seminar, number: int, size: int) -> shapes.Page[shapes.Topic]:
    page = await paginate(Topic.filter(seminar_id=seminar.id).order_by("position", "id"), number, size)
    return _page([shapes.Topic(t.id, t.position, t.title, t.description) for t in page.items], page)


# ---------- papers ----------


async def _book_paper_ids(actor: Actor, seminar: Seminar) -> frozenset[int]:
    """The papers whose public page this person may read (those in the published book), as the book's pages decide."""
    published = await published_build(seminar, None)
    if not permissions.can_read_paper_page(actor, seminar, published is not None):
        return frozenset()
    return frozenset(await public_paper_numbers(seminar))


def _visible(actor: Actor, paper: Paper, in_book: frozenset[int]) -> str | None:
    """How much of `paper` this person sees: "whole" (its page), "title" (as its reviewer or a reader of the book), or None."""
    if permissions.can_see_paper(actor, paper):
        return "whole"
    if permissions.can_review_paper(actor, paper) or paper.id in in_book:
        return "title"
    return None


async def _papers_query(actor: Actor, seminar: Seminar, in_book: frozenset[int]) -> Any:
    query = Paper.filter(seminar_id=seminar.id).select_related("city").order_by("number")
    if permissions.can_see_all_papers(actor, seminar):
        return query
    condition = Q(id__in=list(in_book | (actor.assigned_paper_ids - actor.conflicted_paper_ids)))
    if permissions.can_submit_papers(actor, seminar):
        condition |= Q(city_id=actor.unit_id)
    return query.filter(condition)


async def _paper_shapes(actor: Actor, papers: list[Paper], in_book: frozenset[int]) -> list[shapes.Paper]:
    seen = {paper.id: _visible(actor, paper, in_book) for paper in papers}
    whole = [paper_id for paper_id, how in seen.items() if how == "whole"]
    authors: dict[int, list[shapes.Author]] = defaultdict(list)
    if whole:
        for author in await Author.filter(paper_id__in=whole).order_by("paper_id", "position"):
            authors[author.paper_id].append(
                shapes.Author(author.name, author.unit, author.job_title, author.is_contact, author.is_presenter)
            )
    return [
        shapes.Paper(
            number=paper.number, title=paper.title, subtitle=paper.subtitle, keywords=list(paper.keywords or []),
            topic_id=paper.topic_id, status=str(paper.status), submitted_at=paper.submitted_at,
            city=paper.city.name if seen[paper.id] == "whole" else None,
            authors=authors[paper.id] if seen[paper.id] == "whole" else None,
        )
        for paper in papers
        if seen[paper.id] is not None
    ]


async def papers(actor: Actor, seminar: Seminar, number: int, size: int) -> shapes.Page[shapes.Paper]:
    in_book = await _book_paper_ids(actor, seminar)
    page = await paginate(await _papers_query(actor, seminar, in_book), number, size)
    return _page(await _paper_shapes(actor, page.items, in_book), page)


async def paper(actor: Actor, seminar: Seminar, number: int) -> shapes.Paper | None:
    """One paper by its number in this seminar, or None if it is not there for this person."""
    found = await Paper.filter(seminar_id=seminar.id, number=number).select_related("city").first()
    if found is None:
        return None
    in_book = await _book_paper_ids(actor, seminar)
    shaped = await _paper_shapes(actor, [found], in_book)
    return shaped[0] if shaped else None


# ---------- reviews, decisions, registrations ----------


async def review_summaries(seminar: Seminar, number: int, size: int) -> shapes.Page[shapes.ReviewSummary]:
    """Per paper sent in, its reviews counted and the mean total of those submitted (organizers only: see the route)."""
    query = Paper.filter(seminar_id=seminar.id, submitted_at__isnull=False).order_by("number")
    page = await paginate(query, number, size)
    ids = [p.id for p in page.items]
    counts: dict[tuple[int, str], int] = {}
    means: dict[int, float | None] = {}
    if ids:
        rows: list[dict[str, Any]] = await (
            Review.filter(assignment__paper_id__in=ids)
            .annotate(count=Count("id"), mean=Avg("total"))
            .group_by("assignment__paper_id", "status")
            .values("assignment__paper_id", "status", "count", "mean")
        )
        for row in rows:
            paper_id, status = row["assignment__paper_id"], str(row["status"])
            counts[(paper_id, status)] = row["count"]
            if status == ReviewStatus.SUBMITTED.value:
                means[paper_id] = round(float(row["mean"]), 2) if row["mean"] is not None else None
    items = [
        shapes.ReviewSummary(
            paper_number=p.number, title=p.title,
            reviews_submitted=counts.get((p.id, ReviewStatus.SUBMITTED.value), 0),
            reviews_in_progress=sum(n for (paper_id, status), n in counts.items()
                                    if paper_id == p.id and status != ReviewStatus.SUBMITTED.value),
            mean_total=means.get(p.id),
        )
        for p in page.items
    ]
    return _page(items, page)


async def decisions(actor: Actor, seminar: Seminar, number: int, size: int) -> shapes.Page[shapes.Decision]:
    """Every decision for the organizers; for a city, those of its papers whose decision mail is out, as told."""
    organizer = permissions.can_decide(actor, seminar)
    query = Decision.filter(paper__seminar_id=seminar.id).select_related("paper").order_by("paper__number")
    if not organizer:
        query = query.filter(paper__city_id=actor.unit_id, notified_at__isnull=False)
    page = await paginate(query, number, size)
    items = []
    for decision in page.items:
        paper = decision.paper
        if not permissions.can_read_released_decision(actor, paper, decision.notified_at is not None):
            continue
        outcome, award = (
            (decision.outcome, decision.award) if organizer else (decision.notified_outcome or decision.outcome, decision.notified_award)
        )
        items.append(shapes.Decision(
            paper_number=paper.number, title=paper.title, outcome=str(outcome),
            award=str(award) if award else None, notified_at=decision.notified_at,
        ))
    return _page(items, page)


async def registrations(seminar: Seminar, number: int, size: int) -> shapes.Page[shapes.Registration]:
    query = Registration.filter(seminar_id=seminar.id).select_related("unit").order_by("created_at", "id")
    page = await paginate(query, number, size)
    items = [
        shapes.Registration(
            id=r.id, name=r.name, unit=r.unit.name if r.unit is not None else r.unit_text, position=r.position,
            email=r.email, status=str(r.status), registered_at=r.created_at,
        )
        for r in page.items
    ]
    return _page(items, page)


# ---------- the published agenda ----------


async def agenda(seminar: Seminar) -> shapes.Agenda:
    release = await latest_release(seminar)
    if release is None:
        return shapes.Agenda(published=False, release=None, published_at=None, sessions=[])
    data = agenda_from_data(release.data)
    paper_ids = {slot.paper_id for session in data.sessions for slot in session.slots if slot.paper_id is not None}
    numbers: dict[int, int] = {}
    if paper_ids:
        rows: list[dict[str, Any]] = await Paper.filter(id__in=list(paper_ids)).values("id", "number")
        numbers = {row["id"]: row["number"] for row in rows}
    sessions = [
        shapes.AgendaSession(
            title=session.title, room=session.room.name, start=session.start, end=session.end,
            chair=session.chair.name if session.chair else None,
            slots=[
                shapes.AgendaSlot(
                    kind=str(slot.kind), start=slot.start, minutes=slot.duration, title=slot.title,
                    speaker=slot.speaker.name if slot.speaker else None,
                    paper_number=numbers.get(slot.paper_id) if slot.paper_id is not None else None,
                )
                for slot in session.slots
            ],
        )
        for session in data.sessions
    ]
    return shapes.Agenda(published=True, release=release.number, published_at=release.published_at, sessions=sessions)
