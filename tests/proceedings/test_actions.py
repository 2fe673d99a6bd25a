"""The build pipeline on the database: a real book from .docx papers through the worker, the cache,
simultaneous requests, papers that cannot be typeset, missing fonts and builds whose worker died."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from seminar.errors import UserError
from seminar.proceedings import actions, parts
from seminar.proceedings.models import BuildStatus, ProceedingsBuild
from seminar.proceedings.worker import build_pending
from seminar.reviews import models as review_models
from seminar.seminars.models import Seminar
from seminar.submissions.intake import inspect_upload
from seminar.submissions.models import Blob, Manuscript, Paper
from seminar.agenda import actions as agenda_actions
from seminar.agenda.models import AgendaSettings
from seminar.reviews.actions import ensure_criteria
from tests.factories import (
    make_decision,
    make_organizer,
    make_paper,
    make_proceedings_build,
    make_reviewer,
    make_review,
    make_room,
    make_seminar,
)
from tests.submissions.documents import make_docx

TITLES = ("坚持党建引领推进市域治理", "枫桥经验的广州实践", "网格化服务管理的深圳探索")
NESTED = 300  # nested quotations past Python's recursion limit in WeasyPrint's layout


async def add_docx(paper: Paper, text: str) -> None:
    """A new manuscript version from a real .docx, converted as an upload would be."""
    data = make_docx(text=text, title=paper.title)
    intake = inspect_upload("论文.docx", data)
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    await Blob.get_or_create(sha256=digest, defaults={"size": len(data), "content": data})
    latest = await Manuscript.filter(paper_id=paper.id).order_by("-version").first()
    await Manuscript.create(
        paper=paper, version=(latest.version if latest else 0) + 1, blob_id=digest, original_filename="论文.docx",
        content_type=intake.content_type, kind=intake.kind, html=intake.html, word_count=intake.word_count,
    )


async def small_seminar() -> tuple[Seminar, list[Paper]]:
    seminar = await make_seminar(topics=2)
    papers = []
    for index, (city, title) in enumerate(zip(("广州市", "深圳市", "佛山市"), TITLES, strict=True)):
        paper = await make_paper(seminar, city=city, title=title, status="submitted")
        await add_docx(paper, "推进市域社会治理现代化，" * (40 + index))
        papers.append(paper)
    return seminar, papers


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


async def pdf_of(build: ProceedingsBuild) -> bytes:
    blob = await Blob.get(sha256=build.blob_id)  # type: ignore[attr-defined]
    return bytes(blob.content)


async def test_the_worker_builds_the_book_from_docx_papers_and_stores_it() -> None:
    seminar, _papers = await small_seminar()
    organizer = await make_organizer(seminar)

    build, created = await actions.request_build(seminar, None, organizer)
    ran = await build_pending("test-worker")

    assert created and ran == 1
    await build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.error == "" and build.failed_papers == {}
    assert build.started_at is not None and build.finished_at is not None and build.seconds and build.seconds > 0
    pdf = await pdf_of(build)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == build.pages > 4
    text = pdf_text(pdf)
    assert all(title in text for title in TITLES)
    assert build.size == len(pdf)
    # What it printed of each paper, for the organizers to see when a newer final version is accepted.
    assert build.manuscripts == {str(paper.number): 2 for paper in _papers} and build.hidden_authors == []  # the .docx


async def test_an_unchanged_book_is_not_built_again_and_an_edit_builds_anew() -> None:
    seminar, papers = await small_seminar()
    first, _created = await actions.request_build(seminar, None, None)
    await build_pending("test-worker")

    again, created = await actions.request_build(seminar, None, None)

    assert (again.id, created) == (first.id, False)
    assert await ProceedingsBuild.all().count() == 1

    await Paper.filter(id=papers[0].id).update(title="坚持党建引领推进市域社会治理现代化")
    edited, created = await actions.request_build(seminar, None, None)

    assert created and edited.id != first.id
    assert edited.input_hash != first.input_hash
    assert await ProceedingsBuild.all().count() == 2


async def test_the_worker_keeps_each_books_parts_and_a_rebuild_reuses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parts, "_cache_root", tmp_path / "book-parts")  # as the worker sets it from DATA_DIR
    seminar, papers = await small_seminar()
    await actions.request_build(seminar, None, None)
    await build_pending("test-worker")
    directory = parts.book_cache(seminar.id, None)
    assert directory is not None and directory.parent == tmp_path / "book-parts"
    before = set(directory.iterdir())

    await Paper.filter(id=papers[0].id).update(title="坚持党建引领推进市域社会治理现代化")
    edited, _created = await actions.request_build(seminar, None, None)
    await build_pending("test-worker")

    await edited.refresh_from_db()
    assert edited.status == BuildStatus.DONE
    assert "坚持党建引领推进市域社会治理现代化" in pdf_text(await pdf_of(edited))
    # The other papers' parts were reused; the edited paper's and the 目录's replaced, not kept beside.
    after = set(directory.iterdir())
    assert before & after and before - after and len(after) == len(before)


async def test_two_requests_at_once_make_one_build() -> None:
    seminar, _papers = await small_seminar()

    (one, first_new), (two, second_new) = await asyncio.gather(
        actions.request_build(seminar, None, None), actions.request_build(seminar, None, None)
    )

    assert one.id == two.id
    assert sorted([first_new, second_new]) == [False, True]
    assert await ProceedingsBuild.all().count() == 1


async def test_a_paper_that_cannot_be_typeset_is_reported_and_the_book_is_still_built() -> None:
    seminar, papers = await small_seminar()
    broken = "<p>正文</p>" + "<blockquote>" * NESTED + "深" + "</blockquote>" * NESTED
    await Manuscript.filter(paper_id=papers[1].id).update(html=broken)

    build, _created = await actions.request_build(seminar, None, None)
    await build_pending("test-worker")

    await build.refresh_from_db()
    assert build.status == BuildStatus.DONE
    assert list(build.failed_papers) == [str(papers[1].number)]
    assert build.failed_papers[str(papers[1].number)].startswith("RecursionError")
    text = pdf_text(await pdf_of(build))
    assert all(title in text for title in TITLES)  # the failed paper keeps its title, with a notice


async def test_a_volume_holds_only_its_topic() -> None:
    seminar, papers = await small_seminar()
    from seminar.seminars.models import Topic

    second = await Topic.get(seminar_id=seminar.id, position=2)
    await Paper.filter(id=papers[2].id).update(topic_id=second.id)

    volume, _created = await actions.request_build(seminar, 2, None)
    await build_pending("test-worker")

    await volume.refresh_from_db()
    text = pdf_text(await pdf_of(volume))
    assert volume.status == BuildStatus.DONE and volume.volume == 2
    assert TITLES[2] in text and TITLES[0] not in text


@pytest.mark.skipif(not hasattr(review_models, "Decision"), reason="decisions arrive with issue 4")
async def test_declined_and_withdrawn_papers_stay_out_and_keynotes_come_first() -> None:
    seminar, papers = await small_seminar()
    decision = review_models.Decision  # type: ignore[attr-defined]
    now = dt.datetime.now(dt.UTC)
    for paper, outcome in zip(papers, ("discussion", "keynote", "decline"), strict=True):
        await decision.create(seminar=seminar, paper=paper, outcome=outcome, decided_at=now)
    from seminar.proceedings.queries import book_spec

    spec = await book_spec(seminar)

    listed = [(paper.title, paper.placement.value) for topic in spec.topics for paper in topic.papers]
    assert sorted(listed) == sorted([(TITLES[0], "discussion"), (TITLES[1], "keynote")])


async def test_keynotes_are_printed_in_the_order_the_published_agenda_presents_them() -> None:
    seminar = await make_seminar(topics=1)
    organizer = await make_organizer(seminar)
    await ensure_criteria(seminar)
    reviewer = await make_reviewer(seminar)
    papers = [await make_paper(seminar, city=city, title=title, status="submitted")
              for city, title in zip(("广州市", "深圳市", "佛山市"), TITLES, strict=True)]
    for paper, scores in zip(papers, ([5, 5, 5, 5, 5], [15, 25, 20, 25, 15], [10, 15, 10, 15, 10]), strict=True):
        await make_review(paper, reviewer, scores=scores)
        await make_decision(paper, "keynote")
    await make_room(seminar)
    await AgendaSettings.create(seminar=seminar, days=[seminar.starts_on.isoformat()])
    await agenda_actions.draft_from_decisions(seminar, 0, organizer)
    await agenda_actions.publish(seminar, 1, organizer)  # keynotes by score: 深圳, 佛山, then 广州
    from seminar.proceedings.queries import book_spec

    spec = await book_spec(seminar)

    assert [paper.title for paper in spec.topics[0].papers] == [TITLES[1], TITLES[2], TITLES[0]]


async def test_papers_the_agenda_does_not_present_follow_the_official_order_of_their_cities() -> None:
    from seminar.accounts.actions import ensure_units
    from seminar.proceedings.queries import book_spec

    await ensure_units()
    seminar = await make_seminar(topics=1)
    for city, title in zip(("佛山市", "深圳市", "广州市"), TITLES, strict=True):  # numbered against the official order
        await make_decision(await make_paper(seminar, city=city, title=title, status="submitted"), "proceedings")

    spec = await book_spec(seminar)

    assert [paper.title for paper in spec.topics[0].papers] == [TITLES[2], TITLES[1], TITLES[0]]  # 广州, 深圳, 佛山


def _no_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fontconfig that knows no fonts at all, as on a machine without fonts-noto-cjk."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


async def test_missing_fonts_refuse_the_request_and_fail_a_queued_build_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seminar, _papers = await small_seminar()
    queued, _created = await actions.request_build(seminar, None, None)
    _no_fonts(monkeypatch, tmp_path)

    with pytest.raises(UserError) as refused:
        await actions.request_build(seminar, 1, None)
    await build_pending("test-worker")

    assert "fonts-noto-cjk" in refused.value.message
    await queued.refresh_from_db()
    assert queued.status == BuildStatus.FAILED and "Noto Serif CJK SC" in queued.error
    assert queued.blob_id is None and queued.dedupe_key is None  # type: ignore[attr-defined]


async def test_a_build_whose_worker_went_silent_is_queued_again_then_failed_and_the_published_book_stays() -> None:
    seminar, _papers = await small_seminar()
    published = await make_proceedings_build(seminar)
    now = dt.datetime.now(dt.UTC)
    silent_since = now - actions.BUILD_LEASE - dt.timedelta(seconds=1)
    crashed = await ProceedingsBuild.create(
        seminar=seminar, input_hash="a" * 64, dedupe_key="x", status=BuildStatus.RUNNING, claimed_by="dead:1",
        started_at=now - dt.timedelta(hours=1), heartbeat_at=silent_since, attempts=1,
    )
    long_but_alive = await ProceedingsBuild.create(  # started long ago, but its worker still beats
        seminar=seminar, input_hash="b" * 64, dedupe_key="y", status=BuildStatus.RUNNING, claimed_by="alive:2",
        started_at=now - dt.timedelta(hours=1), heartbeat_at=now, attempts=1,
    )

    assert await actions.recover_stale_builds() == 1

    await crashed.refresh_from_db()
    await long_but_alive.refresh_from_db()
    assert (crashed.status, crashed.claimed_by, crashed.heartbeat_at, crashed.blob_id) == (BuildStatus.QUEUED, "", None, None)  # type: ignore[attr-defined]
    assert long_but_alive.status == BuildStatus.RUNNING

    await ProceedingsBuild.filter(id=crashed.id).update(
        status=BuildStatus.RUNNING, claimed_by="dead:3", heartbeat_at=silent_since, attempts=2
    )
    await actions.recover_stale_builds()

    await crashed.refresh_from_db()
    assert crashed.status == BuildStatus.FAILED and crashed.error == actions.INTERRUPTED and crashed.dedupe_key is None
    await published.refresh_from_db()
    assert published.published and published.status == BuildStatus.DONE


async def test_a_running_build_beats_while_it_typesets(monkeypatch: pytest.MonkeyPatch) -> None:
    seminar, _papers = await small_seminar()
    monkeypatch.setattr(actions, "HEARTBEAT_SECONDS", 0.2)
    build, _created = await actions.request_build(seminar, None, None)
    claimed = await actions.claim_build("test-worker")
    assert claimed is not None and claimed.heartbeat_at is not None
    beats: set[dt.datetime] = set()

    async def watch() -> None:
        while True:
            beats.add((await ProceedingsBuild.get(id=build.id)).heartbeat_at)  # type: ignore[arg-type]
            await asyncio.sleep(0.1)

    watching = asyncio.create_task(watch())
    finished = await actions.run_build(claimed)
    watching.cancel()

    assert finished.status == BuildStatus.DONE
    assert len(beats - {None}) >= 3  # the claim's, then at least two beats during the seconds it typeset


async def test_publishing_a_build_withdraws_the_one_before_for_that_volume_only() -> None:
    seminar = await make_seminar(topics=2)
    old_book = await make_proceedings_build(seminar)
    volume = await make_proceedings_build(seminar, volume=1)
    new_book = await make_proceedings_build(seminar, published=False, input_hash="c" * 64)

    await actions.publish_build(new_book)

    states = {build.id: build.published for build in await ProceedingsBuild.all()}
    assert states == {old_book.id: False, volume.id: True, new_book.id: True}
