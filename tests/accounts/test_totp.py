"""RFC 4226 and RFC 6238 test vectors (the codes are pyotp's), drift, recovery codes and the otpauth address."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from seminar.accounts import totp

RFC_SEED_SHA1 = b"12345678901234567890"
RFC_SEED_SHA256 = b"12345678901234567890123456789012"
RFC_SEED_SHA512 = b"1234567890123456789012345678901234567890123456789012345678901234"


@pytest.mark.parametrize(
    ("counter", "expected"),
    list(enumerate(["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"])),
)
def test_rfc4226_hotp_vectors(counter: int, expected: str) -> None:
    assert totp.hotp(RFC_SEED_SHA1, counter) == expected


@pytest.mark.parametrize(
    ("now", "sha1", "sha256", "sha512"),
    [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ],
)
def test_rfc6238_totp_vectors(now: int, sha1: str, sha256: str, sha512: str) -> None:
    assert totp.totp(RFC_SEED_SHA1, now, digits=8) == sha1
    assert totp.totp(RFC_SEED_SHA256, now, digits=8, algorithm="sha256") == sha256
    assert totp.totp(RFC_SEED_SHA512, now, digits=8, algorithm="sha512") == sha512


def test_six_digit_codes_are_the_last_six_of_the_eight() -> None:
    assert totp.totp(RFC_SEED_SHA1, 1111111109) == "081804"


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_a_code_is_accepted_one_step_either_side(offset: int, accepted: bool) -> None:
    now = 1_700_000_015.0
    step = totp.time_step(now)
    code = totp.hotp(RFC_SEED_SHA1, step + offset)

    assert totp.matching_step(RFC_SEED_SHA1, code, now) == (step + offset if accepted else None)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5", "١٢٣٤٥٦"])
def test_what_is_not_six_digits_matches_nothing(typed: str) -> None:
    assert totp.matching_step(RFC_SEED_SHA1, typed, 59) is None


def test_a_code_typed_with_spaces_or_full_width_digits_is_the_same_code() -> None:
    code = totp.totp(RFC_SEED_SHA1, 59)
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    assert totp.matching_step(RFC_SEED_SHA1, f" {code[:3]} {code[3:]} ", 59) == 1
    assert totp.matching_step(RFC_SEED_SHA1, full_width, 59) == 1


def test_new_secrets_are_160_random_bits_and_read_back_from_their_text() -> None:
    secret = totp.new_secret()
    text = totp.secret_text(secret)

    assert len(secret) == 20 and secret != totp.new_secret()
    assert len(text) == 32 and "=" not in text
    assert base64.b32decode(text) == secret
    assert totp.grouped("JBSWY3DPEHPK3PXP") == "JBSW Y3DP EHPK 3PXP"


def test_recovery_codes_are_ten_distinct_and_hashed_whatever_their_spelling() -> None:
    codes = totp.new_recovery_codes()

    assert len(set(codes)) == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    code = codes[0]
    typed = " " + code.replace("-", " ").upper() + " "
    assert totp.recovery_code_hash(typed) == totp.recovery_code_hash(code)
    assert totp.recovery_code_hash(codes[1]) != totp.recovery_code_hash(code)
    assert code not in totp.recovery_code_hash(code)
    assert not totp.looks_like_totp(code)


def test_the_provisioning_uri_carries_what_an_authenticator_app_needs() -> None:
    uri = totp.provisioning_uri(RFC_SEED_SHA1, "li.ming@example.org", "研讨班")
    parts = urlsplit(uri)
    query = parse_qs(parts.query)

    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert unquote(parts.path) == "/研讨班:li.ming@example.org"
    # SHA-1, 6 digits and 30 s are what the key URI format assumes when the address leaves them out.
    assert query == {"secret": [totp.secret_text(RFC_SEED_SHA1)], "issuer": ["研讨班"]}
    assert (totp.DIGITS, totp.STEP_SECONDS) == (6, 30)
