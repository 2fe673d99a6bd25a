"""Everything that changes the 会议手册: its settings, build requests, the build itself, publishing.

The builds follow the 论文集's protocol (`seminar.proceedings.actions`): a request hashes every input and
returns the queued, running or finished build of the same hash instead of making another; the
proceedings worker claims it like a book's build and hands it to `typeset_and_store` here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tortoise.transactions import in_transaction

from seminar.accounts.models import User
from seminar.blobs import store_blob
from seminar.errors import UserError
from seminar.handbook.models import HandbookSettings
from seminar.handbook.queries import handbook_spec, input_hash
from seminar.handbook.typeset import typeset_handbook_async
from seminar.i18n import _
from seminar.proceedings.actions import (
    claim_build, publish_build, queue_build, rekeyed, run_build, unpublish_build,
)
from seminar.proceedings.models import BuildKind, BuildStatus, ProceedingsBuild
from seminar.proceedings.progress import BuildStage, Report
from seminar.proceedings.typeset import BuildError
from seminar.seminars.models import Seminar

TYPESET_TIMEOUT = 5 * 60.0

__all__ = ["publish_build", "unpublish_build"]  # the book's: a handbook build is published the same way


def dedupe_key(seminar_id: int, digest: str) -> str:
    return f"{seminar_id}:handbook:{digest}"


async def save_settings(seminar: Seminar, values: dict[str, Any]) -> HandbookSettings:
    options, _created = await HandbookSettings.get_or_create(seminar_id=seminar.id)
    for key, value in values.items():
        setattr(options, key, value)
    await options.save()
    return options


async def request_build(seminar: Seminar, by: User | None) -> tuple[ProceedingsBuild, bool]:
    """The build of the current inputs, and whether it is new (False: the same booklet exists or is under way)."""
    digest = input_hash(await handbook_spec(seminar))
    return await queue_build(dedupe_key(seminar.id, digest), digest, by, seminar_id=seminar.id, kind=BuildKind.HANDBOOK)


async def typeset_and_store(
    build: ProceedingsBuild, progress: Callable[[str], None], report: Report
) -> ProceedingsBuild:
    """Typeset a claimed handbook build and record the outcome (the worker's `run_build` calls it); never raises
    for a failed build."""
    running = ProceedingsBuild.filter(id=build.id, status=BuildStatus.RUNNING, claimed_by=build.claimed_by)
    seminar = await Seminar.get(id=build.seminar_id)
    try:
        progress("Collecting the agenda, registrations and settings")
        spec = await handbook_spec(seminar)
        report(BuildStage.LAYOUT, 0)
        progress("Typesetting the handbook in a separate process")
        booklet = await typeset_handbook_async(spec, TYPESET_TIMEOUT)
    except Exception as error:  # noqa: BLE001  # every failure is recorded on the build
        reason = str(error) if isinstance(error, BuildError) else f"{type(error).__name__}: {error}"
        await running.update(status=BuildStatus.FAILED, error=reason, finished_at=_now(), dedupe_key=None)
        progress(f"Failed: {reason}")
        return await ProceedingsBuild.get(id=build.id)
    report(BuildStage.STORING, 0)
    digest = input_hash(spec)
    async with in_transaction() as connection:
        sha = await store_blob(booklet.pdf, connection)
        values: dict[str, Any] = {
            "status": BuildStatus.DONE, "blob_id": sha, "finished_at": _now(), "pages": booklet.pages,
            "size": len(booklet.pdf),
            "seconds": (_now() - build.started_at).total_seconds() if build.started_at else None,
        }
        values.update(await rekeyed(build, digest, dedupe_key(build.seminar_id, digest), connection))
        await running.using_db(connection).update(**values)
    progress(f"Done: {booklet.pages} pages")
    return await ProceedingsBuild.get(id=build.id)


async def build_now(
    seminar: Seminar, worker_name: str, by: User | None = None, progress: Callable[[str], None] = lambda stage: None
) -> ProceedingsBuild:
    """Build at once in this process (the command line): a recorded build, without waiting for a worker."""
    build, _created = await request_build(seminar, by)
    if build.status == BuildStatus.DONE:
        progress("Nothing changed since the last build: using it")
        return build
    claimed = await claim_build(worker_name, build.id) if build.status == BuildStatus.QUEUED else None
    if claimed is None:
        raise UserError(_("A worker is building this handbook right now; try again when it has finished."))
    return await run_build(claimed, progress)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
