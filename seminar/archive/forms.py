"""The form that uploads a seminar's archive to import it here."""

from __future__ import annotations

from wtforms import Field, FileField
from wtforms.validators import ValidationError

from seminar.forms import BaseForm, StringField
from seminar.i18n import lazy_gettext as _l
from seminar.seminars.rules import slug_problem


def _valid_slug_if_given(form: BaseForm, field: Field) -> None:
    field.data = (field.data or "").strip()
    if field.data and (problem := slug_problem(field.data)):
        raise ValidationError(problem)


class ImportArchiveForm(BaseForm):
    detail = ""  # what exactly is wrong with a refused archive, in English, for whoever debugs it
    file = FileField(_l("Archive (.zip)"))
    slug = StringField(
        _l("Short name in the address"),
        validators=[_valid_slug_if_given],
        description=_l("Leave empty to keep the archive's own short name. Lowercase letters, digits and hyphens, e.g. gd-2026."),
    )
