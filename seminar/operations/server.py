"""`seminar serve`'s processes: uvicorn's server in each, woken only when there is something to do.

Idle, `serve --workers 4` used about 6.7 ms of CPU a second, 4–5% of what the reviewers' load
costs a second (docs/performance.md, issue 18 goal 1): each worker's uvicorn loop woke ten times a
second to see whether it should stop (1.3–1.7 ms a second each), and the parent asked every worker
every half second whether it lived, a message answered by a thread in the worker (1 ms a second).
Here a worker wakes once a second (the Date header is a second's, as uvicorn kept it) and at once
on a signal to stop; the parent sleeps until a signal comes or a worker ends, and asks the workers
whether they answer every `HEALTH_CHECK_SECONDS`, with the same patience as before
(`timeout_worker_healthcheck`, so a worker still starting on a busy machine is not killed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing.connection
import os
import signal
import socket
import time
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Process

# uvicorn's own logger: the parent's lines keep their name and format.
logger = logging.getLogger("uvicorn.error")

TICK_SECONDS = 1.0
# How often the parent asks each worker whether it answers (a worker that ended is seen at once).
HEALTH_CHECK_SECONDS = 10.0
# The signals the parent takes; those without an action here are ignored, as uvicorn's parent did.
PARENT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGTTIN", "SIGTTOU",
                                       "SIGUSR1", "SIGUSR2", "SIGWINCH") if hasattr(signal, name)
)


class Server(uvicorn.Server):
    """uvicorn's server, its housekeeping once a second instead of ten times, and a stop at once."""

    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Future[None] | None = None

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = self._loop.create_future()
        # Tick 0 is the one on which uvicorn does its once-a-second work (the Date header): every tick here.
        while not await self.on_tick(0):
            await asyncio.wait([self._stop], timeout=TICK_SECONDS)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(_settle, self._stop)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _Worker(Process):
    """uvicorn's worker process (its start, health-check answers, end), serving with `Server`."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = Server(config=self.config)
        return self._server


class Supervisor:
    """`serve --workers N`: N worker processes on one socket, each replaced when it ends or stops
    answering, all stopped on SIGINT or SIGTERM; SIGHUP replaces them one by one (each new one
    ready before the old one goes), SIGTTIN and SIGTTOU add and remove one — what uvicorn's
    parent does, without its wake-ups."""

    def __init__(self, config: uvicorn.Config) -> None:
        self.config = config
        self.sockets: list[socket.socket] = []
        self.workers: list[_Worker] = []
        self.signals: list[int] = []

    def run(self) -> None:
        self.sockets = [self.config.bind_socket()]
        logger.info("Started parent process [%d]", os.getpid())
        wake, woken = socket.socketpair()
        for end in (wake, woken):
            end.setblocking(False)
        handlers = {sig: signal.signal(sig, self._asked) for sig in PARENT_SIGNALS}
        previous_wakeup = signal.set_wakeup_fd(woken.fileno())
        try:
            self.workers = [self._start() for _ in range(self.config.workers)]
            self._supervise(wake)
        finally:
            for worker in self.workers:
                worker.terminate()
            for worker in self.workers:
                worker.join()
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            for end in (wake, woken, *self.sockets):
                end.close()
            logger.info("Stopping parent process [%d]", os.getpid())

    def _asked(self, sig: int, frame: FrameType | None) -> None:
        self.signals.append(sig)

    def _start(self) -> _Worker:
        worker = _Worker(self.config, self.sockets)
        worker.start()
        return worker

    def _supervise(self, wake: socket.socket) -> None:
        next_check = time.monotonic() + HEALTH_CHECK_SECONDS
        while True:
            ended = [worker.process.sentinel for worker in self.workers]
            multiprocessing.connection.wait([wake, *ended], timeout=max(0.0, next_check - time.monotonic()))
            with contextlib.suppress(BlockingIOError):
                while wake.recv(64):  # the signals' bytes: the signals themselves are in self.signals
                    pass
            while self.signals:
                if not self._on_signal(self.signals.pop(0)):
                    return
            for index, worker in enumerate(self.workers):
                if worker.exitcode is None:
                    continue
                worker.join()
                if worker.exitcode == STARTUP_FAILURE:  # the app cannot start: every new worker would fail alike
                    logger.error("Child process [%s] failed to start, stopping the parent process.", worker.pid)
                    return
                logger.info("Child process [%s] died", worker.pid)
                self.workers[index] = self._start()
            if time.monotonic() >= next_check:
                for index, worker in enumerate(self.workers):
                    if worker.exitcode is None and not worker.ping(self.config.timeout_worker_healthcheck):
                        worker.kill()
                        worker.join()
                        # "died", as uvicorn says of a worker it killed (bench/startup.py counts them).
                        logger.info("Child process [%s] died (killed: it did not answer for %d s)",
                                    worker.pid, self.config.timeout_worker_healthcheck)
                        self.workers[index] = self._start()
                next_check = time.monotonic() + HEALTH_CHECK_SECONDS

    def _on_signal(self, sig: int) -> bool:
        """Act on a signal the parent got; False: stop."""
        name = signal.Signals(sig).name
        if sig in (signal.SIGINT, signal.SIGTERM):
            logger.info("Received %s, exiting.", name)
            return False
        if sig == getattr(signal, "SIGHUP", None):
            logger.info("Received SIGHUP, restarting processes.")
            self._replace_all()
        elif sig == getattr(signal, "SIGTTIN", None):
            logger.info("Received SIGTTIN, increasing the number of processes.")
            self.workers.append(self._start())
        elif sig == getattr(signal, "SIGTTOU", None) and len(self.workers) > 1:
            logger.info("Received SIGTTOU, decreasing number of processes.")
            worker = self.workers.pop()
            worker.terminate()
            worker.join()
        return True

    def _replace_all(self) -> None:
        for index, old in enumerate(self.workers):
            new = self._start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck):
                new.kill()
                new.join()
                logger.error("New child process [%s] was not ready in time; keeping worker [%s].", new.pid, old.pid)
                return
            old.terminate()
            old.join()
            self.workers[index] = new
