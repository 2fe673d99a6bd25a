"""The 论文集 as plain data, and the one HTML document WeasyPrint typesets from it.

No ORM and no HTTP here: the build layer fills a `BookSpec` from the seminar's topics, papers,
decisions, 专题点评 and speeches, and `book_html()` turns it into the whole book — cover, 前言, 目录, per topic
a divider page and its papers (keynotes, then discussion papers, then proceedings-only), and the
appendices. Layout lives in `static/proceedings/book.css`, never inline: with autoescaping a
`<style>` block loses its quotes and WeasyPrint silently drops the fonts, leaders and running heads.

Every text is escaped except two fields the caller vouches for: `BookPaper.body_html` and
`BookSpec.preface_html`, which must already be sanitised (see `seminar.submissions.intake.sanitize`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from babel import dates as babel_dates
from markupsafe import Markup

from seminar import i18n
from seminar.config import PROJECT_ROOT
from seminar.agenda.program import ProgramDay
from seminar.i18n import _
from seminar.proceedings.frontmatter import Trimmed, trim_front_matter
from seminar.proceedings.keeptogether import keep_together
from seminar.proceedings.numerals import chinese_number, chinese_year_month
from seminar.proceedings.styles import HouseStyle
from seminar.titlelines import title_lines
from seminar.submissions.intake import nest_headings

if TYPE_CHECKING:  # jinja2 only to typeset: the check for changes (`seminar proceedings build`) loads none
    from jinja2 import Environment

TEMPLATE_DIR = PROJECT_ROOT / "templates"
# Full-width characters on a line of the cover title: 154 mm of text block at 22 pt (二号), less a margin.
COVER_TITLE_WIDTH = 19
# The same for a paper's title in the 公文 style: 156 mm at 22 pt (二号) is 20 characters, less a margin.
OFFICIAL_PAPER_TITLE_WIDTH = 19
BOOK_TEMPLATE = "proceedings/book.html"


class Placement(StrEnum):
    """Where the decision puts a paper; the values match `seminar.reviews.models.Recommendation`."""

    KEYNOTE = "keynote"
    DISCUSSION = "discussion"
    PROCEEDINGS = "proceedings"


PLACEMENT_ORDER = (Placement.KEYNOTE, Placement.DISCUSSION, Placement.PROCEEDINGS)


class Author(NamedTuple):
    name: str
    unit: str = ""


@dataclass(frozen=True)
class BookPaper:
    number: int  # the paper's number in the seminar (#12): unique in a book, used for anchors
    title: str
    placement: Placement = Placement.DISCUSSION
    subtitle: str = ""
    authors: Sequence[Author | tuple[str, str]] = ()
    abstract: str = ""
    keywords: Sequence[str] = ()
    body_html: str = ""  # sanitised HTML of the converted manuscript: inserted as it is
    pdf_pages: bytes | None = None  # a paper uploaded only as PDF: its pages go into the book
    manuscript_version: int | None = None  # the version printed: the accepted final version, else the reviewed one
    # Under blind review when the book was built: `authors` is empty and the book prints none.
    authors_withheld: bool = False


@dataclass(frozen=True)
class Commentary:
    """One 专题点评, printed after its topic's papers: the commentator with 单位 and 职务, and the text."""

    name: str
    unit: str = ""
    position: str = ""  # 职务
    text: str = ""  # plain text, blank lines separate paragraphs


@dataclass(frozen=True)
class Speech:
    """A 领导讲话 (开班讲话 or 总结讲话) printed before the topics."""

    kind: str  # "opening" or "closing" (`models.SpeechKind`)
    title: str
    speaker: str = ""
    position: str = ""  # 职务
    text: str = ""


@dataclass(frozen=True)
class BookTopic:
    position: int  # 专题一 is 1
    title: str
    papers: Sequence[BookPaper] = ()
    commentaries: Sequence[Commentary] = ()  # 专题点评, after the papers


@dataclass(frozen=True)
class Participant:
    name: str
    unit: str = ""
    position: str = ""


@dataclass(frozen=True)
class BookSpec:
    title: str
    organizer: str  # the organizing unit's 全称 (中共广东省委政法委员会), as the cover prints it
    date: dt.date
    topics: Sequence[BookTopic] = ()
    mark: str = ""  # e.g. 内部资料 注意保存, printed on the cover
    preface_html: str = ""  # sanitised HTML; wins over preface_text
    preface_text: str = ""  # plain text, blank lines separate paragraphs
    # Set apart under the 前言 and the 后记, right-aligned: who signs, and the month in Chinese numerals.
    preface_signature: str = ""
    preface_date: dt.date | None = None
    speeches: Sequence[Speech] = ()  # 领导讲话, in print order (开班 before 总结)
    afterword_text: str = ""  # 后记, plain text; none when empty
    afterword_signature: str = ""
    afterword_date: dt.date | None = None
    locale: str = i18n.DEFAULT_LOCALE  # zh_Hans, zh_Hant or en
    agenda: Sequence[ProgramDay] | None = None  # 附录: 日程, as the published agenda prints it
    participants: Sequence[Participant] | None = None  # 附录: 名单
    volume: int | None = None  # the position of the one topic a volume prints; None for the whole book
    compiled_by: str = ""  # who compiles the book, for the cover's "…编印" line; empty: the organizer
    house_style: HouseStyle = HouseStyle.ACADEMIC  # typefaces and page (`styles.py`)
    # A tagged PDF/UA-1 file (`typeset.TAGGED_PDF`); the incremental build in parts (`parts.py`) writes untagged files.
    tagged: bool = False


@dataclass(frozen=True)
class PaperGroup:
    placement: Placement
    label: str
    papers: list[BookPaper]


def grouped_papers(topic: BookTopic) -> list[PaperGroup]:
    """Keynotes first, then discussion papers, then proceedings-only; the caller's order within each."""
    labels = {
        Placement.KEYNOTE: _("Keynote speeches"),
        Placement.DISCUSSION: _("Discussion papers"),
        Placement.PROCEEDINGS: _("Papers in the proceedings"),
    }
    groups = []
    for placement in PLACEMENT_ORDER:
        papers = [paper for paper in topic.papers if paper.placement == placement]
        if papers:
            groups.append(PaperGroup(placement, labels[placement], papers))
    return groups


def pdf_page_count(data: bytes) -> int:
    """Pages of an uploaded PDF; raises ValueError for a file pypdf cannot read."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("the PDF is encrypted")
        count = len(reader.pages)
    except PdfReadError as error:
        raise ValueError(f"unreadable PDF: {error}") from error
    if count == 0:
        raise ValueError("the PDF has no pages")
    return count


_ID = re.compile(r'\bid="([^"]*)"')
_HREF = re.compile(r'\bhref="([^"]*)"')
_WEB_LINK = re.compile(r"(?:https?://|mailto:)\S", re.IGNORECASE)


def isolate_anchors(body_html: str, prefix: str) -> str:
    """Give a manuscript's own anchors (Word's footnote links) ids that cannot clash across papers.

    Links to anchors the sanitiser removed would point nowhere; they lose their href. So do
    links that are neither web addresses nor mail: a relative or `file:` link would become a
    `file:///…` link in the PDF, naming the install path.
    """
    ids = set(_ID.findall(body_html))
    body = _ID.sub(lambda match: f'id="{prefix}{match.group(1)}"', body_html)

    def relink(match: re.Match[str]) -> str:
        target = match.group(1)
        if target.startswith("#"):
            return f'href="#{prefix}{target[1:]}"' if target[1:] in ids else ""
        return match.group(0) if _WEB_LINK.match(target.strip()) else ""

    return _HREF.sub(relink, body)


def is_chinese(locale: str) -> bool:
    return locale.startswith("zh")


def numeral(n: int) -> str:
    """专题三 in Chinese, Topic 3 in English."""
    return chinese_number(n) if is_chinese(i18n.get_locale()) else str(n)


def cover_date(date: dt.date, locale: str) -> str:
    return chinese_year_month(date) if is_chinese(locale) else babel_dates.format_date(date, "MMMM y", locale="en")


def author_lines(paper: BookPaper) -> list[tuple[str, list[str]]]:
    """Authors grouped under their unit, in order of first appearance: 广州市委政法委　张三　李四."""
    units: dict[str, list[str]] = {}
    for author in paper.authors:
        name, unit = author
        units.setdefault(unit, []).append(name)
    return list(units.items())


def volume_topic(spec: BookSpec) -> BookTopic | None:
    """The topic a volume prints, None for the whole book."""
    return next((topic for topic in spec.topics if topic.position == spec.volume), None) if spec.volume else None


def topic_heading(topic: BookTopic) -> str:
    """专题一　完成政治任务."""
    return _("Topic %(number)s", number=numeral(topic.position)) + "　" + topic.title


def document_title(spec: BookSpec) -> str:
    """The PDF's title: the book's (…研讨班论文集), and a volume's with its topic after it."""
    book = _("%(title)s: collected papers", title=spec.title)
    topic = volume_topic(spec)
    return _("%(book)s · %(volume)s", book=book, volume=topic_heading(topic)) if topic else book


def speech_label(kind: str) -> str:
    return _("Closing speech") if kind == "closing" else _("Opening speech")


def signed_by(name: str, position: str) -> str:
    """点评人 or speaker as a byline: 职务　姓名 (the 职务 first, as official texts name a leader)."""
    return "　".join(part for part in (position, name) if part)


def cover_imprint(spec: BookSpec) -> list[str]:
    """The lines above the cover's date: the organizer's 全称 and "…编印" — one line "中共广东省委政法委员会编印"
    when the organizer compiles the book itself, else the organizer, then the compiling office."""
    if not is_chinese(spec.locale):
        return [line for line in (spec.organizer, spec.compiled_by) if line]
    compiler = spec.compiled_by or spec.organizer
    if not compiler:
        return []
    imprint = compiler + "编印"
    return [imprint] if compiler == spec.organizer or not spec.organizer else [spec.organizer, imprint]


def cover_title_lines(spec: BookSpec) -> list[str]:
    """The cover title in lines broken between words (`titlelines`); English is left to the typesetter."""
    return title_lines(spec.title, COVER_TITLE_WIDTH) if is_chinese(spec.locale) else [spec.title]


def paper_title_lines(spec: BookSpec, title: str) -> list[str]:
    """A paper's title in lines: cut between words in the 公文 style (二号 titles run over lines);
    the academic style leaves it to the typesetter as before."""
    if spec.house_style == HouseStyle.OFFICIAL and is_chinese(spec.locale):
        return title_lines(title, OFFICIAL_PAPER_TITLE_WIDTH)
    return [title]


def paper_body(paper: BookPaper) -> Trimmed:
    """The manuscript as printed: without its leading title, authors, 摘要 and 关键词 where they repeat
    the form's, which the book and the paper's page print above it (`frontmatter`); with table
    headers, short tables and captions marked to stay together (`keeptogether`)."""
    trimmed = trim_front_matter(
        paper.body_html, title=paper.title, subtitle=paper.subtitle, authors=[(name, unit) for name, unit in paper.authors],
        abstract=paper.abstract, keywords=paper.keywords,
    )
    return dataclasses.replace(trimmed, html=keep_together(trimmed.html))


def paragraphs(text: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]


@cache
def environment() -> Environment:
    """The site's template environment (autoescape, gettext) with the book's own helpers."""
    from seminar.templating import build_environment

    env = build_environment()
    env.globals.update(
        numeral=numeral, author_lines=author_lines, paragraphs=paragraphs, topic_heading=topic_heading,
        speech_label=speech_label, signed_by=signed_by,
    )
    return env


def book_html(
    spec: BookSpec,
    *,
    notices: Mapping[int, str] | None = None,
    pdf_pages: Mapping[int, int] | None = None,
    only_paper: int | None = None,
    created: dt.datetime | None = None,
    part: str | None = None,
    part_side: str = "right",
    toc_pages: Mapping[str, int] | None = None,
    bodies: Mapping[int, Markup] | None = None,
) -> str:
    """The whole book as one HTML document.

    `notices` maps a paper number to the reason its content is left out (it could not be
    typeset); such a paper keeps its title and TOC entry and prints a notice instead.
    `pdf_pages` gives the page count of each PDF-only paper: that many placeholder pages,
    with ids `pdf-<number>-<k>`, are laid out for `typeset` to fill with the PDF's pages.
    `only_paper` renders that one paper alone (the typesetter's isolation pass).
    `part` renders one part of the book alone (see `parts.py`: "front", "speeches", "topic-<position>"
    for a divider, "paper-<number>", "commentaries-<position>", "back"), starting on a `part_side`
    ("right" or "left") page; `toc_pages` prints these page numbers in the 目录 (anchor → printed
    number) where the whole book lets WeasyPrint count them.
    """
    notices = notices or {}
    counts = dict(pdf_pages or {})
    for topic in spec.topics:
        for paper in topic.papers:
            if paper.pdf_pages is not None and paper.number not in counts and paper.number not in notices:
                counts[paper.number] = pdf_page_count(paper.pdf_pages)
    with i18n.use_locale(spec.locale):
        topics = [(topic, grouped_papers(topic)) for topic in spec.topics]
        if bodies is None:
            bodies = printed_bodies(spec)
        part_topic = part_topic_of(spec, part)

        def toc_page(anchor: str) -> Markup:
            return Markup(' data-page="{}"').format(toc_pages.get(anchor, "")) if toc_pages is not None else Markup("")

        appendices = []
        if spec.agenda:
            appendices.append("agenda")
        if spec.participants:
            appendices.append("participants")
        return environment().get_template(BOOK_TEMPLATE).render(
            spec=spec,
            lang=i18n.HTML_LANG.get(spec.locale, "zh-Hans"),
            chinese=is_chinese(spec.locale),
            cover_date=cover_date(spec.date, spec.locale),
            cover_lines=cover_title_lines(spec),
            title_lines=lambda title: paper_title_lines(spec, title),
            cover_imprint=cover_imprint(spec),
            preface_date=cover_date(spec.preface_date, spec.locale) if spec.preface_date else "",
            afterword_date=cover_date(spec.afterword_date, spec.locale) if spec.afterword_date else "",
            # The first section with printed page 1: the speeches when the book has them, else the first topic.
            body_start="speeches" if spec.speeches else "topic",
            document_title=document_title(spec),
            volume=volume_topic(spec),
            preface_html=Markup(spec.preface_html),
            topics=topics,
            bodies=bodies,
            notices=notices,
            pdf_pages=counts,
            appendices=appendices,
            only_paper=only_paper,
            part=part,
            part_side=part_side,
            part_topic=part_topic,
            part_context=part_context(spec, part),
            toc_page=toc_page,
            created=(created or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        )


def printed_bodies(spec: BookSpec) -> dict[int, Markup]:
    """Each paper's manuscript as the book prints it, by paper number (`paper_body`, anchors made unique)."""
    # Under the paper's h2 title: the manuscript's own top level prints as h3.
    return {
        paper.number: Markup(isolate_anchors(nest_headings(paper_body(paper).html, under=2), f"p{paper.number}-"))
        for topic in spec.topics
        for paper in topic.papers
    }


def part_topic_of(spec: BookSpec, part: str | None) -> int | None:
    """The position of the topic a part belongs to (its divider, one of its papers, its 专题点评), else None."""
    if part is None:
        return None
    kind, _dash, key = part.partition("-")
    if kind in ("topic", "commentaries"):
        return int(key)
    if kind == "paper":
        return next((topic.position for topic in spec.topics for paper in topic.papers if paper.number == int(key)), None)
    return None


def part_context(spec: BookSpec, part: str | None) -> str:
    """The running head's topic as the pages before a part leave it: its topic's heading inside a topic,
    the last topic's (else 领导讲话's) after the topics, nothing before them."""
    if part is None or part in ("front", "speeches"):
        return ""
    position = part_topic_of(spec, part)
    if position is not None:
        return topic_heading(next(topic for topic in spec.topics if topic.position == position))
    if spec.topics:
        return topic_heading(spec.topics[-1])
    return _("Speeches") if spec.speeches else ""
