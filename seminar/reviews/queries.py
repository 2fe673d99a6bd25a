"""Loading what reviewing pages show: a reviewer's papers, reviews and bids, the seminar's reviewers,
criteria and conflicts, the objects a path or form names (404 when not this seminar's), and the
decision mails' wording and recipients. The organizers' overviews (progress, ranking, matrix) are in
`overview`; which papers a person may see is asked of `seminar.permissions`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from tortoise.expressions import Subquery
from tortoise.functions import Lower, Trim
from tortoise.queryset import QuerySet

from seminar import i18n
from seminar.accounts.models import Role, RoleName, Unit, User
from seminar.db import attach, column, from_json, instance, is_sqlite, json_rows, rows, selected
from seminar.i18n import _
from seminar.mail.models import MailWording
from seminar.permissions import Actor, can_bid_on, can_review_paper, can_see_reviews_of, can_write_review
from seminar.reviews import letters, rules
from seminar.reviews.models import (
    Assignment,
    Bid,
    Conflict,
    ConflictSource,
    Criterion,
    Decision,
    Outcome,
    Review,
    ReviewerProfile,
    ReviewSettings,
    ReviewStatus,
    UnitConflictLift,
)
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.contacts import contact_authors
from seminar.submissions.models import Author, Blob, Manuscript, Paper, PaperStatus


def reviewer_papers_sql(reviewing: str) -> str:
    """Rows (kind, ref) of the papers the reviewer $1 is assigned to (kind 'a', not declined) and
    conflicted with (kind 'c') in the seminars `reviewing` (SQL: a subquery or a list of ids).

    Conflicts are the stored ones not lifted, plus papers of the reviewer's own city (the unit
    itself, or the city it belongs to) unless an organizer lifted that conflict for the pair.
    """
    unit = 'SELECT unit_id FROM "user" WHERE id = $1'
    return f"""
        SELECT 'a' AS kind, paper_id AS ref FROM review_assignment
        WHERE reviewer_id = $1 AND declined_at IS NULL AND seminar_id IN ({reviewing})
        UNION ALL
        SELECT 'c', id FROM paper
        WHERE seminar_id IN ({reviewing}) AND (
            id IN (SELECT paper_id FROM review_conflict WHERE reviewer_id = $1 AND lifted_at IS NULL)
            OR ((city_id IN ({unit}) OR city_id IN (SELECT parent_id FROM unit WHERE id IN ({unit})))
                AND id NOT IN (SELECT paper_id FROM review_unit_conflict_lift
                               WHERE reviewer_id = $1 AND reimposed_at IS NULL)))"""


def split_reviewer_papers(found: Iterable[Any]) -> tuple[frozenset[int], frozenset[int]]:
    """Assigned and conflicted paper ids from rows of `reviewer_papers_sql` (others are skipped)."""
    assigned = frozenset(int(row["ref"]) for row in found if row["kind"] == "a")
    conflicted = frozenset(int(row["ref"]) for row in found if row["kind"] == "c")
    return assigned, conflicted


async def reviewer_papers(user: User, seminar_ids: Sequence[int]) -> tuple[frozenset[int], frozenset[int]]:
    """Paper ids a reviewer is assigned to (not declined) and conflicted with in these seminars: one query."""
    if not seminar_ids:
        return frozenset(), frozenset()
    listed = ", ".join(str(int(seminar_id)) for seminar_id in seminar_ids)
    return split_reviewer_papers(await rows(reviewer_papers_sql(listed), [user.id]))


async def criteria_of(seminar: Seminar) -> list[Criterion]:
    """The seminar's criteria in their order (one hand-written query: every review page and save reads them)."""
    found = await rows(f"""
        SELECT {selected(Criterion, "c")} FROM review_criterion c WHERE c.seminar_id = $1 ORDER BY c.position, c.id
    """, [seminar.id])
    return [criterion for row in found if (criterion := instance(Criterion, row)) is not None]


def criterion_specs(criteria: Sequence[Criterion]) -> list[rules.CriterionSpec]:
    return [rules.CriterionSpec(str(c.id), c.name, c.max_points) for c in criteria]


async def settings_of(seminar: Seminar) -> ReviewSettings:
    found = await rows(f"SELECT {selected(ReviewSettings, 's')} FROM review_settings s WHERE s.seminar_id = $1", [seminar.id])
    settings = instance(ReviewSettings, found[0]) if found else None
    return settings or ReviewSettings(seminar_id=seminar.id)


async def reviewers_of(seminar: Seminar) -> list[User]:
    """Active people with the reviewer role in the seminar, with their unit, by name."""
    ids = Role.filter(seminar_id=seminar.id, name=RoleName.REVIEWER).values("user_id")
    return await User.filter(id__in=Subquery(ids), is_active=True).select_related("unit").order_by("name", "id")


async def lifted_unit_conflicts(seminar: Seminar) -> set[tuple[int, int]]:
    """(paper id, reviewer id) pairs whose conflict by unit an organizer lifted, and has not re-imposed."""
    pairs = await UnitConflictLift.filter(seminar_id=seminar.id, reimposed_at__isnull=True).values_list("paper_id", "reviewer_id")
    return {(int(p), int(r)) for p, r in pairs}


async def profiles_of(seminar: Seminar) -> dict[int, ReviewerProfile]:
    return {p.user_id: p for p in await ReviewerProfile.filter(seminar_id=seminar.id)}


def reviewable_papers(seminar: Seminar) -> QuerySet[Paper]:
    """Papers that are reviewed: the submitted ones."""
    return Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED)


@dataclass(frozen=True)
class ConflictNote:
    source: str
    reason: str


async def conflict_map(seminar: Seminar, reviewers: Sequence[User], papers: Sequence[Paper]) -> dict[tuple[int, int], ConflictNote]:
    """(paper id, reviewer id) → why they may not meet, for every conflicted pair: by unit (unless an organizer
    lifted it), or stored and not lifted."""
    found: dict[tuple[int, int], ConflictNote] = {}
    lifted = await lifted_unit_conflicts(seminar)
    for reviewer in reviewers:
        unit = reviewer.unit
        for paper in papers:
            city_id: int = paper.city_id
            if (paper.id, reviewer.id) in lifted:
                continue
            if unit is not None and rules.is_automatic_conflict(unit.id, unit.parent_id, city_id):
                found[(paper.id, reviewer.id)] = ConflictNote(
                    "automatic", _("The reviewer's unit %(unit)s is or belongs to the paper's city.", unit=unit.name)
                )
    stored = await Conflict.filter(seminar_id=seminar.id, lifted_at__isnull=True).order_by("id")
    for conflict in stored:
        key = (conflict.paper_id, conflict.reviewer_id)
        found.setdefault(key, ConflictNote(conflict.source.value, conflict.reason))
    return found


@functools.cache
def _review_paper_sql(page: bool, sqlite: bool) -> str:
    """The reviewer's paper with their assignment, review and the seminar's criteria; for the `page`,
    also the paper's topic and city, the review settings and the latest manuscript as reviewers know it."""
    columns = [selected(Paper, "p"), selected(Assignment, "a", "assignment."), selected(Review, "r", "review."),
               f'{json_rows(Criterion, "k", "k.seminar_id = $1", sqlite)} AS "criteria"']
    joins = ""
    if page:
        columns += [selected(Topic, "t", "topic."), selected(Unit, "c", "city."),
                    selected(ReviewSettings, "s", "settings."), selected(Manuscript, "m", "manuscript.")]
        joins = f"""
        LEFT JOIN topic t ON t.id = p.topic_id
        LEFT JOIN unit c ON c.id = p.city_id
        LEFT JOIN review_settings s ON s.seminar_id = $1
        LEFT JOIN manuscript m ON m.id = ({_LATEST_REVIEWED_MANUSCRIPT.format(paper="p.id")})"""
    return f"""
        SELECT {", ".join(columns)}
        FROM paper p
        LEFT JOIN review_assignment a ON a.paper_id = p.id AND a.reviewer_id = $3
        LEFT JOIN review r ON r.assignment_id = a.id{joins}
        WHERE p.seminar_id = $1 AND p.number = $2"""


@dataclass(frozen=True)
class ReviewerPaper:
    """A paper as its reviewer's pages load it, with the seminar's criteria in their order (none
    before the first review page has created them); for the review page (`page=True`) the paper's
    topic and city, `settings` and `manuscript`, else None (and the paper's relations not loaded)."""

    paper: Paper
    assignment: Assignment
    review: Review | None
    criteria: list[Criterion]
    settings: ReviewSettings | None = None
    manuscript: Manuscript | None = None


async def review_paper_or_404(actor: Actor, seminar: Seminar, number: int, page: bool = False) -> ReviewerPaper:
    """A paper the reviewer is assigned to and free of conflict (or 404 as if it did not exist), with the
    reviewer's assignment, their review once begun and the seminar's criteria: one query, as every save
    of the review page's autosave sends it; with `page`, the paper's topic and city and the review
    page's settings and manuscript in it too."""
    assert actor.user is not None, "the pages are for signed-in reviewers"
    found = await rows(_review_paper_sql(page, is_sqlite()), [seminar.id, number, actor.user.id])
    paper = instance(Paper, found[0]) if found else None
    if paper is None or not can_review_paper(actor, paper):
        raise HTTPException(status_code=404)
    row = found[0]
    assignment = instance(Assignment, row, "assignment.")
    assert assignment is not None, "an assigned paper (`can_review_paper`)"
    criteria = sorted(from_json(Criterion, row["criteria"]), key=lambda c: (c.position, c.id))
    if not page:
        return ReviewerPaper(paper, assignment, instance(Review, row, "review."), criteria)
    attach(paper, "topic", instance(Topic, row, "topic."))
    attach(paper, "city", instance(Unit, row, "city."))
    settings = instance(ReviewSettings, row, "settings.") or ReviewSettings(seminar_id=seminar.id)
    return ReviewerPaper(paper, assignment, instance(Review, row, "review."), criteria, settings,
                         instance(Manuscript, row, "manuscript."))


async def get_paper_or_404(seminar: Seminar, number: int) -> Paper:
    """Any paper of the seminar, for its organizers."""
    paper = await Paper.get_or_none(seminar_id=seminar.id, number=number).select_related("topic", "city")
    if paper is None:
        raise HTTPException(status_code=404)
    return paper


# --- a reviewer's pages ------------------------------------------------------------------


@dataclass  # not frozen: the permission predicates' protocols declare plain (settable) attributes
class ReviewToWrite:
    """A row of a reviewer's "my reviews" page: the paper (its id, seminar and status, as the review
    predicates of `seminar.permissions` ask them), its topic, and the reviewer's review once begun."""

    id: int
    seminar_id: int
    number: int
    title: str
    status: str  # PaperStatus
    topic_title: str | None
    review_status: str | None  # ReviewStatus; None before the first save
    review_total: int | None


async def reviews_to_write(actor: Actor, seminar: Seminar) -> list[ReviewToWrite]:
    """The papers on a reviewer's "my reviews" page, by number, each with its review once begun: one query,
    of the columns the page shows."""
    user = actor.user
    assert user is not None, "the page is for signed-in reviewers"
    found = await rows("""
        SELECT p.id, p.seminar_id, p.number, p.title, p.status, t.title AS topic_title,
               r.status AS review_status, r.total AS review_total
        FROM review_assignment a
        JOIN paper p ON p.id = a.paper_id
        LEFT JOIN topic t ON t.id = p.topic_id
        LEFT JOIN review r ON r.assignment_id = a.id
        WHERE a.seminar_id = $1 AND a.reviewer_id = $2 AND a.declined_at IS NULL
        ORDER BY p.number""", [seminar.id, user.id])
    listed = [ReviewToWrite(*row) for row in found]
    return [paper for paper in listed if can_review_paper(actor, paper)]


async def declared_conflicts(seminar: Seminar, user: User) -> set[int]:
    """Ids of the papers the reviewer declared a conflict with (and has not taken back)."""
    return set(await column(Conflict.filter(
        seminar_id=seminar.id, reviewer_id=user.id, source=ConflictSource.DECLARED, lifted_at__isnull=True
    ), "paper_id"))


async def papers_to_bid_on(actor: Actor, seminar: Seminar, declared: set[int]) -> list[Paper]:
    """Submitted papers in the reviewer's topics (all topics if none chosen) that `can_bid_on` lets them see."""
    user = actor.user
    assert user is not None, "the page is for signed-in reviewers"
    profile = (await profiles_of(seminar)).get(user.id)
    papers = reviewable_papers(seminar)
    if profile is not None and profile.topic_ids:
        papers = papers.filter(topic_id__in=profile.topic_ids)
    found = await papers.select_related("topic", "city").order_by("topic__position", "number")
    return [p for p in found if can_bid_on(actor, p, p.id in declared)]


async def bids_of(seminar: Seminar, user: User) -> dict[int, str]:
    """paper id → the reviewer's preference, as stored."""
    rows = await Bid.filter(seminar_id=seminar.id, reviewer_id=user.id).values_list("paper_id", "preference")
    return {int(paper_id): str(preference) for paper_id, preference in rows}


# The id of a paper's latest manuscript as its reviewers know it: final versions (定稿) sent after the
# decision are the organizers' and the book's business, so reviewers keep the version they reviewed.
_LATEST_REVIEWED_MANUSCRIPT = """
    SELECT latest.id FROM manuscript latest
    WHERE latest.paper_id = {paper} AND latest.id NOT IN (SELECT manuscript_id FROM final_version WHERE paper_id = {paper})
    ORDER BY latest.version DESC LIMIT 1"""


async def latest_reviewed_manuscript(paper: Paper) -> Manuscript | None:
    """The paper's latest manuscript as its reviewers know it (`_LATEST_REVIEWED_MANUSCRIPT`)."""
    found = await rows(f"""
        SELECT {selected(Manuscript, "m")} FROM manuscript m
        WHERE m.id = ({_LATEST_REVIEWED_MANUSCRIPT.format(paper="$1")})""", [paper.id])
    return instance(Manuscript, found[0]) if found else None


async def latest_manuscript(paper: Paper) -> tuple[Manuscript, bytes] | None:
    """The paper's latest manuscript (as reviewers know it) and its bytes, or None before any upload."""
    latest = await latest_reviewed_manuscript(paper)
    if latest is None:
        return None
    blob = await Blob.get(sha256=latest.blob_id)
    return latest, bytes(blob.content)


async def review_page(actor: Actor, seminar: Seminar, loaded: ReviewerPaper, criteria: list[Criterion]) -> dict[str, Any]:
    """What the review page shows besides the form: the paper, its manuscript, and fellow reviews when
    `can_see_reviews_of`. `loaded`: the paper as loaded for the page (`review_paper_or_404(page=True)`),
    `review` in it replaced by the one just saved, if any."""
    paper, assignment, review, settings = loaded.paper, loaded.assignment, loaded.review, loaded.settings
    assert settings is not None, "the paper loaded for the page (`review_paper_or_404(page=True)`)"
    own_submitted = review is not None and review.status is ReviewStatus.SUBMITTED
    others: list[Review] = []
    if can_see_reviews_of(actor, paper, own_submitted, settings.reviews_visible_after_own):
        others = await Review.filter(
            assignment__paper_id=paper.id, status=ReviewStatus.SUBMITTED, assignment__declined_at__isnull=True
        ).exclude(assignment_id=assignment.id).order_by("submitted_at", "id")
    show_identity = rules.shows_identity(seminar.blind_review, False)
    return {
        "seminar": seminar,
        "paper": paper,
        "assignment": assignment,
        "review": review,
        "criteria": criteria,
        "others": others,
        "others_hidden": not others and settings.reviews_visible_after_own and not own_submitted,
        "show_identity": show_identity,
        "authors": await Author.filter(paper_id=paper.id).order_by("position") if show_identity else [],
        "manuscript": loaded.manuscript,
        "is_open": rules.is_review_open(i18n.local_now(), seminar.review_deadline),
        # Withdrawn by its city: the page shows the paper and the reviewer's draft, read-only.
        "withdrawn": paper.status is PaperStatus.WITHDRAWN,
        "writable": rules.is_review_open(i18n.local_now(), seminar.review_deadline) and can_write_review(actor, paper),
        "deadline": seminar.review_deadline,
    }


# --- the organizers' pages ---------------------------------------------------------------


async def reviewer_or_404(seminar: Seminar, user_id: int) -> User:
    """One of the seminar's active reviewers; anyone else is not found here."""
    person = next((u for u in await reviewers_of(seminar) if u.id == user_id), None)
    if person is None:
        raise HTTPException(status_code=404)
    return person


async def pair_or_404(seminar: Seminar, paper_id: int, reviewer_id: int) -> tuple[Paper, User]:
    """A paper of this seminar and a person, as named in an assignment form."""
    paper = await Paper.get_or_none(id=paper_id, seminar_id=seminar.id)
    person = await User.get_or_none(id=reviewer_id)
    if paper is None or person is None:
        raise HTTPException(status_code=404)
    return paper, person


async def assignment_or_404(paper: Paper, reviewer: User) -> Assignment:
    found = await Assignment.get_or_none(paper_id=paper.id, reviewer_id=reviewer.id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


async def conflict_or_404(paper: Paper, conflict_id: int) -> Conflict:
    found = await Conflict.get_or_none(id=conflict_id, paper_id=paper.id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


async def person(user_id: int) -> User:
    """A person a validated form names (its choices were the seminar's reviewers)."""
    return await User.get(id=user_id)


# --- decision mails ----------------------------------------------------------------------


async def decisions_of(seminar: Seminar) -> dict[int, Decision]:
    """paper id → its decision, for the papers decided so far."""
    return {d.paper_id: d for d in await Decision.filter(seminar_id=seminar.id)}


async def is_decided(paper: Paper) -> bool:
    """Whether the organizers have decided on the paper, mailed or not: then the city no longer changes it."""
    return await Decision.exists(paper_id=paper.id)


async def submitted_review_counts(paper_ids: Sequence[int]) -> dict[int, int]:
    """paper id → how many reviews of it are submitted (by reviewers who have not declined); papers without any left out."""
    rows = await column(Review.filter(
        assignment__paper_id__in=list(paper_ids), assignment__declined_at__isnull=True, status=ReviewStatus.SUBMITTED
    ), "assignment__paper_id")
    counts: dict[int, int] = defaultdict(int)
    for paper_id in rows:
        counts[paper_id] += 1
    return dict(counts)


@dataclass(frozen=True)
class Shortfall:
    """A paper with fewer submitted reviews than its seminar requires."""

    paper: Paper
    submitted: int


async def short_of_reviews(seminar: Seminar, papers: Sequence[Paper], confirmed: Collection[int] = ()) -> list[Shortfall]:
    """The papers, in the order given, with fewer submitted reviews than `seminar.reviews_per_paper`,
    leaving out those whose id the organizer `confirmed` to go ahead with."""
    asked = [paper for paper in papers if paper.id not in confirmed]
    short = rules.short_of_reviews(await submitted_review_counts([p.id for p in asked]), [p.id for p in asked],
                                   seminar.reviews_per_paper)
    return [Shortfall(paper, short[paper.id]) for paper in asked if paper.id in short]


async def mail_template(seminar: Seminar, outcome: Outcome, locale: str) -> tuple[str, str]:
    """The seminar's subject and body for the outcome in `locale`, or the site's wording in that language."""
    stored = await MailWording.get_or_none(seminar_id=seminar.id, kind=letters.wording_kind(outcome.value), locale=locale)
    if stored is not None:
        return stored.subject, stored.body
    with i18n.use_locale(locale):
        return letters.default_wording(outcome.value)


async def mail_wordings(seminar: Seminar) -> dict[tuple[Outcome, str], tuple[str, str]]:
    """(outcome, locale) → the seminar's own subject and body of the decision letter (one query)."""
    by_kind = {letters.wording_kind(outcome.value): outcome for outcome in Outcome}
    rows = await MailWording.filter(seminar_id=seminar.id, kind__in=list(by_kind))
    return {(by_kind[row.kind], row.locale): (row.subject, row.body) for row in rows}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    locale: str = ""  # the user's language (a contact author's: `submissions.contacts`); "" when unknown

    @property
    def language(self) -> str:
        """The language their mail is written in: their own, else the site's default."""
        return self.locale if self.locale in i18n.LOCALES else i18n.DEFAULT_LOCALE


async def recipients_of(papers: Sequence[Paper]) -> dict[int, list[Recipient]]:
    """paper id → the contact author(s) with an address and the active submitters of the paper's city, once each."""
    seminar_ids = {p.seminar_id for p in papers}
    contacts = await contact_authors(papers)
    submitters = await Role.filter(
        seminar_id__in=list(seminar_ids), name=RoleName.SUBMITTER, user__is_active=True,
        user__unit_id__in=list({p.city_id for p in papers}),
    ).select_related("user").order_by("user__name", "user_id")
    by_city: dict[tuple[int, int | None], list[User]] = defaultdict(list)
    for role in submitters:
        by_city[(role.seminar_id, role.user.unit_id)].append(role.user)
    found: dict[int, list[Recipient]] = {}
    for paper in papers:
        people = [Recipient(c.name, c.email, c.locale) for c in contacts.get(paper.id, [])]
        people += [Recipient(u.name, u.email, u.locale) for u in by_city.get((paper.seminar_id, paper.city_id), [])]
        once: dict[str, Recipient] = {}
        for person in people:
            once.setdefault(person.email.lower(), person)
        found[paper.id] = list(once.values())
    return found


@dataclass(frozen=True)
class MailPlan:
    """The decision mails to send now: decisions never mailed or changed since."""

    decisions: list[Decision]
    recipients: dict[int, list[Recipient]]

    @property
    def mail_count(self) -> int:
        return sum(len(self.recipients.get(d.paper_id, [])) for d in self.decisions)


async def mail_plan(seminar: Seminar) -> MailPlan:
    decisions = await Decision.filter(
        seminar_id=seminar.id, paper__status=PaperStatus.SUBMITTED
    ).select_related("paper__city", "paper__topic").order_by("paper__number")
    pending = [d for d in decisions if d.needs_mail]
    return MailPlan(pending, await recipients_of([d.paper for d in pending]))


def outcome_or_404(value: str) -> Outcome:
    """The outcome a decision-mail address names."""
    try:
        return Outcome(value)
    except ValueError as error:
        raise HTTPException(status_code=404) from error


async def papers_to_decide(seminar: Seminar) -> tuple[list[Paper], dict[int, Decision]]:
    """The submitted papers by number (with city and topic, as letters need them) and their decisions so far."""
    papers = await reviewable_papers(seminar).select_related("city", "topic").order_by("number")
    return papers, await decisions_of(seminar)


async def papers_under_blind_review(seminar: Seminar) -> set[int]:
    """Ids of the papers still under blind review: the seminar reviews blind, and a reviewer asked (not
    declined) has not submitted their review yet. Their authors stay hidden outside the organizers' pages."""
    if not seminar.blind_review:
        return set()
    open_assignments = dict(await Assignment.filter(
        seminar_id=seminar.id, declined_at__isnull=True, paper__status=PaperStatus.SUBMITTED
    ).values_list("id", "paper_id"))
    done = set(await column(Review.filter(
        assignment_id__in=list(open_assignments), status=ReviewStatus.SUBMITTED
    ), "assignment_id")) if open_assignments else set()
    return {int(paper_id) for assignment_id, paper_id in open_assignments.items() if assignment_id not in done}


async def paper_texts(papers: Sequence[Paper]) -> dict[int, str]:
    """What each paper is about, for the text affinity: title, abstract, keywords and the start of its text
    (the newest text 查重 read from its manuscript, when it has one). One query, whatever the papers."""
    from seminar.overlap.models import OverlapSource
    from seminar.reviews.affinity import TEXT_START

    ids = [p.id for p in papers]
    started: dict[int, str] = {}
    if ids:
        for paper_id, text in await OverlapSource.filter(paper_id__in=ids).order_by("id").values_list("paper_id", "text"):
            started[int(paper_id)] = str(text)[:TEXT_START]  # the newest indexed version wins
    return {
        p.id: "\n".join([p.title, p.subtitle, p.abstract, " ".join(p.keywords or []), started.get(p.id, "")])
        for p in papers
    }


async def expertise_texts(seminar: Seminar, reviewers: Sequence[User],
                          profiles: dict[int, ReviewerProfile]) -> dict[int, str]:
    """Each reviewer's expertise in words: the profile's keywords and description, and the titles,
    keywords and abstracts of the papers they wrote (as an author by e-mail) in the installation's
    other seminars. One query, whatever the reviewers."""
    by_email = {u.email.strip().lower(): u.id for u in reviewers if u.email}
    earlier: dict[int, list[str]] = defaultdict(list)
    if by_email:
        # E-mail addresses are compared without case: authors' are typed by the cities.
        rows = await Author.annotate(email_lower=Lower(Trim("email"))).filter(
            email_lower__in=list(by_email), paper__status=PaperStatus.SUBMITTED,
        ).exclude(paper__seminar_id=seminar.id).values_list("email", "paper__title", "paper__abstract", "paper__keywords")
        for email, title, abstract, keywords in rows:
            user_id = by_email.get(str(email).strip().lower())
            if user_id is not None:
                earlier[user_id].append("\n".join([str(title), " ".join(keywords or []), str(abstract)]))
    texts: dict[int, str] = {}
    for user in reviewers:
        profile = profiles.get(user.id)
        parts = [profile.keywords, profile.description] if profile else []
        texts[user.id] = "\n".join([*parts, *earlier.get(user.id, [])])
    return texts


# --- offline review: the sheet and the forms -----------------------------------------------------


async def offline_assignments(seminar: Seminar, reviewer: User) -> list[tuple[Assignment, Review | None]]:
    """The papers on a reviewer's review sheet: assigned, not declined, still submitted by their city and free
    of conflict, by number, each with its review once begun (the sheet shows what is written so far)."""
    await reviewer.fetch_related("unit")
    assignments = await Assignment.filter(
        seminar_id=seminar.id, reviewer_id=reviewer.id, declined_at__isnull=True, paper__status=PaperStatus.SUBMITTED,
    ).select_related("paper__topic").order_by("paper__number")
    conflicts = await conflict_map(seminar, [reviewer], [a.paper for a in assignments])
    current = [a for a in assignments if (a.paper_id, reviewer.id) not in conflicts]
    reviews = {r.assignment_id: r for r in await Review.filter(assignment_id__in=[a.id for a in current])}
    return [(a, reviews.get(a.id)) for a in current]
