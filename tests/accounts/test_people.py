from __future__ import annotations

import pytest

from seminar.accounts.people import PersonStatus, is_valid_phone, normalize_email, person_status


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("13800138000", True),
        ("19912345678", True),
        ("138 0013 8000", True),
        ("020-12345678", True),
        ("0755-1234567", True),
        ("020-12345678-801", True),
        ("12800138000", False),  # no mobile numbers start with 12
        ("1380013800", False),
        ("02012345678", False),  # a landline needs its hyphen after the area code
        ("20-12345678", False),
        ("电话", False),
    ],
)
def test_is_valid_phone(phone: str, valid: bool) -> None:
    assert is_valid_phone(phone) is valid


def test_normalize_email_lowers_and_refuses_non_addresses() -> None:
    assert normalize_email(" WangFang@Example.ORG ") == "wangfang@example.org"
    with pytest.raises(ValueError):
        normalize_email("wangfang.example.org")


@pytest.mark.parametrize(
    ("is_active", "has_password", "expected"),
    [(True, False, PersonStatus.INVITED), (True, True, PersonStatus.ACTIVE), (False, True, PersonStatus.DEACTIVATED)],
)
def test_person_status(is_active: bool, has_password: bool, expected: PersonStatus) -> None:
    assert person_status(is_active, has_password) == expected
