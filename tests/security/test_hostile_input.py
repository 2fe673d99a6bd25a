"""Hostile input through the real upload and form paths, sent the way an attacker would send it.

Every case checks three things: a clear message in the person's language (Simplified Chinese
by default) or a safe result; nothing stored that should not be (every table counted before and
after); and the server keeps serving (the next page opens).

Sections: crafted uploads · the request body cap (streamed bodies, and a real uvicorn) · file
names · markup in text fields (pages, mails, the agenda's files, the proceedings PDF) · long,
malformed and binary form data · formulas in .xlsx exports · search boxes.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import io
import re
import socket
import threading
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import icalendar
import pytest
import uvicorn
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader
from tortoise import Tortoise

from seminar.accounts.actions import ensure_units
from seminar.accounts.models import Unit, User
from seminar.agenda import published
from seminar.app import create_app
from seminar.audit.models import AuditEntry
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from seminar.middleware import FORM_MAX_BYTES, UPLOAD_ENVELOPE_BYTES
from seminar.proceedings.models import ProceedingsBuild
from seminar.proceedings.worker import build_pending
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import ReviewSettings
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Manuscript, Paper
from tests.agenda.test_routes import EDITOR, SETTINGS, _seminar_with_decisions
from tests.conftest import Client, SmtpServer, _free_port
from tests.factories import (
    make_assignment,
    make_attendee,
    make_mail,
    make_organizer,
    make_paper,
    make_review,
    make_reviewer,
    make_room,
    make_submitter,
    make_user,
)
from tests.registration.test_routes import DETAILS
from tests.reviews.test_routes import FULL, scores_form
from tests.submissions.documents import (
    entity_bomb_docx,
    external_entity_docx,
    linked_image_docx,
    macro_docx,
    make_docx,
    plain_zip,
    zip_bomb,
)
from tests.submissions.test_routes import create_paper, open_seminar, paper_form

MARKUP = '<script>alert("研讨")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert("
MB = 1024 * 1024


# ---------- what every case checks ----------


async def footprint() -> dict[str, int]:
    """The number of rows in every table: a refused request must leave each one as it was."""
    return {name: await model.all().count() for name, model in sorted(Tortoise.apps["models"].items())}


async def assert_still_serving(client: Client, seminar: Seminar | None = None) -> None:
    assert (await client.get("/")).status_code == 200
    if seminar is not None:
        assert (await client.get(f"/{seminar.slug}/")).status_code == 200


def assert_escaped(page: str) -> None:
    """MARKUP shows as text: neither its script nor its image became an element."""
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert ESCAPED in page


def error_messages(page: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', page, re.S)]


@dataclass
class City:
    """A city's submitter, signed in, with one draft paper filed through the paper form."""

    client: Client
    seminar: Seminar
    paper: Paper

    @property
    def upload_url(self) -> str:
        return f"/{self.seminar.slug}/papers/{self.paper.number}/upload"

    async def upload(self, filename: str, data: bytes) -> httpx.Response:
        return await self.client.post_form(
            self.upload_url, files={"manuscript": (filename, data, "application/octet-stream")}
        )


@pytest.fixture
async def city(client: Client) -> City:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    return City(client, seminar, await create_paper(client, seminar))


@dataclass
class Tracker:
    """A web server on loopback that records every request: a document must never make us call it."""

    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    found: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  # the name http.server calls
            found.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(b"\x89PNG\r\n\x1a\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tracker(f"http://127.0.0.1:{server.server_port}", found)
    finally:
        server.shutdown()
        server.server_close()


# ---------- crafted uploads ----------

ENTITY_FILE = "file:///etc/passwd"

REFUSED_UPLOADS = [
    pytest.param("论文.docx", lambda: zip_bomb(200), "该文档解压后超过 100 MB，存在安全风险，不予接收。", id="zip-bomb"),
    pytest.param("论文.docx", lambda: external_entity_docx(ENTITY_FILE), "该Word文档已损坏", id="xxe-file"),
    pytest.param("论文.docx", entity_bomb_docx, "该Word文档已损坏", id="billion-laughs"),
    pytest.param("论文.docx", macro_docx, "该文档含有宏，不予接收。", id="docm-renamed-docx"),
    pytest.param("论文.docm", macro_docx, "不接受含宏的文件（.docm）", id="docm"),
    pytest.param("论文.docx", lambda: b"MZ\x90\x00\x03" + b"\0" * 400, "文件内容与扩展名 .docx 不符", id="exe-renamed-docx"),
    pytest.param("论文.pdf", lambda: b"\x7fELF\x02\x01\x01" + b"\0" * 400, "文件内容与扩展名 .pdf 不符", id="elf-renamed-pdf"),
    pytest.param("论文.txt", lambda: b"MZ\x90\x00" + b"\0" * 400, "文件内容与扩展名 .txt 不符", id="exe-renamed-txt"),
    pytest.param("论文.docx", lambda: make_docx()[:-400], "该Word文档已损坏", id="truncated-zip"),
    pytest.param("论文.docx", lambda: b"", "文件是空的。", id="empty"),
    pytest.param("论文.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 400, "另存为 .docx", id="old-doc-renamed"),
    pytest.param("论文.docx", plain_zip, "该文件是压缩包，不是 Word 文档。", id="plain-zip"),
    pytest.param("论文.exe", lambda: b"MZ\x90\x00", "请上传 .docx、.pdf、.md 或 .txt 文件。", id="executable"),
]


@pytest.mark.parametrize(("filename", "build", "message"), REFUSED_UPLOADS)
async def test_a_crafted_upload_is_refused_on_the_paper_page_and_nothing_is_stored(
    city: City, filename: str, build, message: str  # type: ignore[no-untyped-def]
) -> None:
    data = build()
    before = await footprint()

    response = await city.upload(filename, data)

    assert response.status_code == 400
    assert message in " ".join(error_messages(response.text))
    assert "<h1>" in response.text and city.paper.title in response.text  # the paper's page, not an error page
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


async def test_an_external_entity_pointing_at_a_url_is_never_fetched(city: City, tracker: Tracker) -> None:
    before = await footprint()

    response = await city.upload("论文.docx", external_entity_docx(f"{tracker.url}/entity.xml"))

    assert response.status_code == 400 and "该Word文档已损坏" in response.text
    assert tracker.requests == []
    assert await footprint() == before


@pytest.mark.parametrize("target", ["{tracker}/tracking-pixel.png", "file:///etc/passwd", "/etc/hostname", "../../../../etc/hostname"])
async def test_a_linked_picture_is_neither_fetched_nor_read_and_the_text_is_kept(
    city: City, tracker: Tracker, target: str
) -> None:
    response = await city.upload("论文.docx", linked_image_docx(target.format(tracker=tracker.url)))

    assert response.status_code == 303
    page = (await city.client.get(response.headers["location"])).text
    manuscript = await Manuscript.get(paper_id=city.paper.id)
    assert manuscript.html == "<p>图片之前的正文。</p><p>图片之后的正文。</p>"
    assert "图片之后的正文。" in page and "<img" not in page
    assert tracker.requests == []
    await assert_still_serving(city.client, city.seminar)


# ---------- the request body cap ----------


@dataclass
class Stream:
    """A request body made on demand, counting how much of it the server pulled."""

    head: bytes
    total: int
    chunk: int = MB
    pulled: int = 0

    async def body(self) -> AsyncIterator[bytes]:
        self.pulled += len(self.head)
        yield self.head
        block = b"\0" * self.chunk
        while self.pulled < self.total:
            self.pulled += self.chunk
            yield block


BOUNDARY = "hostile-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def file_part_head(token: str, filename: bytes = "论文.docx".encode()) -> bytes:
    """The start of a multipart upload: the token, then a file part whose bytes follow. The file
    name goes as raw bytes: httpx would escape what a script need not."""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="manuscript"; filename="'.encode()
        + filename + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )


async def test_an_upload_streamed_without_a_length_is_cut_off_just_after_the_limit(city: City, settings: Settings) -> None:
    stream = Stream(file_part_head(await city.client.csrf()), total=200 * MB)
    before = await footprint()

    response = await city.client.post(city.upload_url, content=stream.body(), headers={"content-type": MULTIPART})

    limit = settings.upload_max_bytes + UPLOAD_ENVELOPE_BYTES
    assert response.status_code == 413 and response.headers["connection"] == "close"
    assert "文件过大" in response.text and "文件不能大于20 MB。此文件未被接收，未保存任何内容。" in response.text
    assert limit < stream.pulled <= limit + stream.chunk + len(stream.head)  # 21 MB of the 200 MB
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


async def test_an_upload_declaring_a_length_over_the_limit_is_refused_before_a_byte_is_read(city: City) -> None:
    stream = Stream(file_part_head(await city.client.csrf()), total=200 * MB)
    before = await footprint()

    response = await city.client.post(
        city.upload_url, content=stream.body(), headers={"content-type": MULTIPART, "content-length": str(200 * MB)}
    )

    assert response.status_code == 413 and "文件不能大于20 MB" in response.text
    assert stream.pulled == 0
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


async def test_a_stranger_gets_the_form_cap_even_for_a_multipart_body(client: Client) -> None:
    stream = Stream(file_part_head(await client.csrf()), total=200 * MB)
    before = await footprint()

    response = await client.post("/login", content=stream.body(), headers={"content-type": MULTIPART})

    # Files are sent by signed-in people only: a signed-out one is told why the file went nowhere.
    assert response.status_code == 413 and "文件发送前登录已失效，文件未被接收，也未保存任何内容。请重新登录后再次上传。" in response.text
    assert FORM_MAX_BYTES < stream.pulled <= FORM_MAX_BYTES + stream.chunk + len(stream.head)
    assert await footprint() == before
    await assert_still_serving(client)


async def test_a_form_body_over_a_megabyte_is_cut_off_whether_the_middleware_or_the_route_reads_it(city: City) -> None:
    """The token in the form: the CSRF check reads the body. In the header: the route does."""
    token = await city.client.csrf()
    url = f"/{city.seminar.slug}/papers/{city.paper.number}/edit"
    in_form = Stream(f"csrf_token={token}&abstract=".encode(), total=50 * MB)
    in_header = Stream(b"abstract=", total=50 * MB)
    form = "application/x-www-form-urlencoded"
    before = await footprint()

    first = await city.client.post(url, content=in_form.body(), headers={"content-type": form})
    second = await city.client.post(url, content=in_header.body(), headers={"content-type": form, "x-csrf-token": token})

    for response, stream in ((first, in_form), (second, in_header)):
        assert response.status_code == 413 and "提交的内容过多" in response.text
        assert FORM_MAX_BYTES < stream.pulled <= FORM_MAX_BYTES + stream.chunk + len(stream.head)
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


@contextlib.asynccontextmanager
async def real_server(settings: Settings) -> AsyncIterator[str]:
    """The app under uvicorn on a loopback port (the test session's database, no lifespan)."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # it could not start: say why
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def test_uvicorn_stops_reading_an_oversize_upload_and_answers_413(settings: Settings) -> None:
    """Over a real socket: the server answers and closes the connection; the rest is never read.

    A plain socket, not asyncio's streams: once the server has closed, our next write fails, and a
    stream would then drop the answer waiting in the socket unread.
    """
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    small = replace(settings, upload_max_bytes=MB)
    async with real_server(small) as base_url, Client(base_url=base_url) as browser:
        await browser.login("guangzhou@example.org")
        paper = await create_paper(browser, seminar)
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        host, port = base_url.removeprefix("http://").split(":")
        head = file_part_head(await browser.csrf())
        loop = asyncio.get_running_loop()
        with socket.create_connection((host, int(port))) as connection:
            connection.setblocking(False)
            await loop.sock_sendall(connection, (
                f"POST /{seminar.slug}/papers/{paper.number}/upload HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                f"Content-Type: {MULTIPART}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
                + b"%x\r\n%s\r\n" % (len(head), head))

            async def response_head() -> bytes:
                received = b""
                while b"\r\n\r\n" not in received and (part := await loop.sock_recv(connection, 4096)):
                    received += part
                return received

            answer = asyncio.create_task(response_head())
            chunk, written = b"\0" * (64 * 1024), 0
            with contextlib.suppress(ConnectionError):
                while written < 200 * MB and not answer.done():
                    await loop.sock_sendall(connection, b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    written += len(chunk)
            status_and_headers = (await asyncio.wait_for(answer, 60)).decode(errors="replace").lower()

        assert status_and_headers.startswith("http/1.1 413") and "connection: close" in status_and_headers
        # What was written beyond the 2 MB cap sat in the kernel's socket buffers, never in the app.
        assert written < 64 * MB
        assert await Manuscript.all().count() == 0
        assert (await browser.get(f"/{seminar.slug}/papers/{paper.number}")).status_code == 200


# ---------- file names ----------


def raw_multipart(token: str, filename: bytes, data: bytes) -> bytes:
    return file_part_head(token, filename) + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def files_under(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*"))


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        pytest.param("../../../etc/passwd.docx".encode(), "passwd.docx", id="dot-dot-slash"),
        pytest.param("..\\..\\Windows\\System32\\论文.docx".encode(), "论文.docx", id="backslashes"),
        pytest.param("/etc/cron.d/论文.docx".encode(), "论文.docx", id="absolute"),
        pytest.param("C:\\Users\\张伟\\Desktop\\论文.docx".encode(), "论文.docx", id="windows-drive"),
        pytest.param("论文\x00.exe\x07\x1b[31m.docx".encode(), "论文.exe[31m.docx", id="nul-and-control-characters"),
        pytest.param(b"\xff\xfe\xc3(\xa0.docx", "ÿþÃ(\xa0.docx", id="invalid-utf8"),
        pytest.param('论文\\"; filename=evil.exe.docx'.encode(), '论文"; filename=evil.exe.docx', id="quote-injection"),
    ],
)
async def test_a_hostile_file_name_is_only_a_name_and_the_download_header_stays_one_header(
    city: City, settings: Settings, sent: bytes, stored: str
) -> None:
    on_disk = files_under(settings.data_dir)
    document = make_docx()

    response = await city.client.post(
        city.upload_url, content=raw_multipart(await city.client.csrf(), sent, document),
        headers={"content-type": MULTIPART},
    )

    assert response.status_code == 303
    manuscript = await Manuscript.get(paper_id=city.paper.id)
    name = manuscript.original_filename
    assert name == stored
    assert "/" not in name and "\\" not in name and not any(ord(c) < 32 for c in name)
    assert files_under(settings.data_dir) == on_disk  # a name never becomes a path
    download = await city.client.get(f"/{city.seminar.slug}/papers/{city.paper.number}/versions/1")
    disposition = download.headers["content-disposition"]
    assert download.status_code == 200 and download.content == document
    assert disposition.isascii() and disposition.isprintable()
    assert re.fullmatch(r'attachment; filename="[^"\\]*"; filename\*=UTF-8\'\'[A-Za-z0-9%._~-]*', disposition)
    await assert_still_serving(city.client, city.seminar)


# ---------- markup in every text field ----------


def squeezed(text: str) -> str:
    """Without the spaces and line breaks a layout adds (or a PDF's text extraction)."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return squeezed("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def html_part(message) -> str:  # type: ignore[no-untyped-def]
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "every mail has an HTML part"
    return part.get_content()


def text_part(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(preferencelist=("plain",)).get_content()


async def test_markup_in_a_papers_fields_is_text_on_every_page_in_the_receipt_and_in_the_printed_book(
    city: City, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar, client = city.seminar, city.client
    fields = {
        "title": f"标题{MARKUP}", "subtitle": f"副标题{MARKUP}", "abstract": f"摘要{MARKUP}",
        "keywords": "关键词、<b>加粗</b>、第三个", "authors-0-name": f"陈静{MARKUP}"[:100],
        "authors-0-unit": f"单位{MARKUP}", "authors-0-job_title": f"职务{MARKUP}"[:100],
    }
    edited = await client.post_form(f"/{seminar.slug}/papers/{city.paper.number}/edit", {
        **await paper_form(seminar, **fields), "version": str(city.paper.version),
    })
    assert edited.status_code == 303, error_messages(edited.text)
    uploaded = await city.upload("论文.docx", make_docx(text=f"正文{MARKUP}", title="一、总体思路"))
    assert uploaded.status_code == 303
    submitted = await client.post_form(f"/{seminar.slug}/papers/{city.paper.number}/submit")
    assert submitted.status_code == 303

    detail = await client.get(f"/{seminar.slug}/papers/{city.paper.number}")
    edit_form = await client.get(f"/{seminar.slug}/papers/{city.paper.number}/edit")
    listing = await client.get(f"/{seminar.slug}/papers/")
    for page in (detail, edit_form, listing):
        assert page.status_code == 200
        assert_escaped(page.text)
    assert "&lt;b&gt;加粗&lt;/b&gt;" in detail.text
    assert "<p>正文&lt;script&gt;alert(" in (await Manuscript.get(paper_id=city.paper.id)).html

    # The receipt, through a real SMTP server: the HTML part escapes, the subject stays one line.
    assert await send_pending(smtp_settings, "test-worker") >= 1
    receipts = [m for m in smtp_server.messages if "chenjing@example.org" in m["To"]]
    assert receipts, [m["To"] for m in smtp_server.messages]
    for message in receipts:
        assert_escaped(html_part(message))
        assert f"标题{MARKUP}" in text_part(message)  # plain text carries it as typed, harmless there
        assert "\n" not in message["Subject"]

    # The organizers' pages, then the book: decided, built by the worker, published.
    organizer = await make_organizer(seminar)
    await client.logout()
    await client.login(organizer.email)
    for url in (f"/{seminar.slug}/manage/papers", f"/{seminar.slug}/manage/reviews/{city.paper.number}",
                f"/{seminar.slug}/manage/ranking"):
        page = await client.get(url)
        assert page.status_code == 200, url
        assert_escaped(page.text)
    choice = {"paper": str(city.paper.id), "outcome": "keynote", "award": ""}
    asked = await client.post_form(f"/{seminar.slug}/manage/decisions", choice)  # nobody reviewed it: the page asks first
    assert asked.status_code == 409
    assert_escaped(asked.text)
    decided = await client.post_form(f"/{seminar.slug}/manage/decisions", {**choice, "confirmed": str(city.paper.id)})
    assert decided.status_code == 303
    await Seminar.filter(id=seminar.id).update(proceedings_public=True)
    assert (await client.post_form(f"/{seminar.slug}/manage/proceedings/build", {"volume": ""})).status_code == 303
    assert await build_pending("test-worker") == 1
    build = await ProceedingsBuild.get()
    assert build.error == "" and build.failed_papers == {}
    preview = await client.get(f"/{seminar.slug}/manage/proceedings/builds/{build.id}.pdf")
    text = pdf_text(preview.content)
    # Printed as the characters typed: had the markup been taken as HTML, the script would be gone.
    assert squeezed(f"标题{MARKUP}") in text and squeezed(f"正文{MARKUP}") in text
    assert squeezed(f"摘要{MARKUP}") in text
    assert (await client.post_form(f"/{seminar.slug}/manage/proceedings/builds/{build.id}/publish")).status_code == 303
    public = await client.get(f"/{seminar.slug}/proceedings/papers/{city.paper.number}")
    assert public.status_code == 200
    assert_escaped(public.text)
    await assert_still_serving(client, seminar)


async def test_markup_in_review_comments_is_text_for_organizers_cities_and_in_the_decision_mail(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await ensure_criteria(seminar)
    await ReviewSettings.create(seminar=seminar, authors_see_comments=True)
    submitter = await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    paper = await make_paper(seminar, status="submitted")
    reviewer = await make_reviewer(seminar, email="reviewer01@example.org")
    await make_assignment(paper, reviewer)
    await client.login(reviewer.email)

    saved = await client.post_form(f"/{seminar.slug}/reviews/{paper.number}", await scores_form(
        seminar, FULL, action="submit", comment_to_authors=f"点评{MARKUP}", confidential_note=f"内部{MARKUP}",
    ))
    assert saved.status_code == 303, error_messages(saved.text)
    assert_escaped((await client.get(f"/{seminar.slug}/reviews/{paper.number}")).text)
    await client.logout()

    await client.login(organizer.email)
    for url in (f"/{seminar.slug}/manage/reviews/{paper.number}", f"/{seminar.slug}/manage/ranking"):
        page = await client.get(url)
        assert page.status_code == 200, url
        assert_escaped(page.text)
    confirmed = {"confirmed": str(paper.id)}  # one review of the three required
    await client.post_form(f"/{seminar.slug}/manage/decisions", {"paper": str(paper.id), "outcome": "discussion", "award": "", **confirmed})
    assert (await client.post_form(f"/{seminar.slug}/manage/decisions/send", confirmed)).status_code == 303
    assert "<script>alert(" not in (await client.get(f"/{seminar.slug}/manage/outbox")).text
    assert await send_pending(smtp_settings, "test-worker") >= 1
    [to_city] = [m for m in smtp_server.messages if submitter.email in m["To"]]
    assert_escaped(html_part(to_city))
    assert f"点评{MARKUP}" in text_part(to_city) and "内部" not in text_part(to_city)
    await client.logout()

    await client.login(submitter.email)
    city_page = await client.get(f"/{seminar.slug}/papers/{paper.number}")
    assert city_page.status_code == 200
    assert_escaped(city_page.text)  # the released 点评
    await assert_still_serving(client, seminar)


async def test_markup_in_a_seminars_title_venue_description_and_topic_is_text_everywhere(client: Client) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    from tests.seminars.test_routes import seminar_form

    saved = await client.post_form(f"/{seminar.slug}/manage/settings", seminar_form(
        slug=seminar.slug, title=f"研讨班{MARKUP}", venue=f"会场{MARKUP}", description=f"简介{MARKUP}",
        version=str(seminar.version),
    ))
    assert saved.status_code == 303, error_messages(saved.text)
    topic = await Topic.filter(seminar_id=seminar.id).order_by("position").first()
    assert topic is not None
    renamed = await client.post_form(f"/{seminar.slug}/manage/topics/{topic.id}", {"title": f"专题{MARKUP}", "description": MARKUP})
    assert renamed.status_code == 303

    for url in ("/", f"/{seminar.slug}/", f"/{seminar.slug}/manage/", f"/{seminar.slug}/manage/topics",
                f"/{seminar.slug}/manage/settings", f"/{seminar.slug}/manage/papers"):
        page = await client.get(url)
        assert page.status_code == 200, url
        assert_escaped(page.text)
    await client.logout()
    assert_escaped((await client.get(f"/{seminar.slug}/")).text)  # the public page, for anyone


async def test_markup_and_line_breaks_in_an_invited_persons_name_are_text_and_the_mail_still_goes_out(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await ensure_units()
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    unit = await Unit.get(name="中山大学")
    before = await OutboxMail.all().count()

    invited = await client.post_form(f"/{seminar.slug}/manage/people/invite", {
        "name": f"陈刚\r\nBcc: everyone@example.org{MARKUP}"[:100], "email": "chengang@example.org", "unit": str(unit.id),
        "position": f"教授{MARKUP}", "phone": "13912345678", "roles": ["reviewer"],
    })

    assert invited.status_code == 303, error_messages(invited.text)
    user = await User.get(email="chengang@example.org")
    assert user.name.startswith("陈刚 Bcc: everyone@example.org")  # one line: it goes into the To header
    people = await client.get(f"/{seminar.slug}/manage/people")
    assert_escaped(people.text)
    assert await OutboxMail.all().count() == before + 1
    assert await send_pending(smtp_settings, "test-worker") == 1
    [message] = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == "chengang@example.org" and message["Bcc"] is None
    assert_escaped(html_part(message))
    await assert_still_serving(client, seminar)


async def test_markup_in_a_registration_is_text_on_the_participants_page(client: Client) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)

    registered = await client.post_form(f"/{seminar.slug}/register", {
        **DETAILS, "name": f"王小明{MARKUP}"[:100], "unit_text": f"省社科联{MARKUP}", "position": f"研究员{MARKUP}"[:100],
    })

    assert registered.status_code == 303, error_messages(registered.text)
    await client.login(organizer.email)
    participants = await client.get(f"/{seminar.slug}/manage/participants")
    assert participants.status_code == 200
    assert_escaped(participants.text)
    await assert_still_serving(client, seminar)


async def test_markup_in_the_agenda_is_text_on_the_page_and_in_its_xml_calendar_and_pdf(client: Client) -> None:
    published.forget_all()
    seminar = await _seminar_with_decisions()
    await make_organizer(seminar)
    await make_room(seminar, "第一会议室", 200)
    await client.login("organizer@example.org")
    assert (await client.post_form(f"{EDITOR}/settings", SETTINGS)).status_code == 303
    assert (await client.post_form(f"{EDITOR}/draft", {"version": "0"})).status_code == 303
    editor = await client.get(EDITOR)
    key = re.search(r'/manage/agenda/slots/([^"/]+)"', editor.text)
    assert key, "the editor links every slot"
    title, speaker = f"发言{MARKUP}", f"发言人{MARKUP}"[:100]
    edited = await client.post_form(f"{EDITOR}/slots/{key.group(1)}", {
        "version": "1", "title": title, "start": "2026-12-10T10:35", "duration": "10", "speaker": speaker,
    })
    assert edited.status_code == 303
    assert (await client.post_form(f"{EDITOR}/publish", {"version": "2"})).status_code == 303

    assert_escaped((await client.get(f"/{seminar.slug}/agenda")).text)
    assert_escaped((await client.get(EDITOR)).text)
    xml = etree.fromstring((await client.get(f"/{seminar.slug}/schedule.xml")).content)
    assert title in [element.text for element in xml.iter("title")]
    calendar = icalendar.Calendar.from_ical((await client.get(f"/{seminar.slug}/agenda.ics")).content)
    assert any(title in str(event.get("summary")) for event in calendar.walk("VEVENT"))
    assert squeezed(title) in pdf_text((await client.get(f"/{seminar.slug}/agenda.pdf")).content)
    published.forget_all()
    await assert_still_serving(client, seminar)


# ---------- long, malformed and binary form data ----------


async def test_fields_longer_than_allowed_are_refused_with_the_limit_and_nothing_is_stored(city: City) -> None:
    seminar = city.seminar
    before = await footprint()

    too_long = await city.client.post_form(
        f"/{seminar.slug}/papers/new", await paper_form(seminar, title="题" * 201, abstract="摘" * 3001)
    )

    assert too_long.status_code == 400
    assert error_messages(too_long.text) == ["字段长度不能超过 200 个字符。", "字段长度不能超过 3000 个字符。"]
    assert await footprint() == before
    await assert_still_serving(city.client, seminar)


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        pytest.param("/profile", {"name": "名" * 101, "phone": "", "position": "", "locale": "zh_Hans"}, "字段长度不能超过 100 个字符。", id="profile-name"),
        pytest.param("/{slug}/register", {**DETAILS, "unit_text": "单" * 201}, "字段长度不能超过 200 个字符。", id="registration-unit"),
    ],
)
async def test_other_forms_refuse_long_fields_the_same_way(city: City, url: str, data: dict[str, str], message: str) -> None:
    before = await footprint()

    response = await city.client.post_form(url.format(slug=city.seminar.slug), data)

    assert response.status_code == 400
    assert message in error_messages(response.text)
    assert await footprint() == before


async def test_a_form_posted_without_its_text_fields_is_answered_like_one_left_empty(client: Client) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    from tests.seminars.test_routes import seminar_form

    without_description = {k: v for k, v in seminar_form(slug="gd-2031").items() if k != "description"}
    created = await client.post_form("/manage/seminars/new", without_description)
    assert created.status_code == 303  # the description is optional: left out, it is empty
    assert (await Seminar.get(slug="gd-2031")).description == ""

    before = await footprint()
    without_title = {k: v for k, v in seminar_form(slug="gd-2032").items() if k != "title"}
    refused = await client.post_form("/manage/seminars/new", without_title)
    assert refused.status_code == 400
    assert error_messages(refused.text) == ["该字段是必填字段。"]
    assert await footprint() == before
    await assert_still_serving(client, seminar)


async def test_a_review_comment_over_its_limit_is_refused_and_the_draft_is_not_saved(client: Client) -> None:
    seminar = await open_seminar()
    await ensure_criteria(seminar)
    paper = await make_paper(seminar, status="submitted")
    reviewer = await make_reviewer(seminar, email="reviewer01@example.org")
    await make_assignment(paper, reviewer)
    await client.login(reviewer.email)
    before = await footprint()

    response = await client.post_form(f"/{seminar.slug}/reviews/{paper.number}", await scores_form(
        seminar, FULL, action="save", comment_to_authors="评" * 10001,
    ))

    assert response.status_code == 400
    assert "字段长度不能超过 10000 个字符。" in error_messages(response.text)
    assert await footprint() == before


async def test_a_text_part_over_a_megabyte_inside_an_upload_is_a_bad_request(city: City) -> None:
    before = await footprint()

    response = await city.client.post_form(
        city.upload_url, {"comment": "长" * MB}, files={"manuscript": ("论文.docx", make_docx(), "application/octet-stream")}
    )

    assert response.status_code == 400
    assert "请求无法处理" in response.text and "提交的内容无法读取" in response.text
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


async def test_a_multipart_body_without_boundary_is_a_bad_request_not_a_server_error(city: City) -> None:
    before = await footprint()

    response = await city.client.post(city.upload_url, content=b"garbage", headers={"content-type": "multipart/form-data"})

    assert response.status_code == 400 and "提交的内容无法读取" in response.text
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


async def test_invalid_utf8_in_a_form_body_is_stored_as_replacement_characters_not_a_crash(city: City) -> None:
    token = await city.client.csrf()
    topic = await Topic.filter(seminar_id=city.seminar.id).order_by("position").first()
    assert topic is not None
    body = (
        f"csrf_token={token}&topic={topic.id}&originality=y&contact=0&presenter=0&authors-0-name=%E9%99%88"
        "&authors-0-unit=%E5%B8%82&title=%FF%FE%E5%B8%82%C3%28&abstract=\xff\xfe raw bytes"
    ).encode("latin-1")

    response = await city.client.post(
        f"/{city.seminar.slug}/papers/new", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )

    assert response.status_code == 303
    paper = await Paper.filter(seminar_id=city.seminar.id).order_by("-number").first()
    assert paper is not None and paper.title == "\ufffd\ufffd市\ufffd("
    assert "\x00" not in paper.abstract
    page = await city.client.get(response.headers["location"])
    assert page.status_code == 200 and "\ufffd\ufffd市" in page.text
    await assert_still_serving(city.client, city.seminar)


async def test_nul_and_control_characters_in_form_fields_are_dropped_on_every_database(city: City) -> None:
    response = await city.client.post_form(f"/{city.seminar.slug}/papers/new", await paper_form(
        city.seminar, title="市域\x00社会\x0b治理\x1b[0m", abstract="第一段\x00\r\n第二段\t完",
        subtitle="副\r\n标题",
    ))

    assert response.status_code == 303
    paper = await Paper.filter(seminar_id=city.seminar.id).order_by("-number").first()
    assert paper is not None
    assert (paper.title, paper.subtitle, paper.abstract) == ("市域社会治理[0m", "副 标题", "第一段\r\n第二段\t完")
    await assert_still_serving(city.client, city.seminar)


@pytest.mark.parametrize("address", ["/gd-2021%00/", "/invitation/abc%00def", "/manage/outbox?q=%00", "/gd-2021/papers/?x=%00"])
async def test_a_nul_in_the_address_is_a_bad_request_on_every_database(client: Client, address: str) -> None:
    await make_user(email="admin@example.org", is_admin=True)
    await client.login("admin@example.org")

    response = await client.get(address)

    assert response.status_code == 400 and "请求无法处理" in response.text
    await assert_still_serving(client)


# ---------- formulas in .xlsx exports ----------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点击\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1"]


def formula_cells(data: bytes) -> list:  # type: ignore[type-arg]
    """Every cell whose text a spreadsheet program could take for a formula."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t"))]


def assert_no_formula(data: bytes, expected: list[str]) -> None:
    cells = formula_cells(data)
    assert sorted(str(c.value) for c in cells) == sorted(expected)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


async def test_formulas_typed_into_papers_reviews_and_registrations_stay_text_in_every_export(client: Client) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await ensure_criteria(seminar)
    papers = [await make_paper(seminar, title=formula, status="submitted") for formula in FORMULAS]
    reviewer = await make_reviewer(seminar, email="reviewer01@example.org")
    for paper, formula in zip(papers, FORMULAS, strict=True):
        await make_review(paper, reviewer, comment_to_authors=formula, confidential_note="内部意见")
    for number, formula in enumerate(FORMULAS):
        await make_attendee(seminar, email=f"attendee{number}@example.org", name=formula)
    await client.login(organizer.email)

    paper_list = await client.get(f"/{seminar.slug}/manage/papers.xlsx")
    reviews = await client.get(f"/{seminar.slug}/manage/reviews.xlsx")
    participants = await client.get(f"/{seminar.slug}/manage/participants.xlsx")

    assert paper_list.status_code == reviews.status_code == participants.status_code == 200
    assert_no_formula(paper_list.content, FORMULAS)
    assert_no_formula(reviews.content, FORMULAS * 2)  # the paper's title and the comment
    assert_no_formula(participants.content, FORMULAS)
    await assert_still_serving(client, seminar)


# ---------- search boxes ----------


def listed_recipients(page: str) -> list[str]:
    return re.findall(r"&lt;([^&]+)&gt;</td>", page)


@pytest.mark.parametrize(
    ("search", "found"),
    [
        pytest.param("' OR 1=1 --", [], id="sql-or"),
        pytest.param("'; DROP TABLE outbox_mail; --", [], id="sql-drop"),
        pytest.param("%", ["percent@example.org"], id="percent-is-a-character"),
        pytest.param("_", ["under_score@example.org"], id="underscore-is-a-character"),
        pytest.param("\\", [], id="backslash"),
        pytest.param("WANG", ["wangfang@example.org"], id="plain-search-still-works"),
    ],
)
async def test_sql_and_wildcards_in_the_outbox_search_find_exactly_what_they_say(
    client: Client, search: str, found: list[str]
) -> None:
    await make_user(email="admin@example.org", name="系统管理员", is_admin=True)
    await make_mail(to_address="wangfang@example.org", to_name="王芳")
    await make_mail(to_address="percent@example.org", to_name="完成100%")
    await make_mail(to_address="under_score@example.org", to_name="下划线")
    await client.login("admin@example.org")
    before = await footprint()

    response = await client.get("/manage/outbox", params={"q": search})

    assert response.status_code == 200
    assert sorted(listed_recipients(response.text)) == found
    assert await footprint() == before
    await assert_still_serving(client)


async def test_sql_and_wildcards_in_the_audit_log_search_find_exactly_what_they_say(client: Client) -> None:
    admin = await make_user(email="admin@example.org", name="系统管理员", is_admin=True)
    for email, name in (("li_ming@example.org", "李明"), ("lixming@example.org", "李某"), ("pct@example.org", "100%")):
        await AuditEntry.create(user_email=email, user_name=name, action="seminars:settings", method="POST",
                                path="/gd-2021/manage/settings", status_code=303)
    await client.login(admin.email)

    def people(page: str) -> list[str]:
        return sorted(re.findall(r'<span class="meta">([^<@]+@example\.org)</span>', page))

    underscore = await client.get("/manage/audit", params={"person": "li_"})
    percent = await client.get("/manage/audit", params={"person": "%"})
    sql = await client.get("/manage/audit", params={"person": "' OR '1'='1", "action": "%' --"})

    assert people(underscore.text) == ["li_ming@example.org"]  # "_" is not "any character"
    assert people(percent.text) == ["pct@example.org"]
    assert sql.status_code == 200 and people(sql.text) == []
    await assert_still_serving(client)


async def test_garbage_in_the_paper_list_filters_is_ignored(client: Client) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await make_paper(seminar, title="广州篇", status="submitted")
    await client.login(organizer.email)

    response = await client.get(f"/{seminar.slug}/manage/papers", params={"topic": "1 OR 1=1", "city": "'--", "status": "%"})

    assert response.status_code == 200 and "广州篇" in response.text
    await assert_still_serving(client, seminar)
