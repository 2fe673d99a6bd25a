from __future__ import annotations

import datetime as dt

import pytest

from seminar.mail.schedule import is_permanent_code, next_attempt_at

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DELAYS = (60, 300, 1800)


@pytest.mark.parametrize(
    ("attempts_made", "permanent", "expected"),
    [
        (1, False, NOW + dt.timedelta(seconds=60)),
        (2, False, NOW + dt.timedelta(seconds=300)),
        (3, False, NOW + dt.timedelta(seconds=1800)),
        (4, False, None),  # the try after the last delay failed too: give up
        (9, False, None),
        (1, True, None),  # a permanent refusal is not retried on a schedule
    ],
)
def test_next_attempt_at(attempts_made: int, permanent: bool, expected: dt.datetime | None) -> None:
    assert next_attempt_at(attempts_made, DELAYS, NOW, permanent) == expected


def test_next_attempt_at_with_no_delays_gives_up_after_the_first_failure() -> None:
    assert next_attempt_at(1, (), NOW) is None


@pytest.mark.parametrize(("code", "expected"), [(250, False), (421, False), (451, False), (550, True), (554, True), (None, False)])
def test_is_permanent_code(code: int | None, expected: bool) -> None:
    assert is_permanent_code(code) is expected
