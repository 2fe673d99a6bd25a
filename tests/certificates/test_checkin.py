"""The check-in token on a badge: it reads back to its seminar and person, and nothing else passes for one."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from seminar.certificates.checkin import (
    CheckinClaim, InvalidToken, checkin_token, checkin_url, read_checkin_token,
)

SECRET = "test-secret"


def test_a_token_reads_back_to_its_seminar_and_person() -> None:
    assert read_checkin_token(SECRET, checkin_token(SECRET, 3, 42)) == CheckinClaim(3, 42)


@pytest.mark.parametrize("forged", [
    checkin_token("another-secret", 3, 42),  # signed with another key
    URLSafeTimedSerializer(SECRET, salt="agenda.person").dumps([3, 42]),  # another signed value of the app
    URLSafeSerializer(SECRET).dumps([3, 42]),  # unsalted, undated
    checkin_token(SECRET, 3, 42)[:-2] + "xx",  # damaged
    URLSafeTimedSerializer(SECRET, salt="seminar.checkin").dumps(["3", "42"]),  # our signature, not our shape
    "",
])
def test_a_forged_or_foreign_token_is_refused(forged: str) -> None:
    with pytest.raises(InvalidToken) as refused:
        read_checkin_token(SECRET, forged)

    assert refused.value.expired is False


def test_an_old_token_is_refused_as_expired_when_an_age_is_given() -> None:
    token = checkin_token(SECRET, 3, 42)
    time.sleep(1.1)

    with pytest.raises(InvalidToken) as refused:
        read_checkin_token(SECRET, token, max_age_seconds=0)

    assert refused.value.expired is True
    assert read_checkin_token(SECRET, token, max_age_seconds=3600) == CheckinClaim(3, 42)


def test_the_url_is_the_seminar_s_check_in_page() -> None:
    assert checkin_url("https://example.org/", "gd-2021", "abc") == "https://example.org/gd-2021/checkin/abc"
