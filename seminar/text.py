"""Cleaning text people type or upload of characters no keyboard types and no reader sees (pure).

Control characters (C0, DEL and C1; NUL cannot even be stored in PostgreSQL) and every
invisible format character (Unicode category Cf: the bidirectional overrides and isolates
U+202A–U+202E and U+2066–U+2069, zero-width spaces and joiners U+200B–U+200F, U+2060–U+2064,
the byte-order mark U+FEFF, the soft hyphen U+00AD, tag characters …) are dropped. A bidi
override makes "fdp.exe" show as "exe.pdf" and a title read backwards in the book; a zero-width
character makes two identical-looking names different. Chinese text needs none of them, the
zero-width joiner included (it only glues emoji and some Indic and Arabic letters together), so
none is kept.
"""

from __future__ import annotations

import re

# Unicode category Cf as of Unicode 14 (Python 3.11); tests/test_text.py fails when the running
# Python's tables know more, so a new Unicode version is noticed.
FORMAT_CHARACTERS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# Tabs and line breaks stay in values (text areas); one-line fields lose line breaks in forms.
_INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{FORMAT_CHARACTERS}]")
# File names keep no tab or line break either.
_INVISIBLE_IN_FILENAME = re.compile(f"[\x00-\x1f\x7f-\x9f{FORMAT_CHARACTERS}]")


def whole_number(value: object) -> int | None:
    """The number that ASCII digits write ("0042": 42), else None. `str.isdigit` also takes "²" or "٣",
    which `int` refuses or reads as a number nobody typed: a form field, query or header checked with it
    answered a crafted value with a server error."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def visible(text: str) -> str:
    """`text` without control and invisible format characters; tabs and line breaks stay."""
    return _INVISIBLE.sub("", text)


def visible_filename(name: str) -> str:
    """A file name without control characters (tabs and line breaks included) or invisible format characters."""
    return _INVISIBLE_IN_FILENAME.sub("", name)
