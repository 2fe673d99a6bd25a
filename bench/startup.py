"""Start-up: `seminar serve --workers N` on a busy machine, and `seminar proceedings build` on an
unchanged book (goal 5 of issue 18), for this checkout and, with `--compare REF`, git ref REF:

    uv run python bench/startup.py [--workers 2] [--runs 3] [--compare REF] [--database-url URL]

It fills a temporary SQLite database with the demo seminar and its book (a few minutes on a
loaded machine; `--database-url` reuses one whose book is built), then for each checkout:
builds the book once (unchanged inputs answer from the last build), and runs the command `--runs`
times, printing its wall-clock time, the moment it prints its answer, and its CPU time; then starts
`seminar serve --workers N` and waits until every worker has said "Application startup complete",
counting uvicorn's "Child process died" messages on the way. Each line carries the load average;
the last lines say for each checkout whether goal 5 is met: the median answer within a second of
the command's start, interpreter and imports included, and no worker killed.
A checkout of REF has no compiled bytecode, as a checkout before `seminar setup` compiled it.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import PROJECT_ROOT, checkout, free_port

SLUG = "gd-2021"
# Goal 5 of issue 18: the command says "nothing changed" within this many seconds of being started.
ANSWER_SECONDS = 1.0


def environment(database_url: str, data_dir: str, root: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "DATA_DIR": data_dir,
            "RUN_WORKER": "false", "PYTHONPATH": str(root)}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def unchanged_build(database_url: str, data_dir: str, root: Path) -> tuple[float, float, float]:
    """Wall seconds, seconds until the answer was printed, CPU seconds of one `proceedings build`."""
    cpu, started = children_cpu(), time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "seminar.cli", "proceedings", "build", SLUG], cwd=root,
                               env=environment(database_url, data_dir, root), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    answered = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Build #") and answered is None:
            answered = time.monotonic() - started
    process.wait()
    return time.monotonic() - started, answered or float("nan"), children_cpu() - cpu


def serve_start(database_url: str, data_dir: str, root: Path, workers: int) -> tuple[float, int]:
    """Seconds until every worker completed its start-up, and how many workers uvicorn killed meanwhile."""
    log = Path(data_dir) / f"serve-{time.monotonic_ns()}.log"
    command = [sys.executable, "-m", "seminar.cli", "serve", "--workers", str(workers), "--port", str(free_port()),
               "--no-migrate"]
    started = time.monotonic()
    with open(log, "wb") as output:
        server = subprocess.Popen(command, cwd=root, env=environment(database_url, data_dir, root),
                                  stdout=output, stderr=subprocess.STDOUT)
        try:
            while time.monotonic() - started < 300:
                text = log.read_text(errors="replace")
                if text.count("Application startup complete") >= workers:
                    return time.monotonic() - started, text.count("died")
                time.sleep(0.1)
            return float("inf"), log.read_text(errors="replace").count("died")
        finally:
            server.terminate()
            server.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", metavar="REF", default="")
    parser.add_argument("--database-url", default="", help="a database with the demo seminar's book built")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seminar-startup-") as directory:
        database_url = args.database_url or f"sqlite://{directory}/demo.sqlite3"
        if not args.database_url:
            print("Filling the demo seminar and typesetting its book…", flush=True)
            env = environment(database_url, directory, PROJECT_ROOT)
            subprocess.run([sys.executable, "-m", "seminar.cli", "migrate"], env=env, cwd=PROJECT_ROOT, check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run([sys.executable, "-m", "seminar.cli", "demo"], env=env, cwd=PROJECT_ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        roots = {"this checkout": PROJECT_ROOT}
        with checkout(args.compare) if args.compare else open(os.devnull) as other:
            if args.compare:
                roots = {f"before: {args.compare}": Path(other), **roots}  # type: ignore[arg-type]
            verdicts = []
            for name, root in roots.items():
                unchanged_build(database_url, directory, root)  # a changed input (the code) builds once
                answers, cpus = [], []
                for _run in range(args.runs):
                    wall, answered, cpu = unchanged_build(database_url, directory, root)
                    answers.append(answered)
                    cpus.append(cpu)
                    print(f"{name:<22} proceedings build, unchanged book: answer after {answered:5.2f} s, "
                          f"exit after {wall:5.2f} s, CPU {cpu:5.2f} s · load {os.getloadavg()[0]:.1f}", flush=True)
                seconds, died = serve_start(database_url, directory, root, args.workers)
                print(f"{name:<22} serve --workers {args.workers}: all up after {seconds:5.1f} s, "
                      f"{died} killed by the health check · load {os.getloadavg()[0]:.1f}", flush=True)
                answer = statistics.median(answers)
                verdicts.append(
                    f"{name}: proceedings build answers in {answer:.2f} s (median; CPU {statistics.median(cpus):.2f} s) — "
                    f"{'met' if answer < ANSWER_SECONDS else 'NOT MET'}; serve --workers {args.workers} up in "
                    f"{seconds:.1f} s, {died} killed — {'met' if died == 0 and math.isfinite(seconds) else 'NOT MET'}"
                )
            print(f"goal 5 (unchanged book answered in under {ANSWER_SECONDS:g} s from the command's start; "
                  "every worker up without a health-check kill):")
            for verdict in verdicts:
                print(f"  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
