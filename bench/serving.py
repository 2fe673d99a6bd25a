"""What the benchmarks share: the production server command on a free loopback port, and a
throw-away PostgreSQL database.

Imported as a plain module (`from serving import served`): `python bench/x.py` puts bench/ first
on the path.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import asyncpg

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 120) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # loopback only
        return bytes(response.read())


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


class Server(NamedTuple):
    url: str
    pid: int


@contextlib.contextmanager
def served(
    database_url: str, data_dir: str, workers: int, log: Path | None = None, root: Path = PROJECT_ROOT
) -> Iterator[Server]:
    """`seminar serve --workers N` (no migration, no background worker) until the block ends.

    The server's output goes to `log` (discarded without one). `root`: the checkout whose code is
    served (another git ref's, from `checkout`), with this one's packages."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "BASE_URL": base,
        "RUN_WORKER": "false", "DATA_DIR": data_dir, "PYTHONPATH": str(root),
    }
    command = [sys.executable, "-m", "seminar.cli", "serve", "--workers", str(workers), "--port", str(port), "--no-migrate"]
    with open(log, "wb") if log else open(os.devnull, "wb") as output:
        server = subprocess.Popen(command, env=environment, cwd=root, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_for(f"{base}/healthz")
            yield Server(base, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """The code of git `ref` in a temporary detached worktree, removed when the block ends: the
    "before" of a before-and-after measured in the same run (same hour, same load)."""
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="seminar-ref-")) / "checkout"
    subprocess.run(["git", "-C", str(PROJECT_ROOT), "worktree", "add", "--detach", "--quiet", str(directory), ref],
                   check=True)
    try:
        yield directory
    finally:
        subprocess.run(["git", "-C", str(PROJECT_ROOT), "worktree", "remove", "--force", str(directory)], check=False)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and all its descendants so far (Linux /proc)."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """User and system CPU time, apart, of a process and all its descendants so far (Linux /proc):
    the system share is the kernel's work for the process (sockets, polling), which Python cannot save."""
    user, system, pending = 0.0, 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            user += int(fields[11]) / os.sysconf("SC_CLK_TCK")
            system += int(fields[12]) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
    return user, system


async def _admin(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def throwaway_postgres(server_url: str, prefix: str) -> Iterator[str]:
    """A new empty database on the server (`postgres://user@host:port`), dropped when the block ends."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server_url}/{name}"
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
