"""Languages: locale negotiation, gettext for Python and Jinja, dates in the user's style.

Catalogs are plain `.po` files under `seminar/locale/<locale>/LC_MESSAGES/`, one file per
area (`accounts.po`, `mail.po` …) so areas can be translated independently; they are merged
and compiled at their first use (and the result kept, see `translations`), so there is no compile
step to forget.
Message ids are English; `zh_Hans` is the default language.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LOCALES = ("zh_Hans", "zh_Hant", "en")
DEFAULT_LOCALE = "zh_Hans"
LOCALE_NAMES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}
# The `lang` attribute for HTML, which also picks the right CJK glyph forms.
HTML_LANG = {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "en": "en"}

_current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)
_current_zone: ContextVar[str] = ContextVar("current_zone", default="Asia/Shanghai")


@cache
def translations(locale: str) -> Translations:
    """All `.po` files of one locale merged into one catalog.

    Merging means parsing every `.po` file (a tenth of a second of CPU per language, in every
    process that speaks it: each server worker, each command). So the merged catalog is kept
    compiled beside them, named by a hash of their text, as Python keeps bytecode: a changed `.po`
    file makes a new one, and a folder the process cannot write to (an image) just costs the merge
    (`compile_catalogs`, run by `seminar setup` and the image's build, makes them ahead)."""
    sources = sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    compiled = LOCALE_DIR / locale / f"{COMPILED_PREFIX}{digest.hexdigest()[:24]}.mo"
    try:
        with compiled.open("rb") as handle:
            return Translations(handle)
    except OSError:
        pass
    merged = Catalog(locale=Locale.parse(locale))
    for po_path in sources:
        with po_path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    _keep_compiled(compiled, buffer.getvalue())
    buffer.seek(0)
    return Translations(buffer)


COMPILED_PREFIX = "merged-"


def _keep_compiled(path: Path, content: bytes) -> None:
    """Write the compiled catalog whole (another process may be reading or writing it) and drop older ones."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".tmp", delete=False) as handle:
            try:
                handle.write(content)
            except OSError:  # a full disk, say: leave no half-written file behind
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)
        for older in path.parent.glob(f"{COMPILED_PREFIX}*.mo"):
            if older != path:
                older.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only install: merged in memory at each start


def compile_catalogs() -> None:
    """Compile every language's merged catalog ahead of the first request (`seminar setup`, the image)."""
    for locale in LOCALES:
        translations(locale)


def get_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextlib.contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Render something (a mail, say) in another person's language for a moment."""
    token = _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current_locale.reset(token)


def set_time_zone(zone: str) -> None:
    _current_zone.set(zone)


def gettext(message: str, **variables: object) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def lazy_gettext(message: str, **variables: object) -> str:
    """For strings defined at import time (form labels): translated when shown.

    The LazyProxy acts as the str it becomes (str(), %, +, Markup escaping), so it is typed as one:
    WTForms' labels and messages take a str.
    """
    return cast(str, LazyProxy(gettext, message, enable_cache=False, **variables))


_ = gettext


def N_(message: str) -> str:  # noqa: N802  # the customary gettext name
    """Marks a message for the catalogs and leaves it in English: it is stored, then translated where shown."""
    return message


def negotiate_locale(
    user_locale: str | None, chosen: str | None, accept_language: str | None, default: str = DEFAULT_LOCALE
) -> str:
    """The user's own setting, then the switcher's choice, then the browser's, then the default.

    The browser's preference picks between Simplified and Traditional Chinese. It does not
    switch the site to English: the product's language is Chinese, many office machines run
    English-language browsers, and English is one click away in the switcher.
    """
    for candidate in (user_locale, chosen):
        if candidate in LOCALES:
            return candidate
    fallback = default if default in LOCALES else DEFAULT_LOCALE
    for tag in _accepted_tags(accept_language or ""):
        match = _match_tag(tag)
        if match is not None and (match != "en" or fallback == "en"):
            return match
    return fallback


def _accepted_tags(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, index, tag.strip().lower()))
    return [tag for _q, _i, tag in sorted(weighted)]


def _match_tag(tag: str) -> str | None:
    if tag.startswith("zh"):
        traditional = ("hant", "-tw", "-hk", "-mo")
        return "zh_Hant" if any(mark in tag for mark in traditional) else "zh_Hans"
    if tag.startswith("en"):
        return "en"
    return None


def _aware(value: dt.datetime) -> dt.datetime:
    zone = ZoneInfo(_current_zone.get())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone)


@cache
def _babel_locale(locale: str) -> Locale:
    """Babel's locale, parsed once per process: given a name, Babel parses it again for every date."""
    return Locale.parse(locale)


def format_date(value: dt.date | dt.datetime | None, format: str = "long") -> str:
    """2026年11月25日 in Chinese, 25 November 2026 in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _aware(value).date()
    return babel_dates.format_date(value, format=format, locale=_babel_locale(get_locale()))


def format_datetime(value: dt.datetime | None, format: str = "long") -> str:
    """2026年11月25日 14:30 — dates long, times on the 24-hour clock, in the seminar's zone."""
    if value is None:
        return ""
    local = _aware(value)
    return f"{format_date(local.date(), format)} {local:%H:%M}"


def format_time(value: dt.datetime | dt.time | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _aware(value).time()
    return f"{value:%H:%M}"


def local_now() -> dt.datetime:
    return dt.datetime.now(ZoneInfo(_current_zone.get()))
