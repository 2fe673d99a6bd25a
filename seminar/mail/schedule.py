"""When to try a mail again: pure arithmetic on the retry delays, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

# An SMTP reply in the 5xx range means "this will never work as it is" (unknown mailbox,
# malformed address): retrying on a schedule only delays the organizer's fix.
PERMANENT_CODES = range(500, 600)


def next_attempt_at(
    attempts_made: int, delays: Sequence[int], now: dt.datetime, permanent: bool = False
) -> dt.datetime | None:
    """The time of the next try after `attempts_made` failed tries, or None to give up.

    `delays[i]` is the wait after the (i+1)-th failure; after the last delay's try fails
    too, the mail is given up (FAILED), so a mail gets `len(delays) + 1` tries in all.

    >>> next_attempt_at(1, (60, 300), dt.datetime(2026, 1, 1, 12, 0))
    datetime.datetime(2026, 1, 1, 12, 1)
    """
    assert attempts_made >= 1, "call this after recording a failed try"
    if permanent or attempts_made > len(delays):
        return None
    return now + dt.timedelta(seconds=delays[attempts_made - 1])


def is_permanent_code(code: int | None) -> bool:
    return code is not None and code in PERMANENT_CODES
