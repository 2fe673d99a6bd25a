"""The directory where each process of the site writes its metrics (prometheus-client's multiprocess
mode), so that a scrape answered by any uvicorn worker adds up all of them.

prometheus-client decides between one process and many when it is first imported, from the
environment variable PROMETHEUS_MULTIPROC_DIR; `seminar serve` sets it (and uvicorn's worker
processes inherit it) before anything imports the library. Hence this module imports nothing of it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_PID_IN_NAME = re.compile(r"_(\d+)\.db$")


def metrics_directory(data_dir: Path) -> Path:
    return data_dir / "metrics"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: running
    return True


def remove_stopped_processes(directory: Path) -> None:
    """What processes that have ended left in the directory: a previous run's counts would be added to
    this one's. A `seminar worker` still running keeps its files."""
    for path in directory.glob("*.db"):
        match = _PID_IN_NAME.search(path.name)
        if match is None or not _running(int(match.group(1))):
            path.unlink(missing_ok=True)


def use_directory(directory: Path, clean: bool) -> None:
    """Every process started from now on (and this one) writes its metrics into `directory`."""
    if "prometheus_client" in sys.modules and os.environ.get(VARIABLE) != str(directory):
        raise RuntimeError("prometheus_client was imported before its multiprocess directory was set")
    directory.mkdir(parents=True, exist_ok=True)
    if clean:
        remove_stopped_processes(directory)
    os.environ[VARIABLE] = str(directory)


def directory_in_use() -> str | None:
    """The directory this process writes its metrics to, None when it counts for itself alone."""
    return os.environ.get(VARIABLE) or None
