"""How long a login must wait after too many recent failures (pure: timestamps in, minutes out)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def minutes_to_wait(
    failures: Sequence[dt.datetime], limit: int, window: dt.timedelta, now: dt.datetime
) -> int:
    """0 when another attempt is allowed; otherwise whole minutes until enough failures age out.

    `failures` are the times of recent failed attempts in any order. With `limit` failures inside
    the window, the next attempt is allowed once the oldest one that keeps the count at the limit
    leaves the window.
    """
    recent = sorted(at for at in failures if at > now - window)
    if len(recent) < limit:
        return 0
    blocking = recent[len(recent) - limit]
    seconds = (blocking + window - now).total_seconds()
    return max(1, math.ceil(seconds / 60))
