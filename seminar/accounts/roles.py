"""Role names as people read them, and as organizers type them into a spreadsheet."""

from __future__ import annotations

import re
from collections.abc import Iterable

from seminar.accounts.models import RoleName
from seminar.i18n import _

# What the 角色 column of a people spreadsheet says, as in the template organizers download.
SPREADSHEET_NAMES: dict[RoleName, str] = {
    RoleName.ORGANIZER: "组织者",
    RoleName.SUBMITTER: "报送人",
    RoleName.REVIEWER: "评审专家",
    RoleName.ATTENDEE: "参会人员",
    RoleName.STAFF: "工作人员",
}
# Spreadsheets arrive in Simplified or Traditional Chinese or in English.
_ALIASES: dict[str, RoleName] = {
    "组织者": RoleName.ORGANIZER,
    "組織者": RoleName.ORGANIZER,
    "报送人": RoleName.SUBMITTER,
    "報送人": RoleName.SUBMITTER,
    "评审专家": RoleName.REVIEWER,
    "評審專家": RoleName.REVIEWER,
    "参会人员": RoleName.ATTENDEE,
    "參會人員": RoleName.ATTENDEE,
    "工作人员": RoleName.STAFF,
    "工作人員": RoleName.STAFF,
    **{role.value: role for role in RoleName},
}
_SEPARATORS = re.compile(r"[、,，;；/\s]+")
# The order roles are listed in everywhere, most responsible first.
ROLE_ORDER = (RoleName.ORGANIZER, RoleName.STAFF, RoleName.REVIEWER, RoleName.SUBMITTER, RoleName.ATTENDEE)


def role_named(value: str) -> RoleName | None:
    """The role whose value is `value` (`role_named("reviewer")` → RoleName.REVIEWER), or None for anything else."""
    return RoleName(value) if value in {role.value for role in RoleName} else None


def role_label(role: RoleName | str) -> str:
    """The role's name in the current language, e.g. `role_label(RoleName.REVIEWER)` → 评审专家."""
    labels = {
        RoleName.ORGANIZER: _("Organizer"),
        RoleName.SUBMITTER: _("Submitter"),
        RoleName.REVIEWER: _("Reviewer"),
        RoleName.ATTENDEE: _("Attendee"),
        RoleName.STAFF: _("Staff"),
    }
    return labels[RoleName(role)]


def role_labels(roles: Iterable[RoleName | str]) -> str:
    """Several roles in their usual order, joined the way the language joins a list."""
    ordered = [role for role in ROLE_ORDER if role in {RoleName(r) for r in roles}]
    return _(", ").join(role_label(role) for role in ordered)


class UnknownRole(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def parse_roles(text: str) -> list[RoleName]:
    """'评审专家、参会人员' or 'reviewer, attendee' → the roles; raises UnknownRole for anything else."""
    roles: list[RoleName] = []
    for part in _SEPARATORS.split(text.strip()):
        if not part:
            continue
        role = _ALIASES.get(part.lower())
        if role is None:
            raise UnknownRole(part)
        if role not in roles:
            roles.append(role)
    return roles
