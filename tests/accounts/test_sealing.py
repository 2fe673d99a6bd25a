"""Sealed secrets open only with the same SECRET_KEY, for the same purpose, unaltered."""

from __future__ import annotations

import base64

import pytest

from seminar.accounts.sealing import SealError, seal, unseal

SECRET = b"\x01\x02 twenty bytes here!"


def test_a_sealed_secret_opens_with_the_same_key_and_purpose() -> None:
    token = seal(SECRET, "key-one", "totp:7")

    assert unseal(token, "key-one", "totp:7") == SECRET
    assert SECRET not in token.encode()
    assert seal(SECRET, "key-one", "totp:7") != token  # a fresh nonce every time


@pytest.mark.parametrize(("key", "purpose"), [("key-two", "totp:7"), ("key-one", "totp:8")])
def test_another_key_or_purpose_does_not_open_it(key: str, purpose: str) -> None:
    token = seal(SECRET, "key-one", "totp:7")

    with pytest.raises(SealError):
        unseal(token, key, purpose)


@pytest.mark.parametrize("token", ["", "v1:", "v1:not base64!", "v2:AAAA", "plain text"])
def test_garbage_does_not_open(token: str) -> None:
    with pytest.raises(SealError):
        unseal(token, "key-one", "totp:7")


def test_an_altered_token_does_not_open() -> None:
    version, _colon, body = seal(SECRET, "key-one", "totp:7").partition(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[20] ^= 1
    flipped = f"{version}:" + base64.urlsafe_b64encode(bytes(raw)).decode()

    with pytest.raises(SealError):
        unseal(flipped, "key-one", "totp:7")
