from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from seminar.forms import BaseForm, StringField, optional_int, strip
from seminar.i18n import lazy_gettext as _l


class TokenForm(BaseForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    seminar = SelectField(_l("Seminar"), coerce=optional_int, validators=[DataRequired()], validate_choice=True)
    expires_on = DateField(_l("Valid until"), validators=[Optional()])
