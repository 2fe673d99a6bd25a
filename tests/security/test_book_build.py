"""The 论文集 build facing a hostile city: local files, scripts in PDFs, papers that never finish.

A city's upload reaches the book every attendee downloads, so each case builds a real book
(WeasyPrint, in the worker's separate process where budgets apply) and checks the PDF itself
with pypdf, and the typesetter's log of every URL asked and every file read.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import re
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from weasyprint import HTML

from seminar.proceedings.book import BookPaper, BookSpec, BookTopic
from seminar.proceedings.fetcher import BOOK_FILES
from seminar.proceedings.models import ProceedingsBuild
from seminar.proceedings.typeset import OVER_MEMORY, OVER_TIME, Budget, typeset, typeset_in_subprocess
from seminar.proceedings.worker import build_pending
from tests.factories import make_organizer
from tests.security.test_hostile_input import City, city  # noqa: F401  # the fixture: a signed-in city submitter
from tests.submissions.test_routes import create_paper

SECRET_SIZE = (37, 23)  # a picture outside the app, recognisable in the book by its size


def secret_png(directory: Path) -> Path:
    path = directory / "secret.png"
    Image.new("RGB", SECRET_SIZE, "blue").save(path, "PNG")
    return path


def svg_posing_as_png(*targets: str) -> str:
    """What intake once let through: a data:image/png whose bytes are SVG naming local files."""
    images = "".join(f'<image href="{target}" x="0" y="0" width="37" height="23"/>' for target in targets)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">{images}<text y="50">SVG</text></svg>'
    return "data:image/png;base64," + base64.b64encode(svg.encode()).decode()


def image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            sizes.append(image.image.size)
    return sizes


def book(*papers: BookPaper) -> BookSpec:
    return BookSpec(title="全省市域社会治理研讨班", organizer="省委政法委", date=dt.date(2021, 4, 21),
                    topics=[BookTopic(1, "坚持党的绝对领导", papers)])


def assert_no_local_path_outside_the_allow_list(requested: list[str], refused: list[str], opened: list[str]) -> None:
    allowed = BOOK_FILES.resolve()
    assert all(Path(path).is_relative_to(allowed) for path in opened), opened
    refused_urls = {entry.rsplit(": ", 1)[0] for entry in refused}
    for url in requested:
        if not url.startswith("data:") and not url.startswith(allowed.as_uri()):
            assert url in refused_urls, f"{url} was asked for and not refused"


def test_an_svg_posing_as_a_png_gets_no_local_file_into_the_book(tmp_path: Path) -> None:
    secret = secret_png(tmp_path)
    image = svg_posing_as_png(secret.as_uri(), "file:///etc/hostname", "http://127.0.0.1:9/x.png")
    spec = book(
        BookPaper(1, "城市论文", body_html=f'<p>正文</p><p><img src="{image}" alt="图"></p>'),
        BookPaper(2, "相对路径", body_html='<p><img src="../../../../etc/hostname"><img src="../favicon.svg"></p>'),
    )

    result = typeset(spec)

    assert SECRET_SIZE not in image_sizes(result.pdf)
    hostname = Path("/etc/hostname").read_text().strip()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(result.pdf)).pages)
    assert hostname not in text and "正文" in text
    report = result.report
    assert report.opened_files == []
    assert any(url.startswith("data:image/png;base64,") for url in report.refused_urls)
    assert_no_local_path_outside_the_allow_list(report.requested_urls, report.refused_urls, report.opened_files)


# ---------- scripts and actions in uploaded PDFs ----------


def _action_link(writer: PdfWriter, rect: tuple[int, int, int, int], action: dict[str, object]) -> DictionaryObject:
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(value) for value in rect]),
        NameObject("/A"): DictionaryObject({NameObject(key): value for key, value in action.items()}),  # type: ignore[misc]
    })
    return annotation


def hostile_pdf() -> bytes:
    """A city's PDF with every way a PDF can act: scripts, launches, outside links, files, forms, open actions."""
    clean = HTML(string='<body style="font-family: \'Noto Serif CJK SC\'"><p>上传的PDF正文</p></body>').write_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(clean)))
    page = writer.pages[0]
    javascript = {"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert('pwned')")}
    links = [
        _action_link(writer, (0, 0, 100, 100), javascript),
        _action_link(writer, (0, 100, 100, 200), {"/S": NameObject("/URI"), "/URI": TextStringObject("javascript:alert(1)")}),
        _action_link(writer, (0, 200, 100, 300), {"/S": NameObject("/URI"), "/URI": TextStringObject("https://attacker.example/x")}),
        _action_link(writer, (0, 300, 100, 400), {"/S": NameObject("/Launch"), "/F": TextStringObject("calc.exe")}),
        _action_link(writer, (0, 400, 100, 500), {"/S": NameObject("/URI"), "/URI": TextStringObject("file:///etc/passwd")}),
    ]
    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("password"),
        NameObject("/Rect"): ArrayObject([FloatObject(value) for value in (200, 200, 300, 220)]),
        NameObject("/AA"): DictionaryObject({NameObject("/K"): DictionaryObject(
            {NameObject(key): value for key, value in javascript.items()})}),
    })
    field_reference = writer._add_object(field)
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link) for link in links] + [field_reference])
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(DictionaryObject(
        {NameObject(key): value for key, value in javascript.items()}))})
    # A script hidden in the page's resources, where a careless merge would carry it along.
    stream = DecodedStreamObject()
    stream.set_data(b"")
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    stream[NameObject("/BBox")] = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(1), NumberObject(1)])
    stream[NameObject("/JS")] = TextStringObject("app.alert('hidden')")
    resources = page["/Resources"].get_object()
    xobjects = resources.get("/XObject", DictionaryObject())
    xobjects[NameObject("/Hidden")] = writer._add_object(stream)
    resources[NameObject("/XObject")] = xobjects
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([field_reference])})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(
        {NameObject(key): value for key, value in javascript.items()}))
    writer.add_attachment("payload.exe", b"MZ" + b"\0" * 100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/OpenAction", "/AA", "/AcroForm", "/EF"}


def active_parts(pdf: bytes) -> list[str]:
    """Every action, script, embedded file or form anywhere in the file, and every link's URI."""
    reader = PdfReader(io.BytesIO(pdf))
    found, seen, stack = [], set(), [reader.trailer]
    while stack:
        value = stack.pop()
        if hasattr(value, "idnum"):
            if (value.idnum, value.generation) in seen:
                continue
            seen.add((value.idnum, value.generation))
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            for key, item in value.items():
                if key == "/Parent":
                    continue
                if key in ACTIVE:
                    found.append(key)
                if key == "/Type" and item in ACTIVE:  # /Type /EmbeddedFile
                    found.append(str(item))
                if key == "/S" and item in {"/JavaScript", "/Launch", "/GoToE", "/GoToR", "/SubmitForm", "/ImportData"}:
                    found.append(f"/S {item}")
                if key == "/URI":
                    found.append(f"/URI {item.get_object()}")
                stack.append(item)
        elif isinstance(value, ArrayObject):
            stack.extend(value)
    return found


def test_the_hostile_pdf_really_carries_what_the_book_must_not() -> None:
    found = active_parts(hostile_pdf())
    for part in ("/JS", "/S /JavaScript", "/S /Launch", "/OpenAction", "/AA", "/AcroForm", "/EmbeddedFile"):
        assert part in found
    assert "/URI javascript:alert(1)" in found and "/URI https://attacker.example/x" in found


def test_pages_from_an_uploaded_pdf_bring_no_script_action_link_file_or_form_into_the_book() -> None:
    spec = book(
        BookPaper(1, "正常论文", body_html="<p>正常论文正文</p>"),
        BookPaper(2, "城市上传的PDF", pdf_pages=hostile_pdf()),
    )

    result = typeset(spec)

    assert result.report.failed_papers == {}
    reader = PdfReader(io.BytesIO(result.pdf))
    assert "上传的PDF正文" in "".join(page.extract_text() for page in reader.pages)
    found = active_parts(result.pdf)
    assert found == [], found  # and no URI at all: the book's own TOC and outline links are internal
    for page in reader.pages:
        for annotation in (item.get_object() for item in page.get("/Annots", [])):
            internal = "/Dest" in annotation or annotation.get("/A", {}).get("/S") == "/GoTo"
            assert annotation["/Subtype"] == "/Link" and internal, annotation


# ---------- a paper that would never finish ----------


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_a_19_mb_one_line_paper_is_replaced_by_a_notice_within_its_time_budget_and_the_book_is_built() -> None:
    """It ran into the 20-minute build timeout and failed the whole volume without naming the paper."""
    huge = "<p>" + "枫桥经验" * (19 * 2**20 // 12) + "</p>"  # 19 MB of UTF-8 on one line
    spec = book(
        BookPaper(1, "第一篇正常论文", body_html="<p>第一篇正文</p>"),
        BookPaper(2, "超长论文", body_html=huge),
        BookPaper(3, "第三篇正常论文", body_html="<p>第三篇正文</p>"),
    )
    started = time.monotonic()

    result = typeset_in_subprocess(spec, budget=Budget(paper_seconds=10), timeout=600)

    assert time.monotonic() - started < 300  # two process starts, the paper's 10 s, the book; never 20 minutes
    assert result.report.failed_papers == {2: OVER_TIME}
    text = text_of(result.pdf)
    assert "第一篇正文" in text and "第三篇正文" in text
    assert "超长论文" in text and "本文排版失败：原稿篇幅过长或结构过于复杂" in text
    assert "枫桥经验枫桥经验" not in text


def test_a_paper_over_its_memory_budget_is_replaced_by_a_notice() -> None:
    long = "<p>" + "矛盾纠纷多元化解" * 25_000 + "</p>"  # big enough to be laid out alone first
    spec = book(BookPaper(1, "正常论文", body_html="<p>正常正文</p>"), BookPaper(2, "耗内存论文", body_html=long))

    result = typeset_in_subprocess(spec, budget=Budget(paper_memory_bytes=8 * 2**20), timeout=600)

    assert result.report.failed_papers == {2: OVER_MEMORY}
    text = text_of(result.pdf)
    assert "正常正文" in text and "本文排版失败：原稿篇幅过长或结构过于复杂" in text


# ---------- through the real upload form and a real build ----------


async def test_a_hostile_city_uploads_through_the_form_and_the_built_book_opens_no_local_path_and_carries_no_script(
    city: City, tmp_path: Path, caplog: pytest.LogCaptureFixture  # noqa: F811  # the imported fixture
) -> None:
    seminar, client = city.seminar, city.client
    secret = secret_png(tmp_path)
    image = svg_posing_as_png(secret.as_uri(), "file:///etc/hostname")
    markdown = f"# 一、总体思路\n\n正文第一段。\n\n![图]({image})\n\n[链接](../../etc/passwd)\n".encode()
    assert (await city.upload("论文.md", markdown)).status_code == 303
    second = await create_paper(client, seminar, title="城市上传的PDF论文")
    uploaded = await client.post_form(
        f"/{seminar.slug}/papers/{second.number}/upload",
        files={"manuscript": ("论文.pdf", hostile_pdf(), "application/octet-stream")},
    )
    assert uploaded.status_code == 303
    for paper in (city.paper, second):
        assert (await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")).status_code == 303

    organizer = await make_organizer(seminar)
    await client.logout()
    await client.login(organizer.email)
    for paper, outcome in ((city.paper, "keynote"), (second, "proceedings")):
        decided = await client.post_form(
            f"/{seminar.slug}/manage/decisions",
            {"paper": str(paper.id), "outcome": outcome, "award": "", "confirmed": str(paper.id)},  # not reviewed
        )
        assert decided.status_code == 303
    assert (await client.post_form(f"/{seminar.slug}/manage/proceedings/build", {"volume": ""})).status_code == 303
    caplog.set_level(logging.INFO, logger="seminar.proceedings.actions")
    assert await build_pending("test-worker") == 1

    build = await ProceedingsBuild.get()
    assert build.error == "" and build.failed_papers == {}
    [record] = [record for record in caplog.records if hasattr(record, "opened_files")]
    assert_no_local_path_outside_the_allow_list(record.requested_urls, record.refused_urls, record.opened_files)
    preview = await client.get(f"/{seminar.slug}/manage/proceedings/builds/{build.id}.pdf")
    assert preview.status_code == 200
    text = text_of(preview.content)
    assert "正文第一段" in text and "上传的PDF正文" in text
    assert Path("/etc/hostname").read_text().strip() not in text
    assert SECRET_SIZE not in image_sizes(preview.content)
    assert active_parts(preview.content) == []
    page = await client.get(f"/{seminar.slug}/manage/proceedings")
    assert page.status_code == 200 and "base64," not in page.text
