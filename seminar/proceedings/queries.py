"""The book of a seminar as plain data (`BookSpec`), and the builds organizers and readers look at.

Which papers: before any decision every submitted paper (so organizers can preview the book);
once papers are decided, those decided keynote, discussion or proceedings-only, never declined
or withdrawn ones. Within a placement, papers follow the published agenda (keynotes and discussion papers
in speaking order), then the official order of their cities, then their numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from seminar.accounts.models import Unit
from seminar.accounts.units import people_order_of
from seminar.agenda.models import AgendaRelease
from seminar.agenda.program import ProgramDay
from seminar.agenda.queries import program as agenda_program
from seminar.agenda.snapshot import agenda_from_data
from seminar.db import column, instance, rows, selected
from seminar.i18n import DEFAULT_LOCALE, _, use_locale
from seminar.permissions import Actor, can_manage_proceedings, can_see_authors_in_book, can_write_commentary
from seminar.proceedings.book import (
    Author,
    BookPaper,
    BookSpec,
    BookTopic,
    Commentary,
    Participant,
    Placement,
    Speech,
    author_lines,
    numeral,
    paper_body,
)
from seminar.proceedings.frontmatter import dropped_summary
from seminar.proceedings.models import (
    BookSpeech,
    BuildKind,
    BuildStatus,
    ProceedingsBuild,
    ProceedingsSettings,
    SpeechKind,
    TopicCommentary,
)
from seminar.proceedings.progress import build_progress
from seminar.proceedings import styles
from seminar.proceedings.styles import HouseStyle
from seminar.proceedings.typeset import check_fonts, missing_fonts_message
from seminar.progress import Progress
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.models import Decision
from seminar.reviews.queries import papers_under_blind_review
from seminar.seminars.models import Seminar, Topic
from seminar.seminars.queries import topics_of
from seminar.submissions.models import Author as PaperAuthor
from seminar.submissions.models import Blob, ManuscriptKind, Paper, PaperStatus
from seminar.submissions.queries import book_manuscripts, book_versions


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


async def commentaries_of(seminar: Seminar) -> list[TopicCommentary]:
    """The seminar's 专题点评, by topic and then in the order they are given."""
    return await TopicCommentary.filter(seminar_id=seminar.id).order_by("topic__position", "sort", "id")


async def commentaries_by_topic(seminar: Seminar) -> dict[int, list[TopicCommentary]]:
    """Topic id → its 专题点评 with the named commentator's account, for the organizers' page (one query)."""
    found: dict[int, list[TopicCommentary]] = defaultdict(list)
    for commentary in await TopicCommentary.filter(seminar_id=seminar.id).select_related("commentator").order_by("sort", "id"):
        found[commentary.topic_id].append(commentary)
    return found


async def my_commentaries(actor: Actor, seminar: Seminar) -> list[TopicCommentary]:
    """The 专题点评 this person was named to write in the seminar (what the landing page links to)."""
    if actor.user is None:
        return []
    found = await TopicCommentary.filter(seminar_id=seminar.id, commentator_id=actor.user.id).select_related("topic")
    return [commentary for commentary in found if can_write_commentary(actor, commentary)]


async def commentary_or_404(seminar: Seminar, commentary_id: int) -> TopicCommentary:
    found = await TopicCommentary.get_or_none(id=commentary_id, seminar_id=seminar.id).select_related("topic")
    if found is None:
        raise HTTPException(status_code=404)
    return found


async def speeches_of(seminar: Seminar) -> list[BookSpeech]:
    """The 领导讲话 the organizers entered, 开班 before 总结."""
    speeches = await BookSpeech.filter(seminar_id=seminar.id)
    order = list(SpeechKind)
    return sorted(speeches, key=lambda speech: order.index(speech.kind))


async def agenda_rows(seminar: Seminar, locale: str = DEFAULT_LOCALE) -> list[ProgramDay] | None:
    """The latest released agenda as it is printed (`agenda.program`), or None while the seminar has none."""
    release = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if release is None:
        return None
    with use_locale(locale):
        return await agenda_program(seminar.id, agenda_from_data(release.data))


async def participants(seminar: Seminar) -> list[Participant]:
    registrations = await Registration.filter(seminar_id=seminar.id, status=RegistrationStatus.APPROVED).select_related("unit")
    registrations.sort(key=lambda r: (
        people_order_of(r.unit),
        r.unit.name if r.unit else r.unit_text, r.id,
    ))
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
    # As they are presented in the room: the published agenda's order, then the papers it does not
    # present (proceedings-only ones) in the official order of their cities, so the book can be followed there.
    order = await agenda_order(seminar)
    cities = dict(await Unit.filter(id__in={paper.city_id for paper in papers}).values_list("id", "sort_order"))
    papers.sort(key=lambda paper: (order.get(paper.id, len(order)), cities.get(paper.city_id, 10_000), paper.number))
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
    with_pdfs: bool = True,
    withhold_authors: set[int] | frozenset[int] = frozenset(),
    pinned: dict[int, int] | None = None,
) -> list[tuple[Paper, BookPaper]]:
    """Each included paper with what the book prints of it (authors, abstract, the converted text …).

    The manuscript is the one the book prints (`book_manuscripts`: the accepted final version, else the
    reviewed one), or the version `pinned` gives (number → version, e.g. what a published build printed).
    Papers in `withhold_authors` (ids) are printed without their authors.
    """
    papers, placements = await included_papers(seminar, topics, decided_only=decided_only, number=number)
    ids = [paper.id for paper in papers]
    authors: dict[int, list[Author]] = defaultdict(list)
    for author in await PaperAuthor.filter(paper_id__in=ids).order_by("position", "id"):
        authors[author.paper_id].append(Author(author.name, author.unit))
    pins = {paper.id: pinned[paper.number] for paper in papers if pinned and paper.number in pinned}
    latest = await book_manuscripts(ids, pins)
    pdf_blobs = [m.blob_id for m in latest.values() if m.kind == ManuscriptKind.PDF] if with_pdfs else []
    pdfs = {
        sha: bytes(content)
        for sha, content in (await Blob.filter(sha256__in=pdf_blobs).values_list("sha256", "content") if pdf_blobs else [])
    }

    def book_paper(paper: Paper) -> BookPaper:
        manuscript = latest.get(paper.id)
        is_pdf = manuscript is not None and manuscript.kind == ManuscriptKind.PDF
        return BookPaper(
            number=paper.number,
            title=paper.title,
            placement=placements[paper.id],
            subtitle=paper.subtitle,
            authors=() if paper.id in withhold_authors else tuple(authors[paper.id]),
            abstract=paper.abstract,
            keywords=tuple(paper.keywords or ()),
            body_html="" if is_pdf or manuscript is None else manuscript.html,
            pdf_pages=pdfs.get(manuscript.blob_id) if is_pdf and manuscript else None,
            manuscript_version=manuscript.version if manuscript else None,
            authors_withheld=paper.id in withhold_authors,
        )

    return [(paper, book_paper(paper)) for paper in papers]


async def book_spec(seminar: Seminar, volume: int | None = None) -> BookSpec:
    """Everything the book (or one topic's volume) prints, read from the database."""
    options = await settings_of(seminar)
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    if volume is not None:
        topics = [topic for topic in topics if topic.position == volume]
    # While reviews in blind mode are open, the book does not name the authors of the papers still under review.
    papers = await book_papers(seminar, topics, withhold_authors=await papers_under_blind_review(seminar))
    commentaries = await commentaries_of(seminar)
    book_topics = [
        BookTopic(
            topic.position, topic.title, tuple(book for p, book in papers if p.topic_id == topic.id),
            tuple(Commentary(c.name, c.unit, c.position, c.text) for c in commentaries if c.topic_id == topic.id and c.text.strip()),
        )
        for topic in topics
    ]
    whole = volume is None
    organizer = await Unit.get_or_none(id=seminar.organizer_unit_id) if seminar.organizer_unit_id else None
    return BookSpec(
        title=seminar.title,
        organizer=(organizer.full_name or organizer.name) if organizer else "",
        compiled_by=options.compiled_by,
        house_style=HouseStyle(options.house_style),
        tagged=options.tagged_pdf,
        date=seminar.starts_on,
        topics=tuple(book_topics),
        mark=options.mark,
        preface_text=options.preface if whole else "",
        preface_signature=options.preface_signature if whole else "",
        preface_date=options.preface_date if whole else None,
        speeches=tuple(
            Speech(speech.kind.value, speech.title, speech.speaker, speech.position, speech.text)
            for speech in await speeches_of(seminar) if speech.text.strip()
        ) if whole else (),
        afterword_text=options.afterword if whole else "",
        afterword_signature=options.afterword_signature if whole else "",
        afterword_date=options.afterword_date if whole else None,
        locale=DEFAULT_LOCALE,
        agenda=(await agenda_rows(seminar)) if whole and options.include_agenda else None,
        participants=(await participants(seminar) or None) if whole and options.include_participants else None,
        volume=volume,
    )


async def public_paper(
    seminar: Seminar, number: int, published: ProceedingsBuild | None
) -> tuple[Topic, BookPaper, bool] | None:
    """A decided paper of the book as its public page shows it, with its topic and whether it is under blind
    review now (its authors are then for organizers only); None if it is not in the book.

    The text is the version the `published` book printed, if it printed the paper: a final version
    accepted since shows once the book is built and published again.
    """
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    printed = (published.manuscripts if published else {}).get(str(number))
    found = await book_papers(
        seminar, topics, decided_only=True, number=number, with_pdfs=False,
        pinned={number: printed} if printed is not None else None,
    )
    if not found:
        return None
    paper, book = found[0]
    topic = next(topic for topic in topics if topic.id == paper.topic_id)
    return topic, book, paper.id in await papers_under_blind_review(seminar)


async def papers_under_blind_review_in(seminar: Seminar, build: ProceedingsBuild) -> tuple[list[int], list[int]]:
    """Numbers of the build's papers under blind review now: all of them, and those whose authors the build prints."""
    under_review = await papers_under_blind_review(seminar)
    numbers = sorted(await column(Paper.filter(id__in=sorted(under_review)), "number")) if under_review else []
    in_build = [n for n in numbers if not build.manuscripts or str(n) in build.manuscripts]
    return in_build, [n for n in in_build if n not in build.hidden_authors]


@dataclass(frozen=True)
class OutdatedPaper:
    number: int
    printed: int | None  # the version the published build printed
    current: int  # the version the book prints now


async def outdated_in_published(seminar: Seminar) -> dict[int, list[OutdatedPaper]]:
    """Published build id → its papers the book now prints in another version (an accepted final version)."""
    published = [build for build in await published_volumes(seminar) if build.manuscripts]
    if not published:
        return {}
    numbers = {int(number) for build in published for number in build.manuscripts}
    by_number = dict(await Paper.filter(seminar_id=seminar.id, number__in=sorted(numbers)).values_list("number", "id"))
    versions = await book_versions(list(by_number.values()))
    outdated: dict[int, list[OutdatedPaper]] = {}
    for build in published:
        for number_text, printed in sorted(build.manuscripts.items(), key=lambda item: int(item[0])):
            current = versions.get(by_number.get(int(number_text), -1))
            if current is not None and current != printed:
                outdated.setdefault(build.id, []).append(OutdatedPaper(int(number_text), printed, current))
    return outdated


async def public_paper_page(
    actor: Actor, seminar: Seminar, number: int, published: ProceedingsBuild | None
) -> dict[str, Any] | None:
    """What a paper's public page shows (the text the `published` book printed), or None if the paper is not in the book."""
    found = await public_paper(seminar, number, published)
    if found is None:
        return None
    topic, book_paper, under_blind_review = found
    shows_authors = can_see_authors_in_book(actor, seminar, under_blind_review)
    placements = {
        Placement.KEYNOTE: _("Keynote speech"),
        Placement.DISCUSSION: _("Discussion paper"),
        Placement.PROCEEDINGS: _("Paper in the proceedings"),
    }
    body = paper_body(book_paper)
    return {
        "seminar": seminar,
        "topic": topic,
        "topic_number": numeral(topic.position),
        "paper": book_paper,
        "body_html": body.html,
        # Organizers see what of the manuscript's beginning the book leaves out as a repeat of the form.
        "dropped_front_matter": dropped_summary(body) if can_manage_proceedings(actor, seminar) else "",
        "placement": placements[book_paper.placement],
        "author_lines": author_lines(book_paper) if shows_authors else [],
        "under_blind_review": under_blind_review,
        "book_published": published is not None,
    }


async def public_paper_numbers(seminar: Seminar) -> dict[int, int]:
    """Paper id → number of every paper that has a public page (decided into the book, not withdrawn)."""
    topics = await Topic.filter(seminar_id=seminar.id)
    papers, _placements_of = await included_papers(seminar, topics, decided_only=True)
    return {paper.id: paper.number for paper in papers}


async def builds_of(seminar: Seminar, limit: int = 30) -> list[ProceedingsBuild]:
    return await ProceedingsBuild.filter(seminar_id=seminar.id, kind=BuildKind.BOOK).order_by("-requested_at", "-id").limit(limit)


async def build_or_404(seminar: Seminar, build_id: int, kind: BuildKind = BuildKind.BOOK) -> ProceedingsBuild:
    build = await ProceedingsBuild.get_or_none(id=build_id, seminar_id=seminar.id, kind=kind)
    if build is None:
        raise HTTPException(status_code=404)
    return build


@dataclass(frozen=True)
class LeftOut:
    """An appendix the settings ask for that the book cannot print now, and what would bring it back."""

    appendix: str  # "participants" or "agenda"
    pending: int = 0  # registrations waiting for approval (participants only)


async def left_out_appendices(seminar: Seminar, options: ProceedingsSettings | None = None) -> list[LeftOut]:
    """The appendices switched on but empty: the 参会人员名单 without an approved registration, the 日程安排
    without a released agenda. The book leaves them out; the organizers' page says so and why."""
    options = options or await settings_of(seminar)
    missing: list[LeftOut] = []
    if options.include_participants and not await Registration.exists(
        seminar_id=seminar.id, status=RegistrationStatus.APPROVED
    ):
        pending = await Registration.filter(seminar_id=seminar.id, status=RegistrationStatus.PENDING).count()
        missing.append(LeftOut("participants", pending))
    if options.include_agenda and not await AgendaRelease.exists(seminar_id=seminar.id):
        missing.append(LeftOut("agenda"))
    return missing


async def manage_page(seminar: Seminar) -> dict[str, Any]:
    """The organizers' page besides its forms: topics by position, the latest builds and the progress of those
    under way, published builds a newer final version has outdated, missing fonts, appendices left out."""
    topics = await topics_of(seminar)
    missing = check_fonts()
    style = HouseStyle((await settings_of(seminar)).house_style)
    style_missing = styles.missing_fonts(style)
    builds = await builds_of(seminar)
    return {
        "seminar": seminar,
        "builds": builds,
        "progress": await progress_of(seminar, builds),
        "outdated": await outdated_in_published(seminar),
        "topics": {topic.position: topic.title for topic in topics},
        "fonts_message": missing_fonts_message(missing) if missing else "",
        "style_fonts_message": styles.missing_fonts_message(style, style_missing) if style_missing else "",
        "left_out": await left_out_appendices(seminar),
        "BuildStatus": BuildStatus,
    }


async def published_build(
    seminar: Seminar, volume: int | None, kind: BuildKind = BuildKind.BOOK
) -> ProceedingsBuild | None:
    """The book (or `volume`) as last published: one hand-written query (every download asks it)."""
    found = await rows(_published_build_sql(volume is None),
                       [seminar.id, kind.value, BuildStatus.DONE.value, *([] if volume is None else [volume])])
    return instance(ProceedingsBuild, found[0]) if found else None


@functools.cache
def _published_build_sql(whole_book: bool) -> str:
    return f"""
        SELECT {selected(ProceedingsBuild, "b")} FROM proceedings_build b
        WHERE b.seminar_id = $1 AND b.kind = $2 AND b.published AND b.status = $3
          AND {"b.volume IS NULL" if whole_book else "b.volume = $4"}
        ORDER BY b.published_at DESC, b.id DESC LIMIT 1"""


async def published_volumes(seminar: Seminar) -> list[ProceedingsBuild]:
    """The published book and volumes, the whole book first, then topics in order."""
    builds = await ProceedingsBuild.filter(
        seminar_id=seminar.id, kind=BuildKind.BOOK, published=True, status=BuildStatus.DONE
    )
    return sorted(builds, key=volume_order)


def volume_order(build: ProceedingsBuild) -> int:
    """Where a published book goes in a list: the whole book first, then the topics' volumes in order."""
    return -1 if build.volume is None else build.volume


def _same_book(build: ProceedingsBuild, other: ProceedingsBuild) -> bool:
    return (other.seminar_id == build.seminar_id and other.kind == build.kind and other.volume == build.volume
            and other.id != build.id)


def _duration(build: ProceedingsBuild) -> float | None:
    if build.started_at is not None and build.finished_at is not None:
        return (build.finished_at - build.started_at).total_seconds()
    return build.seconds


async def previous_build(build: ProceedingsBuild) -> ProceedingsBuild | None:
    """The last finished build of the same book or volume: its time and page count foretell this one's."""
    done = ProceedingsBuild.filter(seminar_id=build.seminar_id, kind=build.kind, status=BuildStatus.DONE).exclude(id=build.id)
    done = done.filter(volume__isnull=True) if build.volume is None else done.filter(volume=build.volume)
    return await done.order_by("-finished_at", "-id").first()


def _progress(build: ProceedingsBuild, before: ProceedingsBuild | None, now: dt.datetime) -> Progress:
    return build_progress(
        build.status, build.stage, build.progress_done, build.progress_total,
        elapsed=(now - build.started_at).total_seconds() if build.started_at else 0.0,
        previous_seconds=_duration(before) if before else None, pages=build.pages, seconds=build.seconds,
    )


async def build_status(
    seminar: Seminar, build_id: int, kind: BuildKind = BuildKind.BOOK
) -> tuple[ProceedingsBuild, Progress] | None:
    """One build of this seminar and its progress bar; None if the seminar has no such build."""
    build = await ProceedingsBuild.get_or_none(id=build_id, seminar_id=seminar.id, kind=kind)
    if build is None:
        return None
    finished = build.status in (BuildStatus.DONE, BuildStatus.FAILED)
    before = None if finished else await previous_build(build)
    return build, _progress(build, before, dt.datetime.now(dt.UTC))


async def progress_of(seminar: Seminar, builds: list[ProceedingsBuild]) -> dict[int, Progress]:
    """Build id → progress bar of each queued or running build among these (one query, whatever their number)."""
    active = [build for build in builds if build.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)]
    if not active:
        return {}
    kinds = {build.kind for build in active}
    done = await ProceedingsBuild.filter(seminar_id=seminar.id, kind__in=kinds, status=BuildStatus.DONE).order_by(
        "-finished_at", "-id"
    )
    now = dt.datetime.now(dt.UTC)
    return {
        build.id: _progress(build, next((other for other in done if _same_book(build, other)), None), now)
        for build in active
    }
