"""The organizers' 会议手册 settings."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField
from wtforms.validators import Length

from seminar.forms import BaseForm, TextAreaField
from seminar.i18n import lazy_gettext as _l


class HandbookSettingsForm(BaseForm):
    notice = TextAreaField(
        _l("Notes for participants (会议须知)"), validators=[Length(max=20000)], render_kw={"rows": 12}
    )
    contacts = TextAreaField(
        _l("Contacts of the organizing team (会务组)"), validators=[Length(max=2000)], render_kw={"rows": 4}
    )
    include_participants = BooleanField(_l("List the participants (approved registrations)"))

    def values(self) -> dict[str, Any]:
        return {
            "notice": (self.notice.data or "").strip(),
            "contacts": (self.contacts.data or "").strip(),
            "include_participants": bool(self.include_participants.data),
        }
