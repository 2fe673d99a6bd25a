"""Time-based one-time passwords (RFC 6238 over RFC 4226) and recovery codes: pure, no ORM, no web.

The authenticator app and the site share a random secret; both derive a 6-digit code from it and
the current 30-second time step. The codes themselves are pyotp's (a maintained, widely reviewed
implementation); what is ours is what a person types (spaces, full-width digits), the window of
steps accepted, and the recovery codes. Recovery codes are long random strings for the day the
phone is lost: the site keeps only their SHA-256 (they carry 80 random bits, so a slow hash adds
nothing).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import unicodedata

import pyotp
from pyotp.exceptions import OTPVerificationError

from seminar.accounts.tokens import token_hash

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits: the key length RFC 4226 recommends for HMAC-SHA1
# A phone's clock may be a little off, and typing takes time: accept the step before and after.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_GROUPS = 4
_RECOVERY_GROUP_LENGTH = 4  # 16 base32 characters: 80 random bits
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_SEPARATORS = re.compile(r"[\s\-]+")


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def secret_text(secret: bytes) -> str:
    """The secret as authenticator apps take it by hand: base32 without padding."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def grouped(text: str, size: int = 4) -> str:
    """`JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`: easier to read out and type."""
    return " ".join(text[start:start + size] for start in range(0, len(text), size))


def _generator(secret: bytes, digits: int = DIGITS, algorithm: str = "sha1") -> pyotp.TOTP:
    return pyotp.TOTP(secret_text(secret), digits=digits, digest=getattr(hashlib, algorithm), interval=STEP_SECONDS)


def hotp(secret: bytes, counter: int, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226: the code of one counter value (for TOTP, the number of the time step)."""
    return _generator(secret, digits, algorithm).generate_otp(counter)


def time_step(now: float) -> int:
    """The number of the 30-second step `now` falls in: the same for every key."""
    return _generator(bytes(SECRET_BYTES)).timecode(now)


def totp(secret: bytes, now: float, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 6238: the HOTP of the current 30-second step since the Unix epoch."""
    return _generator(secret, digits, algorithm).at(now)


def normalize_code(text: str) -> str:
    """What the person typed, without spaces and dashes, lower case (recovery codes are letters).

    NFKC turns the full-width digits and dashes of a Chinese input method into ASCII ones.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).lower()


def looks_like_totp(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: bytes, code: str, now: float, drift: int = DRIFT_STEPS) -> int | None:
    """The time step whose code `code` is, within `drift` steps of now, or None.

    Whether that step was already used is the caller's question: it remembers the last one.
    """
    if not looks_like_totp(code):
        return None
    try:
        return _generator(secret).verify_and_get_timecode(normalize_code(code), for_time=now, valid_window=drift)
    except OTPVerificationError:
        return None


def provisioning_uri(secret: bytes, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return _generator(secret).provisioning_uri(name=account, issuer_name=issuer)


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Fresh codes like `k7m2-qx4p-d9aa-3vtr` (shown once) — store `recovery_code_hash` of each."""
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH
    codes = []
    for _ in range(count):
        letters = "".join(secrets.choice(_BASE32) for _ in range(length))
        codes.append("-".join(letters[start:start + _RECOVERY_GROUP_LENGTH] for start in range(0, length, _RECOVERY_GROUP_LENGTH)))
    return codes


def recovery_code_hash(code: str) -> str:
    """The stored form of a recovery code, whatever spacing, dashes or case it is typed with."""
    return token_hash(normalize_code(code))

