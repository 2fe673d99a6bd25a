"""argon2id password hashes.

Hashing takes about 0.3 s of CPU by design: request handlers use the `async` versions, which
run it in a thread so one login does not stall every other request of the process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Compared against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)  # raises unless the password matches
    except (VerificationError, InvalidHashError):
        return False
    return bool(password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


def configure_hasher(**parameters: Any) -> None:
    """Change the cost (tests use a cheap one: the hashes still are real argon2id)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(**parameters)
    _DUMMY_HASH = _hasher.hash("not a real password")
