"""One CPU-bound call on untrusted input in a child process, with a CPU-time, a memory and a wall-clock limit.

Converting an upload (mammoth, markdown, nh3) or parsing a spreadsheet (openpyxl) can take
minutes and gigabytes on a crafted file. Run in the web process, it would stop every request
and grow the server for good. Here it runs in a fresh child that:

- gets `RLIMIT_CPU` (the kernel stops it after `cpu_seconds` of CPU time) and `RLIMIT_AS`
  (an allocation past `memory_bytes` fails; Python raises `MemoryError`), no core dumps, and
  a lower scheduling priority, so the web process's own requests go first on a busy machine;
- is killed by the parent after a wall-clock timeout (a child starved of CPU never reaches its
  CPU limit), and stops by itself if the process that waits for it dies;
- runs in the caller's language, so a `UserError` it raises carries a message the caller can
  show as it is (exceptions cross the pipe pickled: class, arguments and attributes).

Start method: `forkserver`. A server process is started once, imports the modules named in
`PRELOAD`, and forks a child for each call: the call costs a fork, not an interpreter start
and the imports (`spawn`), and the child is not a copy of a web process with threads, sockets
and a database pool (`fork` of a threaded process can deadlock on a lock held by another
thread), and `RLIMIT_AS` applies to a small process, not a copy of the web process's address
space. Measured for a call converting a two-paragraph .txt (1.2 ms in process) on the 2-core
test machine, median of 20: fork 13 ms, forkserver 17 ms, spawn 920 ms (each child imports the
app again); with the machine loaded by other test runs (load 8–10): 80, 140 and 4,700 ms.

`run_limited` blocks; `run_limited_async` waits in a thread of a small pool of its own, so at
most `MAX_CONCURRENT` children per process run at once and the event loop stays free.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import resource
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal, TypeVar

from seminar.config import CONVERSION_MEMORY_MB, CONVERSION_SECONDS
from seminar.i18n import get_locale, use_locale

T = TypeVar("T")

START_METHOD = "forkserver"
# Imported once by the fork server, so a child starts with them loaded. A child runs the caller's
# main module again unless the server has it: `seminar` (a script) is "__main__", `python -m
# seminar.cli` is seminar.cli, whose imports then cost nothing.
# What the children use, imported once by the server: intake and the spreadsheets import their
# libraries only when used (a command line that merely reads rows should not pay for them).
PRELOAD = [
    "__main__", "seminar.cli", "seminar.submissions.intake", "seminar.accounts.spreadsheet",
    "mammoth", "markdown_it", "seminar.submissions.images", "openpyxl",
]
MAX_CONCURRENT = max(2, os.cpu_count() or 2)
# A child waiting for a core on a busy machine (it runs at a lower priority) gets this many
# times its CPU limit in wall-clock time before it is killed.
WALL_CLOCK_FACTOR = 3
NICENESS = 10

_executor = ThreadPoolExecutor(max_workers=MAX_CONCURRENT, thread_name_prefix="isolation")


@dataclass(frozen=True)
class Limits:
    """What one call may use. The wall clock allows for a machine whose cores are busy.

    The defaults (`CONVERSION_SECONDS`, `CONVERSION_MEMORY_MB`) are far above what a paper needs:
    a 20 MB .docx of photographs converts in 3 CPU seconds and 480 MB of address space (a child
    starts at about 260 MB, the modules it shares with the fork server included).
    """

    cpu_seconds: int = CONVERSION_SECONDS
    memory_bytes: int = CONVERSION_MEMORY_MB * 1024 * 1024

    @property
    def wall_seconds(self) -> float:
        return float(WALL_CLOCK_FACTOR * self.cpu_seconds)

    @property
    def memory_mb(self) -> int:
        return self.memory_bytes // (1024 * 1024)


class LimitExceeded(Exception):
    """The child used up its time or its memory and was stopped; `kind` says which."""

    def __init__(self, kind: Literal["time", "memory"], limits: Limits) -> None:
        super().__init__(f"the child process exceeded its {kind} limit")
        self.kind = kind
        self.limits = limits


class ChildFailed(Exception):
    """The child died without an answer (a crash in a C library), or raised what cannot be pickled."""


def exit_with_parent(interval: float = 0.5) -> None:
    """Stop this process once its parent is gone (killed): nobody waits for the answer any more.

    A SIGKILLed parent cannot stop its child, and the child would work on for minutes; when
    the parent dies the child is handed to another parent, which this thread notices.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _apply_limits(limits: Limits) -> None:
    # The soft limit sends SIGXCPU, whose default action ends the process; the hard one, a second later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(NICENESS)


def _child(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
    limits: Limits, locale: str, connection: Connection,
) -> None:
    # The fork server is this process's parent; it exits when the caller dies, which this notices.
    exit_with_parent()
    _apply_limits(limits)
    try:
        with use_locale(locale):
            answer: tuple[str, Any] = ("ok", function(*args, **kwargs))
        connection.send(answer)
    except BaseException as error:  # noqa: BLE001 — everything must reach the parent as an answer
        if _ran_out_of_memory(error):
            connection.send(("memory", None))
            return
        try:
            # Sent only if it comes back whole: a subclass whose __init__ takes other arguments would not.
            pickle.loads(pickle.dumps(error))
            connection.send(("raised", error))
        except Exception:  # noqa: BLE001
            connection.send(("failed", f"{type(error).__name__}: {error}"[:500]))
    finally:
        connection.close()


def _ran_out_of_memory(error: BaseException) -> bool:
    """A MemoryError, also one that a library turned into its own error (mammoth's "damaged document")."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@functools.cache
def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the fork server now (it takes a second or two, many on a busy machine), not at the first upload."""
    _context()
    if START_METHOD == "forkserver":
        multiprocessing.forkserver.ensure_running()


# The arguments are not checked against `function` (Callable[..., T]): a ParamSpec cannot have the
# keyword-only `limits` between its *args and **kwargs.
def run_limited(function: Callable[..., T], *args: object, limits: Limits = Limits(), **kwargs: object) -> T:
    """`function(*args, **kwargs)` in a child process under `limits`; its result, or what it raised.

    `function` must be importable by name, and its arguments and result picklable. Raises
    `LimitExceeded` when the child runs out of time or memory, `ChildFailed` when it dies otherwise.

    >>> run_limited(sum, [1, 2, 3], limits=Limits(cpu_seconds=5))
    6
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]  # every concrete context has Process
        target=_child, args=(function, args, kwargs, limits, get_locale(), sender),
        name=f"limited-{getattr(function, '__name__', 'call')}", daemon=True,
    )
    process.start()
    sender.close()
    answered = False
    try:
        if not receiver.poll(limits.wall_seconds):
            raise LimitExceeded("time", limits)
        try:
            status, payload = receiver.recv()
            answered = True
        except EOFError:
            process.join(5)
            if process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
                raise LimitExceeded("time", limits) from None
            raise ChildFailed(f"the child process ended without an answer (exit code {process.exitcode})") from None
    finally:
        # Once it has answered the child only exits (its parent, the fork server, collects it);
        # without an answer it must not go on.
        if not answered:
            process.kill()
            process.join()
        receiver.close()
    if status == "ok":
        return payload
    if status == "memory":
        raise LimitExceeded("memory", limits)
    if status == "raised":
        raise payload
    raise ChildFailed(payload)


async def run_limited_async(
    function: Callable[..., T], *args: object, limits: Limits = Limits(), **kwargs: object
) -> T:
    """`run_limited` from the event loop: a thread of the isolation pool waits, the loop goes on."""
    call = functools.partial(run_limited, function, *args, limits=limits, **kwargs)
    locale = get_locale()
    return await asyncio.get_running_loop().run_in_executor(_executor, functools.partial(_in_locale, locale, call))


def _in_locale(locale: str, call: Callable[[], T]) -> T:
    # Executor threads do not inherit the request's context; the child must speak its language.
    with use_locale(locale):
        return call()
