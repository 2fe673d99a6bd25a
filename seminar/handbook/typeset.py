"""HTML → PDF for the 会议手册: WeasyPrint in a fresh spawned process, as the 论文集 is typeset.

The booklet holds no manuscripts, so none of the book's per-paper budgets apply: one child process
lays it out, answers with the PDF and its page count, and is killed if it overruns `timeout`.
A failure of any kind is a `BuildError` with the reason, never a half file.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection

from seminar.handbook.booklet import STYLESHEET, STYLESHEETS, HandbookSpec, handbook_html
from seminar.isolation import exit_with_parent
from seminar.proceedings.fetcher import book_fetcher
from seminar.proceedings.styles import FACES, font_face_css
from seminar.proceedings.typeset import STATIC_DIR, BuildError, check_fonts, missing_fonts_message

AGENDA_STYLESHEET = STATIC_DIR / "agenda" / "print.css"
DRAWING_STYLESHEET = STATIC_DIR / "seating" / "drawing.css"  # the 座次图's, shared with the A4 座次表


@dataclass
class Booklet:
    pdf: bytes
    pages: int


def typeset_handbook(spec: HandbookSpec) -> Booklet:
    """The booklet as PDF bytes, in the calling process (see `typeset_handbook_async`)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    if missing := check_fonts():
        raise BuildError(missing_fonts_message(missing))
    fonts = FontConfiguration()
    # The agenda's print stylesheet first: the 日程 rows look as in the agenda PDF; the booklet's own rules win,
    # and over them the book's house style (its font files, its faces, the booklet's rules for it).
    sheets = [CSS(filename=str(path), font_config=fonts) for path in (AGENDA_STYLESHEET, DRAWING_STYLESHEET, STYLESHEET)]
    if spec.house_style in STYLESHEETS:
        if font_faces := font_face_css(spec.house_style):
            sheets.append(CSS(string=font_faces, font_config=fonts))
        sheets += [CSS(filename=str(path), font_config=fonts) for path in (FACES[spec.house_style], STYLESHEETS[spec.house_style])]
    document = HTML(
        string=handbook_html(spec), base_url=STATIC_DIR.as_uri() + "/", url_fetcher=book_fetcher()
    ).render(stylesheets=sheets, font_config=fonts)
    return Booklet(document.write_pdf(), len(document.pages))


def _child(spec: HandbookSpec, connection: Connection) -> None:
    exit_with_parent()
    try:
        connection.send(("ok", typeset_handbook(spec)))
    except BaseException as error:  # noqa: BLE001 — everything must reach the parent as a message
        connection.send(("error", str(error) if isinstance(error, BuildError) else f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


def typeset_handbook_in_subprocess(spec: HandbookSpec, timeout: float) -> Booklet:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(spec, sender), name="handbook-typeset", daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise BuildError(f"typesetting took longer than {timeout:.0f} s and was stopped")
        try:
            kind, payload = receiver.recv()
        except EOFError:
            process.join(5)
            raise BuildError(f"the typesetting process ended unexpectedly (exit code {process.exitcode})") from None
        if kind != "ok":
            raise BuildError(str(payload))
        assert isinstance(payload, Booklet), "the child answers a Booklet or an error"
        return payload
    finally:
        process.join(10)
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


async def typeset_handbook_async(spec: HandbookSpec, timeout: float) -> Booklet:
    """For the worker's event loop: a thread waits for the child process."""
    return await asyncio.to_thread(typeset_handbook_in_subprocess, spec, timeout)
