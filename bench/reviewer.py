"""CPU per request of a reviewer's three requests, measured in one process through the ASGI app.

    uv run python bench/reviewer.py [--rounds 300] [--compare REF] [--postgres postgres://postgres@127.0.0.1:5432]

`bench/load.py` measures the whole site under load, HTTP server and all, where the machine's other
work moves the figures by 2–3×. This one plays one signed-in reviewer in a single process, with no
HTTP server: each round opens the list of reviews to write (`GET /{slug}/reviews/`), one of the papers
(`GET /{slug}/reviews/{n}`) and saves a draft three times (`POST …/autosave`), and the CPU time of
the process is taken around each request as the app handles it (the queries' round trips included,
PostgreSQL's own work not), so one endpoint's cost can be compared before and after a change. The
listener of change notices runs as when served (code that has one), so who is asking is kept. It
makes a throw-away database on the PostgreSQL server, fills it with the demo seminar (without its
book) and one reviewer with three papers, and drops it at the end. `--compare REF` measures the code
of git ref REF too, on the same database, alternating with this checkout's twice each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from serving import checkout, throwaway_postgres

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EMAIL = "bench-reviewer@example.org"
ENDPOINTS = ("GET /{slug}/reviews/", "GET /{slug}/reviews/{n}", "POST /{slug}/reviews/{n}/autosave")
Scope = MutableMapping[str, Any]


async def fill(database_url: str) -> None:
    """The demo seminar (no book), its review open for a month more, and a reviewer with three papers."""
    from tortoise import Tortoise

    from seminar.accounts.models import Role, RoleName, Unit, UnitKind, User
    from seminar.accounts.passwords import hash_password
    from seminar.cli import apply_migrations
    from seminar.db import tortoise_config
    from seminar.demo import DEMO_PASSWORD, build_demo
    from seminar.reviews.models import Assignment
    from seminar.reviews.queries import reviewable_papers
    from seminar.seminars.models import Seminar

    await apply_migrations(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        seminar = (await build_demo(DEMO_PASSWORD)).seminar
        await Seminar.filter(id=seminar.id).update(review_deadline=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        papers = await reviewable_papers(seminar).order_by("number")
        unit = await Unit.filter(kind=UnitKind.DEPARTMENT).order_by("sort_order", "id").first()
        user = await User.create(email=EMAIL, name="评审专家", unit=unit, position="处长", password_hash=hash_password(DEMO_PASSWORD))
        await Role.create(user=user, seminar=seminar, name=RoleName.REVIEWER)
        for paper in papers[3:6]:  # provincial departments are no paper's city: no conflict
            await Assignment.create(seminar=seminar, paper=paper, reviewer=user)
    finally:
        await Tortoise.close_connections()


async def measure(database_url: str, rounds: int) -> dict[str, list[float]]:
    """CPU seconds of each request of `rounds` rounds (the first round left out: templates compile)."""
    import httpx
    from tortoise import Tortoise

    from seminar import app as app_module
    from seminar.app import create_app
    from seminar.config import Settings
    from seminar.db import tortoise_config
    from seminar.demo import DEMO_PASSWORD, DEMO_SLUG

    await Tortoise.init(config=tortoise_config(database_url))
    spent: dict[str, list[float]] = {endpoint: [] for endpoint in ENDPOINTS}
    current: list[str] = []
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app(Settings(database_url=database_url, secret_key="bench", base_url="http://testserver",
                                  run_worker=False, data_dir=Path(data_dir)))

        async def timed(scope: Scope, receive: Callable[[], Awaitable[Any]], send: Callable[[Any], Awaitable[None]]) -> None:
            started = time.process_time()
            await app(scope, receive, send)
            if current:
                spent[current[0]].append(time.process_time() - started)

        async def request(endpoint: str, counted: bool, url: str, **kwargs: Any) -> httpx.Response:
            current[:] = [endpoint] if counted else []
            response = await client.request(endpoint.split()[0], url, **kwargs)
            assert response.status_code in (200, 303), f"{endpoint}: HTTP {response.status_code}"
            return response

        def csrf(page: httpx.Response) -> str:
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found, "the page has a form"
            return found.group(1)

        # As served: the app's lifespan starts the listener of change notices where the code has one (who is
        # asking is then kept between requests); the rest of the lifespan (fonts, fork server) is left out.
        notices = getattr(app_module, "change_notices", None)
        listening = notices(app.state.settings) if notices is not None else contextlib.nullcontext()
        async with listening, httpx.AsyncClient(transport=httpx.ASGITransport(app=timed), base_url="http://testserver") as client:
            login = await request("GET /login", False, "/login")
            await request("POST /login", False, "/login", data={"csrf_token": csrf(login), "email": EMAIL, "password": DEMO_PASSWORD})
            for round_number in range(rounds + 1):
                counted = round_number > 0
                listing = await request(ENDPOINTS[0], counted, f"/{DEMO_SLUG}/reviews/")
                numbers = re.findall(rf'href="[^"]*/{DEMO_SLUG}/reviews/(\d+)"', listing.text)
                number = numbers[round_number % len(numbers)]
                page = await request(ENDPOINTS[1], counted, f"/{DEMO_SLUG}/reviews/{number}")
                opened = re.search(r'name="version"[^>]*value="(\d*)"', page.text)
                version = opened.group(1) if opened else "0"
                criteria = re.findall(r'name="(score-\w+)" min="0" max="(\d+)"', page.text)
                for save in range(3):
                    data = {"version": version, **{name: str((round_number + save) % int(top)) for name, top in criteria},
                            "comment_to_authors": f"选题紧扣专题，经验做法具体。（第{round_number}稿）",
                            "confidential_note": "", "recommendation": "discussion", "confidence": "2"}
                    saved = await request(ENDPOINTS[2], counted, f"/{DEMO_SLUG}/reviews/{number}/autosave", data=data,
                                          headers={"X-CSRF-Token": csrf(page), "Accept": "application/json"})
                    version = str(saved.json()["version"])
    await Tortoise.close_connections()
    return spent


def run(root: Path, database_url: str, rounds: int) -> dict[str, float]:
    """The median CPU per request of each endpoint, in ms, with the code in `root` (a process of its own)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", database_url, "--rounds", str(rounds)],
                          cwd=root, env=env, check=True, capture_output=True, text=True)
    spent: dict[str, list[float]] = json.loads(done.stdout.splitlines()[-1])
    return {endpoint: statistics.median(values) * 1000 for endpoint, values in spent.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300, help="rounds of list, page and three saves (default 300)")
    parser.add_argument("--compare", metavar="REF", default="", help="also measure the code of git ref REF (the code before)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server for the throw-away database (default postgres://postgres@127.0.0.1:5432)")
    parser.add_argument("--measure", metavar="DATABASE_URL", help=argparse.SUPPRESS)  # the child process's part
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure, args.rounds))))
        return 0

    with throwaway_postgres(args.postgres, "seminar_reviewer") as database_url:
        print(f"Database {database_url.rsplit('/', 1)[1]} (dropped at the end); filling it…", flush=True)
        asyncio.run(fill(database_url))
        codes = [("this checkout", PROJECT_ROOT)]
        with checkout(args.compare) if args.compare else tempfile.TemporaryDirectory() as before_root:
            if args.compare:
                codes = [(f"before ({args.compare})", Path(before_root)), *codes] * 2
            results: dict[str, list[dict[str, float]]] = {}
            for name, root in codes:
                load = os.getloadavg()[0]
                results.setdefault(name, []).append(run(root, database_url, args.rounds))
                print(f"{name}, load average {load:.1f}: " + ", ".join(
                    f"{endpoint} {ms:.2f} ms" for endpoint, ms in results[name][-1].items()), flush=True)
    print(f"\nMedian CPU per request, {args.rounds} rounds (ms):")
    print(f"{'endpoint':<36}" + "".join(f"{name:>24}" for name in results))
    weights = {ENDPOINTS[0]: 1, ENDPOINTS[1]: 1, ENDPOINTS[2]: 3}  # a round, as bench/load.py's reviewers play it
    rows = {endpoint: [statistics.mean(run_[endpoint] for run_ in runs) for runs in results.values()] for endpoint in ENDPOINTS}
    rows["a round's request, on average"] = [sum(rows[e][i] * w for e, w in weights.items()) / sum(weights.values())
                                             for i in range(len(results))]
    for label, figures in rows.items():
        ratio = f"   × {figures[1] / figures[0]:.2f}" if len(figures) == 2 else ""
        print(f"{label:<36}" + "".join(f"{figure:>24.2f}" for figure in figures) + ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
