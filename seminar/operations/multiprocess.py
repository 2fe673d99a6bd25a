"""The directory where each process of `seminar serve` writes its metrics (prometheus-client's
multiprocess mode), so that a scrape answered by any uvicorn worker adds up all of them.

prometheus-client decides between one process and many when it is first imported, from the
environment variable PROMETHEUS_MULTIPROC_DIR; `seminar serve` sets it (and uvicorn's worker
processes inherit it) before anything imports the library. Hence this module imports nothing of it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def metrics_directory(data_dir: Path) -> Path:
    return data_dir / "metrics"


def use_directory(directory: Path) -> None:
    """This process and every process started from it write their metrics into `directory`, emptied
    first: what a previous run left would be added to this one's counts (and in a container, whose
    process ids repeat at every start, even be counted on by a new process of the same id)."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess directory was set")
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        path.unlink(missing_ok=True)
    os.environ[VARIABLE] = str(directory)


def directory_in_use() -> str | None:
    """The directory this process writes its metrics to, None when it counts for itself alone."""
    return os.environ.get(VARIABLE) or None
