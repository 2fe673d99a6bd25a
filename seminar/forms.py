"""WTForms base: built-in messages in the user's language; our own messages go through gettext."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from wtforms import Field, Form, PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from seminar import i18n
from seminar.accounts.people import AddressError, canonical_email, normalize_email
from seminar.web import form as request_form

_WTFORMS_LOCALES = {"zh_Hans": ["zh"], "zh_Hant": ["zh_TW"], "en": ["en"]}


def one_line(value: Any) -> Any:
    """Line breaks in a one-line field (only a script can send them) become spaces.

    Names and titles end up in mail headers, where a line break would make the mail unsendable.
    """
    return " ".join(value.splitlines()) if isinstance(value, str) else value


def absent_as_empty(value: Any) -> Any:
    """A text field missing from the posted form (only a script omits one) reads as left empty,
    so its validators answer instead of a NOT NULL column failing on None."""
    return "" if value is None else value


class EmailAddress:
    """An e-mail field's check: the field's data becomes the address in its canonical form.

    `new` addresses (an invitation, a registration, an author) are also refused when they mix
    scripts, as a look-alike of another address would; an address only looked up (logging in,
    a forgotten password) is just put in canonical form, so it finds the account as stored.
    """

    def __init__(self, *, new: bool = True) -> None:
        self.normalize = normalize_email if new else canonical_email

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return  # DataRequired or Optional decides
        try:
            field.data = self.normalize(field.data)
        except AddressError as error:
            raise ValidationError(error.message) from None


class BaseForm(Form):
    class Meta:
        def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Any:
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField):
                filters = [absent_as_empty, *unbound_field.kwargs.get("filters", ())]
                if not issubclass(field_class, (TextAreaField, PasswordField)):
                    filters.append(one_line)
                options = {**options, "filters": filters}
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]  # WTForms' DefaultMeta

        def get_translations(self, form: Form) -> Any:
            self.locales = _WTFORMS_LOCALES.get(i18n.get_locale(), ["en"])
            return super().get_translations(form)  # type: ignore[misc]  # WTForms' DefaultMeta

    @property
    def first_error(self) -> str | None:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return None


async def bind(form_class: type[BaseForm], request: Request, **kwargs: Any) -> BaseForm:
    """A form filled from the POSTed data (or from `obj`/`data` on GET)."""
    formdata = await request_form(request) if request.method == "POST" else None
    return form_class(formdata=formdata, **kwargs)
