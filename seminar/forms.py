"""WTForms base: built-in messages in the user's language; our own messages go through gettext.

The text fields here are WTForms' own, typed as what `BaseForm` makes of them: their `data` is
always a str (a field missing from the post reads as empty), so forms import them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import wtforms
from starlette.requests import Request
from wtforms import Field, Form
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it
from babel.support import LazyProxy
from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.validators import ValidationError
from wtforms.widgets import ListWidget, RadioInput
from wtforms.widgets.core import clean_key  # type: ignore[attr-defined]  # WTForms' own; types-wtforms leaves it out

from seminar import i18n
from seminar.accounts.people import AddressError, canonical_email, normalize_email
from seminar.errors import UserError
from seminar.web import form as request_form

_WTFORMS_LOCALES = {"zh_Hans": ["zh"], "zh_Hant": ["zh_TW"], "en": ["en"]}


def one_line(value: Any) -> Any:
    """Line breaks in a one-line field (only a script can send them) become spaces.

    Names and titles end up in mail headers, where a line break would make the mail unsendable.
    """
    return " ".join(value.splitlines()) if isinstance(value, str) else value


def strip(value: Any) -> Any:
    """A filter: surrounding spaces dropped from what was typed."""
    return value.strip() if isinstance(value, str) else value


def optional_int(value: Any) -> int | None:
    """A select's coerce for an optional choice: "" (and WTForms' "None") is none."""
    return None if value in (None, "", "None") else int(value)


def show_error(form: Form, error: UserError) -> None:
    """A domain refusal shown where the person will look: under its field when that field is on
    the page, above the form otherwise (a hidden field such as `version` is not seen)."""
    if error.field and error.field in form and not isinstance(form[error.field].widget, widgets.HiddenInput):
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


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


def html_params(**attributes: Any) -> Markup:
    """WTForms' `html_params`, the same attributes written for less: it formats each as a `Markup`
    template, 26 µs for three attributes, 5 here. Sorted by name; `True` writes the name alone,
    `False` nothing; values escaped, and a double quote in a value given as `Markup` written `&quot;`."""
    written = []
    for key, value in sorted(attributes.items()):
        if value is False:
            continue
        name = str(escape(clean_key(key)))
        if value is True:
            written.append(name)
        else:
            text = str(escape(value))
            written.append(f'{name}="{text.replace(chr(34), "&quot;") if chr(34) in text else text}"')
    return Markup(" ".join(written))


def _translated(text: Any) -> Any:
    """A label as shown: a lazy translation (`i18n.lazy_gettext`) as its text, which a lazy one
    translates anew at each look (escaping one looks three times)."""
    return text.value if isinstance(text, LazyProxy) else text


class Label(wtforms.Label):
    """WTForms' label of a field, written with `html_params` (ours): every field gets one (`BaseForm`)."""

    def __call__(self, text: str | None = None, **attributes: Any) -> Markup:
        if "for_" in attributes:
            attributes["for"] = attributes.pop("for_")
        else:
            attributes.setdefault("for", self.field_id)
        written = html_params(**attributes)
        return Markup(f"<label{' ' if written else ''}{written}>{escape(_translated(text or self.text))}</label>")


class TextArea(widgets.TextArea):
    """WTForms' text area, written with `html_params` (ours)."""

    def __call__(self, field: Any, **attributes: Any) -> Markup:
        attributes.setdefault("id", field.id)
        for flag in self.validation_attrs:  # the validators' flags, e.g. maxlength from Length
            if flag in vars(field.flags) and flag not in attributes:
                attributes[flag] = getattr(field.flags, flag)
        return Markup(f"<textarea {html_params(name=field.name, **attributes)}>\r\n{escape(field._value())}</textarea>")


class TextInput(widgets.TextInput):
    html_params = staticmethod(html_params)


class PasswordInput(widgets.PasswordInput):
    html_params = staticmethod(html_params)


class EmailInput(widgets.EmailInput):
    html_params = staticmethod(html_params)


class HiddenInput(widgets.HiddenInput):
    html_params = staticmethod(html_params)


class RadioList(ListWidget):
    """WTForms' list of radio buttons (`RadioField`'s own widget), the same HTML written directly from
    the choices: WTForms builds and binds a field per choice to render it, a fifth of the review
    page's CPU. Choices with attributes of their own, or radios that take attributes from the
    field's validators or `render_kw`, are left to WTForms."""

    def __init__(self) -> None:
        super().__init__(prefix_label=False)

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = list(field._iter_choices_normalized())
        if field.render_kw or any(choice.render_kw for choice in choices) or any(
                flag in vars(field.flags) for flag in RadioInput.validation_attrs):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        name = escape(field.name)
        items = []
        for index, choice in enumerate(choices):
            option = escape(f"{field.id}-{index}")
            checked = " checked" if choice.selected else ""  # the attributes in `html_params`' (sorted) order
            items.append(f'<li><input{checked} id="{option}" name="{name}" type="radio" value="{escape(str(choice.value))}">'
                         f' <label for="{option}">{escape(_translated(choice.label) or choice.value)}</label></li>')
        return Markup(f"<ul {html_params(**kwargs)}>{''.join(items)}</ul>")


class BaseForm(Form):
    class Meta:
        def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Any:
            field_class = unbound_field.field_class
            if issubclass(field_class, wtforms.StringField):
                filters = [absent_as_empty, *unbound_field.kwargs.get("filters", ())]
                if not issubclass(field_class, (wtforms.TextAreaField, wtforms.PasswordField)):
                    filters.append(one_line)
                options = {**options, "filters": filters}
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]  # WTForms' DefaultMeta
            field.label = Label(field.label.field_id, field.label.text)
            return field

        def get_translations(self, form: Form) -> Any:
            self.locales = _WTFORMS_LOCALES.get(i18n.get_locale(), ["en"])
            return super().get_translations(form)  # type: ignore[misc]  # WTForms' DefaultMeta

    @property
    def first_error(self) -> str | None:
        return _first_message(self.errors)


def _first_message(errors: Mapping[str, Any]) -> str | None:
    """The first message of a form's errors; a subform's (FormField) errors are a mapping again."""
    for messages in errors.values():
        if isinstance(messages, Mapping):
            if (message := _first_message(messages)) is not None:
                return message
        elif messages:
            return str(messages[0])
    return None


class StringField(wtforms.StringField):
    data: str
    widget = TextInput()


class TextAreaField(wtforms.TextAreaField):
    data: str
    widget = TextArea()


class PasswordField(wtforms.PasswordField):
    data: str
    widget = PasswordInput()


class EmailField(wtforms.EmailField):
    data: str
    widget = EmailInput()


class HiddenField(wtforms.HiddenField):
    data: str
    widget = HiddenInput()


FormT = TypeVar("FormT", bound=BaseForm)


async def bind(form_class: type[FormT], request: Request, **kwargs: Any) -> FormT:
    """A form filled from the POSTed data (or from `obj`/`data` on GET)."""
    formdata = await request_form(request) if request.method == "POST" else None
    return form_class(formdata=formdata, **kwargs)
