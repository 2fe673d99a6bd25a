from __future__ import annotations

import datetime as dt

import pytest

from seminar.accounts.throttle import minutes_to_wait

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(minutes=15)


def ago(minutes: float) -> dt.datetime:
    return NOW - dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("failures", "limit", "expected"),
    [
        ([], 5, 0),
        ([ago(1)] * 4, 5, 0),  # one attempt left
        ([ago(1)] * 5, 5, 14),  # the newest of the five blocks for the rest of the window
        ([ago(10)] * 5, 5, 5),
        ([ago(14.5)] * 5, 5, 1),  # less than a minute left still says one minute
        ([ago(16)] * 5, 5, 0),  # all outside the window
        ([ago(16), ago(16), ago(12), ago(11), ago(10), ago(9)], 3, 4),  # wait until only two are left
    ],
)
def test_minutes_to_wait(failures: list[dt.datetime], limit: int, expected: int) -> None:
    assert minutes_to_wait(failures, limit, WINDOW, NOW) == expected
