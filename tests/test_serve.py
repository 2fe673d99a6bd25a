"""`seminar serve --workers N` as an operator runs it: a worker that dies is replaced, and SIGTERM
stops everything (seminar.operations.server supervises them instead of uvicorn's parent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from seminar.config import PROJECT_ROOT
from tests.faults.network import free_port
from tests.faults.processes import wait_until
from tests.patience import patience


def _workers(parent: int) -> set[int]:
    """The parent's worker processes (not multiprocessing's resource tracker)."""
    found = set()
    for task in Path(f"/proc/{parent}/task").iterdir():
        for child in (task / "children").read_text().split():
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                if b"spawn_main" in cmdline.read():
                    found.add(int(child))
    return found


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'site.sqlite3'}", "DATA_DIR": str(tmp_path),
        "SECRET_KEY": "serve-test", "RUN_WORKER": "false", "BASE_URL": url,
    }
    # No migration: /healthz asks the database only for SELECT 1, and the test is about the processes.
    process = subprocess.Popen(
        [sys.executable, "-m", "seminar.cli", "serve", "--workers", "2", "--no-migrate", "--port", str(port)],
        cwd=PROJECT_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_until(lambda: _answers(url) and len(_workers(process.pid)) == 2, patience(120), "serve did not start")
        first = _workers(process.pid)
        killed = min(first)
        os.kill(killed, signal.SIGKILL)

        def replaced() -> bool:
            now = _workers(process.pid)
            return killed not in now and len(now) == 2 and _answers(url)

        wait_until(replaced, patience(120), "the dead worker was not replaced", interval=0.2)
        workers = _workers(process.pid)

        process.send_signal(signal.SIGTERM)
        assert process.wait(patience(30)) == 0
        output = process.communicate()[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert f"Child process [{killed}] died" in output
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # none left behind
