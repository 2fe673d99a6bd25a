"""Everything that changes proceedings: settings, build requests, the build itself, publishing.

The build protocol (the worker and `seminar proceedings build` alike):

1. `request_build` computes the hash of every input. A queued, running or done build with the
   same hash (its `dedupe_key`) is returned as it is: an unchanged book is never built twice,
   and of two requests at once the unique key lets one row in.
2. `claim_build` flips one QUEUED row to RUNNING in a transaction that selects it
   `FOR UPDATE SKIP LOCKED` and repeats `status = queued` in the UPDATE, as the mail outbox does.
3. `run_build` typesets in a separate process, outside any transaction, then stores the PDF as
   a blob and marks the build DONE in one transaction — or FAILED with the reason. While it
   runs, the worker refreshes the build's `heartbeat_at` every `HEARTBEAT_SECONDS`. A worker that
   dies (killed, its host gone) leaves a RUNNING row whose heartbeat stops; once it is older than
   `BUILD_LEASE`, `recover_stale_builds` queues it again (or fails it after `MAX_ATTEMPTS`), and
   should the old worker still be alive after all, its result is dropped: the UPDATE that stores
   it names the worker. No half file exists at any point: the PDF is written in one statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from seminar.accounts.models import Role, User
from seminar.blobs import store_blob
from seminar.errors import UserError
from seminar.i18n import N_, _
from seminar.operations.logs import current_request_id
from seminar.proceedings.inputs import input_hash
from seminar.proceedings.models import (
    BookSpeech,
    BuildKind,
    BuildStatus,
    ProceedingsBuild,
    ProceedingsSettings,
    SpeechKind,
    TopicCommentary,
)
from seminar.proceedings.parts import book_cache
from seminar.proceedings.progress import BuildStage
from seminar.proceedings.queries import book_spec, previous_build
from seminar.proceedings.typeset import (
    OVER_BUDGET,
    BuildError,
    check_fonts,
    describe_data_uris,
    missing_fonts_message,
    typeset_async,
)
from seminar.seminars.models import Seminar, Topic

logger = logging.getLogger(__name__)

# The typesetting child is stopped after this long, whatever the book.
TYPESET_TIMEOUT = 20 * 60.0
# A live worker refreshes its build's heartbeat this often; a heartbeat older than the lease
# means the worker is gone, and another one takes the build over.
HEARTBEAT_SECONDS = 10.0
# How often a running build's stage and count are written to its row, when they changed.
PROGRESS_SECONDS = 1.0
BUILD_LEASE = dt.timedelta(seconds=60)
assert 3 * HEARTBEAT_SECONDS <= BUILD_LEASE.total_seconds(), "a live build would look stale after one slow beat"
MAX_ATTEMPTS = 2
# Stored in English like every build error, shown in the organizer's language (`shown_error`).
INTERRUPTED = N_(
    "The build was interrupted on every try (its worker stopped or was killed) and was given up. Build again to retry."
)
TRANSLATED_ERRORS = frozenset({INTERRUPTED, *OVER_BUDGET})

Progress = Callable[[str], None]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _quiet(stage: str) -> None:
    """No progress output (the worker logs instead)."""


def shown_error(error: str) -> str:
    """A build's error or a paper's reason as organizers read it: ours in their language, an embedded image in a few words."""
    return _(error) if error in TRANSLATED_ERRORS else describe_data_uris(error)


def dedupe_key(seminar_id: int, volume: int | None, digest: str) -> str:
    return f"{seminar_id}:{'book' if volume is None else volume}:{digest}"


async def save_settings(
    seminar: Seminar, values: dict[str, Any], speeches: dict[SpeechKind, dict[str, str]] | None = None
) -> ProceedingsSettings:
    """The book's settings, and its 领导讲话 as typed: a speech whose fields are all empty is removed."""
    async with in_transaction():
        options, _created = await ProceedingsSettings.get_or_create(seminar_id=seminar.id)
        for key, value in values.items():
            setattr(options, key, value)
        await options.save()
        for kind, fields in (speeches or {}).items():
            if any(fields.values()):
                await BookSpeech.update_or_create(defaults=fields, seminar_id=seminar.id, kind=kind)
            else:
                await BookSpeech.filter(seminar_id=seminar.id, kind=kind).delete()
    return options


async def add_commentary(seminar: Seminar, values: dict[str, Any]) -> TopicCommentary:
    """A 专题点评 on one of the seminar's topics; the named account, if any, must hold a role in the seminar."""
    await _check_commentary(seminar, values)
    return await TopicCommentary.create(seminar_id=seminar.id, **values)


async def update_commentary(commentary: TopicCommentary, values: dict[str, Any]) -> None:
    """Organizers change any field; a 点评人 only the text (the route gives them no other)."""
    if "topic_id" in values:
        await _check_commentary(await Seminar.get(id=commentary.seminar_id), values)
    await TopicCommentary.filter(id=commentary.id).update(**values, updated_at=_now())


async def delete_commentary(commentary: TopicCommentary) -> None:
    await TopicCommentary.filter(id=commentary.id).delete()


async def _check_commentary(seminar: Seminar, values: dict[str, Any]) -> None:
    if not await Topic.exists(id=values["topic_id"], seminar_id=seminar.id):
        raise UserError(_("Choose one of the seminar's topics."))
    if values.get("commentator_id") and not await Role.exists(user_id=values["commentator_id"], seminar_id=seminar.id):
        raise UserError(_("Only a person of this seminar can be named to write a commentary."))


def ensure_fonts() -> None:
    """UserError with the operator's instructions when the book's fonts are missing."""
    if missing := check_fonts():
        raise UserError(missing_fonts_message(missing))


async def request_build(seminar: Seminar, volume: int | None, by: User | None) -> tuple[ProceedingsBuild, bool]:
    """The build of the current inputs, and whether it is new (False: the same book exists or is under way)."""
    digest = input_hash(await book_spec(seminar, volume))
    return await queue_build(dedupe_key(seminar.id, volume, digest), digest, by, seminar_id=seminar.id, volume=volume)


async def queue_build(key: str, digest: str, by: User | None, **fields: Any) -> tuple[ProceedingsBuild, bool]:
    """The build whose inputs hash to `key` — queued, running or done — or a new queued one with `fields`
    (seminar, volume or kind); and whether it is new. Shared by the book and the 会议手册. A new one
    needs the fonts: UserError with the operator's instructions when they are missing."""
    existing = await ProceedingsBuild.get_or_none(dedupe_key=key)
    if existing is not None:
        return existing, False
    ensure_fonts()  # only a new build needs them (asking fontconfig is a process: a tenth of a second on a busy machine)
    try:
        async with in_transaction():
            build = await ProceedingsBuild.create(
                input_hash=digest, dedupe_key=key, requested_by_id=by.id if by else None,
                request_id=current_request_id(), **fields,
            )
    except IntegrityError:  # a request at the same moment got there first: that is our build
        return await ProceedingsBuild.get(dedupe_key=key), False
    return build, True


async def rekeyed(build: ProceedingsBuild, digest: str, key: str, connection: Any) -> dict[str, Any]:
    """The hash and dedupe key a finished build is stored under when its inputs changed while it waited in the
    queue (nothing to change otherwise); the key stays free if another build already holds it."""
    if digest == build.input_hash:
        return {}
    taken = await ProceedingsBuild.filter(dedupe_key=key).using_db(connection).exists()
    return {"input_hash": digest, "dedupe_key": None if taken else key}


async def claim_build(worker_name: str, build_id: int | None = None) -> ProceedingsBuild | None:
    """Claim the oldest queued build (or `build_id`) for `worker_name`; None when there is none to claim."""
    async with in_transaction():
        queued = ProceedingsBuild.filter(status=BuildStatus.QUEUED)
        if build_id is not None:
            queued = queued.filter(id=build_id)
        candidate = await queued.select_for_update(skip_locked=True).order_by("requested_at", "id").first()
        if candidate is None:
            return None
        now = _now()
        claimed = await ProceedingsBuild.filter(id=candidate.id, status=BuildStatus.QUEUED).update(
            status=BuildStatus.RUNNING, claimed_by=worker_name, started_at=now, heartbeat_at=now,
            attempts=F("attempts") + 1, stage=BuildStage.COLLECTING, progress_done=0, progress_total=None,
        )
        if not claimed:
            return None
    return await ProceedingsBuild.get(id=candidate.id)


class _ClaimLost(Exception):
    """The build was taken from this worker (stale-timeout) while it typeset: its result is dropped."""


async def _fail(build: ProceedingsBuild, reason: str) -> None:
    await ProceedingsBuild.filter(id=build.id, status=BuildStatus.RUNNING, claimed_by=build.claimed_by).update(
        status=BuildStatus.FAILED, error=reason, finished_at=_now(), dedupe_key=None
    )


class _Stage:
    """The latest stage and count of a running build, handed from the typesetting thread to the event loop."""

    def __init__(self, expected_pages: int | None) -> None:
        self.expected_pages = expected_pages
        self._lock = threading.Lock()
        self._latest: tuple[BuildStage, int, int | None] = (BuildStage.COLLECTING, 0, None)
        self._written: tuple[BuildStage, int, int | None] = self._latest

    def report(self, stage: BuildStage, done: int) -> None:
        """Called from any thread."""
        with self._lock:
            self._latest = (stage, done, self.expected_pages if stage == BuildStage.LAYOUT else None)

    def changed(self) -> tuple[BuildStage, int, int | None] | None:
        """The stage and count not yet written, or None."""
        with self._lock:
            if self._latest == self._written:
                return None
            self._written = self._latest
            return self._latest


@contextlib.asynccontextmanager
async def _heartbeat(build: ProceedingsBuild, stage: _Stage) -> AsyncIterator[None]:
    """While the block runs: the build's stage and count when they change (every PROGRESS_SECONDS
    at most), and every HEARTBEAT_SECONDS at least a beat, telling other workers that its worker lives."""

    async def beat() -> None:
        last_beat = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(min(PROGRESS_SECONDS, HEARTBEAT_SECONDS))
            values: dict[str, Any] = {}
            if news := stage.changed():
                values.update(stage=news[0], progress_done=news[1], progress_total=news[2])
            now = asyncio.get_running_loop().time()
            if not values and now - last_beat < HEARTBEAT_SECONDS:
                continue
            try:
                await ProceedingsBuild.filter(
                    id=build.id, status=BuildStatus.RUNNING, claimed_by=build.claimed_by
                ).update(heartbeat_at=_now(), **values)
                last_beat = now
            except Exception as error:  # noqa: BLE001  # a missed beat is not fatal; the lease allows several
                logger.warning("proceedings build %s: heartbeat not recorded (%s)", build.id, error)

    beating = asyncio.create_task(beat())
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def run_build(build: ProceedingsBuild, progress: Progress = _quiet) -> ProceedingsBuild:
    """Typeset a claimed build (a book's or a handbook's) and record the outcome; never raises for a failed build."""
    assert build.status == BuildStatus.RUNNING and build.claimed_by, "claim the build first"
    before = await previous_build(build)
    stage = _Stage(before.pages if before else None)
    async with _heartbeat(build, stage):
        if build.kind == BuildKind.HANDBOOK:
            # The 会议手册 shares this queue and worker; the handbook area builds on this one, not the reverse.
            from seminar.handbook.actions import typeset_and_store  # noqa: PLC0415

            return await typeset_and_store(build, progress, stage.report)
        return await _typeset_and_store(build, progress, stage)


async def _typeset_and_store(build: ProceedingsBuild, progress: Progress, stage: _Stage) -> ProceedingsBuild:
    seminar = await Seminar.get(id=build.seminar_id)
    try:
        if missing := check_fonts():
            raise BuildError(missing_fonts_message(missing))
        progress("Collecting papers, decisions and settings")
        spec = await book_spec(seminar, build.volume)
        papers = sum(len(topic.papers) for topic in spec.topics)
        progress(f"Typesetting {papers} papers in a separate process")
        result = await typeset_async(
            spec, timeout=TYPESET_TIMEOUT, report=stage.report, parts_cache=book_cache(build.seminar_id, build.volume)
        )
    except Exception as error:  # noqa: BLE001  # every failure is recorded on the build
        reason = str(error) if isinstance(error, BuildError) else f"{type(error).__name__}: {error}"
        if not isinstance(error, BuildError):
            logger.exception("proceedings build %s failed", build.id)
        await _fail(build, reason)
        progress(f"Failed: {reason}")
        return await ProceedingsBuild.get(id=build.id)
    progress(f"Storing the PDF ({len(result.pdf) // 1024} KB)")
    stage.report(BuildStage.STORING, 0)
    digest = input_hash(spec)
    report = result.report
    # What the typesetter asked for and read, for the operator (and the tests): a manuscript that
    # tried to reach a local file or the network shows up here as refused.
    logger.info(
        "proceedings build %s: %d resources asked, %d refused, %d files read", build.id, len(report.requested_urls),
        len(report.refused_urls), len(report.opened_files),
        extra={"requested_urls": report.requested_urls, "refused_urls": report.refused_urls,
               "opened_files": report.opened_files},
    )
    try:
        async with in_transaction() as connection:
            sha = await store_blob(result.pdf, connection)
            values: dict[str, Any] = {
                "status": BuildStatus.DONE, "blob_id": sha, "finished_at": _now(), "seconds": report.seconds,
                "pages": report.pages, "size": len(result.pdf), "warnings": report.warnings[:50],
                "failed_papers": {str(number): reason for number, reason in report.failed_papers.items()},
                "manuscripts": {
                    str(paper.number): paper.manuscript_version for topic in spec.topics for paper in topic.papers
                },
                "hidden_authors": sorted(
                    paper.number for topic in spec.topics for paper in topic.papers if paper.authors_withheld
                ),
            }
            values.update(await rekeyed(build, digest, dedupe_key(build.seminar_id, build.volume, digest), connection))
            done = await ProceedingsBuild.filter(
                id=build.id, status=BuildStatus.RUNNING, claimed_by=build.claimed_by
            ).using_db(connection).update(**values)
            if not done:
                raise _ClaimLost
    except _ClaimLost:
        logger.warning("proceedings build %s: claim lost while typesetting; result dropped", build.id)
    progress(f"Done: {report.pages} pages in {report.seconds:.1f} s")
    return await ProceedingsBuild.get(id=build.id)


async def recover_stale_builds(now: dt.datetime | None = None) -> int:
    """RUNNING builds whose heartbeat is older than the lease lost their worker: queue them again, or fail them."""
    cutoff = (now or _now()) - BUILD_LEASE
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    async with in_transaction():
        stale = await ProceedingsBuild.filter(silent, status=BuildStatus.RUNNING).select_for_update(skip_locked=True)
        for build in stale:
            running = ProceedingsBuild.filter(id=build.id, status=BuildStatus.RUNNING, claimed_by=build.claimed_by)
            logger.warning("proceedings build %s: worker %s stopped mid-build", build.id, build.claimed_by)
            if build.attempts < MAX_ATTEMPTS:
                await running.update(
                    status=BuildStatus.QUEUED, claimed_by="", started_at=None, heartbeat_at=None, stage="",
                    progress_done=0, progress_total=None,
                )
            else:
                await running.update(
                    status=BuildStatus.FAILED, finished_at=_now(), dedupe_key=None, heartbeat_at=None, error=INTERRUPTED
                )
    if stale:
        logger.warning("proceedings: recovered %d stale builds", len(stale))
    return len(stale)


async def build_now(
    seminar: Seminar, volume: int | None, worker_name: str, by: User | None = None, progress: Progress = _quiet
) -> ProceedingsBuild:
    """Build at once in this process (the command line): a recorded build, without waiting for a worker."""
    progress("Hashing the inputs")
    build, created = await request_build(seminar, volume, by)
    if build.status == BuildStatus.DONE:
        progress("Nothing changed since the last build: using it")
        return build
    if build.status == BuildStatus.RUNNING:
        raise UserError(_("A worker is building these proceedings right now; try again when it has finished."))
    claimed = await claim_build(worker_name, build.id)
    if claimed is None:
        raise UserError(_("A worker is building these proceedings right now; try again when it has finished."))
    return await run_build(claimed, progress)


async def publish_build(build: ProceedingsBuild) -> None:
    """Readers get this build from now on; the one published before for the same volume is withdrawn."""
    if build.status != BuildStatus.DONE:
        raise UserError(_("Only a finished build can be published."))
    async with in_transaction():
        same_volume = ProceedingsBuild.filter(seminar_id=build.seminar_id, kind=build.kind, published=True)
        same_volume = same_volume.filter(volume__isnull=True) if build.volume is None else same_volume.filter(volume=build.volume)
        await same_volume.update(published=False)
        await ProceedingsBuild.filter(id=build.id).update(published=True, published_at=_now())


async def unpublish_build(build: ProceedingsBuild) -> None:
    await ProceedingsBuild.filter(id=build.id).update(published=False)
