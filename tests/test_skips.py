"""A run that skips tests says so at its end, with the reason, even under -q."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import skip_summary
from tests.patience import patience

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_skip_reasons_are_counted_most_frequent_first() -> None:
    reasons = ["Skipped: no browser", "Skipped: no schemas", "Skipped: no schemas"]

    assert skip_summary(reasons) == ["2 tests skipped: no schemas", "1 test skipped: no browser"]


def test_a_clone_without_the_shared_folder_ends_its_run_saying_what_was_skipped(tmp_path: Path) -> None:
    environment = {**os.environ, "SEMINAR_SHARED_DIR": str(tmp_path / "no-shared-here")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/agenda/test_exports.py"],
        cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=patience(120),
    )

    last_lines = run.stdout.strip().splitlines()[-3:]
    assert run.returncode == 0, run.stdout[-2000:]
    assert any(
        line.endswith("tests skipped: the frab schemas are not here: "
                      f"{tmp_path / 'no-shared-here' / 'schemas' / 'frab'} is missing (a clone outside the shared setting)")
        for line in last_lines
    ), last_lines
