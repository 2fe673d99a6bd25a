"""The check-in token a badge's QR code carries: who, for which seminar, signed with SECRET_KEY.

The token names the seminar and the person and nothing else readable; it is signed (itsdangerous,
HMAC with the app's SECRET_KEY and a salt of its own, so no other signed value of the app passes
for one) and dated, so a check-in page can refuse a forged one and, with `max_age`, an old one.
Whether a token was already used is the check-in's record to keep, not the token's.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CHECKIN_SALT = "seminar.checkin"
# Where a scanned badge leads: the check-in page of the seminar, the token in the path.
CHECKIN_PATH = "/{slug}/checkin/{token}"


@dataclass(frozen=True)
class CheckinClaim:
    seminar_id: int
    user_id: int


class InvalidToken(Exception):
    """Forged, damaged, for another purpose, or (`expired`) older than allowed."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def checkin_token(secret_key: str, seminar_id: int, user_id: int) -> str:
    return URLSafeTimedSerializer(secret_key, salt=CHECKIN_SALT).dumps([seminar_id, user_id])


def read_checkin_token(secret_key: str, token: str, max_age_seconds: int | None = None) -> CheckinClaim:
    """The claim the token carries; InvalidToken when it is not one of ours or is older than `max_age_seconds`."""
    serializer = URLSafeTimedSerializer(secret_key, salt=CHECKIN_SALT)
    try:
        seminar_id, user_id = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise InvalidToken(expired=True) from error
    except (BadSignature, ValueError, TypeError) as error:
        raise InvalidToken() from error
    if not isinstance(seminar_id, int) or not isinstance(user_id, int):
        raise InvalidToken()
    return CheckinClaim(seminar_id, user_id)


BADGE_PATH = re.compile(r"/[^/]+/checkin/[^/]+/?")
BARE_TOKEN = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){2}")


def is_badge_text(scanned: str) -> bool:
    """Whether a scanned QR code's text has the shape of a badge's: a check-in address (…/<slug>/checkin/<token>)
    or a bare token. A shop's web address, a WeChat or Wi-Fi code has not; whether the token is genuine is
    `read_checkin_token`'s question.

    >>> is_badge_text("https://example.com/gd-2026/checkin/WzEsMl0.aBc.dEf"), is_badge_text("https://example.com/")
    (True, False)
    """
    scanned = scanned.strip()
    return bool(BADGE_PATH.fullmatch(urlsplit(scanned).path) or BARE_TOKEN.fullmatch(scanned))


def checkin_url(base_url: str, slug: str, token: str) -> str:
    return base_url.rstrip("/") + CHECKIN_PATH.format(slug=slug, token=token)


# No 0/O, 1/I/L: a code read aloud or typed from a badge in a hurry is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def checkin_code(secret_key: str, seminar_id: int, user_id: int) -> str:
    """The short code printed on a badge under its QR code (e.g. "K7QMX"), typed in when the camera fails.

    Derived from SECRET_KEY, the seminar and the person, so it needs no storage; staff find the person
    whose code it is among the seminar's people (`code_matches`). It is a finding aid, not a credential:
    only staff may use it, and a mistyped code matches nobody (31⁵ ≈ 2.9×10⁷ codes for a few hundred people).
    """
    digest = hmac.new(secret_key.encode(), f"checkin-code:{seminar_id}:{user_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    characters = []
    for _position in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        characters.append(CODE_ALPHABET[index])
    return "".join(characters)


def normalise_code(typed: str) -> str:
    """What staff typed, as a code: upper case, without spaces or dashes; O and I read as 0 and 1 never occur."""
    return "".join(c for c in typed.upper() if c.isalnum())
