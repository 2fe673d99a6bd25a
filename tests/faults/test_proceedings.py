"""A worker killed (SIGKILL) in the middle of typesetting the 论文集: readers keep getting the book
published before, byte for byte, the typesetting child does not run on, and the build is taken
over once its worker's lease has run out, then finishes in another worker.

The build runs in the real `seminar worker` process, on the test's database; the test waits
until that worker has started its typesetting child, then kills the worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from pathlib import Path

import pytest

from seminar.proceedings import actions
from seminar.proceedings.models import BuildStatus
from seminar.proceedings.worker import build_pending
from seminar.seminars.models import Seminar
from tests.conftest import Client
from tests.factories import make_organizer, make_proceedings_build
from tests.faults.processes import seminar_process, stop
from tests.proceedings.test_actions import TITLES, pdf_of, pdf_text, small_seminar
from tests.patience import patience

PROC = Path("/proc")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


async def typesetting_child(worker_pid: int, timeout: float = patience(90)) -> int:
    """The spawned process in which the worker typesets (not multiprocessing's resource tracker)."""
    for _tick in range(int(timeout / 0.05)):
        for child in children(worker_pid):
            line = command_line(child)
            if "multiprocessing" in line and "resource_tracker" not in line:
                return child
        await asyncio.sleep(0.05)
    raise AssertionError("the worker did not start typesetting")


@pytest.mark.skipif(not PROC.exists(), reason="finding the typesetting child reads /proc (Linux)")
async def test_a_worker_killed_mid_build_leaves_the_published_book_served_and_the_build_is_taken_over(
    database: str, client: Client, tmp_path: Path
) -> None:
    seminar, _papers = await small_seminar()
    await Seminar.filter(id=seminar.id).update(proceedings_public=True)
    published = await make_proceedings_build(seminar)
    book = await pdf_of(published)
    url = f"/{seminar.slug}/proceedings.pdf"
    before = await client.get(url)
    assert (before.status_code, before.content) == (200, book)

    build, _created = await actions.request_build(seminar, None, await make_organizer(seminar))
    worker = seminar_process(["worker"], database, tmp_path / "worker")
    try:
        child = await typesetting_child(worker.pid)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        output = stop(worker)

    await build.refresh_from_db()
    assert build.status == BuildStatus.RUNNING, output  # killed mid-build: nobody finished it
    assert build.claimed_by and build.attempts == 1
    during = await client.get(url, headers={"Accept-Encoding": "identity"})
    assert (during.status_code, during.content, during.headers["etag"]) == (200, book, before.headers["etag"])
    for _tick in range(100):  # the orphaned typesetter notices its worker is gone and stops
        if not running(child):
            break
        await asyncio.sleep(0.1)
    assert not running(child), "the typesetting child outlived its worker"

    # A live worker's build is never taken from it; one whose lease ran out is queued again.
    assert await actions.recover_stale_builds() == 0
    later = dt.datetime.now(dt.UTC) + actions.BUILD_LEASE + dt.timedelta(seconds=1)
    assert await actions.recover_stale_builds(now=later) == 1
    await build.refresh_from_db()
    assert (build.status, build.claimed_by) == (BuildStatus.QUEUED, "")

    assert await build_pending("second-worker") == 1

    await build.refresh_from_db()
    assert (build.status, build.attempts, build.claimed_by) == (BuildStatus.DONE, 2, "second-worker")
    new_book = await pdf_of(build)
    assert all(title in pdf_text(new_book) for title in TITLES)
    after = await client.get(url)
    assert after.content == book  # still the published book until an organizer publishes the new one
    await actions.publish_build(build)
    assert (await client.get(url)).content == new_book
