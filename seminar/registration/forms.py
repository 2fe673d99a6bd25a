"""The registration form: name, 单位 (from the list or typed), 职务, phone, e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wtforms import Field, SelectField
from wtforms.validators import DataRequired, Length, ValidationError

from seminar.accounts.people import is_valid_phone
from seminar.accounts.spreadsheet import phone_problem
from seminar.forms import BaseForm, EmailAddress, EmailField, SelectChoice, StringField, strip
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from seminar.accounts.models import User


def _phone(form: BaseForm, field: Field) -> None:
    if field.data and not is_valid_phone(field.data):
        raise ValidationError(phone_problem(field.data))


class RegistrationForm(BaseForm):
    # Autocomplete hints: a visitor's browser fills in what it knows of them.
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip], render_kw={"autocomplete": "name"}
    )
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=True)
    unit_text = StringField(
        _l("Other unit"), validators=[Length(max=200)], filters=[strip], render_kw={"autocomplete": "organization"}
    )
    position = StringField(
        _l("Position"), validators=[Length(max=100)], filters=[strip], render_kw={"autocomplete": "organization-title"}
    )
    phone = StringField(
        _l("Phone"), validators=[DataRequired(), Length(max=30), _phone], filters=[strip], render_kw={"autocomplete": "tel"}
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)], filters=[strip], render_kw={"autocomplete": "email"}
    )

    def set_units(self, units: list[tuple[int, str]]) -> None:
        self.unit_id.choices = [
            SelectChoice("", _("Other (type it below)")),
            *(SelectChoice(str(unit_id), name) for unit_id, name in units),
        ]

    def validate_unit_text(self, field: Field) -> None:
        if not self.unit_id.data and not field.data:
            raise ValidationError(_("Choose your unit from the list or type its name."))

    def values(self) -> dict[str, Any]:
        unit_id = int(self.unit_id.data) if self.unit_id.data else None
        return {
            "name": self.name.data,
            "unit_id": unit_id,
            "unit_text": "" if unit_id else self.unit_text.data,
            "position": self.position.data or "",
            "phone": self.phone.data,
            "email": (self.email.data or "").lower(),
        }


def registration_form_data(user: User | None) -> dict[str, Any]:
    """The form filled in with what the signed-in person's account says; empty for a visitor."""
    if user is None:
        return {}
    return {
        "name": user.name, "unit_id": str(user.unit_id or ""), "position": user.position,
        "phone": user.phone, "email": user.email,
    }
