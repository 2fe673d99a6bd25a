"""The manuscript's own front matter, dropped where it repeats the paper's form.

The book and the paper's web page print the title, ——subtitle, authors with their units, 摘要
and 关键词 from the submission form. Most manuscripts begin with the same lines (the official
layout asks for them), so printed as they are, every paper would show its front matter twice.
`trim_front_matter` walks the manuscript's leading blocks and drops each one that repeats the
form: the title (possibly with its subtitle, or split over two lines), the subtitle, lines made
of the authors' names and units, the 摘要 (labelled 摘要：, 【摘要】, 摘 要, 内容摘要, 内容提要 or
Abstract, possibly spread over several paragraphs) and the 关键词 line. Comparison ignores
punctuation, spaces and full/half width; an abstract counts as repeated when it is mostly the
same text (`ABSTRACT_LIKENESS`), keywords when most of them are the form's.

The walk stops at the first block that repeats nothing (a heading such as 一、问题的提出, a
paragraph of text, a table, a picture): the body is never touched. A leading abstract that
differs from the form is kept, and ends the walk. Empty paragraphs before the body go too.

Pure: plain strings in, plain data out. The HTML is sanitised (nh3 output): attributes are
double-quoted, so a regular expression finds the tags.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from seminar import i18n
from seminar.i18n import _

ABSTRACT_LIKENESS = 0.6  # difflib ratio of the normalised texts from which an abstract repeats the form's

_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*(/?)>')
_VOID = {"br", "hr", "img"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}  # what front matter is written in; anything else ends it
_OPEN = r"^[\s【\[〔（(<《]*"
_CLOSE = r"[\s】\]〕）)>》]*[:：]?\s*"
_ABSTRACT_LABEL = re.compile(_OPEN + r"(?:内\s*容\s*)?(?:摘\s*要|提\s*要|abstract)" + _CLOSE, re.IGNORECASE)
_KEYWORDS_LABEL = re.compile(_OPEN + r"(?:关\s*键\s*[词字]|主\s*题\s*词|key\s*words?)" + _CLOSE, re.IGNORECASE)
_KEYWORD_SPLIT = re.compile(r"[;；,，、\s]+")
# Words that may stand beside names and units on an author line: 作者：张三（广州市委政法委）.
_AUTHOR_WORDS = ("作者", "单位", "执笔人", "执笔", "课题组", "撰稿人", "撰稿", "通讯作者")


class Part(StrEnum):
    TITLE = "title"
    SUBTITLE = "subtitle"
    AUTHORS = "authors"
    ABSTRACT = "abstract"
    KEYWORDS = "keywords"


PART_ORDER = tuple(Part)


def part_label(part: Part) -> str:
    return {
        Part.TITLE: _("title"),
        Part.SUBTITLE: _("subtitle"),
        Part.AUTHORS: _("authors and units"),
        Part.ABSTRACT: _("abstract"),
        Part.KEYWORDS: _("keywords"),
    }[part]


@dataclass(frozen=True)
class Dropped:
    part: Part
    text: str  # the dropped block's text, as the manuscript has it
    with_subtitle: bool = False  # a title line that carries the subtitle too


@dataclass(frozen=True)
class Trimmed:
    html: str
    dropped: tuple[Dropped, ...] = ()

    @property
    def parts(self) -> list[Part]:
        """The kinds of front matter dropped, in the order a paper prints them, each once."""
        found = {item.part for item in self.dropped}
        if Part.TITLE in found and any(item.with_subtitle for item in self.dropped):
            found.add(Part.SUBTITLE)
        return [part for part in PART_ORDER if part in found]


def dropped_summary(trimmed: Trimmed) -> str:
    """标题、副标题、摘要、关键词: for the organizer's note; empty when nothing was dropped."""
    return ("、" if i18n.get_locale().startswith("zh") else ", ").join(part_label(part) for part in trimmed.parts)


def normalise(text: str) -> str:
    """Letters and digits only, half width, lower case: 「乳源“平安细胞”建设」 → 乳源平安细胞建设."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True)
class _Block:
    tag: str
    start: int
    end: int
    inner: str

    @property
    def text(self) -> str:
        return html.unescape(_TAG.sub("", self.inner)).strip()

    @property
    def has_picture(self) -> bool:
        return "<img" in self.inner.lower()


def _blocks(markup: str) -> Iterable[_Block]:
    """The top-level elements of `markup` in order; text between them is not a block and stops nothing."""
    depth = 0
    start = 0
    tag = ""
    inner_start = 0
    for match in _TAG.finditer(markup):
        closing, name, _attributes, self_closing = match.groups()
        name = name.lower()
        if name in _VOID or self_closing:
            if depth == 0:
                yield _Block(name, match.start(), match.end(), match.group(0))
            continue
        if not closing:
            if depth == 0:
                start, tag, inner_start = match.start(), name, match.end()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                yield _Block(tag, start, match.end(), markup[inner_start:match.start()])


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return min(len(a), len(b)) >= ABSTRACT_LIKENESS * max(len(a), len(b))
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ABSTRACT_LIKENESS


def _is_author_line(text: str, names: Sequence[str], units: Sequence[str]) -> bool:
    rest = normalise(text)
    if not rest:
        return False
    length = len(rest)
    found = False
    for word in sorted({*names, *units}, key=len, reverse=True):
        if word and word in rest:
            rest = rest.replace(word, "")
            found = True
    if not found:
        return False
    for word in _AUTHOR_WORDS:
        rest = rest.replace(word, "")
    rest = re.sub(r"\d", "", rest)  # footnote marks, postcodes
    return len(rest) <= max(8, 0.35 * length)


def trim_front_matter(
    body_html: str,
    *,
    title: str,
    subtitle: str = "",
    authors: Iterable[tuple[str, str]] = (),
    abstract: str = "",
    keywords: Sequence[str] = (),
) -> Trimmed:
    """`body_html` without its leading blocks that repeat the form's fields; what went, in order."""
    blocks = list(_blocks(body_html))
    title_n, subtitle_n = normalise(title), normalise(subtitle)
    heading_n = title_n + subtitle_n
    people = list(authors)
    names = [normalise(name) for name, _unit in people]
    units = [normalise(unit) for _name, unit in people]
    abstract_n = normalise(abstract)
    keywords_n = {normalise(word) for word in keywords} - {""}
    dropped: list[Dropped] = []
    cut: list[tuple[int, int]] = []  # spans of body_html to remove
    seen: set[Part] = set()
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.tag not in _BLOCKS or block.has_picture:
            break
        text = block.text
        plain = normalise(text)
        if not plain:  # an empty paragraph (or one of dashes) before the body
            cut.append((block.start, block.end))
            index += 1
            continue
        part: Part | None = None
        taken = 1
        if (label := _ABSTRACT_LABEL.match(unicodedata.normalize("NFKC", text))) and Part.ABSTRACT not in seen:
            # The abstract, with the paragraphs that continue it (a label alone on its line, or a long abstract).
            combined = normalise(text[label.end():])
            while (
                index + taken < len(blocks)
                and len(combined) < 0.9 * len(abstract_n)
                and blocks[index + taken].tag == "p"
                and not blocks[index + taken].has_picture
                and not _KEYWORDS_LABEL.match(unicodedata.normalize("NFKC", blocks[index + taken].text))
            ):
                combined += normalise(blocks[index + taken].text)
                taken += 1
            if _similar(combined, abstract_n):
                part = Part.ABSTRACT
        elif (label := _KEYWORDS_LABEL.match(unicodedata.normalize("NFKC", text))) and Part.KEYWORDS not in seen:
            words = {normalise(word) for word in _KEYWORD_SPLIT.split(text[label.end():])} - {""}
            if keywords_n and words and len(words & keywords_n) * 2 >= len(words):
                part = Part.KEYWORDS
        elif Part.ABSTRACT in seen or Part.KEYWORDS in seen:
            part = None  # title and authors come before the abstract: after it, only the body
        elif title_n and Part.TITLE not in seen and (plain in (title_n, heading_n) or _part_of(plain, title_n)):
            part = Part.TITLE
            # A title written over two lines: the next blocks finish it.
            joined = plain
            while joined not in (title_n, heading_n) and index + taken < len(blocks) and blocks[index + taken].tag in _BLOCKS:
                joined += normalise(blocks[index + taken].text)
                taken += 1
            if joined not in (title_n, heading_n):
                part, taken = None, 1
            elif joined == heading_n != title_n:
                seen.add(Part.SUBTITLE)  # title and subtitle on one line
        elif subtitle_n and Part.SUBTITLE not in seen and (plain == subtitle_n or _part_of(plain, subtitle_n)):
            part = Part.SUBTITLE
        elif _is_author_line(text, names, units):
            part = Part.AUTHORS
        if part is None:
            break
        seen.add(part)
        for taken_block in blocks[index:index + taken]:
            cut.append((taken_block.start, taken_block.end))
            dropped.append(Dropped(part, taken_block.text, part is Part.TITLE and Part.SUBTITLE in seen))
        index += taken
    if not dropped:
        return Trimmed(body_html)
    pieces = []
    position = 0
    for start, end in cut:
        pieces.append(body_html[position:start])
        position = end
    pieces.append(body_html[position:])
    return Trimmed("".join(pieces).lstrip(), tuple(dropped))


def _part_of(plain: str, whole: str) -> bool:
    """The beginning of a title written over two lines: at least half of it, from its start."""
    return whole.startswith(plain) and 2 * len(plain) >= len(whole)
