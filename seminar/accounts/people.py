"""Plain rules about a person's details and account status (no database, no web)."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from seminar.accounts.common_passwords import COMMON_PASSWORDS
from seminar.i18n import _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 区号-number, e.g. 020-12345678 or 0755-1234567, optionally with an extension.
_LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")
MIN_PASSWORD_LENGTH = 10


class PersonStatus(StrEnum):
    INVITED = "invited"  # has not set a password yet
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


def person_status(is_active: bool, has_password: bool) -> PersonStatus:
    if not is_active:
        return PersonStatus.DEACTIVATED
    return PersonStatus.ACTIVE if has_password else PersonStatus.INVITED


def status_label(status: PersonStatus | str) -> str:
    labels = {
        PersonStatus.INVITED: _("Invited"),
        PersonStatus.ACTIVE: _("Active"),
        PersonStatus.DEACTIVATED: _("Deactivated"),
    }
    return labels[PersonStatus(status)]


class AddressError(ValueError):
    """An e-mail address that cannot be used; `message` is in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Scripts that are written together in one word: Chinese with Latin letters (and Japanese and
# Korean with theirs). Any other mix, such as Latin with a Cyrillic "а", is a look-alike.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})


def _script(letter: str) -> str:
    """The script of a letter by its Unicode name: "LATIN SMALL LETTER A" → LATIN."""
    return unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]


def mixes_scripts(part: str) -> bool:
    """Whether one part of an address (the local part or one label of the domain) mixes letters
    of scripts that are not written together, e.g. Latin with Cyrillic or Greek."""
    scripts = {_script(character) for character in part if character.isalpha()}
    return len(scripts) > 1 and not scripts <= _EAST_ASIAN | {"LATIN"}


def canonical_email(text: str) -> str:
    """The address as stored and compared: NFKC (full-width letters become ASCII), the domain
    in Unicode as UTS 46 maps it (so a typed "xn--" form finds the same account), all in lower
    case. AddressError if it is not an address."""
    try:
        checked = validate_email(unicodedata.normalize("NFKC", text).strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AddressError(_("“%(value)s” is not a valid e-mail address", value=text.strip())) from error
    return checked.normalized.lower()


def normalize_email(text: str) -> str:
    """A newly entered address in its canonical form; AddressError if it is not an address or
    if a part of it mixes scripts (a look-alike of another address)."""
    address = canonical_email(text)
    local_part, _at, domain = address.rpartition("@")
    if any(mixes_scripts(part) for part in (local_part, *domain.split("."))):
        raise AddressError(
            _(
                "“%(value)s” mixes letters of different alphabets (such as Latin and Cyrillic), so it may imitate "
                "another address. Check it and type it by hand instead of pasting it.",
                value=text.strip(),
            )
        )
    return address


def normalize_phone(text: str) -> str:
    return re.sub(r"[\s()（）]", "", text)


def is_valid_phone(text: str) -> bool:
    """A mainland mobile number (13800138000) or a landline with area code (020-12345678)."""
    phone = normalize_phone(text)
    return bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


def _address_pieces(email: str) -> set[str]:
    """The parts of an address's name a guesser would try: zhuhai.clerk gives zhuhai.clerk, zhuhai and clerk.

    Pieces are the runs of letters or of digits; shorter than four characters they are too common
    (li, wang, 01) to forbid.
    """
    local_part = email.strip().lower().partition("@")[0]
    return {piece for piece in (local_part, *re.findall(r"[^\W\d_]+|\d+", local_part)) if len(piece) >= 4}


def password_problem(password: str, confirmation: str, email: str) -> str | None:
    """Why a new password cannot be used, in the user's language, or None if it can."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
    lowered = password.strip().lower()
    if lowered == email.strip().lower():
        return _("The password must not be your e-mail address.")
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4 or any(piece in lowered for piece in _address_pieces(email)):
        return _("This password is too easy to guess: choose one that is not common and not based on your e-mail.")
    if password != confirmation:
        return _("The two passwords do not match.")
    return None
