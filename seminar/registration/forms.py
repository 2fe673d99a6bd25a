"""The registration form: name, 单位 (from the list or typed), 职务, phone, e-mail, and the 参会回执
fields the seminar asks for; the 回执 alone, as the attendee changes it later; the organizers' choice of 回执 fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import DateField, Field, IntegerField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from seminar.accounts.people import is_valid_phone
from seminar.accounts.spreadsheet import phone_problem
from seminar.forms import BaseForm, EmailAddress, EmailField, SelectChoice, StringField, strip
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l
from seminar.registration import receipt
from seminar.registration.receipt import DIET_LABELS, GENDER_LABELS, LODGING_LABELS, RANK_LABELS, Mode

if TYPE_CHECKING:
    from seminar.accounts.models import User


def _phone(form: BaseForm, field: Field) -> None:
    if field.data and not is_valid_phone(field.data):
        raise ValidationError(phone_problem(field.data))


# Each 回执 setting → the form fields it shows; the first is the one "required" applies to.
RECEIPT_FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "gender": ("gender",), "ethnicity": ("ethnicity",), "position": ("position",), "rank": ("rank",),
    "mobile": ("phone",), "arrival": ("arrival_on", "arrival_transport"),
    "departure": ("departure_on", "departure_transport"), "lodging": ("lodging",), "diet": ("diet",),
    "companions": ("companions", "companion_names"), "note": ("receipt_note",),
}
# 职务 and 手机 are the registration's own: always asked; "required" makes 职务 required and the phone a mobile one.
ALWAYS_ASKED = ("position", "mobile")
RECEIPT_COLUMNS = (
    "gender", "ethnicity", "rank", "arrival_on", "arrival_transport", "departure_on", "departure_transport", "lodging",
    "diet", "companions", "companion_names", "receipt_note",
)


def _choices(labels: Mapping[Any, str]) -> list[SelectChoice]:
    return [SelectChoice("", _("— choose —")), *(SelectChoice(key.value, str(label)) for key, label in labels.items())]


def _empty_as_none(value: Any) -> Any:
    return None if value in ("", "None") else value


class ReceiptFields(BaseForm):
    """The 回执 fields; `ask` takes out those the seminar does not ask for and checks the rest."""

    position = StringField(
        _l("Position"), validators=[Length(max=100)], filters=[strip], render_kw={"autocomplete": "organization-title"}
    )
    phone = StringField(
        _l("Phone"), validators=[DataRequired(), Length(max=30), _phone], filters=[strip], render_kw={"autocomplete": "tel"}
    )
    gender = SelectField(_l("Gender"), choices=[], coerce=_empty_as_none, validate_choice=False)
    ethnicity = StringField(_l("Ethnic group"), validators=[Length(max=20)], filters=[strip],
                            render_kw={"placeholder": _l("e.g. Han")})
    rank = SelectField(_l("Official rank"), choices=[], coerce=_empty_as_none, validate_choice=False)
    arrival_on = DateField(_l("Arrival date"), validators=[Optional()])
    arrival_transport = StringField(
        _l("Arriving by (train or flight number, time)"), validators=[Length(max=100)], filters=[strip],
        render_kw={"placeholder": _l("e.g. G6101 14:30 Guangzhou South, or by car")},
    )
    departure_on = DateField(_l("Departure date"), validators=[Optional()])
    departure_transport = StringField(
        _l("Leaving by (train or flight number, time)"), validators=[Length(max=100)], filters=[strip],
    )
    lodging = SelectField(_l("Accommodation"), choices=[], coerce=_empty_as_none, validate_choice=False)
    diet = SelectField(_l("Diet"), choices=[], coerce=_empty_as_none, validate_choice=False)
    companions = IntegerField(
        _l("Number of accompanying persons"), validators=[Optional(), NumberRange(min=0, max=receipt.MAX_COMPANIONS)],
        render_kw={"inputmode": "numeric", "min": 0, "max": receipt.MAX_COMPANIONS},
    )
    companion_names = StringField(_l("Names of accompanying persons"), validators=[Length(max=200)], filters=[strip])
    receipt_note = StringField(_l("Remarks"), validators=[Length(max=500)], filters=[strip])

    modes: dict[str, Mode]
    seminar_dates: tuple[dt.date, dt.date]

    def ask(self, modes: Mapping[str, Mode], starts_on: dt.date, ends_on: dt.date) -> None:
        """Only the fields the seminar asks for stay; required ones are marked; dates are checked against the seminar's."""
        self.modes, self.seminar_dates = dict(modes), (starts_on, ends_on)
        self.gender.choices = _choices(GENDER_LABELS)
        self.rank.choices = _choices(RANK_LABELS)
        self.lodging.choices = _choices(LODGING_LABELS)
        self.diet.choices = _choices(DIET_LABELS)
        for setting, names in RECEIPT_FORM_FIELDS.items():
            mode = modes[setting]
            if mode == Mode.OFF and setting not in ALWAYS_ASKED:
                for name in names:
                    if name in self:
                        del self[name]
            elif mode == Mode.REQUIRED and names[0] in self:
                self[names[0]].flags.required = True
        if "arrival_on" in self:
            self.arrival_on.render_kw = {"min": (starts_on - receipt.ARRIVAL_SLACK).isoformat(), "max": ends_on.isoformat()}
        if "departure_on" in self:
            self.departure_on.render_kw = {"min": starts_on.isoformat(), "max": (ends_on + receipt.DEPARTURE_SLACK).isoformat()}

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for setting, names in RECEIPT_FORM_FIELDS.items():
            field = self._fields.get(names[0])
            if field is None or self.modes[setting] != Mode.REQUIRED or field.errors:
                continue
            if field.data in (None, ""):
                field.errors = [*field.errors, _("Please fill in “%(field)s”.", field=field.label.text)]
                valid = False
        phone = self._fields.get("phone")
        if phone is not None and self.modes["mobile"] == Mode.REQUIRED and not phone.errors and phone.data:
            if not receipt.is_mobile(phone.data):
                phone.errors = [_("Please give a mobile number of 11 digits, such as 13800138000.")]
                valid = False
        dates = receipt.Dates(self._data_of("arrival_on"), self._data_of("departure_on"))
        for setting, message in receipt.date_problems(dates, *self.seminar_dates).items():
            field = self[f"{setting}_on"]
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def _data_of(self, name: str) -> Any:
        field = self._fields.get(name)
        return field.data if field is not None and not field.errors else None

    def receipt_values(self) -> dict[str, Any]:
        """The 回执 columns as typed; fields not asked for are left out (they keep what they hold)."""
        values: dict[str, Any] = {name: self[name].data for name in RECEIPT_COLUMNS if name in self}
        for name in ("gender", "rank", "lodging", "diet"):
            if name in values:
                values[name] = values[name] or None
        if "companions" in values:
            values["companions"] = receipt.companion_count(values["companions"], values.get("companion_names", ""))
        return values


def receipt_form_data(registration: Any) -> dict[str, Any]:
    """A registration's 回执 as the form shows it."""
    data = {name: getattr(registration, name) for name in ("position", "phone", *RECEIPT_COLUMNS)}
    for name in ("gender", "rank", "lodging", "diet"):
        data[name] = data[name].value if data[name] else ""
    return data


class ReceiptForm(ReceiptFields):
    """The 回执 as the attendee changes it after registering: with 职务 and the phone."""

    def values(self) -> dict[str, Any]:
        return {**self.receipt_values(), "position": self.position.data or "", "phone": self.phone.data}


MODE_CHOICES = (
    (Mode.OFF, _l("Not asked")), (Mode.ON, _l("Asked")), (Mode.REQUIRED, _l("Required")),
)


class ReceiptSettingsForm(BaseForm):
    """Which 回执 fields the seminar asks for, and the deadline for changes; fields added in `with_modes`."""

    receipt_deadline = DateField(_l("Registration details may be changed until"), validators=[Optional()])


def receipt_settings_form(formdata: Any, modes: Mapping[str, Mode], deadline: dt.date | None) -> ReceiptSettingsForm:
    """The settings form with a choice per 回执 field (职务 and 手机 cannot be "not asked": they are the registration's)."""

    class Form(ReceiptSettingsForm):
        pass

    for name in receipt.FIELDS:
        choices = [
            SelectChoice(str(int(mode)), label) for mode, label in MODE_CHOICES if not (mode == Mode.OFF and name in ALWAYS_ASKED)
        ]
        setattr(Form, f"mode_{name}", SelectField(receipt.FIELD_LABELS[name], choices=choices, validate_choice=True))
    data: dict[str, Any] = {f"mode_{name}": str(int(mode)) for name, mode in modes.items()}
    return Form(formdata=formdata, data={**data, "receipt_deadline": deadline})


def chosen_modes(form: ReceiptSettingsForm) -> dict[str, Mode]:
    return {name: Mode(int(form[f"mode_{name}"].data)) for name in receipt.FIELDS}


class RegistrationForm(ReceiptFields):
    # Autocomplete hints: a visitor's browser fills in what it knows of them.
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip], render_kw={"autocomplete": "name"}
    )
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=True)
    unit_text = StringField(
        _l("Other unit"), validators=[Length(max=200)], filters=[strip], render_kw={"autocomplete": "organization"}
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
            **self.receipt_values(),
        }


def registration_form_data(user: User | None) -> dict[str, Any]:
    """The form filled in with what the signed-in person's account says; empty for a visitor."""
    if user is None:
        return {}
    return {
        "name": user.name, "unit_id": str(user.unit_id or ""), "position": user.position,
        "phone": user.phone, "email": user.email,
    }
