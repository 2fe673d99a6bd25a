"""Test plumbing: one database per run (SQLite file, or PostgreSQL when TEST_DATABASE_URL says so),
migrated with the real migrations, emptied after each test; an httpx client on the ASGI app
that sends CSRF tokens the way a browser does; a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import logging
import os
import re
import secrets
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import asyncpg
import httpx
import lxml.html
import pytest
from aiosmtpd.controller import Controller
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from seminar.accounts.passwords import configure_hasher
from seminar.app import create_app
from seminar.config import Settings
from seminar.db import is_postgres, tortoise_config

# Real argon2id, at a cost that keeps the suite quick (production keeps the library's default).
configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)

# The project's shared folder beside the clone; SEMINAR_SHARED_DIR points elsewhere (a test of the skips uses it).
SHARED_DIR = Path(os.environ.get("SEMINAR_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")


def _postgres_parts(url: str) -> tuple[str, str]:
    base, _slash, _name = url.rpartition("/")
    return base, url


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    base_url = os.environ.get("TEST_DATABASE_URL", "")
    if is_postgres(base_url):
        server, admin_url = _postgres_parts(base_url)
        name = f"seminar_test_{secrets.token_hex(4)}"
        asyncio.run(_postgres_admin(admin_url, f'CREATE DATABASE "{name}"'))
        yield f"{server}/{name}"
        asyncio.run(_postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite://{directory}/test.sqlite3"


async def _postgres_admin(admin_url: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[str]:
    """Apply the real migrations to the empty database, then open the ORM on it."""
    config = tortoise_config(database_url)
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    yield database_url
    await Tortoise.close_connections()


async def _empty_all_tables(database_url: str) -> None:
    connection = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    if is_postgres(database_url):
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        script = "".join(f'DELETE FROM "{table}";' for table in tables)
        await connection.execute_script("PRAGMA foreign_keys=OFF;" + script + "PRAGMA foreign_keys=ON;")


@pytest.fixture(autouse=True)
async def clean_database(database: str) -> AsyncIterator[None]:
    yield
    await _empty_all_tables(database)


@pytest.fixture
async def change_notices(database: str) -> AsyncIterator[None]:
    """The process's listener of PostgreSQL's change notices, as a served app's lifespan starts it (the
    tests' apps run none): who is asking is then kept between requests. Skips the test on SQLite."""
    if not is_postgres(database):
        pytest.skip("copies kept between requests need PostgreSQL's change notices; SQLite keeps none")
    from seminar import changes
    from seminar.listener import listening
    from tests.patience import patience

    async with listening(connections.get("default"), wait_seconds=patience(5)):
        assert changes.stamp() is not None, "the listener connected"
        yield


@pytest.fixture
def settings(database: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database,
        secret_key="test-secret",
        base_url="http://testserver",
        run_worker=False,
        data_dir=tmp_path,
        mail_retry_delays=(0, 0, 0),
    )


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(settings)


class Client(httpx.AsyncClient):
    """A browser-like client: it finds the CSRF token in the page, as a form would carry it."""

    _csrf: str | None = None

    async def csrf(self) -> str:
        if self._csrf is None:
            page = await self.get("/login")
            match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert match, "every page with a form renders csrf_input()"
            self._csrf = match.group(1)
        return self._csrf

    async def post_form(self, url: str, data: dict | None = None, files: dict | None = None, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def, type-arg]
        payload = {"csrf_token": await self.csrf(), **(data or {})}
        response = await self.post(url, data=payload, files=files, **kwargs)
        if response.status_code == 303 and url in ("/login", "/login/code", "/logout") or "/invitation/" in url or "/password/reset/" in url:
            self._csrf = None  # the session was rotated
        return response

    async def login(self, email_address: str, password: str = "demo-password") -> httpx.Response:
        response = await self.post_form("/login", {"email": email_address, "password": password})
        assert response.status_code == 303, f"login as {email_address} failed"
        self._csrf = None
        return response

    async def logout(self) -> None:
        """Log out and, as a browser does, open the page it leads to (which shows "logged out")."""
        response = await self.post_form("/logout")
        self._csrf = None
        if response.status_code == 303:
            await self.get(response.headers["location"])


@pytest.fixture
async def client(app) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with Client(transport=transport, base_url="http://testserver") as test_client:
        yield test_client


def flashes(response: httpx.Response) -> list[str]:
    return [m.strip() for m in re.findall(r'class="flash flash-\w+"[^>]*>(.*?)</div>', response.text, re.S)]


def autofill_hints(response: httpx.Response) -> list[tuple[str, str, str]]:
    """What a page's form fields tell the browser to fill in, in page order: (label, autocomplete,
    inputmode) of each field with a hint; a field without a label (the account name hidden beside a
    new password) gives its value instead."""
    page = lxml.html.fromstring(response.text)
    labels = {label.get("for"): label.text_content().strip() for label in page.iter("label")}
    return [
        (labels.get(element.get("id")) or element.get("value", ""), element.get("autocomplete"), element.get("inputmode", ""))
        for element in page.iter("input", "select", "textarea")
        if element.get("autocomplete")
    ]


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    fail_next: int = 0  # refuse this many messages with a temporary error
    delay: float = 0.0  # seconds each message takes to be accepted, as a distant server's would

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.delay)
        if self.fail_next > 0:
            self.fail_next -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def bodies_to(self, address: str) -> list[str]:
        found = []
        for message in self.messages:
            if address in message["To"]:
                part = message.get_body(preferencelist=("plain",))
                found.append(part.get_content() if part else "")
        return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (aiosmtpd); `Controller(port=0)` does not work, so pick a port."""
    server = SmtpServer(host="127.0.0.1", port=_free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    from dataclasses import replace

    return replace(settings, smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_tls="none")


def link_in(body: str) -> str:
    """The first link in a mail body, as a path the test client can open."""
    match = re.search(r"https?://[^\s/]+(/\S+)", body)
    assert match, f"no link in mail: {body!r}"
    return match.group(1)


@contextlib.contextmanager
def counted_queries() -> Iterator[list[str]]:
    """SQL statements the ORM sends while the block runs (Tortoise logs each on `tortoise.db_client`).

        with counted_queries() as one: await client.get(url)
        ... add rows ...
        with counted_queries() as three: await client.get(url)
        assert len(three) == len(one)
    """
    statements: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            statements.append(record.getMessage())

    logger = logging.getLogger("tortoise.db_client")
    handler, level, propagate = Collect(level=logging.DEBUG), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # counted, not also captured into every report: that costs more than the queries
    try:
        yield statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def skip_summary(reasons: list[str]) -> list[str]:
    """One line per reason a test was skipped, the most frequent first, each with its count."""
    counts: dict[str, int] = {}
    for reason in reasons:
        reason = reason.removeprefix("Skipped: ")
        counts[reason] = counts.get(reason, 0) + 1
    return [
        f"{count} test{'s' if count > 1 else ''} skipped: {reason}"
        for reason, count in sorted(counts.items(), key=lambda item: -item[1])
    ]


def pytest_addoption(parser: pytest.Parser) -> None:
    """The simulation (tests/simulation) runs a short seeded walk by default; these make it longer or another one."""
    group = parser.getgroup("simulation")
    group.addoption("--simulation-steps", type=int, default=None, help="steps of the simulation (default: the short run)")
    group.addoption("--simulation-seed", type=int, default=None, help="seed of the simulation's random walk")
    group.addoption("--simulation-all", action="store_true", help="check the simulation's pending invariants too")
    group.addoption("--simulation-typeset", action="store_true", help="typeset the book for real when the simulation builds it")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say why tests were skipped even under -q: a clone without ../shared skips the frab checks."""
    reasons = [
        report.longrepr[2]
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3
    ]
    for line in skip_summary(reasons):
        terminalreporter.write_line(line, yellow=True)
