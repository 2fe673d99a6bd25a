from __future__ import annotations

import pytest

from seminar import i18n
from seminar.accounts.models import RoleName
from seminar.accounts.roles import UnknownRole, parse_roles, role_label, role_labels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("评审专家", [RoleName.REVIEWER]),
        ("评审专家、参会人员", [RoleName.REVIEWER, RoleName.ATTENDEE]),
        ("組織者，報送人", [RoleName.ORGANIZER, RoleName.SUBMITTER]),
        ("Reviewer, attendee", [RoleName.REVIEWER, RoleName.ATTENDEE]),
        (" 报送人 、报送人 ", [RoleName.SUBMITTER]),
        ("", []),
    ],
)
def test_parse_roles(text: str, expected: list[RoleName]) -> None:
    assert parse_roles(text) == expected


def test_parse_roles_names_the_unknown_part() -> None:
    with pytest.raises(UnknownRole) as caught:
        parse_roles("评审专家、主持人")

    assert caught.value.name == "主持人"


@pytest.mark.parametrize(
    ("locale", "single", "several"),
    [
        ("zh_Hans", "评审专家", "组织者、参会人员"),
        ("zh_Hant", "評審專家", "組織者、參會人員"),
        ("en", "Reviewer", "Organizer, Attendee"),
    ],
)
def test_role_labels_follow_the_language_and_the_usual_order(locale: str, single: str, several: str) -> None:
    with i18n.use_locale(locale):
        assert role_label(RoleName.REVIEWER) == single
        assert role_labels([RoleName.ATTENDEE, RoleName.ORGANIZER]) == several
