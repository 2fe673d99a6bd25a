"""The template environment's gettext, its shortcuts against Jinja's own i18n extension."""

from __future__ import annotations

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

from seminar import i18n
from seminar.templating import TEMPLATE_DIR, build_environment

SNIPPETS = [
    '<a title="{{ _("Log out") }}">{{ _("Log out") }}</a>{{ _("No such message <b>&amp;</b>") }}',
    '{{ _("Reviewer %(number)s", number="<3>") }} {{ _("100%% sure") }} {{ _(\'Log in\') ~ "<b>" }}',
    '{% for n in [1, 2] %}{% set key = n|string %}{{ _("Log out") }}{{ _("Reviewer %(number)s", number=key) }}{% endfor %}',
    '{% autoescape false %}{{ _("No such message <b>") ~ "<i>" }}{{ _("Log out") }}{% endautoescape %}',
    '{% set label = _("Log out") %}{{ label }}{{ label|length }}{% if _("Log in") %}yes{% endif %}',
    '{% import "_macros/forms.html" as forms %}{{ forms.submit(_("Log out")) }}{{ forms.badge(_("Log in"), "muted") }}',
    '{{ gettext("Log out") }}{{ ngettext("%(num)s person", "%(num)s people", 3) }}{{ x._("Log out") }}',
]


def jinja_own() -> Environment:
    """Jinja's i18n extension as its documentation installs it, over the same templates and catalogs."""
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        lambda message: i18n.translations(i18n.get_locale()).gettext(message),
        lambda singular, plural, n: i18n.translations(i18n.get_locale()).ngettext(singular, plural, n),
        newstyle=True,
    )
    return env


class Other:
    def _(self, message: str) -> str:  # an object's own `_` is not the template's gettext
        return f"<{message}>"


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("snippet", SNIPPETS)
def test_messages_are_what_jinja_own_gettext_gives_in_each_environment(locale: str, snippet: str) -> None:
    with i18n.use_locale(locale):
        theirs = jinja_own().from_string(snippet).render(x=Other())
        shared = build_environment().from_string(snippet).render(x=Other())
        of_the_language = build_environment(locale).from_string(snippet).render(x=Other())

    assert shared == theirs
    assert of_the_language == theirs


def test_a_message_translated_as_the_template_compiles_is_in_the_environment_language() -> None:
    page = build_environment("zh_Hant").from_string('{{ _("Log out") }}')

    with i18n.use_locale("zh_Hant"):
        expected = i18n.gettext("Log out")
    source = build_environment("zh_Hant").compile('{{ _("Log out") }}', raw=True)

    assert page.render() == expected != "Log out"
    assert expected in source  # in the compiled code, not asked for at each render


def test_a_message_missing_its_variable_fails_as_with_jinja_own_gettext() -> None:
    snippet = '{{ _("Reviewer %(number)s") }}'

    with pytest.raises(KeyError):
        jinja_own().from_string(snippet).render()
    with pytest.raises(KeyError):
        build_environment("en").from_string(snippet).render()
