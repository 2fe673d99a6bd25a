"""Benchmark of the published agenda against its floor, a bare Starlette app, in one run:

    uv run python bench/agenda.py [--seconds 1.5] [--rounds 6] [--quick] [--only FILE…] [--cookie]
                                  [--compare REF] [--against-itself] [--database-url URL]

It fills a fresh database (a temporary SQLite file unless --database-url names an empty
PostgreSQL database) with a seminar whose released agenda has 60 talks — six topics of four
keynotes and six discussion contributions each, two days, two parallel rooms — and starts the
production server command (`seminar serve --workers 2`). It takes each endpoint's answer to a
stranger (headers and bytes) and starts a bare Starlette app (`bare_agenda.py`: no middleware)
that returns exactly those from memory, under uvicorn with the same options and workers. With
`--compare REF` it also serves the code of git ref REF (the "before") on the same database.
With `--cookie` our servers are sent, with every request, the session cookie a visitor has after
opening a page with a form (only its token in it), as most visitors who browsed the site do.

The load is this process: 20 keep-alive connections on loopback, 10 held by each worker process
(opened before the clock starts), each sending the next GET as soon as the last answer is
complete, the body counted as it arrives rather than kept, for `--seconds` per endpoint and
server, the servers taking turns `--rounds` times (the machine's speed drifts; short turns share
the drift), after an untimed half-second turn each. `--against-itself` puts a second bare app in
our server's place: what the bench itself makes of two identical servers. It prints req/s
and p50/p99 of each with the load average, the ratios to the bare app (pooled, and the median of
the rounds' side-by-side ratios), and for each address whether goal 2 of issue 18 is met there:
≥ 0.9× the bare app's req/s with p99 ≤ 2× its p99, judged on the medians. Every published
file is measured (the page, frab XML and JSON, iCal, .xlsx, PDF); `--quick`: the page, iCal, PDF. The older target (ten times pretalx
2025.2.2 on this machine: 24 req/s for the page, 31 for frab XML, 22 for iCal; p99 ≤ 50 ms) is
printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tortoise import Tortoise

from seminar.agenda.draft import DraftSettings, draft_agenda
from seminar.agenda.model import DecidedPaper, Decision, Person, Room, TopicRef
from seminar.agenda.snapshot import agenda_to_data
from seminar.cli import apply_migrations
from seminar.db import tortoise_config
from seminar.cli import KEEP_ALIVE_SECONDS, WORKER_HEALTHCHECK_SECONDS
from serving import checkout, cpu_seconds, free_port, get, served, wait_for

SLUG = "bench-2026"
TOPICS = ["完成政治任务", "发挥政治优势", "凝聚政治力量", "防范政治风险", "提升政治能力", "压实政治责任"]
CITIES = ["广州市", "深圳市", "珠海市", "汕头市", "佛山市", "韶关市", "河源市", "梅州市", "惠州市", "汕尾市"]
# (path, pretalx req/s on this machine or None) — ours must reach 10× with p99 ≤ 50 ms.
ENDPOINTS = [
    ("agenda", 24),
    ("schedule.xml", 31),
    ("agenda.ics", 22),
    ("schedule.json", None),
    ("agenda.xlsx", None),
    ("agenda.pdf", None),
]
P99_LIMIT_MS = 50.0
# Goal 2 of issue 18: against the bare app serving the same bytes.
RATE_SHARE = 0.9
P99_FACTOR = 2.0
CONNECTIONS = 20
WORKERS = 2


def _agenda_data() -> dict:  # type: ignore[type-arg]
    topics = [TopicRef(n, title) for n, title in enumerate(TOPICS, start=1)]
    papers = []
    for topic in topics:
        for n, city in enumerate(CITIES):
            decision = Decision.KEYNOTE if n < 4 else Decision.DISCUSSION
            papers.append(
                DecidedPaper(
                    topic.id * 100 + n, topic.id, decision, 90.0 - n,
                    f"坚持党建引领 推进市域社会治理现代化——{city}在“{topic.title}”方面的探索与实践",
                    Person(None, f"{city}委政法委发言人"),
                )
            )
    first = dt.date(2026, 12, 10)
    settings = DraftSettings(
        days=(first, first + dt.timedelta(days=1)),
        rooms=(Room(1, "第一会议室", 200), Room(2, "第二会议室", 80)),
        parallel_rooms=True,
    )
    agenda = draft_agenda(topics, papers, settings)
    talks = sum(len(slot.contributions) or (1 if slot.paper_id else 0) for _s, slot in agenda.slots())
    assert talks == 60, talks
    return agenda_to_data(agenda)


async def fill(database_url: str) -> None:
    from seminar.agenda.models import AgendaRelease, Room as RoomRow
    from seminar.seminars.models import Seminar, Topic

    await apply_migrations(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        seminar = await Seminar.create(
            slug=SLUG, title="全省市域社会治理现代化试点创新研讨班", venue="广州",
            starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 11),
        )
        for position, title in enumerate(TOPICS, start=1):
            await Topic.create(seminar=seminar, position=position, title=title)
        hall = await RoomRow.create(seminar=seminar, name="第一会议室", capacity=200, position=1)
        side = await RoomRow.create(seminar=seminar, name="第二会议室", capacity=80, position=2)
        data = _agenda_data()
        ids = {1: hall.id, 2: side.id}
        for room in data["rooms"]:
            room["id"] = ids[room["id"]]
        for session in data["sessions"]:
            session["room"]["id"] = ids[session["room"]["id"]]
        await AgendaRelease.create(
            seminar=seminar, number=1, data=data, changelog=[], published_at=dt.datetime.now(dt.UTC)
        )
    finally:
        await Tortoise.close_connections()


@dataclass
class Load:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # the 1-minute load average at each turn's start
    spreads: list[list[int]] = field(default_factory=list)  # connections per server process, each turn
    cpu: float = 0.0  # seconds of the server's processes

    @property
    def cpu_per_request(self) -> float:
        """Microseconds of server CPU per answer: steadier than req/s on a shared machine."""
        return self.cpu / self.requests * 1e6 if self.requests else math.inf

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def add(self, other: Load) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        self.latencies += other.latencies
        self.loads += other.loads
        self.spreads += other.spreads
        self.cpu += other.cpu

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000 if ordered else math.inf


def hammer(base: str, pid: int, path: str, seconds: float, load: Load, cookie: str = "") -> None:
    cpu = cpu_seconds(pid)
    asyncio.run(_hammer(int(base.rsplit(":", 1)[1]), path, seconds, load, cookie))
    load.cpu += cpu_seconds(pid) - cpu


CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length: *(\d+)")


class _Exchange(asyncio.Protocol):
    """One keep-alive connection's answers, the body counted as it arrives, not kept: reading a
    large one (the PDF) costs the client little, so the servers' differences are what shows."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.head = bytearray()
        self.remaining = -1  # body bytes still to come; -1: reading the head
        self.status = b""
        self.done: asyncio.Future[bytes] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.remaining < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.status = bytes(self.head[: end + 4]), bytes(self.head[9:12])
            length = CONTENT_LENGTH.search(head)
            self.remaining = (int(length.group(1)) if length else 0) - (len(self.head) - end - 4)
            self.head.clear()
        else:
            self.remaining -= len(data)
        if self.remaining == 0 and self.done is not None:
            self.remaining = -1
            self.done.set_result(self.status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(ConnectionError("the server closed the connection"))


def _worker_of_each_connection(port: int) -> dict[int, int]:
    """Client port → the server process holding the other end, for connections to `port` (Linux `ss`)."""
    try:
        listing = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    owners = {}
    for line in listing.splitlines():
        fields, pid = line.split(), re.search(r"pid=(\d+)", line)
        if len(fields) >= 4 and pid:
            owners[int(fields[3].rsplit(":", 1)[1])] = int(pid.group(1))
    return owners


async def _connections(port: int) -> tuple[list[_Exchange], list[int]]:
    """CONNECTIONS connections, the same number to each of the WORKERS server processes, and how
    many each process holds.

    uvicorn's workers accept from one shared socket, whichever is first awake: 20 connections
    opened at once landed anywhere from 10 and 10 to all 20 on one worker, a different split at
    every turn, and a turn on one worker has half the cores: one turn of a server ran at half the
    rate of its next. Opened one by one and kept only while the worker holding it needs more,
    both servers are measured on the same split."""
    loop = asyncio.get_running_loop()
    share = CONNECTIONS // WORKERS
    kept: dict[int, list[_Exchange]] = {}
    for _attempt in range(30):
        needed = CONNECTIONS - sum(len(group) for group in kept.values())
        if needed == 0:
            break
        opened = []
        for _n in range(needed):
            opened.append((await loop.create_connection(_Exchange, "127.0.0.1", port))[1])
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.05)  # every one accepted by a worker by now
        owners = await asyncio.to_thread(_worker_of_each_connection, port)
        for exchange in opened:
            assert exchange.transport is not None
            # Without `ss` (not Linux) the owner is unknown: the connections are kept as they came.
            owner = owners.get(exchange.transport.get_extra_info("sockname")[1]) if owners else 0
            if owner is not None and owner not in kept and len(kept) < (WORKERS if owners else 1):
                kept[owner] = []
            if owner in kept and (len(kept[owner]) < share or not owners):
                kept[owner].append(exchange)
            else:
                exchange.transport.close()
    if needed := CONNECTIONS - sum(len(group) for group in kept.values()):  # a worker that never accepted one
        kept[-1] = [(await loop.create_connection(_Exchange, "127.0.0.1", port))[1] for _n in range(needed)]
    connections = [exchange for group in kept.values() for exchange in group]
    return connections, sorted(len(group) for group in kept.values())


async def _hammer(port: int, path: str, seconds: float, load: Load, cookie: str = "") -> None:
    """CONNECTIONS keep-alive connections, each asking again as soon as an answer is complete."""
    sent_cookie = f"Cookie: {cookie}\r\n" if cookie else ""
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: identity\r\n"
               f"{sent_cookie}\r\n").encode()
    connections, spread = await _connections(port)
    load.spreads.append(spread)
    load.loads.append(os.getloadavg()[0])
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + seconds

    async def connection(exchange: _Exchange) -> None:
        assert exchange.transport is not None
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                exchange.done = loop.create_future()
                exchange.transport.write(request)
                status = await exchange.done
                load.latencies.append(time.perf_counter() - started)
                load.requests += 1
                load.errors += status != b"200"
        finally:
            exchange.transport.close()

    started = time.monotonic()
    await asyncio.gather(*(connection(exchange) for exchange in connections))
    load.seconds += time.monotonic() - started


@contextlib.contextmanager
def bare_app(answers: list[dict[str, object]], directory: str) -> Iterator[tuple[str, int]]:
    """The bare Starlette app serving `answers`, under uvicorn with `seminar serve`'s options."""
    spec = Path(directory) / "bare.json"
    spec.write_text(json.dumps(answers))
    port = free_port()
    options = (f"host='127.0.0.1', port={port}, workers={WORKERS}, proxy_headers=True, "
               f"timeout_keep_alive={KEEP_ALIVE_SECONDS}, timeout_worker_healthcheck={WORKER_HEALTHCHECK_SECONDS}, "
               "access_log=False, log_level='warning'")
    command = [sys.executable, "-c", f"import uvicorn; uvicorn.run('bare_agenda:app', {options})"]
    environment = {**os.environ, "BARE_AGENDA": str(spec), "PYTHONPATH": str(Path(__file__).parent)}
    server = subprocess.Popen(command, env=environment, cwd=Path(__file__).parent)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}{answers[0]['path']}")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def form_token_cookie(base: str) -> str:
    """The session cookie a visitor carries after opening a page with a form: only its token in it."""
    with urllib.request.urlopen(f"{base}/login", timeout=120) as response:  # noqa: S310  # loopback only
        cookie = response.headers["set-cookie"]
    return cookie.split(";", 1)[0]


def stranger_answer(base: str, path: str, directory: str) -> dict[str, object]:
    """What our server sends a stranger for `path`: the bare app sends the same."""
    with urllib.request.urlopen(f"{base}/{SLUG}/{path}", timeout=120) as response:  # noqa: S310  # loopback only
        body = response.read()
        skipped = {"content-length", "x-request-id", "date", "server", "connection", "keep-alive", "transfer-encoding"}
        headers = [[name, value] for name, value in response.getheaders() if name.lower() not in skipped]
    file = Path(directory) / f"body-{path}"
    file.write_bytes(body)
    return {"path": f"/{SLUG}/{path}", "headers": headers, "body": str(file)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="load per endpoint, server and round (default 1.5)")
    parser.add_argument("--rounds", type=int, default=6, help="turns each server takes per endpoint (default 6)")
    parser.add_argument("--quick", action="store_true", help="only the page, iCal and the PDF")
    parser.add_argument("--cookie", action="store_true",
                        help="our servers are sent a visitor's session cookie holding only a form token (from /login)")
    parser.add_argument("--only", nargs="+", metavar="FILE", default=[],
                        help="only these addresses (e.g. schedule.xml agenda.ics)")
    parser.add_argument("--compare", metavar="REF", default="", help="also serve git ref REF (the code before)")
    parser.add_argument("--against-itself", action="store_true",
                        help="a second bare app in our server's place: the bench's own bias and noise (ratios of 1 expected)")
    parser.add_argument("--database-url", default="", help="an EMPTY database to fill (default: temporary SQLite)")
    args = parser.parse_args()
    if args.against_itself and (args.cookie or args.compare):
        parser.error("--against-itself measures the bare app against itself: no --cookie or --compare")
    endpoints = [e for e in ENDPOINTS if e[0] in ("agenda", "agenda.ics", "agenda.pdf")] if args.quick else ENDPOINTS
    if args.only:
        endpoints = [e for e in ENDPOINTS if e[0] in args.only]
    with contextlib.ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="seminar-bench-"))
        database_url = args.database_url or f"sqlite://{directory}/bench.sqlite3"
        asyncio.run(fill(database_url))
        servers: dict[str, tuple[str, int]] = {}
        ours = stack.enter_context(served(database_url, directory, workers=WORKERS))
        for path, _reference in endpoints:  # the first requests render each file and keep it
            for _worker in range(4):
                get(f"{ours.url}/{SLUG}/{path}")
        answers = [stranger_answer(ours.url, path, directory) for path, _reference in endpoints]
        servers["bare"] = stack.enter_context(bare_app(answers, directory))
        servers["ours"] = stack.enter_context(bare_app(answers, directory)) if args.against_itself else (ours.url, ours.pid)
        if args.compare:
            root = stack.enter_context(checkout(args.compare))
            before = stack.enter_context(served(database_url, directory, workers=WORKERS, root=root))
            servers[args.compare] = before.url, before.pid
            for path, _reference in endpoints:
                for _worker in range(4):
                    get(f"{before.url}/{SLUG}/{path}")
        cookies = {name: form_token_cookie(base) for name, (base, _pid) in servers.items() if name != "bare"} if args.cookie else {}
        print(f"60 talks, 6 topics, 2 rooms, 2 days · uvicorn, {WORKERS} workers, the same options for each · "
              f"{CONNECTIONS} keep-alive connections from one asyncio process, {CONNECTIONS // WORKERS} to each worker · {args.rounds} × {args.seconds:g} s "
              f"per endpoint and server · {os.cpu_count()} cores · "
              f"{'PostgreSQL' if 'postgres' in database_url else 'SQLite'}")
        print(f"{'endpoint':<15}{'server':<12}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'CPU µs':>8}{'load':>6}"
              f"{'× req/s':>9}{'× p99':>7}{'× CPU':>7}{'med× r/s':>9}{'med× p99':>9}  verdict")
        met = True
        for path, reference in endpoints:
            loads = {name: Load() for name in servers}
            turns: dict[str, list[Load]] = {name: [] for name in servers}
            for name, (base, pid) in servers.items():  # untimed: each server's first turn at an address warms it
                hammer(base, pid, f"/{SLUG}/{path}", min(args.seconds, 0.5), Load(), cookies.get(name, ""))
            for turn in range(args.rounds):  # every other round the other way round: neighbours share the drift
                for name, (base, pid) in (list(servers.items()) if turn % 2 == 0 else reversed(servers.items())):
                    single = Load()
                    hammer(base, pid, f"/{SLUG}/{path}", args.seconds, single, cookies.get(name, ""))
                    turns[name].append(single)
                    loads[name].add(single)
            floor = loads["bare"]
            for name, load in loads.items():
                rate_ratio, p99_ratio = load.rate / floor.rate, load.percentile(0.99) / floor.percentile(0.99)
                # The goal is judged on the median of the rounds' side-by-side ratios: a second in which
                # another job took the cores falls on one server's turn and would decide a pooled figure.
                round_rate = statistics.median(t.rate / b.rate for t, b in zip(turns[name], turns["bare"]))
                round_p99 = statistics.median(
                    t.percentile(0.99) / b.percentile(0.99) for t, b in zip(turns[name], turns["bare"])
                )
                verdict = ""
                if name == "ours":
                    goal = load.errors == 0 and round_rate >= RATE_SHARE and round_p99 <= P99_FACTOR
                    met = met and goal
                    target = reference * 10 if reference else None
                    old = load.percentile(0.99) <= P99_LIMIT_MS and (target is None or load.rate >= target)
                    verdict = (f"goal 2 {'met' if goal else 'NOT MET'}; "
                               f"10× pretalx{f' ({target} req/s)' if target else ''}, p99 ≤ 50 ms: {'ok' if old else 'missed'}")
                if load.errors:
                    verdict += f" ({load.errors} errors)"
                if uneven := [spread for spread in load.spreads if spread != [CONNECTIONS // WORKERS] * WORKERS]:
                    verdict += f" (connections per worker not even in {len(uneven)} turns: {uneven})"
                average_load = sum(load.loads) / len(load.loads)
                shown = "bare again" if args.against_itself and name == "ours" else name
                print(f"/{path:<14}{shown:<12}{load.rate:>8.0f}{load.percentile(0.5):>8.1f}{load.percentile(0.99):>8.1f}"
                      f"{load.cpu_per_request:>8.0f}{average_load:>6.1f}{rate_ratio:>9.2f}{p99_ratio:>7.2f}"
                      f"{load.cpu_per_request / floor.cpu_per_request:>7.2f}{round_rate:>9.2f}{round_p99:>7.2f}  {verdict}")
        print(f"goal 2 (≥ {RATE_SHARE}× the bare app's req/s, p99 ≤ {P99_FACTOR:g}× its p99) on every endpoint: "
              f"{'met' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
