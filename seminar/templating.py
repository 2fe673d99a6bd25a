"""The Jinja environment every template renders in, web page or printed book: autoescape, gettext, dates.

`seminar.web` adds what only web pages use (the permission predicates, role labels);
`proceedings.book` adds the book's own helpers. Nothing here knows about requests.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from seminar import i18n
from seminar.config import PROJECT_ROOT
from seminar.mail.autolink import autolink
from seminar.submissions.intake import nest_headings

TEMPLATE_DIR = PROJECT_ROOT / "templates"


def _jinja_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.get_locale()).ngettext(singular, plural, n)


def _manuscript(markup: str, under: int) -> Markup:
    """A converted manuscript (sanitised when it was uploaded) with its headings nested under the page's level `under`."""
    return Markup(nest_headings(markup, under))


def build_environment() -> Environment:
    """A new environment over `templates/`; its gettext and dates follow `i18n.get_locale()` when a template renders."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change only with the code, which restarts the server: compiled once per process,
        # not checked on disk (a stat per template and each it extends or includes) at every page.
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        lambda message: i18n.translations(i18n.get_locale()).gettext(message),
        _jinja_ngettext,
        newstyle=True,
    )
    env.globals.update(
        format_date=i18n.format_date,
        format_datetime=i18n.format_datetime,
        format_time=i18n.format_time,
        get_locale=i18n.get_locale,
        locale_names=i18n.LOCALE_NAMES,
        html_lang=lambda: i18n.HTML_LANG[i18n.get_locale()],
    )
    env.filters.update(
        date=i18n.format_date, datetime=i18n.format_datetime, time=i18n.format_time, manuscript=_manuscript,
        autolink=autolink,
    )
    return env
