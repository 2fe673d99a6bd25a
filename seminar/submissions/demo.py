"""The demo seminar's papers, each with a real Word manuscript filed through the real intake.

Every text is composed deterministically (a random generator seeded by the paper) from the
practices in `demo_data`, so the same paper always reads the same. Papers are keyed by
city and title: building the demo again adds what is missing and changes nothing else,
so an organizer's or a city's edits while trying the demo survive a rebuild.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from tortoise.transactions import in_transaction

from seminar.accounts.models import Unit, User
from seminar.db import column
from seminar.isolation import Limits
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.actions import store_manuscript
from seminar.submissions.demo_data import CLOSINGS, PAPERS, PLANTED, TOPIC_FRAMES, DemoPaper
from seminar.submissions.demo_text import Composer, facts_of
from seminar.submissions.inspection import inspect_upload_limited
from seminar.submissions.models import Author, Manuscript, Paper, PaperStatus

SURNAMES = (
    ("陈", "chen"), ("李", "li"), ("黄", "huang"), ("张", "zhang"), ("梁", "liang"), ("林", "lin"),
    ("刘", "liu"), ("吴", "wu"), ("何", "he"), ("罗", "luo"), ("郑", "zheng"), ("谢", "xie"),
    ("冯", "feng"), ("邓", "deng"), ("曾", "zeng"), ("叶", "ye"), ("苏", "su"), ("卢", "lu"),
    ("蔡", "cai"), ("彭", "peng"), ("钟", "zhong"), ("许", "xu"), ("杨", "yang"), ("朱", "zhu"),
)
GIVEN_NAMES = (
    ("静", "jing"), ("伟", "wei"), ("敏", "min"), ("婷", "ting"), ("志强", "zhiqiang"), ("晓东", "xiaodong"),
    ("海燕", "haiyan"), ("国华", "guohua"), ("嘉欣", "jiaxin"), ("文斌", "wenbin"), ("丽华", "lihua"),
    ("俊杰", "junjie"), ("少华", "shaohua"), ("淑仪", "shuyi"), ("卫东", "weidong"), ("美玲", "meiling"),
    ("振宇", "zhenyu"), ("思敏", "simin"), ("永强", "yongqiang"), ("秀英", "xiuying"), ("浩然", "haoran"),
)
LEAD_TITLES = ("副书记", "常务副书记", "二级调研员", "基层社会治理科科长", "综治督导科科长", "副主任")
OTHER_TITLES = ("一级主任科员", "四级调研员", "科员", "副科长", "研究员", "副教授", "办公室副主任")

CHINESE_NUMERALS = "一二三四五六七八九十"


def city_name(paper: DemoPaper) -> str:
    return paper.city.removesuffix("市") if paper.city.endswith("市") else paper.city


def abstract_of(paper: DemoPaper) -> str:
    """200–300 characters: the topic's frame, the practice, its measures and result, a closing.

    The frame is cut in two around the paper's own words: whole, the same in every paper of the
    topic, it would be a passage 查重 finds in all of them.
    """
    a, b, c = paper.measures
    closing = CLOSINGS[len(paper.title) % len(CLOSINGS)].format(place=city_name(paper))
    head, _comma, tail = TOPIC_FRAMES[paper.topic].rpartition("，")
    return f"{head}。{paper.practice}实践中重点抓好{a}、{b}、{c}三个环节。{tail}{paper.result}{closing}"


def authors_of(papers: Sequence[DemoPaper]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """1–3 authors per paper (one per unit), with names, positions, mobile numbers and e-mails unique in the demo."""
    rng = random.Random("seminar-demo-authors")
    used: set[str] = set()
    authors: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for paper in papers:
        people = []
        for position, unit in enumerate(paper.units):
            while True:
                surname, given = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
                if surname[0] + given[0] not in used:
                    break
            used.add(surname[0] + given[0])
            people.append({
                "name": surname[0] + given[0],
                "unit": unit,
                "job_title": rng.choice(LEAD_TITLES if position == 0 else OTHER_TITLES),
                "phone": "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _digit in range(9)),
                "email": f"{surname[1]}{given[1]}@example.org",
                "is_contact": position == 0,
                "is_presenter": position == 0,
            })
        authors[(paper.city, paper.title)] = people
    return authors


def _body(paper: DemoPaper, topic_title: str, rng: random.Random) -> Iterator[tuple[str, str]]:
    """The manuscript as (kind, text) pairs: kind is title, subtitle, h2 (一、), h3 (（一）), h4 (1.), p or table."""
    name = city_name(paper)
    say = Composer(facts_of(paper, name), rng)

    yield "title", paper.title
    if paper.subtitle:
        yield "subtitle", f"——{paper.subtitle}"
    yield "p", f"摘要：{abstract_of(paper)}"
    yield "p", "关键词：" + "；".join(paper.keywords)
    sections = iter(CHINESE_NUMERALS)
    yield "h2", f"{next(sections)}、问题的提出"
    yield "p", say.paragraph(4)
    yield "p", f"围绕“{topic_title}”这一重点任务，{name}立足实际、大胆探索。{paper.practice}" + say.paragraph(2)
    yield "p", say.paragraph(3) + say.purpose()
    yield "h2", f"{next(sections)}、{name}的主要做法"
    planted = PLANTED.get((paper.city, paper.title), {})
    for index, (number, measure) in enumerate(zip(CHINESE_NUMERALS, paper.measures, strict=False)):
        yield "h3", f"（{number}）{measure}"
        yield "p", say.measure_lead(measure) + say.paragraph(4)
        for passage in planted.get(index, ()):
            yield "p", passage
        yield "p", say.paragraph(4)
        yield "p", say.lesson(measure) + say.paragraph(3)
    yield "table", "\t".join(paper.measures)
    yield "h2", f"{next(sections)}、取得的初步成效"
    for index, keyword in enumerate(paper.keywords[:3], start=1):
        yield "h4", f"{index}. {keyword}工作取得新进展"
        yield "p", (paper.result if index == 1 else "") + say.paragraph(4)
    yield "h2", f"{next(sections)}、{say.shortfall_heading()}"
    yield "p", say.shortfall() + "".join(say.problem(ordinal) for ordinal in "一二三")
    yield "p", say.paragraph(3)
    yield "h2", f"{next(sections)}、下一步工作的思考"
    for number, head in zip(CHINESE_NUMERALS, say.outlook_heads(3), strict=False):
        yield "h3", f"（{number}）{head}"
        yield "p", say.paragraph(4)
    yield "h2", f"{next(sections)}、结语"
    yield "p", say.paragraph(3) + say.resolve()


def _font(style: Any, east_asian: str, size: float, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def manuscript_docx(paper: DemoPaper, topic_title: str) -> bytes:
    """A Word manuscript in the official layout: title 小标宋, body 仿宋 三号, 一、 黑体, （一） 楷体, 1. bold."""
    rng = random.Random(f"{paper.city}/{paper.title}")
    document = docx.Document()
    # Blind review: the template's "python-docx" must not stand in as the author.
    document.core_properties.author = ""
    document.core_properties.last_modified_by = ""
    document.core_properties.title = paper.title
    _font(document.styles["Normal"], "仿宋_GB2312", 16)
    _font(document.styles["Heading 1"], "方正小标宋简体", 22)
    _font(document.styles["Heading 2"], "黑体", 16)
    _font(document.styles["Heading 3"], "楷体_GB2312", 16)
    _font(document.styles["Heading 4"], "仿宋_GB2312", 16, bold=True)
    for kind, text in _body(paper, topic_title, rng):
        if kind == "title":
            # Heading 1 rather than Title: converters (mammoth) turn it into the page's <h1>.
            document.add_heading(text, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "subtitle":
            document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind in {"h2", "h3", "h4"}:
            document.add_heading(text, level=int(kind[1]))
        elif kind == "table":
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            for cell, heading in zip(table.rows[0].cells, ("主要举措", "内容"), strict=True):
                cell.paragraphs[0].add_run(heading).bold = True  # the header row, bold as Word users set it
            for number, measure in zip(CHINESE_NUMERALS, text.split("\t"), strict=False):
                row = table.add_row().cells
                row[0].text, row[1].text = f"举措{number}", measure
        else:
            document.add_paragraph(text).paragraph_format.first_line_indent = Pt(32)
    _prune_styles(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# python-docx's template defines some 160 styles (340 KB); reading them dominates every
# conversion, so the demo's documents keep only the styles they use.
USED_STYLES = {
    "Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid",
    *(f"Heading{level}" for level in range(1, 5)), *(f"Heading{level}Char" for level in range(1, 5)),
}


def _prune_styles(document: Any) -> None:
    styles = document.styles.element
    for element in list(styles):
        if element.tag == qn("w:latentStyles") or (
            element.tag == qn("w:style") and element.get(qn("w:styleId")) not in USED_STYLES
        ):
            styles.remove(element)


async def build_demo_papers(
    seminar: Seminar, submitters: Mapping[int, User], now: dt.datetime, selection: Sequence[DemoPaper] = PAPERS
) -> int:
    """Add the demo papers of `selection` that are missing (with their manuscripts); return how many there are.

    `submitters` maps a city's unit id to its submitter, who files the city's papers; `now`
    is the demo's today, the papers were submitted over the days before it.
    """
    units = {unit.name: unit for unit in await Unit.filter(name__in={paper.city for paper in selection})}
    topics = {topic.position: topic for topic in await Topic.filter(seminar_id=seminar.id)}
    existing = {
        (paper.city_id, paper.title): paper
        for paper in await Paper.filter(seminar_id=seminar.id)
    }
    with_manuscript = set(await column(Manuscript.filter(paper__seminar_id=seminar.id), "paper_id"))
    people = authors_of(PAPERS)  # over every demo paper: names stay unique, the same in each seminar
    for index, demo in enumerate(selection):
        city, topic = units[demo.city], topics[demo.topic]
        by = submitters[city.id]
        paper = existing.get((city.id, demo.title))
        if paper is None:
            paper = await _create(seminar, city, topic, demo, people[(demo.city, demo.title)], by)
        if paper.id not in with_manuscript:
            await _file_manuscript(paper, demo, topic, by, submitted_at=now - dt.timedelta(hours=5 * index + 12))
    return len(selection)


async def _create(
    seminar: Seminar, city: Unit, topic: Topic, demo: DemoPaper, authors: list[dict[str, Any]], by: User
) -> Paper:
    async with in_transaction() as connection:
        latest = await Paper.filter(seminar_id=seminar.id).using_db(connection).order_by("-number").first()
        paper = await Paper.create(
            seminar_id=seminar.id, city_id=city.id, topic_id=topic.id,
            number=(latest.number if latest else 0) + 1,
            title=demo.title, subtitle=demo.subtitle, abstract=abstract_of(demo), keywords=list(demo.keywords),
            originality_confirmed=True, created_by_id=by.id, using_db=connection,
        )
        for position, author in enumerate(authors, start=1):
            await Author.create(paper_id=paper.id, position=position, using_db=connection, **author)
    return paper


async def _file_manuscript(paper: Paper, demo: DemoPaper, topic: Topic, by: User, submitted_at: dt.datetime) -> None:
    """Upload the generated .docx through the real intake, then submit it if the demo says so (without receipts)."""
    data = manuscript_docx(demo, topic.title)
    filename = f"{demo.city}-{topic.title}-{demo.title}.docx"
    await store_manuscript(paper, filename, data, await inspect_upload_limited(filename, data, limits=Limits()), by)
    # Written and uploaded an hour before it was submitted (or would have been), not on the day the demo is built.
    uploaded = submitted_at - dt.timedelta(hours=1)
    await Manuscript.filter(paper_id=paper.id).update(uploaded_at=uploaded)
    await Paper.filter(id=paper.id).update(created_at=uploaded - dt.timedelta(days=2))
    if demo.submitted:
        current = await Paper.get(id=paper.id)
        await Paper.filter(id=paper.id).update(
            status=PaperStatus.SUBMITTED, submitted_at=submitted_at, submitted_version=current.version
        )


async def accept_demo_final_versions(seminar: Seminar, organizer: User, sent_at: dt.datetime, accepted_at: dt.datetime) -> int:
    """Every paper the cities were told was accepted sent its 定稿 on `sent_at` (the reviewed text again,
    as most cities do: it prints the same) and the organizer accepted it on `accepted_at`, so the book
    prints final versions as a finished seminar's does. Papers with a final version already are left
    alone; how many were added."""
    from seminar.reviews.models import Decision
    from seminar.submissions.models import FinalVersion, FinalVersionStatus
    from seminar.submissions.rules import POSITIVE_OUTCOMES

    decisions = await Decision.filter(
        seminar_id=seminar.id, notified_outcome__in=sorted(POSITIVE_OUTCOMES)
    ).select_related("paper")
    done = set(await column(FinalVersion.filter(paper__seminar_id=seminar.id), "paper_id"))
    added = 0
    for decision in decisions:
        paper = decision.paper
        if paper.id in done or paper.status != PaperStatus.SUBMITTED:
            continue
        ordinary = Manuscript.filter(paper_id=paper.id).order_by("-version")
        newest = await ordinary.first()
        reviewed = await ordinary.filter(version=decision.reviewed_version).first() if decision.reviewed_version else newest
        if newest is None or reviewed is None:
            continue
        async with in_transaction():
            final = await Manuscript.create(
                paper_id=paper.id, version=newest.version + 1, blob_id=reviewed.blob_id,
                original_filename=reviewed.original_filename.replace(".docx", "（定稿）.docx"),
                content_type=reviewed.content_type, kind=reviewed.kind, html=reviewed.html, word_count=reviewed.word_count,
                author_in_properties=reviewed.author_in_properties, uploaded_by_id=paper.created_by_id,
            )
            await Manuscript.filter(id=final.id).update(uploaded_at=sent_at)
            await FinalVersion.create(
                manuscript_id=final.id, paper_id=paper.id, status=FinalVersionStatus.ACCEPTED,
                reviewed_by_id=organizer.id, reviewed_at=accepted_at,
            )
        added += 1
    return added
