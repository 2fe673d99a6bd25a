"""Time-based one-time passwords (RFC 6238 over RFC 4226) and recovery codes: pure, no ORM, no web.

The authenticator app and the site share a random secret; both derive a 6-digit code from it and
the current 30-second time step. Recovery codes are long random strings for the day the phone is
lost: the site keeps only their SHA-256 (they carry 80 random bits, so a slow hash adds nothing).
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import struct
import unicodedata
from urllib.parse import quote, urlencode

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


def hotp(secret: bytes, counter: int, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226: HMAC of the counter, dynamically truncated to `digits` decimal digits."""
    digest = hmac.new(secret, struct.pack(">Q", counter), algorithm).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(now: float, step_seconds: int = STEP_SECONDS) -> int:
    return int(now // step_seconds)


def totp(secret: bytes, now: float, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 6238: the HOTP of the current 30-second step since the Unix epoch."""
    return hotp(secret, time_step(now), digits, algorithm)


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
    typed = normalize_code(code)
    current = time_step(now)
    found = None
    for step in range(current - drift, current + drift + 1):
        # Compare every candidate, so the time taken does not say which one matched.
        if hmac.compare_digest(hotp(secret, step), typed):
            found = step
    return found


def provisioning_uri(secret: bytes, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}", safe="@")
    query = urlencode(
        {"secret": secret_text(secret), "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


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

