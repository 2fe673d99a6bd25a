"""The book of a seminar as plain data (`BookSpec`), and the builds organizers and readers look at.

Which papers: before any decision every submitted paper (so organizers can preview the book);
once papers are decided, those decided keynote, discussion or proceedings-only, never declined
or withdrawn ones. Within a placement, papers follow the published agenda, then their numbers' order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from seminar.accounts.models import Unit
from seminar.agenda.models import AgendaRelease
from seminar.agenda.snapshot import agenda_from_data
from seminar.i18n import DEFAULT_LOCALE
from seminar.proceedings.book import AgendaRow, Author, BookPaper, BookSpec, BookTopic, Participant, Placement
from seminar.proceedings.models import BuildStatus, ProceedingsBuild, ProceedingsSettings
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.models import Decision, Review, ReviewStatus
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author as PaperAuthor
from seminar.submissions.models import Blob, Manuscript, ManuscriptKind, Paper, PaperStatus


async def settings_of(seminar: Seminar) -> ProceedingsSettings:
    found = await ProceedingsSettings.get_or_none(seminar_id=seminar.id)
    return found or ProceedingsSettings(seminar_id=seminar.id)


async def _placements(seminar: Seminar, papers: list[Paper], decided_only: bool = False) -> dict[int, Placement]:
    """Paper id → placement in the book; decided papers only once the seminar has decisions (or if asked)."""
    decided = dict(await Decision.filter(seminar_id=seminar.id).values_list("paper_id", "outcome"))
    if not decided and not decided_only:
        return {paper.id: Placement.DISCUSSION for paper in papers}
    kept = {placement.value: placement for placement in Placement}
    return {paper_id: kept[str(outcome)] for paper_id, outcome in decided.items() if str(outcome) in kept}


async def _comments(paper_ids: list[int]) -> dict[int, list[str]]:
    rows = await Review.filter(
        assignment__paper_id__in=paper_ids, status=ReviewStatus.SUBMITTED
    ).order_by("submitted_at", "id").values_list("assignment__paper_id", "comment_to_authors")
    comments: dict[int, list[str]] = defaultdict(list)
    for paper_id, text in rows:
        if str(text).strip():
            comments[int(paper_id)].append(str(text).strip())
    return comments


async def agenda_rows(seminar: Seminar) -> list[AgendaRow] | None:
    """The latest released agenda as printed rows, or None while the seminar has none."""
    release = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if release is None:
        return None
    agenda = agenda_from_data(release.data)
    rows: list[AgendaRow] = []
    for session in sorted(agenda.sessions, key=lambda s: (s.start, s.room.name)):
        day = f"{session.start.month}月{session.start.day}日"
        rows.append(AgendaRow(f"{session.start:%H:%M}—{session.end:%H:%M}", session.title,
                              session.chair.name if session.chair else "", day))
        for slot in session.slots:
            end = slot.start + dt.timedelta(minutes=slot.duration)
            rows.append(AgendaRow(f"{slot.start:%H:%M}—{end:%H:%M}", slot.title,
                                  slot.speaker.name if slot.speaker else "", day))
    return rows


async def participants(seminar: Seminar) -> list[Participant]:
    registrations = await Registration.filter(seminar_id=seminar.id, status=RegistrationStatus.APPROVED).select_related("unit")
    order = {unit_id: sort for unit_id, sort in await Unit.all().values_list("id", "sort_order")}
    registrations.sort(key=lambda r: (order.get(r.unit_id, 10_000), r.unit.name if r.unit else r.unit_text, r.id))
    return [Participant(r.name, r.unit.name if r.unit else r.unit_text, r.position) for r in registrations]


async def included_papers(
    seminar: Seminar, topics: list[Topic], *, decided_only: bool = False, number: int | None = None
) -> tuple[list[Paper], dict[int, Placement]]:
    """The book's papers among these topics (or just the one numbered `number`), in number order, with placements.

    `decided_only` leaves out the preview rule (every submitted paper while nothing is decided):
    what readers see outside the built book shows decided papers only.
    """
    query = Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED, topic_id__in=[topic.id for topic in topics])
    if number is not None:
        query = query.filter(number=number)
    papers = await query.order_by("number")
    placements = await _placements(seminar, papers, decided_only)
    order = await agenda_order(seminar)
    papers.sort(key=lambda paper: (order.get(paper.id, len(order)), paper.number))
    return [paper for paper in papers if paper.id in placements], placements


async def agenda_order(seminar: Seminar) -> dict[int, int]:
    """Paper id → its place in the latest published agenda (by time, then within a discussion slot), so the book
    prints each topic's keynotes and discussion papers as they are presented; empty while nothing is published."""
    release = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if release is None:
        return {}
    order: dict[int, int] = {}
    for session in sorted(agenda_from_data(release.data).sessions, key=lambda s: (s.start, s.room.name)):
        for slot in sorted(session.slots, key=lambda s: s.start):
            for paper_id in ([slot.paper_id] if slot.paper_id is not None else []) + [c.paper_id for c in slot.contributions]:
                order.setdefault(paper_id, len(order))
    return order


async def book_papers(
    seminar: Seminar,
    topics: list[Topic],
    *,
    decided_only: bool = False,
    number: int | None = None,
    include_comments: bool = False,
    with_pdfs: bool = True,
) -> list[tuple[Paper, BookPaper]]:
    """Each included paper with what the book prints of it (authors, abstract, the converted text …)."""
    papers, placements = await included_papers(seminar, topics, decided_only=decided_only, number=number)
    ids = [paper.id for paper in papers]
    authors: dict[int, list[Author]] = defaultdict(list)
    for author in await PaperAuthor.filter(paper_id__in=ids).order_by("position", "id"):
        authors[author.paper_id].append(Author(author.name, author.unit))
    latest: dict[int, Manuscript] = {}
    for manuscript in await Manuscript.filter(paper_id__in=ids).order_by("version"):
        latest[manuscript.paper_id] = manuscript
    pdf_blobs = [m.blob_id for m in latest.values() if m.kind == ManuscriptKind.PDF] if with_pdfs else []
    pdfs = {
        sha: bytes(content)
        for sha, content in (await Blob.filter(sha256__in=pdf_blobs).values_list("sha256", "content") if pdf_blobs else [])
    }
    comments = await _comments(ids) if include_comments else {}

    def book_paper(paper: Paper) -> BookPaper:
        manuscript = latest.get(paper.id)
        is_pdf = manuscript is not None and manuscript.kind == ManuscriptKind.PDF
        return BookPaper(
            number=paper.number,
            title=paper.title,
            placement=placements[paper.id],
            subtitle=paper.subtitle,
            authors=tuple(authors[paper.id]),
            abstract=paper.abstract,
            keywords=tuple(paper.keywords or ()),
            body_html="" if is_pdf or manuscript is None else manuscript.html,
            pdf_pages=pdfs.get(manuscript.blob_id) if is_pdf and manuscript else None,
            comments=tuple(comments.get(paper.id, ())),
        )

    return [(paper, book_paper(paper)) for paper in papers]


async def book_spec(seminar: Seminar, volume: int | None = None) -> BookSpec:
    """Everything the book (or one topic's volume) prints, read from the database."""
    options = await settings_of(seminar)
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    if volume is not None:
        topics = [topic for topic in topics if topic.position == volume]
    papers = await book_papers(seminar, topics, include_comments=options.include_comments)
    book_topics = [
        BookTopic(topic.position, topic.title, tuple(book for p, book in papers if p.topic_id == topic.id))
        for topic in topics
    ]
    whole = volume is None
    organizer = await Unit.get_or_none(id=seminar.organizer_unit_id) if seminar.organizer_unit_id else None
    return BookSpec(
        title=seminar.title,
        organizer=organizer.name if organizer else "",
        date=seminar.starts_on,
        topics=tuple(book_topics),
        mark=options.mark,
        preface_text=options.preface if whole else "",
        locale=DEFAULT_LOCALE,
        include_comments=options.include_comments,
        agenda=(await agenda_rows(seminar)) if whole and options.include_agenda else None,
        participants=(await participants(seminar) or None) if whole and options.include_participants else None,
    )


async def public_paper(seminar: Seminar, number: int) -> tuple[Topic, BookPaper] | None:
    """A decided paper of the book as its public page shows it, with its topic; None if it is not in the book."""
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    found = await book_papers(seminar, topics, decided_only=True, number=number, with_pdfs=False)
    if not found:
        return None
    paper, book = found[0]
    topic = next(topic for topic in topics if topic.id == paper.topic_id)
    return topic, book


async def public_paper_numbers(seminar: Seminar) -> dict[int, int]:
    """Paper id → number of every paper that has a public page (decided into the book, not withdrawn)."""
    topics = await Topic.filter(seminar_id=seminar.id)
    papers, _placements_of = await included_papers(seminar, topics, decided_only=True)
    return {paper.id: paper.number for paper in papers}


async def builds_of(seminar: Seminar, limit: int = 30) -> list[ProceedingsBuild]:
    return await ProceedingsBuild.filter(seminar_id=seminar.id).order_by("-requested_at", "-id").limit(limit)


async def published_build(seminar: Seminar, volume: int | None) -> ProceedingsBuild | None:
    builds = ProceedingsBuild.filter(seminar_id=seminar.id, published=True, status=BuildStatus.DONE)
    builds = builds.filter(volume__isnull=True) if volume is None else builds.filter(volume=volume)
    return await builds.order_by("-published_at", "-id").first()


async def published_volumes(seminar: Seminar) -> list[ProceedingsBuild]:
    """The published book and volumes, the whole book first, then topics in order."""
    builds = await ProceedingsBuild.filter(seminar_id=seminar.id, published=True, status=BuildStatus.DONE)
    return sorted(builds, key=lambda build: -1 if build.volume is None else build.volume)
