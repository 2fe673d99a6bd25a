"""The site and its workers as operators run them: `seminar …` in processes of their own."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from seminar.config import PROJECT_ROOT
from tests.faults.network import free_port
from tests.patience import patience


def seminar_process(command: list[str], database_url: str, data_dir: Path, **environment: str) -> subprocess.Popen[str]:
    """`seminar <command>` with the given database, output collected for the test's failure message."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "fault-test-secret",
        "SMTP_HOST": "",
        **environment,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "seminar.cli", *command],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(process: subprocess.Popen[str], timeout: float = patience(20)) -> str:
    """SIGTERM (SIGKILL if it will not go), then its output."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output, _ = process.communicate()
    return output or ""


def wait_until(condition, timeout: float, message: str, interval: float = 0.05) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(interval)


@contextlib.contextmanager
def served_site(database_url: str, data_dir: Path) -> Iterator[str]:
    """`seminar serve` (one uvicorn process, no workers inside) on a free port; yields its base URL."""
    port = free_port()
    process = seminar_process(
        ["serve", "--no-migrate", "--host", "127.0.0.1", "--port", str(port)], database_url, data_dir,
        RUN_WORKER="false", BASE_URL=f"http://127.0.0.1:{port}",
    )
    base_url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"seminar serve ended:\n{stop(process)}")
        try:
            return httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, patience(90), "seminar serve did not answer in time", interval=0.2)
        yield base_url
    except BaseException as error:
        # What the server said is what explains a failure seen from outside it.
        error.add_note(f"seminar serve's output:\n{stop(process)}")
        raise
    finally:
        stop(process)


# ---------- A mail worker in a process of its own ----------


def mail_worker_main(database_url: str, smtp_port: int, name: str, ready: Any) -> None:
    """The real worker loop (`seminar.mail.worker.run_forever`) in a spawned process, with its own
    database connection; it polls every 50 ms and retries every second, so the test runs in seconds
    (`seminar worker` waits 5 s between rounds and a minute before the first retry). SIGTERM stops it."""
    asyncio.run(_mail_worker(database_url, smtp_port, name, ready))


async def _mail_worker(database_url: str, smtp_port: int, name: str, ready: Any) -> None:
    from tortoise import Tortoise

    from seminar.config import Settings
    from seminar.db import tortoise_config
    from seminar.mail.worker import run_forever

    settings = Settings(
        database_url=database_url, smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls="none",
        mail_poll_seconds=0.05, mail_retry_delays=(1,) * 60,
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        ready.set()
        await run_forever(settings, stop, name)
    finally:
        await Tortoise.close_connections()


@contextlib.contextmanager
def mail_workers(database_url: str, smtp_port: int, names: tuple[str, ...]) -> Iterator[None]:
    """Several mail workers at once, each in its own process; stopped (SIGTERM) at the end."""
    context = multiprocessing.get_context("spawn")
    workers = []
    for name in names:
        ready = context.Event()
        process = context.Process(target=mail_worker_main, args=(database_url, smtp_port, name, ready), name=name)
        process.start()
        workers.append((process, ready))
    try:
        for process, ready in workers:
            if not ready.wait(90):
                raise AssertionError(f"mail worker {process.name} did not start within 90 s")
        yield
    finally:
        for process, _ready in workers:
            process.terminate()
        for process, _ready in workers:
            process.join(20)
            if process.is_alive():
                process.kill()
                process.join()
