"""The organizers' 查重 forms: settings, a library document, a match marked acceptable."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from seminar.forms import BaseForm, StringField, TextAreaField
from seminar.i18n import lazy_gettext as _l


class OverlapSettingsForm(BaseForm):
    threshold = IntegerField(
        _l("Flag a paper from this 去除引用复制比 (%)"), validators=[InputRequired(), NumberRange(min=1, max=100)]
    )
    reviewers_see_reports = BooleanField(_l("Reviewers may read the 查重 report of the papers they review"))


class DocumentForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])


class MarkForm(BaseForm):
    acceptable = BooleanField(_l("Acceptable"))
    reason = TextAreaField(_l("Why it is acceptable"), validators=[Length(max=500)], render_kw={"rows": 2})
