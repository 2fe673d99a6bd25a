"""Log lines as an operator's collector reads them (LOG_FORMAT=json): one request, one line with its
fields; the request's id in the response, on error pages and in the worker's lines about the work
it caused; nothing that names a person."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from seminar.app import create_app
from seminar.config import Settings
from seminar.mail.worker import send_pending
from seminar.operations import logs
from seminar.proceedings.worker import build_pending
from tests.conftest import Client, SmtpServer
from tests.factories import make_organizer, make_paper, make_seminar, make_user
from tests.proceedings.test_actions import _no_fonts

Lines = Callable[[], list[dict[str, Any]]]


def capture(log_format: str) -> Iterator[Callable[[], str]]:
    """Everything logged at INFO and above, written by the handler `logs.logging_config` sets up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter() if log_format == "json" else logs.TextFormatter())
    handler.addFilter(logs.ContextFilter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream.getvalue
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    for written in capture("json"):
        yield lambda: [json.loads(line) for line in written().splitlines()]


@pytest.fixture
def text_log() -> Iterator[Callable[[], str]]:
    yield from capture("text")


def request_lines(lines: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "seminar.request" and line.get("request_id") == request_id]


async def test_a_request_is_one_json_line_with_its_id_route_user_seminar_status_and_duration(
    client: Client, json_lines: Lines
) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/")

    [line] = request_lines(json_lines(), response.headers["x-request-id"])
    assert line["level"] == "INFO" and line["message"].startswith("GET seminars:manage 200 in ")
    assert {key: line[key] for key in ("route", "user_id", "seminar", "method", "status")} == {
        "route": "seminars:manage", "user_id": organizer.id, "seminar": "gd-2021", "method": "GET", "status": 200,
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None
    # The person is named by id only; the path (which may carry a token) is never written.
    text = json.dumps(line, ensure_ascii=False)
    assert organizer.email not in text and organizer.name not in text and "/manage/" not in text


async def test_anonymous_requests_have_no_user_and_unmatched_ones_no_route(client: Client, json_lines: Lines) -> None:
    login = await client.get("/login")
    nowhere = await client.get("/a/b/c/d/e/f")

    [login_line] = request_lines(json_lines(), login.headers["x-request-id"])
    [nowhere_line] = request_lines(json_lines(), nowhere.headers["x-request-id"])
    assert login_line["route"] == "accounts:login" and "user_id" not in login_line and "seminar" not in login_line
    assert nowhere.status_code == 404 and "route" not in nowhere_line and nowhere_line["status"] == 404
    assert "unmatched" in nowhere_line["message"]


async def test_every_request_gets_its_own_id_and_a_proxys_only_when_trusted(settings: Settings) -> None:
    proxy_id = "0f3c9a7d5e2b4c1a8f6e9d0b7a5c3e21"

    async def ids(trusted: bool) -> list[str]:
        transport = httpx.ASGITransport(app=create_app(replace(settings, trust_request_id=trusted)))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return [
                (await client.get("/login", headers=headers)).headers["x-request-id"]
                for headers in ({}, {}, {"X-Request-ID": proxy_id}, {"X-Request-ID": "evil\nid"}, {"X-Request-ID": "short"})
            ]

    untrusted, trusted = await ids(False), await ids(True)

    assert len(set(untrusted)) == 5 and proxy_id not in untrusted
    assert trusted[2] == proxy_id
    assert all(len(request_id) == 16 for request_id in untrusted + trusted[:2] + trusted[3:])  # malformed: a new one


async def test_error_pages_show_the_request_id_the_log_has(settings: Settings, json_lines: Lines) -> None:
    async def boom(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    seminar = await make_seminar()
    await make_user(email="wangfang@example.org")
    app = create_app(settings)
    app.router.routes.insert(0, Route("/boom", boom, name="boom"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with Client(transport=transport, base_url="http://testserver") as client:
        not_found = await client.get("/no-such-seminar/")
        await client.login("wangfang@example.org")
        forbidden = await client.get(f"/{seminar.slug}/manage/")
        broken = await client.get("/boom")

    lines = json_lines()
    for response, status in ((not_found, 404), (forbidden, 403), (broken, 500)):
        request_id = response.headers["x-request-id"]
        assert response.status_code == status
        assert f"请求编号：{request_id}" in response.text
        [line] = request_lines(lines, request_id)
        assert line["status"] == status
    [error] = [line for line in lines if line["logger"] == "seminar.app"]
    assert error["request_id"] == broken.headers["x-request-id"] and error["route"] == "boom"
    assert error["level"] == "ERROR" and "RuntimeError: boom" in error["exception"]


async def test_the_mail_worker_logs_under_the_id_of_the_request_that_queued_the_mail(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer, json_lines: Lines
) -> None:
    user = await make_user(email="wangfang@example.org", name="王芳")

    asked = await client.post_form("/password/forgot", {"email": "wangfang@example.org"})
    assert await send_pending(smtp_settings, "test-worker") == 1

    request_id = asked.headers["x-request-id"]
    [sent] = [line for line in json_lines() if line["logger"] == "seminar.mail.actions"]
    assert sent["request_id"] == request_id and sent["message"].endswith("sent, attempt 1")
    assert "route" not in sent and "user_id" not in sent  # the worker's own line: only the id ties it to the request
    assert smtp_server.bodies_to("wangfang@example.org")
    assert user.email not in json.dumps(json_lines(), ensure_ascii=False)


async def test_the_build_worker_logs_under_the_id_of_the_request_that_asked_for_the_book(
    client: Client, json_lines: Lines, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seminar = await make_seminar(topics=1)
    organizer = await make_organizer(seminar)
    await make_paper(seminar, status="submitted")
    await client.login(organizer.email)

    asked = await client.post_form("/gd-2021/manage/proceedings/build", {"volume": ""})
    _no_fonts(monkeypatch, tmp_path)  # the build then fails at once: its lines are what this is about
    await build_pending("test-worker")

    [line] = [line for line in json_lines() if line["logger"] == "seminar.proceedings.worker"]
    assert line["request_id"] == asked.headers["x-request-id"] and line["message"].endswith(": failed")


async def test_the_text_format_is_one_readable_line_with_the_request_in_brackets(
    client: Client, text_log: Callable[[], str]
) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/")

    [line] = [line for line in text_log().splitlines() if response.headers["x-request-id"] in line]
    assert " INFO seminar.request: GET seminars:manage 200 in " in line
    assert line.endswith(f"[request={response.headers['x-request-id']} user={organizer.id} seminar=gd-2021]")


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("mail 3 not sent: 550 5.1.1 <chenjing@example.org>: Recipient address rejected", "mail 3 not sent: 550 5.1.1 <[e-mail]>: Recipient address rejected"),
        ("电话13800138000，请回电", "电话[phone]，请回电"),
        ("+86 138 0013 8000 / 020-83331234", "[phone] / [phone]"),
        ("Key (email)=(wang.fang+1@gd.example.org) already exists", "Key (email)=([e-mail]) already exists"),
        # Ids, counts and times stay as they are.
        ("request 13800138000abcd took 1380013800000 ms", "request 13800138000abcd took 1380013800000 ms"),
        ("build 12: 245 pages in 31.5 s", "build 12: 245 pages in 31.5 s"),
    ],
)
def test_e_mail_addresses_and_phone_numbers_are_masked_in_what_is_written(written: str, kept: str) -> None:
    assert logs.redact(written) == kept


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logs.logging_config("xml")
