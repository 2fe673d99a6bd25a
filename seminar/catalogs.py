"""Keeping the translation catalogs in step with the code.

`python -m seminar.catalogs` extracts every message of each area (its Python package and its
template folder) into `seminar/locale/<locale>/LC_MESSAGES/<area>.po`, keeps the translations
already there, and fills missing Traditional Chinese from the Simplified with OpenCC (a dev
dependency), so only zh_Hans needs a translator's hand. The conversion writes the standard forms
Taiwan's (and mostly Hong Kong's) readers expect — 為, 著, 裡, not OpenCC's default 爲, 着, 裏 — and
the everyday software words of Traditional Chinese interfaces (儲存, 設定, 登入, 匯出…) from a short
list of our own: OpenCC's phrase-level Taiwan configuration also turns 发布 into 釋出, 审核 into 稽核,
通过 into 透過 and "论文本来" into "論文字來", so it is not used. A Traditional entry that is
the machine conversion of its Simplified one is refreshed on every run; one written by hand stays. `missing_translations()` is what the
test suite checks: no visible string may fall back to English in a Chinese locale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from seminar.config import PROJECT_ROOT
from seminar.i18n import LOCALE_DIR

PACKAGE_DIR = PROJECT_ROOT / "seminar"
TEMPLATE_DIR = PROJECT_ROOT / "templates"
TRANSLATED_LOCALES = ("zh_Hans", "zh_Hant")
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}, "**.txt": {"extensions": "jinja2.ext.i18n"}}


def areas() -> list[str]:
    """`core` (top-level modules, base templates, macros, errors) plus one per sub-package."""
    packages = sorted(p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").exists())
    return ["core", *[p for p in packages if p != "locale"]]


def _sources(area: str) -> Iterator[tuple[Path, str]]:
    if area == "core":
        for path in sorted(PACKAGE_DIR.glob("*.py")):
            yield path, "python"
        for path in sorted(TEMPLATE_DIR.glob("*.html")):
            yield path, "jinja2"
        for folder in ("_macros", "errors"):
            for path in sorted((TEMPLATE_DIR / folder).rglob("*.html")):
                yield path, "jinja2"
        return
    for path in sorted((PACKAGE_DIR / area).rglob("*.py")):
        yield path, "python"
    for path in sorted((TEMPLATE_DIR / area).rglob("*")):
        if path.suffix in (".html", ".txt"):
            yield path, "jinja2"


def extract(area: str) -> Catalog:


    catalog = Catalog(project="seminar")
    for path, method in _sources(area):
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            catalog.add(message, None, [(str(path.relative_to(PROJECT_ROOT)), lineno)],
                        auto_comments=comments, context=context)
    return catalog


def _po_path(locale: str, area: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{area}.po"


def _read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="seminar")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


Translation = str | tuple[str, ...] | list[str] | None  # as Babel types it; a plural entry has its forms, ("",) untranslated


def _known_translations(locale: str) -> dict[object, Translation]:
    """Every translation any area already has, so a text shared by two areas is translated once."""
    known: dict[object, Translation] = {}
    for po_path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        for message in _read(po_path, locale):
            if message.id and not _is_blank(message.string):
                known.setdefault(message.id, message.string)
    return known


def update(area: str) -> None:
    template = extract(area)
    simplified = _read(_po_path("zh_Hans", area), "zh_Hans")
    known_simplified = _known_translations("zh_Hans")
    for locale in TRANSLATED_LOCALES:
        path = _po_path(locale, area)
        existing = _read(path, locale)
        fresh = Catalog(locale=locale, project="seminar", fuzzy=False)
        for message in template:
            if not message.id:
                continue
            old = existing.get(message.id)
            string: Translation = old.string if old is not None else ""
            if locale == "zh_Hans" and _is_blank(string):
                string = known_simplified.get(message.id, string)
            if locale == "zh_Hant":
                source = simplified.get(message.id)
                own = source.string if source is not None else ""
                simplified_text = own if not _is_blank(own) else known_simplified.get(message.id, "")
                if _is_blank(string) or _machine_made(string, simplified_text):
                    string = _to_traditional(simplified_text)
            fresh.add(message.id, string, message.locations, auto_comments=message.auto_comments)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, fresh, width=100, omit_header=True, sort_output=False)


def _is_blank(string: Translation) -> bool:
    """An untranslated entry; plural entries are tuples such as ("",)."""
    if string is None or isinstance(string, str):
        return not string
    return not any(string)


def _to_traditional(text: Translation) -> str | tuple[str, ...]:
    if text is None or isinstance(text, str):
        return to_traditional(text) if text else ""
    return tuple(to_traditional(part) if part else part for part in text)


def _machine_made(string: Translation, simplified: Translation) -> bool:
    """A Traditional entry that some conversion of the Simplified one gives (OpenCC's default one,
    or ours, earlier or now): made by this tool, not by a translator."""
    if _is_blank(simplified):
        return False
    parts = (string,) if string is None or isinstance(string, str) else tuple(string)
    sources = (simplified,) if simplified is None or isinstance(simplified, str) else tuple(simplified)
    if len(parts) != len(sources):
        return False
    return all(
        part in {_converter(config).convert(source or "") for config in ("s2t", "s2tw")} | {to_traditional(source or "")}
        for part, source in zip(parts, sources, strict=True)
    )


# Words of Traditional Chinese interfaces that differ from a character-by-character conversion,
# as Simplified → Traditional. Longer entries win; an entry mapping to itself protects a phrase
# (内部资料 注意保存 is "keep safe", not "save").
INTERFACE_WORDS = {
    "注意保存": "注意保存",
    "保存": "儲存",
    "设置": "設定",
    "登录": "登入",
    "链接": "連結",
    "默认": "預設",
    "软件": "軟體",
    "视频": "影片",
    "打印": "列印",
    "搜索": "搜尋",
    "添加": "新增",
    "数据库": "資料庫",
    "数据": "資料",
    "菜单": "選單",
    "用户名": "使用者名稱",
    "用户": "使用者",
    "账号": "帳號",
    "信息": "資訊",
    "网络": "網路",
    "服务器": "伺服器",
    "内存": "記憶體",
    "导出": "匯出",
    "导入": "匯入",
    "打开": "開啟",
    "刷新": "重新整理",
    "邮箱": "信箱",
    "短信": "簡訊",
    "字符": "字元",
    "扩展名": "副檔名",
    "激活": "啟用",
    "发布": "發布",
    "审核": "審核",
    "文档": "文件",
}
_WORDS = re.compile("|".join(sorted(map(re.escape, INTERFACE_WORDS), key=len, reverse=True)))


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese as this project writes it (see the module's docstring)."""
    pieces: list[str] = []
    position = 0
    for match in _WORDS.finditer(text):
        pieces.append(_converter("s2tw").convert(text[position:match.start()]))
        pieces.append(INTERFACE_WORDS[match.group()])
        position = match.end()
    pieces.append(_converter("s2tw").convert(text[position:]))
    return "".join(pieces)


@cache
def _converter(config: str) -> Any:
    from opencc import OpenCC  # dev dependency: only needed when catalogs are updated; untyped

    return OpenCC(config)


def missing_translations() -> dict[str, list[str]]:
    """Message ids used in the code that a Chinese catalog does not translate, per locale."""
    missing: dict[str, list[str]] = {}
    for locale in TRANSLATED_LOCALES:
        translated: set[str] = set()
        for po_path in (LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"):
            for message in _read(po_path, locale):
                if message.id and not _is_blank(message.string) and not message.fuzzy:
                    translated.add(message.id if isinstance(message.id, str) else message.id[0])
        for area in areas():
            for message in extract(area):
                key = message.id if isinstance(message.id, str) else message.id[0]
                if key and key not in translated:
                    missing.setdefault(locale, []).append(key)
    return missing


def conflicting_translations() -> dict[str, set[str]]:
    """Message ids that two areas translate differently into Simplified Chinese.

    All areas share one merged catalog, so one English text can have only one translation:
    where two areas mean different things, one of them must pick another English text.
    """
    seen: dict[str, set[str]] = {}
    for po_path in sorted((LOCALE_DIR / "zh_Hans" / "LC_MESSAGES").glob("*.po")):
        for message in _read(po_path, "zh_Hans"):
            if message.id and not _is_blank(message.string):
                key = message.id if isinstance(message.id, str) else message.id[0]
                value = message.string if isinstance(message.string, str) else "|".join(message.string or ())
                seen.setdefault(key, set()).add(value)
    return {key: values for key, values in seen.items() if len(values) > 1}


def main() -> None:
    selected = sys.argv[1:] or areas()
    for area in selected:
        update(area)
        print(f"updated {area}")
    for locale, ids in missing_translations().items():
        print(f"{locale}: {len(ids)} untranslated")
    for key, values in conflicting_translations().items():
        print(f"conflict: {key!r} is translated as {sorted(values)}")


if __name__ == "__main__":
    main()
