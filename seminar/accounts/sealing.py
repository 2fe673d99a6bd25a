"""Secrets the site must read back (TOTP keys) are stored sealed: AES-256-GCM under a key derived
from SECRET_KEY, so a copy of the database alone (a backup, a dump) does not give them away.

Pure: bytes and strings in and out. The `purpose` (say `totp:42`) is bound to the ciphertext as
associated data: a value sealed for one row or use does not open for another.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
_NONCE_BYTES = 12


class SealError(ValueError):
    """The value was sealed under another SECRET_KEY or for another purpose, or was altered."""


def _key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"seminar sealed secrets v1").derive(secret_key.encode())


def seal(plaintext: bytes, secret_key: str, purpose: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(secret_key)).encrypt(nonce, plaintext, purpose.encode())
    return f"{VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(token: str, secret_key: str, purpose: str) -> bytes:
    version, _colon, body = token.partition(":")
    if version != VERSION:
        raise SealError("unknown format")
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        return AESGCM(_key(secret_key)).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose.encode())
    except (InvalidTag, ValueError) as error:
        raise SealError("cannot be opened with this key") from error
