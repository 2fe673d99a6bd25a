"""查重's reads: the report of a paper, its progress, the list column, the library page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from seminar.i18n import _
from seminar.overlap.models import CheckState, OverlapCheck, OverlapMatch, OverlapSettings, OverlapSource, ReferenceDocument
from seminar.overlap.texts import html_text
from seminar.progress import Progress, estimate_seconds_left
from seminar.seminars.models import Seminar
from seminar.submissions.models import Manuscript, Paper

CONTEXT = 40  # characters shown before and after a passage


@dataclass(frozen=True)
class Snippet:
    before: str
    passage: str
    after: str


@dataclass(frozen=True)
class SharedPassage:
    text: Snippet
    source: Snippet
    length: int  # original characters of the checked text


@dataclass(frozen=True)
class SourceReport:
    match: OverlapMatch
    label: str  # "#12 title" of a paper (with its seminar if another), or the document's title
    library: bool
    share: float  # of the checked text's characters
    passages: list[SharedPassage]


async def settings_of(seminar_id: int) -> OverlapSettings:
    found = await OverlapSettings.get_or_none(seminar_id=seminar_id)
    return found or OverlapSettings(seminar_id=seminar_id)


async def current_check(paper: Paper) -> OverlapCheck | None:
    """The check of the newest checked manuscript of the paper."""
    return await OverlapCheck.filter(paper_id=paper.id).order_by("-manuscript_id").first()


async def checks_of(paper_ids: list[int]) -> dict[int, OverlapCheck]:
    """Paper id → its current check, for a list (one query)."""
    current: dict[int, OverlapCheck] = {}
    for check in await OverlapCheck.filter(paper_id__in=paper_ids).order_by("manuscript_id"):
        current[check.paper_id] = check
    return current


def check_progress(check: OverlapCheck, now: dt.datetime | None = None) -> Progress:
    now = now or dt.datetime.now(dt.UTC)
    if check.state is CheckState.QUEUED:
        return Progress(_("Waiting for the check to start"))
    if check.state is CheckState.RUNNING:
        elapsed = (now - check.started_at).total_seconds() if check.started_at else 0.0
        return Progress(
            _("Comparing with the candidate sources"), done=check.progress_done, total=check.progress_total,
            seconds_left=estimate_seconds_left(elapsed, None, check.progress_done, check.progress_total),
        )
    if check.state is CheckState.FAILED:
        return Progress(_("The check failed"), finished=True, failed=True,
                        outcome=_("The check failed: %(reason)s", reason=check.error))
    return Progress(_("Checked"), finished=True, outcome=_("Checked"))


def _snippet(text: str, start: int, end: int) -> Snippet:
    return Snippet(text[max(0, start - CONTEXT) : start], text[start:end], text[end : end + CONTEXT])


async def _checked_text(check: OverlapCheck) -> str:
    own = await OverlapSource.get_or_none(manuscript_id=check.manuscript_id)
    if own is not None:
        return own.text
    manuscript = await Manuscript.get(id=check.manuscript_id)
    return html_text(manuscript.html)


async def _labels(sources: list[OverlapSource], seminar: Seminar) -> dict[int, str]:
    papers = {p.id: p for p in await Paper.filter(id__in=[s.paper_id for s in sources if s.paper_id]).select_related("seminar")}
    documents = {d.id: d for d in await ReferenceDocument.filter(id__in=[s.document_id for s in sources if s.document_id])}
    labels: dict[int, str] = {}
    for source in sources:
        if source.document_id is not None:
            labels[source.id] = documents[source.document_id].title
        elif source.paper_id is not None:
            paper = papers[source.paper_id]
            label = f"#{paper.number} {paper.title}"
            if paper.seminar_id != seminar.id:
                label += f"（{paper.seminar.title}）"
            labels[source.id] = label
    return labels


async def report(seminar: Seminar, paper: Paper) -> dict[str, Any]:
    """The report page's (and the PDF's) content: the check, its ratios and each source's passages side by side."""
    check = await current_check(paper)
    settings = await settings_of(seminar.id)
    sources: list[SourceReport] = []
    if check is not None and check.state is CheckState.DONE:
        matches = await OverlapMatch.filter(overlap_check_id=check.id).order_by("-shared_characters", "id")
        rows = await OverlapSource.filter(id__in=[m.source_id for m in matches])
        by_id = {s.id: s for s in rows}
        labels = await _labels(rows, seminar)
        text = await _checked_text(check)
        for match in matches:
            source_text = by_id[match.source_id].text
            sources.append(SourceReport(
                match=match, label=labels.get(match.source_id, "—"), library=match.library,
                share=match.shared_characters / check.length if check.length else 0.0,
                passages=[
                    SharedPassage(_snippet(text, row[2], row[3]), _snippet(source_text, row[4], row[5]), row[3] - row[2])
                    for row in match.passages
                ],
            ))
    return {
        "seminar": seminar,
        "paper": paper,
        "check": check,
        "progress": check_progress(check) if check is not None else None,
        "sources": sources,
        "threshold": settings.threshold,
        "flagged": check is not None and check.copied_without_quotation is not None
        and check.copied_without_quotation >= settings.threshold,
    }


async def match_or_none(seminar: Seminar, match_id: int) -> tuple[OverlapMatch, Paper] | None:
    match = await OverlapMatch.get_or_none(id=match_id, overlap_check__seminar_id=seminar.id)
    if match is None:
        return None
    check = await OverlapCheck.get(id=match.overlap_check_id)
    return match, await Paper.get(id=check.paper_id)


async def library_page(seminar: Seminar) -> dict[str, Any]:
    return {
        "seminar": seminar,
        "documents": await ReferenceDocument.filter(seminar_id=seminar.id).order_by("title", "id"),
        "settings": await settings_of(seminar.id),
    }


async def document_or_none(seminar: Seminar, document_id: int) -> ReferenceDocument | None:
    return await ReferenceDocument.get_or_none(id=document_id, seminar_id=seminar.id)


async def paper_or_none(seminar: Seminar, number: int) -> Paper | None:
    return await Paper.get_or_none(seminar_id=seminar.id, number=number)
