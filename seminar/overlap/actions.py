"""查重's changes: queue a check, run it (index the text, look up its fingerprints, align the candidates,
save the matches), the reference library, and marking a match acceptable."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from seminar.blobs import store_blob
from seminar.errors import UserError
from seminar.i18n import _
from seminar.isolation import Limits, run_limited_async
from seminar.overlap.models import (
    CheckState,
    OverlapCheck,
    OverlapFingerprint,
    OverlapMatch,
    OverlapSettings,
    OverlapSource,
    ReferenceDocument,
)
from seminar.overlap.texts import html_text, pdf_text
from seminar.submissions.intake import Intake, ManuscriptKind
from seminar.submissions.models import Blob, Manuscript, Paper
from seminar.textsim.align import Passage, shared_passages
from seminar.textsim.candidates import common_mask, common_threshold, rank
from seminar.textsim.fingerprints import Fingerprint, document_fingerprints, shingle_hashes
from seminar.textsim.normalise import Normalised, normalise
from seminar.textsim.report import SourcePassages, ratios, shared_characters

logger = logging.getLogger(__name__)

LOOKUP_BATCH = 500  # fingerprints per IN (…): well under SQLite's and asyncpg's parameter limits
PROGRESS_SECONDS = 1.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------- Queueing ----------


async def queue_check(manuscript_id: int, paper_id: int, seminar_id: int, connection: Any = None) -> None:
    """Queue (again) the check of one manuscript version, inside the caller's transaction."""
    reset = dict(state=CheckState.QUEUED, error="", progress_done=0, progress_total=None, claimed_by="",
                 requested_at=_now(), started_at=None, finished_at=None)
    updated = await OverlapCheck.filter(manuscript_id=manuscript_id).using_db(connection).update(**reset)
    if not updated:
        await OverlapCheck.create(manuscript_id=manuscript_id, paper_id=paper_id, seminar_id=seminar_id,
                                  using_db=connection, **reset)


async def queue_submitted(paper: Paper, connection: Any = None) -> None:
    """The paper was sent in: check its newest manuscript."""
    latest = await Manuscript.filter(paper_id=paper.id).using_db(connection).order_by("-version").first()
    if latest is not None:
        await queue_check(latest.id, paper.id, paper.seminar_id, connection)


async def requeue_seminar(seminar_id: int, connection: Any = None) -> int:
    """The reference library changed: every finished check of the seminar runs again."""
    return await OverlapCheck.filter(
        seminar_id=seminar_id, state__in=[CheckState.DONE, CheckState.FAILED]
    ).using_db(connection).update(state=CheckState.QUEUED, requested_at=_now(), progress_done=0, progress_total=None)


async def settings_of(seminar_id: int) -> OverlapSettings:
    settings, _created = await OverlapSettings.get_or_create(seminar_id=seminar_id)
    return settings


async def save_settings(seminar_id: int, threshold: float, reviewers_see_reports: bool) -> None:
    settings = await settings_of(seminar_id)
    settings.threshold = threshold
    settings.reviewers_see_reports = reviewers_see_reports
    await settings.save()


# ---------- Running ----------

STALE_AFTER = dt.timedelta(minutes=10)  # a check takes seconds: one running this long lost its worker


async def recover_stale_checks(now: dt.datetime | None = None) -> int:
    """Queue again the checks whose worker stopped in the middle (the process ended, the machine restarted)."""
    cutoff = (now or _now()) - STALE_AFTER
    return await OverlapCheck.filter(state=CheckState.RUNNING, started_at__lt=cutoff).update(
        state=CheckState.QUEUED, claimed_by="", progress_done=0, progress_total=None
    )


async def claim_check(worker_name: str, check_id: int | None = None) -> OverlapCheck | None:
    """Claim the oldest queued check (or `check_id`) for `worker_name`; None when there is none."""
    async with in_transaction():
        queued = OverlapCheck.filter(state=CheckState.QUEUED)
        if check_id is not None:
            queued = queued.filter(id=check_id)
        candidate = await queued.select_for_update(skip_locked=True).order_by("requested_at", "id").first()
        if candidate is None:
            return None
        claimed = await OverlapCheck.filter(id=candidate.id, state=CheckState.QUEUED).update(
            state=CheckState.RUNNING, claimed_by=worker_name, started_at=_now(), progress_done=0, progress_total=None
        )
        if not claimed:
            return None
    return await OverlapCheck.get(id=candidate.id)


async def _manuscript_text(manuscript: Manuscript) -> str:
    if manuscript.kind is ManuscriptKind.PDF:
        blob = await Blob.get(sha256=manuscript.blob_id)
        return await run_limited_async(pdf_text, bytes(blob.content), limits=Limits())
    return html_text(manuscript.html)


async def _index(
    text: str, normalised: Normalised, fingerprints: Sequence[Fingerprint], *, seminar_id: int,
    paper_id: int | None = None, manuscript_id: int | None = None, document_id: int | None = None,
) -> OverlapSource:
    """Put one text into the index; a paper keeps only its newest indexed version."""
    async with in_transaction() as connection:
        if paper_id is not None:
            await OverlapSource.filter(paper_id=paper_id).using_db(connection).delete()
        source = await OverlapSource.create(
            seminar_id=seminar_id, paper_id=paper_id, manuscript_id=manuscript_id, document_id=document_id,
            text=text, normalised=normalised.text, using_db=connection,
        )
        await OverlapFingerprint.bulk_create(
            [OverlapFingerprint(hash=f.hash, source_id=source.id, position=f.position) for f in fingerprints],
            batch_size=1000, using_db=connection,
        )
    return source


class _Progress:
    def __init__(self, check: OverlapCheck) -> None:
        self.check = check
        self.written = 0.0

    async def __call__(self, done: int, total: int | None, force: bool = False) -> None:
        if force or time.monotonic() - self.written >= PROGRESS_SECONDS:
            self.written = time.monotonic()
            await OverlapCheck.filter(id=self.check.id).update(progress_done=done, progress_total=total)


# A fingerprint is boilerplate when at least `threshold` indexed texts hold it. Reading every row of
# such a fingerprint (tens of thousands at 100,000 papers) is what made a lookup slow, so the first
# query only asks whether its `threshold`-th row exists (an index seek skipping threshold - 1 entries),
# and rows are read for the others alone, with the scope applied in the same query.
_COMMON = {
    "postgres": "SELECT q.hash FROM unnest($1::bigint[]) AS q(hash) WHERE EXISTS ("
    "SELECT 1 FROM overlap_fingerprint f WHERE f.hash = q.hash OFFSET $2 LIMIT 1)",
    "sqlite": "WITH q(hash) AS (VALUES {values}) SELECT q.hash FROM q WHERE EXISTS ("
    "SELECT 1 FROM overlap_fingerprint f WHERE f.hash = q.hash LIMIT 1 OFFSET ?)",
}
_ROWS = (
    "SELECT f.hash, f.source_id, s.document_id FROM overlap_fingerprint f "
    "JOIN overlap_source s ON s.id = f.source_id WHERE f.hash {hashes} "
    "AND (s.paper_id IS NULL OR s.paper_id <> {paper}) "
    "AND ((s.document_id IS NULL AND s.seminar_id <= {seminar}) OR s.seminar_id = {seminar})"
)


async def _common_and_rows(
    hashes: list[int], threshold: int, paper_id: int | None, seminar_id: int
) -> tuple[set[int], list[tuple[int, int, int | None]]]:
    """The hashes at least `threshold` indexed texts hold, and (hash, source, document) of the
    others for every source in scope (not the paper itself; its seminar's library, and the papers of
    its own and earlier seminars)."""
    connection = connections.get("default")
    paper = -1 if paper_id is None else paper_id
    common: set[int] = set()
    rows: list[tuple[int, int, int | None]] = []
    if connection.capabilities.dialect == "postgres":
        _count, found = await connection.execute_query(_COMMON["postgres"], [hashes, threshold - 1])
        common = {row["hash"] for row in found}
        rare = [h for h in hashes if h not in common]
        _count, found = await connection.execute_query(
            _ROWS.format(hashes="= ANY($1::bigint[])", paper="$2", seminar="$3"), [rare, paper, seminar_id]
        )
        rows = [(row["hash"], row["source_id"], row["document_id"]) for row in found]
        return common, rows
    for start in range(0, len(hashes), LOOKUP_BATCH):
        batch = hashes[start : start + LOOKUP_BATCH]
        sql = _COMMON["sqlite"].format(values=", ".join("(?)" for _ in batch))
        _count, found = await connection.execute_query(sql, [*batch, threshold - 1])
        common.update(row["hash"] for row in found)
    rare = [h for h in hashes if h not in common]
    for start in range(0, len(rare), LOOKUP_BATCH):
        batch = rare[start : start + LOOKUP_BATCH]
        sql = _ROWS.format(hashes=f"IN ({', '.join('?' for _ in batch)})", paper="?", seminar="?")
        _count, found = await connection.execute_query(sql, [*batch, paper, seminar_id, seminar_id])
        rows += [(row["hash"], row["source_id"], row["document_id"]) for row in found]
    return common, rows


async def _shared(
    fingerprints: Sequence[Fingerprint], paper_id: int | None, seminar_id: int, threshold: int
) -> tuple[dict[int, list[int]], dict[int, int], set[int]]:
    """Look the fingerprints up: for each source in scope the positions shared (boilerplate left
    out), how many paper sources hold each hash (`threshold` for boilerplate), and which of the
    sources are library documents."""
    positions: dict[int, list[int]] = defaultdict(list)
    for fingerprint in fingerprints:
        positions[fingerprint.hash].append(fingerprint.position)
    common, rows = await _common_and_rows(list(positions), threshold, paper_id, seminar_id)
    holders: dict[int, int] = dict.fromkeys(common, threshold)
    library: set[int] = set()
    for fingerprint_hash, source_id, document_id in rows:
        if document_id is None:
            holders[fingerprint_hash] = holders.get(fingerprint_hash, 0) + 1
        else:
            library.add(source_id)
    shared: dict[int, list[int]] = defaultdict(list)
    for fingerprint_hash, source_id, _document_id in rows:
        if holders.get(fingerprint_hash, 0) < threshold:
            shared[source_id] += positions[fingerprint_hash]
    return shared, holders, library


async def run_check(check: OverlapCheck) -> OverlapCheck:
    """Index the manuscript and compare it; the check ends done or failed with a reason."""
    try:
        await _run(check)
    except Exception as error:  # the reason is shown to organizers; the details go to the log
        logger.exception("overlap check %s failed", check.id)
        reason = str(error) if getattr(error, "user_message", False) else _("The text could not be read or compared.")
        await OverlapCheck.filter(id=check.id, state=CheckState.RUNNING).update(
            state=CheckState.FAILED, error=reason[:500], finished_at=_now()
        )
    return await OverlapCheck.get(id=check.id)


async def index_check(check: OverlapCheck) -> tuple[Normalised, list[Fingerprint]] | None:
    """Put the check's manuscript into the index (unless it is there with this text); None when it has no text.

    A check does this first; the demo does it for all its papers before checking any, so that
    each report finds the papers checked after it too."""
    manuscript = await Manuscript.get(id=check.manuscript_id)
    text = await _manuscript_text(manuscript)
    normalised = normalise(text)
    if not normalised.text:
        return None
    fingerprints = document_fingerprints(normalised.text)
    if not await OverlapSource.filter(manuscript_id=manuscript.id, normalised=normalised.text).exists():
        await _index(text, normalised, fingerprints, seminar_id=check.seminar_id, paper_id=check.paper_id,
                     manuscript_id=manuscript.id)
    return normalised, fingerprints


async def _run(check: OverlapCheck) -> None:
    progress = _Progress(check)
    indexed = await index_check(check)
    if indexed is None:
        await OverlapCheck.filter(id=check.id).update(
            state=CheckState.FAILED, finished_at=_now(),
            error=_("The manuscript has no text to compare (a scanned PDF?)."),
        )
        return
    normalised, fingerprints = indexed
    found, library = await find_passages(normalised, fingerprints, check.paper_id, check.seminar_id, progress)
    await _save(check, normalised, found, library)


async def find_passages(
    normalised: Normalised, fingerprints: Sequence[Fingerprint], paper_id: int | None, seminar_id: int,
    progress: _Progress | None = None,
) -> tuple[dict[int, list[Passage]], set[int]]:
    """The passages a text (of paper `paper_id` in seminar `seminar_id`) shares with each indexed source
    in its scope, and which of those sources are library documents: the lookup of its fingerprints
    and the alignment of the candidates, what a check spends its time on (and what
    bench/overlap.py --db times)."""
    papers_indexed = await OverlapSource.filter(document_id__isnull=True).count()
    threshold = common_threshold(papers_indexed)
    shared, holders, library = await _shared(fingerprints, paper_id, seminar_id, threshold)
    common = common_mask(len(normalised.text), fingerprints, holders, threshold)
    candidates = rank(shared)
    if progress:
        await progress(0, len(candidates), force=True)
    texts = dict(await OverlapSource.filter(id__in=candidates).values_list("id", "normalised")) if candidates else {}
    hashes = shingle_hashes(normalised.text)
    found: dict[int, list[Passage]] = {}
    for done, source_id in enumerate(candidates, start=1):
        passages = shared_passages(normalised, texts[source_id], text_hashes=hashes, common=common)
        if passages:
            found[source_id] = passages
        if progress:
            await progress(done, len(candidates))
    return found, {source_id for source_id in found if source_id in library}


async def _save(
    check: OverlapCheck, normalised: Normalised, found: dict[int, list[Passage]], library: set[int]
) -> None:
    originals = dict(await OverlapSource.filter(id__in=list(found)).values_list("id", "text")) if found else {}
    previous = {
        m.source_id: m for m in await OverlapMatch.filter(overlap_check_id=check.id, acceptable=True)
    }
    matches = []
    for source_id, passages in found.items():
        source_origin = normalise(originals[source_id]).origin
        rows = []
        for p in passages:
            start, end = normalised.original_span(p.start, p.end)
            rows.append([p.start, p.end, start, end, source_origin[p.source_start], source_origin[p.source_end - 1] + 1])
        mark = previous.get(source_id)
        matches.append(OverlapMatch(
            overlap_check_id=check.id, source_id=source_id, library=source_id in library,
            shared_characters=shared_characters(passages), passages=rows,
            acceptable=mark is not None, acceptable_reason=mark.acceptable_reason if mark else "",
            marked_by_id=mark.marked_by_id if mark else None, marked_at=mark.marked_at if mark else None,
        ))
    result = ratios(len(normalised.text), [
        SourcePassages(m.library or m.acceptable, passages_of(m)) for m in matches
    ])
    async with in_transaction() as connection:
        await OverlapMatch.filter(overlap_check_id=check.id).using_db(connection).delete()
        if matches:
            await OverlapMatch.bulk_create(matches, using_db=connection)
        await OverlapCheck.filter(id=check.id).using_db(connection).update(
            state=CheckState.DONE, finished_at=_now(), length=len(normalised.text), copied=result.copied,
            copied_without_quotation=result.copied_without_quotation,
            progress_done=len(found), progress_total=len(found),
        )


def passages_of(match: OverlapMatch) -> list[Passage]:
    return [Passage(row[0], row[1], 0, 0, row[1] - row[0]) for row in match.passages]


# ---------- Marks and the library ----------


async def mark_acceptable(match: OverlapMatch, acceptable: bool, reason: str, by_id: int | None) -> None:
    """An organizer says what the paper shares with this source is fine (or no longer); the ratios follow."""
    async with in_transaction() as connection:
        await OverlapMatch.filter(id=match.id).using_db(connection).update(
            acceptable=acceptable, acceptable_reason=reason if acceptable else "",
            marked_by_id=by_id, marked_at=_now(),
        )
        check = await OverlapCheck.get(id=match.overlap_check_id, using_db=connection)
        matches = await OverlapMatch.filter(overlap_check_id=check.id).using_db(connection)
        result = ratios(check.length or 0, [SourcePassages(m.library or m.acceptable, passages_of(m)) for m in matches])
        await OverlapCheck.filter(id=check.id).using_db(connection).update(
            copied=result.copied, copied_without_quotation=result.copied_without_quotation
        )


async def document_text(data: bytes, intake: Intake) -> str:
    """The text of an uploaded library document; UserError when it has none."""
    text = await run_limited_async(pdf_text, data, limits=Limits()) if intake.kind is ManuscriptKind.PDF else html_text(intake.html)
    if not normalise(text).text:
        raise UserError(_("This document has no text to compare (a scanned PDF?)."), field="manuscript")
    return text


async def add_document(
    seminar_id: int, title: str, filename: str, data: bytes, text: str, by_id: int | None
) -> ReferenceDocument:
    """File a library document, index it, and queue the seminar's checks again."""
    normalised = normalise(text)
    async with in_transaction() as connection:
        digest = await store_blob(data, connection)
        document = await ReferenceDocument.create(
            seminar_id=seminar_id, title=title, original_filename=filename, blob_id=digest,
            uploaded_by_id=by_id, using_db=connection,
        )
    await _index(text, normalised, document_fingerprints(normalised.text), seminar_id=seminar_id,
                 document_id=document.id)
    await requeue_seminar(seminar_id)
    return document


async def delete_document(document: ReferenceDocument) -> None:
    async with in_transaction() as connection:
        await ReferenceDocument.filter(id=document.id).using_db(connection).delete()
        await requeue_seminar(document.seminar_id, connection)

