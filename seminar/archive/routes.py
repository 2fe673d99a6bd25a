"""The organizers' download of their seminar's archive, the archive's published schema, and the site
admins' page that imports an archive from another installation as a new seminar.

The import runs inside the request, as `seminar archive import` does: the checks (unzipping,
parsing, hashing every file) in a worker thread, the writes in one transaction. The upload is
held to the site's upload limit (UPLOAD_MAX_MB); a larger archive goes through the command.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.archive.export import ArchiveError, Problem, write_archive
from seminar.archive.forms import ImportArchiveForm
from seminar.archive.importing import import_archive
from seminar.archive.labels import LEFT_OUT_LABELS, TABLE_LABELS, refusal
from seminar.archive.queries import free_slug
from seminar.archive.schema import SCHEMA_PATH
from seminar.audit.record import AUDIT_TARGET
from seminar.errors import UserError
from seminar.files import file_response
from seminar.forms import bind, show_error
from seminar.i18n import _
from seminar.permissions import can_export_seminar, can_import_seminar, require
from seminar.web import actor, form, redirect, render, seminar_page, signed_in_user

# Where the session keeps the last import's report, for the page the import redirects to.
REPORT_KEY = "archive_import"


async def download(request: Request) -> Response:
    """The whole seminar as one zip, written to a temporary file first (one consistent read, never
    all in memory), streamed, then deleted."""
    seminar = await seminar_page(request, can_export_seminar)
    folder = request.app.state.settings.data_dir / "archives"
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, suffix=".zip.part")
    try:
        with os.fdopen(handle, "wb") as file:
            await write_archive(seminar.slug, file, request.app.state.settings.database_url)
    except BaseException:
        os.unlink(name)
        raise
    filename = f"{seminar.slug}-{dt.date.today():%Y%m%d}.zip"
    response = file_response(
        Path(name), "application/zip", filename=filename,
        headers={"Cache-Control": "private, no-store"},
    )
    response.background = BackgroundTask(os.unlink, name)
    return response


async def schema(request: Request) -> Response:
    return Response(SCHEMA_PATH.read_bytes(), media_type="application/schema+json")


def _uploaded_archive(upload: object, max_bytes: int) -> UploadFile:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UserError(_("Please choose a .zip file to upload."), field="file")
    if upload.size is not None and upload.size > max_bytes:
        raise UserError(_("The file is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), field="file")
    return upload


async def _refuse(import_form: ImportArchiveForm, error: ArchiveError) -> None:
    """Say what is wrong with the upload where the admin will look; for a taken short name,
    put a free one in the field."""
    if error.problem in (Problem.SLUG_TAKEN, Problem.BAD_SLUG):
        free = await free_slug(error.slug) if error.problem is Problem.SLUG_TAKEN else ""
        show_error(import_form, UserError(refusal(error.problem, error.slug, free), field="slug"))
        import_form.slug.data = free or import_form.slug.data
    else:
        show_error(import_form, UserError(refusal(error.problem), field="file"))
        import_form.detail = str(error)


async def import_page(request: Request) -> Response:
    signed_in_user(request)
    require(can_import_seminar(actor(request)))
    import_form = await bind(ImportArchiveForm, request)
    max_bytes = request.app.state.settings.upload_max_bytes
    if request.method == "POST" and import_form.validate():
        try:
            upload = _uploaded_archive((await form(request)).get("file"), max_bytes)
            report = await import_archive(upload.file, import_form.slug.data or None)
        except UserError as error:
            show_error(import_form, error)
        except ArchiveError as error:
            await _refuse(import_form, error)
        else:
            request.session[REPORT_KEY] = dataclasses.asdict(report)
            request.scope[AUDIT_TARGET] = {"slug": report.slug}
            return redirect(request, "archive:import_report")
    status = 400 if request.method == "POST" else 200
    return render(request, "archive/import.html", {"form": import_form, "max_bytes": max_bytes}, status_code=status)


async def import_report(request: Request) -> Response:
    """What the last import of this session brought in: rows per kind, people, units, files, what was left out."""
    signed_in_user(request)
    require(can_import_seminar(actor(request)))
    report = request.session.get(REPORT_KEY)
    if not isinstance(report, dict):
        return redirect(request, "archive:import")
    rows: dict[str, int] = report["rows"]
    # In the labels' order (the seminar, its topics, people's roles, papers …), not the order of insertion.
    ordered = [*(table for table in TABLE_LABELS if table in rows), *(table for table in rows if table not in TABLE_LABELS)]
    kinds = [(str(TABLE_LABELS.get(table, table)), rows[table]) for table in ordered if rows[table]]
    left_out = [(str(LEFT_OUT_LABELS.get(name, name)), count) for name, count in report["left_out"].items() if count]
    # An archive of the format before: its decision letters' wording became the seminar's mail wording.
    converted = sum(report.get("converted", {}).values())
    context = {"report": report, "kinds": kinds, "left_out": left_out, "converted": converted}
    return render(request, "archive/import_report.html", context)


routes: list[BaseRoute] = [
    Route("/manage/seminars/import", import_page, methods=["GET", "POST"], name="archive:import"),
    Route("/manage/seminars/import/report", import_report, name="archive:import_report"),
    Route("/archive-schema.json", schema, name="archive:schema"),
    Route("/{slug}/manage/archive.zip", download, name="archive:download"),
]
