"""Normalised text: what is compared, with a map back to the original characters.

Only letters and digits are kept (CJK ideographs count as letters): punctuation, symbols and
whitespace differ between copies far more often than words do (，/, 。/. “”/「」, a line
break in the middle of a sentence), so dropping them makes those variants equal. Each kept
character is NFKC-folded (full-width Ａ１ → A1), lower-cased and converted from Traditional to
Simplified one character at a time — per character so that every normalised character keeps
exactly one original offset; phrase-level conversion would be more faithful to read but both
texts go through the same mapping, which is all that matching needs.

Two kinds of text do not count as copying: quotations (between “” or 「」『』, as Chinese
writing marks quoting a document) are masked — kept so that passages around them still join,
but no match may start from them — and the paper's own 参考文献 section is cut off, since two
papers citing the same works is not copying.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# A quotation longer than this, or one crossing a line break, is taken for an unbalanced mark.
MAX_QUOTE = 400
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』"}
REFERENCES_HEADING = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]+[、.．]\s*)?[【\[]?"
    r"(?:参考文献|參考文獻|参考资料|參考資料|references|bibliography)[】\]]?[ \t\u3000]*[:：]?[ \t\u3000]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Normalised:
    text: str  # letters and digits only, folded
    origin: tuple[int, ...]  # origin[i]: the offset in the original text of text[i]
    quoted: frozenset[int]  # positions in `text` inside a quotation

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that normalised [start, end) came from (end > start)."""
        return self.origin[start], self.origin[end - 1] + 1


@cache
def _traditional_to_simplified() -> dict[str, str]:
    """One-character Traditional → Simplified pairs from OpenCC's dictionaries.

    Taiwan and Hong Kong variant forms (裏, 綫) first become OpenCC's standard Traditional form,
    which then becomes Simplified.
    """

    def pairs(name: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in (resources.files("opencc") / "dictionary" / name).read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            target = targets.split(" ")[0] if targets else ""
            if len(source) == 1 and len(target) == 1:
                found[source] = target
        return found

    variants = pairs("TWVariantsRev.txt") | pairs("HKVariantsRev.txt")
    simplified = pairs("TSCharacters.txt")
    table: dict[str, str] = {}
    for char in variants.keys() | simplified.keys():
        standard = variants.get(char, char)
        target = simplified.get(standard, standard)
        if target != char:
            table[char] = target
    return table


@cache
def fold(char: str) -> str:
    """The normalised form of one original character: "" when it is not a letter or digit."""
    folded = unicodedata.normalize("NFKC", char).lower()
    simplified = _traditional_to_simplified()
    return "".join(simplified.get(c, c) for c in folded if c.isalnum())


def references_start(text: str) -> int:
    """Where the paper's own references section begins (the last such heading), or len(text)."""
    starts = [m.start() for m in REFERENCES_HEADING.finditer(text)]
    # A heading in the first third is a table of contents or an outline, not the section.
    return starts[-1] if starts and starts[-1] > len(text) // 3 else len(text)


def _closing(text: str, start: int, close: str) -> int:
    """Where the quotation opened at `start` closes (nested pairs counted), or -1."""
    opening, depth = text[start], 0
    for i in range(start + 1, min(len(text), start + 1 + MAX_QUOTE)):
        if text[i] == "\n":
            return -1
        if text[i] == opening:
            depth += 1
        elif text[i] == close:
            if depth == 0:
                return i
            depth -= 1
    return -1


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """The [start, end) of each balanced quotation, marks included."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        close = QUOTE_PAIRS.get(text[i])
        end = _closing(text, i, close) if close is not None else -1
        if end != -1:
            spans.append((i, end + 1))
            i = end + 1
        else:
            i += 1
    return spans


def normalise(text: str) -> Normalised:
    end = references_start(text)
    quoted_original = bytearray(end)
    for start, stop in quotation_spans(text[:end]):
        quoted_original[start:stop] = b"\1" * (stop - start)
    chars: list[str] = []
    origin: list[int] = []
    quoted: set[int] = set()
    for offset in range(end):
        for char in fold(text[offset]):
            if quoted_original[offset]:
                quoted.add(len(chars))
            chars.append(char)
            origin.append(offset)
    return Normalised("".join(chars), tuple(origin), frozenset(quoted))
