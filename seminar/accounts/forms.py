from __future__ import annotations

from wtforms import Field, FileField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from seminar import i18n
from seminar.accounts.models import RoleName, Unit, UnitKind
from seminar.accounts.people import is_valid_phone
from seminar.accounts.roles import ROLE_ORDER, role_label
from seminar.accounts.spreadsheet import phone_problem
from seminar.forms import BaseForm, EmailAddress, EmailField, PasswordField, SelectChoice, StringField, optional_int, strip
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l


def _phone(form: BaseForm, field: Field) -> None:
    if field.data and not is_valid_phone(field.data):
        raise ValidationError(phone_problem(field.data))


# Autocomplete hints let browsers and password managers fill the right thing: the saved login on
# the login page, a generated password where one is chosen, the code from a text or app.
ACCOUNT = {"autocomplete": "username"}
CURRENT_PASSWORD = {"autocomplete": "current-password"}
NEW_PASSWORD = {"autocomplete": "new-password"}


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(new=False)], filters=[strip], render_kw=ACCOUNT)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)], render_kw=CURRENT_PASSWORD)
    next = StringField()


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(new=False)], filters=[strip], render_kw=ACCOUNT)


class NewPasswordForm(BaseForm):
    """The password rules depend on who the person is, so the action applies them, not the form."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)], render_kw=NEW_PASSWORD)
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)], render_kw=NEW_PASSWORD)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)], render_kw=CURRENT_PASSWORD
    )


class ProfileForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), _phone], filters=[strip])
    position = StringField(_l("Position"), validators=[Length(max=100)], filters=[strip])
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("As the browser asks")), *(SelectChoice(code, name) for code, name in i18n.LOCALE_NAMES.items())],
        validators=[Optional()],
    )


class InviteForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)], filters=[strip])
    unit = SelectField(_l("Unit"), coerce=optional_int, validate_choice=True)  # blank allowed: invited experts
    position = StringField(_l("Position"), validators=[Length(max=100)], filters=[strip])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), _phone], filters=[strip])
    roles = SelectMultipleField(
        _l("Roles"), validators=[DataRequired()], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )

    @property
    def chosen_roles(self) -> list[RoleName]:
        return [RoleName(value) for value in self.roles.data or []]

    def validate_unit(self, field: Field) -> None:
        if field.data is None and RoleName.SUBMITTER.value in (self.roles.data or []):
            raise ValidationError(_("A submitter needs a unit: papers are submitted for it."))

    def set_choices(self, units: list[Unit]) -> None:
        self.unit.choices = [SelectChoice("", "—"), *(SelectChoice(str(unit.id), unit.name) for unit in units)]
        self.roles.choices = [SelectChoice(role.value, role_label(role)) for role in ROLE_ORDER]


class ImportForm(BaseForm):
    file = FileField(_l("Spreadsheet (.xlsx)"))


ONE_TIME_CODE = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}


class TwoFactorCodeForm(BaseForm):
    """A code from the app or a recovery code (letters too, so no digits-only keyboard)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)], filters=[strip], render_kw=ONE_TIME_CODE)


class AppCodeForm(TwoFactorCodeForm):
    """Setting up: only the app's 6 digits will do, so phones show the digit keyboard."""

    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=40)], filters=[strip],
        render_kw={**ONE_TIME_CODE, "inputmode": "numeric"},
    )


class TwoFactorConfirmForm(TwoFactorCodeForm):
    """Turning the second step off or renewing recovery codes: the password and a code."""

    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)], render_kw=CURRENT_PASSWORD)


UNIT_KIND_LABELS = {
    UnitKind.CITY: _l("City"),
    UnitKind.SPECIAL_ZONE: _l("Special zone"),
    UnitKind.DEPARTMENT: _l("Provincial department"),
    UnitKind.INSTITUTION: _l("Institution"),
}


class UnitForm(BaseForm):
    """A unit on the site administrators' units page (added or changed)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)], filters=[strip],
                       description=_l("The short name lists and papers show, e.g. 广州市 or 省委政法委."))
    name_hant = StringField(_l("Name in Traditional Chinese"), validators=[Length(max=100)], filters=[strip],
                            description=_l("Empty: the name is shown as it is."))
    full_name = StringField(_l("Full name"), validators=[Length(max=200)], filters=[strip],
                            description=_l("As a cover or a certificate prints it, e.g. 中共广东省委政法委员会. "
                                           "Empty: the name is already the full one."))
    kind = SelectField(_l("Kind"), validators=[DataRequired()], validate_choice=True,
                       description=_l("Cities and special zones submit papers."))
    sort_order = IntegerField(_l("Place in the official order"), validators=[InputRequired(), NumberRange(0, 1_000_000)],
                              description=_l("Lists, the 论文集 and exports sort units by this number, smallest "
                                             "first; the built-in units are numbered in tens, so a new one fits between two."))
    parent = SelectField(_l("Belongs to"), coerce=optional_int, validate_choice=True,
                         description=_l("A special zone or a city's own office belongs to its city: conflicts of "
                                        "interest with the city's papers follow it."))
    pinyin = StringField(_l("Pinyin"), validators=[Length(max=50)], filters=[strip])

    def set_choices(self, units: list[Unit], editing: Unit | None) -> None:
        self.kind.choices = [SelectChoice(kind.value, str(label)) for kind, label in UNIT_KIND_LABELS.items()]
        parents = [unit for unit in units if unit.parent_id is None and (editing is None or unit.id != editing.id)]
        self.parent.choices = [SelectChoice("", "—"), *(SelectChoice(str(unit.id), unit.name) for unit in parents)]
