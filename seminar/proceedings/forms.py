"""The organizers' proceedings settings and the build request."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField
from wtforms.validators import Length

from seminar.forms import BaseForm, SelectChoice, StringField, TextAreaField
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l


class ProceedingsSettingsForm(BaseForm):
    preface = TextAreaField(_l("Preface (前言)"), validators=[Length(max=20000)], render_kw={"rows": 10})
    mark = StringField(_l("Cover mark"), validators=[Length(max=50)])
    compiled_by = StringField(_l("Compiled by (编印)"), validators=[Length(max=100)])
    include_agenda = BooleanField(_l("Append the published agenda"))
    include_participants = BooleanField(_l("Append the list of participants"))

    def values(self) -> dict[str, Any]:
        return {
            "preface": (self.preface.data or "").strip(),
            "mark": (self.mark.data or "").strip(),
            "compiled_by": (self.compiled_by.data or "").strip(),
            "include_agenda": bool(self.include_agenda.data),
            "include_participants": bool(self.include_participants.data),
        }


class BuildForm(BaseForm):
    volume = SelectField(_l("What to build"), choices=[], validate_choice=True)

    def set_topics(self, topics: list[tuple[int, str]]) -> None:
        self.volume.choices = [SelectChoice("", _("The whole book"))] + [
            SelectChoice(str(position), _("Volume of topic %(number)s: %(title)s", number=position, title=title))
            for position, title in topics
        ]

    @property
    def volume_number(self) -> int | None:
        return int(self.volume.data) if self.volume.data else None
