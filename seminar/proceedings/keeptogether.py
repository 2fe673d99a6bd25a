"""What belongs together on a printed page: table headers, short tables, figures and their captions.

Word marks a table's header row with "重复标题行" (w:tblHeader), which the converter turns into
`<thead>`; most manuscripts only set the first row in bold. `keep_together` makes such a bold
first row the table's `<thead>` of `<th>` cells, so the typesetter repeats it on every page the
table runs over. It also marks, with classes the book's stylesheet knows:

- `short`: a table of at most `SHORT_ROWS` rows, which is not split over two pages;
- `keep-with-next`: a caption before a table or picture (表1 …, 图1 …), and a picture followed by
  its caption, so that a caption never stands on another page than what it names.

Pure: sanitised HTML in (nh3 output, attributes in double quotes), HTML out. Runs after
sanitising, so the classes it adds are the only ones in the manuscript.
"""

from __future__ import annotations

import html
import re

SHORT_ROWS = 12

_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<td((?:\s+[a-z]+=\"[^\"]*\")*)>(.*?)</td>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_BOLD = re.compile(r"<(strong|b)>.*?</\1>", re.DOTALL)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_CAPTION = re.compile(r"^\s*(?:[图表]\s*[0-9０-９一二三四五六七八九十]+|(?:figure|fig\.|table)\s*\d+)", re.IGNORECASE)


def _text(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup)).strip()


def _header_like(cells: list[tuple[str, str]]) -> bool:
    """Every cell has text, and all of it is bold."""
    return bool(cells) and all(_text(content) and not _text(_BOLD.sub("", content)) for _attributes, content in cells)


def _table(match: re.Match[str]) -> str:
    inner = match.group(1)
    if "<table" in inner:  # a table in a table: left as it is
        return match.group(0)
    rows = _ROW.findall(inner)
    opening = '<table class="short">' if len(rows) <= SHORT_ROWS else "<table>"
    if "<thead>" in inner or not rows:
        return opening + inner + "</table>"
    first = _ROW.search(inner)
    assert first is not None
    cells = _CELL.findall(first.group(1))
    if not _header_like(cells) or len(cells) != first.group(1).count("<td"):
        return opening + inner + "</table>"
    header = "<thead><tr>" + "".join(f"<th{attributes}>{content}</th>" for attributes, content in cells) + "</tr></thead>"
    before, after = inner[:first.start()], inner[first.end():]
    if before.rstrip().endswith("<tbody>"):  # the header row leaves the body: the head goes before it
        start = before.rstrip()[: -len("<tbody>")]
        return f"{opening}{start}{header}<tbody>{after}</table>"
    return f"{opening}{before}{header}{after}</table>"


def _captions(markup: str) -> str:
    """Captions kept with what they name: 表1 before a table, 图1 before or after a picture."""
    pieces = []
    position = 0
    paragraphs = list(_PARAGRAPH.finditer(markup))
    for index, paragraph in enumerate(paragraphs):
        content = paragraph.group(1)
        following = markup[paragraph.end():].lstrip()
        is_picture = "<img" in content and not _text(content)
        is_caption = bool(_CAPTION.match(_text(content))) and len(_text(content)) <= 80
        next_is_caption = (
            index + 1 < len(paragraphs)
            and paragraphs[index + 1].start() == len(markup) - len(following)
            and bool(_CAPTION.match(_text(paragraphs[index + 1].group(1))))
        )
        names_next = following.startswith("<table") or following.startswith("<p><img")
        if (is_caption and names_next) or (is_picture and next_is_caption):
            pieces.append(markup[position:paragraph.start()])
            pieces.append(f'<p class="keep-with-next">{content}</p>')
            position = paragraph.end()
    pieces.append(markup[position:])
    return "".join(pieces)


def keep_together(markup: str) -> str:
    """`markup` with bold first rows as table headers, short tables and captions marked (see the module)."""
    if "<table" in markup:
        markup = _TABLE.sub(_table, markup)
    if "<img" in markup or "<table" in markup:
        markup = _captions(markup)
    return markup
