"""WTForms base: built-in messages in the user's language; our own messages go through gettext."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from wtforms import Form

from seminar import i18n
from seminar.web import form as request_form

_WTFORMS_LOCALES = {"zh_Hans": ["zh"], "zh_Hant": ["zh_TW"], "en": ["en"]}


class BaseForm(Form):
    class Meta:
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
