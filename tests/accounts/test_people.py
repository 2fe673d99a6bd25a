from __future__ import annotations

import pytest

from seminar.accounts.people import PersonStatus, is_valid_phone, normalize_email, password_problem, person_status


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
    ("password", "confirmation", "expected"),
    [
        ("correct horse", "correct horse", None),
        ("short", "short", "密码至少须有 10 个字符。"),
        ("Zhang@Example.org", "Zhang@Example.org", "密码不能与电子邮箱相同。"),
        ("correct horse", "correct house", "两次输入的密码不一致。"),
        ("Password123", "Password123", "密码过于简单：请勿使用常见密码或基于电子邮箱的密码。"),
        ("woaini1314", "woaini1314", "密码过于简单：请勿使用常见密码或基于电子邮箱的密码。"),
        ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "密码过于简单：请勿使用常见密码或基于电子邮箱的密码。"),
        ("lishi-2026-xyz", "lishi-2026-xyz", None),
        ("wangfang2026!", "wangfang2026!", None),
    ],
)
def test_password_problem(password: str, confirmation: str, expected: str | None) -> None:
    assert password_problem(password, confirmation, "zhang@example.org") == expected


def test_password_based_on_the_email_name_is_refused() -> None:
    assert password_problem("wangfang2026", "wangfang2026", "wangfang@example.org") == (
        "密码过于简单：请勿使用常见密码或基于电子邮箱的密码。"
    )


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("zhuhai1234", "zhuhai.clerk@example.org"),  # a piece of the name, not the whole name
        ("Clerk-Office-77", "zhuhai.clerk@example.org"),
        ("huizhou_2026_ok", "huizhou_zhb@example.org"),
        ("mail-20261125x", "chen20261125@example.org"),  # the digits of the name are a piece too
    ],
)
def test_password_containing_a_piece_of_the_email_name_is_refused(password: str, email: str) -> None:
    assert password_problem(password, password, email) == "密码过于简单：请勿使用常见密码或基于电子邮箱的密码。"


def test_pieces_shorter_than_four_characters_do_not_count() -> None:
    assert password_problem("li-ming-harbour", "li-ming-harbour", "li.zx@example.org") is None


@pytest.mark.parametrize(
    ("is_active", "has_password", "expected"),
    [(True, False, PersonStatus.INVITED), (True, True, PersonStatus.ACTIVE), (False, True, PersonStatus.DEACTIVATED)],
)
def test_person_status(is_active: bool, has_password: bool, expected: PersonStatus) -> None:
    assert person_status(is_active, has_password) == expected
