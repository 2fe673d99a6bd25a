"""Plain rules about a person's details and account status (no database, no web)."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from seminar.i18n import _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 区号-number, e.g. 020-12345678 or 0755-1234567, optionally with an extension.
_LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")


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
