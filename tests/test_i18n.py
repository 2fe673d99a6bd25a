from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from seminar import catalogs, i18n


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Tests here switch the language of the running context: give the next test the default back."""
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)
    i18n.set_time_zone("Asia/Shanghai")


@pytest.mark.parametrize(
    ("user_locale", "chosen", "accept", "expected"),
    [
        (None, None, None, "zh_Hans"),
        (None, None, "en-US,en;q=0.9", "zh_Hans"),
        (None, None, "zh-TW,zh;q=0.9", "zh_Hant"),
        (None, None, "zh-HK", "zh_Hant"),
        (None, None, "zh-CN,en;q=0.5", "zh_Hans"),
        (None, None, "fr-FR,en;q=0.3,zh-TW;q=0.1", "zh_Hant"),
        (None, None, "fr-FR", "zh_Hans"),
        (None, None, "en;q=0.2,zh-Hant;q=0.8", "zh_Hant"),
        (None, "en", "zh-CN", "en"),
        ("zh_Hant", "en", "en", "zh_Hant"),
        ("bogus", None, "zh-HK", "zh_Hant"),
        (None, None, "en", "zh_Hans"),
    ],
)
def test_negotiate_locale_prefers_user_then_switcher_then_browsers_chinese_script(
    user_locale: str | None, chosen: str | None, accept: str | None, expected: str
) -> None:
    assert i18n.negotiate_locale(user_locale, chosen, accept) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_Hans", "2026年11月25日"), ("zh_Hant", "2026年11月25日"), ("en", "November 25, 2026")],
)
def test_format_date_long(locale: str, expected: str) -> None:
    with i18n.use_locale(locale):
        assert i18n.format_date(dt.date(2026, 11, 25)) == expected


def test_format_datetime_shows_shanghai_time() -> None:
    i18n.set_time_zone("Asia/Shanghai")
    with i18n.use_locale("zh_Hans"):
        assert i18n.format_datetime(dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)) == "2026年11月25日 09:30"


def test_use_locale_restores_the_previous_language() -> None:
    i18n.set_locale("en")
    with i18n.use_locale("zh_Hans"):
        assert i18n.gettext("Page not found") == "页面不存在"
    assert i18n.gettext("Page not found") == "Page not found"


def test_traditional_catalog_uses_traditional_characters() -> None:
    with i18n.use_locale("zh_Hant"):
        assert i18n.gettext("Page not found") == "頁面不存在"


def test_every_visible_string_is_translated_into_both_chinese_scripts() -> None:
    missing = catalogs.missing_translations()

    assert missing == {}, "run `uv run python -m seminar.catalogs` and translate: " + repr(missing)


def test_an_english_site_default_follows_english_browsers() -> None:
    assert i18n.negotiate_locale(None, None, "en-GB", default="en") == "en"
    assert i18n.negotiate_locale(None, None, "zh-CN", default="en") == "zh_Hans"


def test_no_english_text_has_two_different_chinese_translations() -> None:
    assert catalogs.conflicting_translations() == {}
