"""How long a test waits for something slow: a guard against a hang, never a speed test.

Each wait is written as the time the step takes on a quiet machine, with room, and then
stretched by `SLOWER_MACHINE`: the suite must hold on a machine three times slower than usual
(a CI machine under load has been), and `TEST_PATIENCE` stretches it further where needed.
"""

from __future__ import annotations

import os

SLOWER_MACHINE = float(os.environ.get("TEST_PATIENCE", "3"))


def patience(seconds: float) -> float:
    """`seconds` of waiting, stretched for a slow machine."""
    return seconds * SLOWER_MACHINE
