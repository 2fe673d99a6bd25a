"""The form of a mail an organizer writes to a group (seminar.mail.bulk)."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import SelectField
from wtforms.validators import DataRequired, Length

from seminar.forms import BaseForm, SelectChoice, StringField, TextAreaField, optional_int, strip
from seminar.i18n import lazy_gettext as _l
from seminar.mail.bulk import Group, group_label


class BulkMailForm(BaseForm):
    group = SelectField(_l("To"), validators=[DataRequired()], validate_choice=True)
    unit = SelectField(_l("Only the people of"), coerce=optional_int, validate_choice=True)
    subject = StringField(_l("Mail subject"), validators=[DataRequired(), Length(max=300)], filters=[strip])
    body = TextAreaField(_l("Mail text"), validators=[DataRequired(), Length(max=20000)], filters=[strip],
                         render_kw={"rows": 12})

    def set_choices(self, units: Sequence[tuple[int, str]]) -> None:
        self.group.choices = [SelectChoice(group.value, group_label(group)) for group in Group]
        self.unit.choices = [SelectChoice("", "—"), *[SelectChoice(str(unit_id), name) for unit_id, name in units]]


class WordingForm(BaseForm):
    """A seminar's own wording of one kind of mail in one language, and whom to preview it for."""

    subject = StringField(_l("Mail subject"), validators=[DataRequired(), Length(max=300)], filters=[strip])
    body = TextAreaField(_l("Mail text"), validators=[DataRequired(), Length(max=20000)], filters=[strip],
                         render_kw={"rows": 16})
    recipient = SelectField(_l("Preview for"), coerce=optional_int, validate_choice=False)
