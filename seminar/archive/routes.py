"""The organizers' download of their seminar's archive, and the archive's published schema."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.archive.export import write_archive
from seminar.archive.schema import SCHEMA_PATH
from seminar.files import file_response
from seminar.permissions import can_export_seminar
from seminar.web import seminar_page


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


routes: list[BaseRoute] = [
    Route("/archive-schema.json", schema, name="archive:schema"),
    Route("/{slug}/manage/archive.zip", download, name="archive:download"),
]
