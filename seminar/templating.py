"""The Jinja environment every template renders in, web page or printed book: autoescape, gettext, dates.

`seminar.web` adds what only web pages use (the permission predicates, role labels);
`proceedings.book` adds the book's own helpers. Nothing here knows about requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_eval_context, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.nodes import EvalContext
from markupsafe import Markup

from seminar import i18n
from seminar.config import PROJECT_ROOT
from seminar.mail.autolink import autolink
from seminar.submissions.intake import nest_headings

TEMPLATE_DIR = PROJECT_ROOT / "templates"


# `_("…")` without variables, as Jinja's newstyle gettext returns it, by language, message and autoescape.
_PLAIN_MESSAGES: dict[tuple[str, str, bool], str] = {}
PLAIN_MESSAGES_KEPT = 20000


@pass_eval_context
def _gettext(eval_context: EvalContext, message: str, /, **variables: Any) -> str:
    """Jinja's newstyle gettext (`jinja2.ext._make_new_gettext`: translate, mark safe under autoescape,
    then always %-format), the answer for a message without variables kept: a page asks for dozens,
    and translating, marking and formatting each again cost a twentieth of a reviewer's page.
    The catalogs change only with the code, which restarts the server.

    It is also `_` itself, where the i18n extension puts an alias that looks `gettext` up and calls
    it: two calls a message, and each function that takes the whole context gets a copy of it when
    called in a loop or block that sets a variable (the review page's criteria). The autoescape
    setting, all it reads of the context, comes without a copy."""
    autoescape = eval_context.autoescape
    if variables:
        return _translated(message, autoescape) % variables
    key = (i18n.get_locale(), message, autoescape)
    found = _PLAIN_MESSAGES.get(key)
    if found is None:
        found = _translated(message, autoescape) % {}
        if len(_PLAIN_MESSAGES) >= PLAIN_MESSAGES_KEPT:  # start over rather than grow
            _PLAIN_MESSAGES.clear()
        _PLAIN_MESSAGES[key] = found
    return found


def _translated(message: str, autoescape: bool, locale: str | None = None) -> str:
    translated = i18n.translations(locale or i18n.get_locale()).gettext(message)
    return Markup(translated) if autoescape else translated


# The filter that an environment of one language puts in place of `_("…")` (`_ConstantMessages`).
MESSAGE_FILTER = "_message_in_language"


def _message_in(locale: str) -> Callable[[EvalContext, str], str]:
    @pass_eval_context
    def message(eval_context: EvalContext, text: str) -> str:
        """`_(text)` in `locale`: what `_gettext` answers for a message without variables."""
        return _translated(text, eval_context.autoescape, locale) % {}

    return message


class _ConstantMessages(Extension):
    """In an environment of one language, `_("…")` of a literal without variables is translated once,
    when the template compiles: each becomes `("…"|_message_in_language)`, which Jinja works out then
    (a filter of constants that needs only the autoescape setting), and at render time where it cannot
    (the same answer). A page asks for dozens of messages; each call cost as much as writing out a
    field of its text."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            call = [t.type for t in tokens[index + 1:index + 4]]
            if (token.type == "name" and token.value == "_" and call == ["lparen", "string", "rparen"]
                    and (index == 0 or tokens[index - 1].type != "dot")):
                yield Token(token.lineno, "lparen", "(")
                yield tokens[index + 2]
                yield Token(token.lineno, "pipe", "|")
                yield Token(token.lineno, "name", MESSAGE_FILTER)
                yield Token(token.lineno, "rparen", ")")
                index += 4
            else:
                yield token
                index += 1


def _jinja_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(i18n.get_locale()).ngettext(singular, plural, n)


def _manuscript(markup: str, under: int) -> Markup:
    """A converted manuscript (sanitised when it was uploaded) with its headings nested under the page's level `under`."""
    return Markup(nest_headings(markup, under))


class _Environment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as a dict of the environment's and its own, not Jinja's view of both
        (a `ChainMap`): at every `{% import %}` Jinja checks that the page's globals are all the imported
        template's, a tenth of a short page with the view. The environment's globals are complete
        before the first template loads (each `build_environment` caller adds its own at once)."""
        return {**self.globals, **(d or {})}


def build_environment(locale: str | None = None) -> Environment:
    """A new environment over `templates/`; its gettext and dates follow `i18n.get_locale()` when a template renders.

    With `locale`, an environment for rendering in that language only: the messages without variables are
    translated as each template compiles (`_ConstantMessages`)."""
    env = _Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n", *([_ConstantMessages] if locale else [])],
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
        gettext=_gettext,  # in place of the one just installed: the same answers, kept
        _=_gettext,  # in place of the extension's alias of `gettext`
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
    if locale:
        env.filters[MESSAGE_FILTER] = _message_in(locale)
    return env
