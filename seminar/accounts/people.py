"""Plain rules about a person's details and account status (no database, no web)."""

from __future__ import annotations

import re
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


def normalize_email(text: str) -> str:
    """The address as stored and compared (lower case); ValueError if it is not an address."""
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error
    return checked.normalized.lower()


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
