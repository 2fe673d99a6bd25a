"""Offline review: the review sheet (.xlsx, one row per paper) and the review form (.docx, one per paper)
a reviewer fills in Excel, WPS or Word, and reading either back.

Pure: plain values in, bytes out; bytes in, a `ParsedUpload` (or a `SheetError` saying why not) out.
No ORM, no HTTP. Reading is given untrusted bytes: the web process runs it in a child with time and
memory limits (`seminar.isolation`). Which rows may be saved (assigned, not withdrawn, this seminar)
is the caller's question; here every cell is checked as the web form checks it (`rules.read_scores`)
and each problem names its row and column.

A sheet says whose it is: the workbook has a hidden sheet (`META_SHEET`) with the seminar's and the
reviewer's ids, and each row a hidden, locked first column with the paper's id. A form says it in its
document properties (dc:identifier) and, should a program drop those, in its last line.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from seminar.errors import UserError
from seminar.i18n import _
from seminar.reviews.rules import CriterionSpec, read_scores
from seminar.spreadsheets import FONT_NAME, Column, new_workbook, to_bytes, write_table
from seminar.text import whole_number

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHEET_KIND = "seminar-review-sheet/1"
META_SHEET = "meta"
ID_HEADING = "id"
NUMBER, TITLE, TOPIC, TOTAL, COMMENT, STATUS = "编号", "题目", "专题", "总分", "点评", "状态"
# What the web form asks besides scores and 点评 (`forms.ReviewForm`): a sheet has all three or none (one
# downloaded before they were added), and a file without them leaves the review's as they are.
RECOMMENDATION, CONFIDENCE, NOTE = "推荐意见", "把握程度", "给组织方的保密意见"
JUDGEMENT_HEADINGS = (RECOMMENDATION, CONFIDENCE, NOTE)
RECOMMENDATION_NAMES = {"keynote": "重点发言", "discussion": "研讨交流", "proceedings": "仅收入论文集", "decline": "不采用"}
CONFIDENCE_NAMES = {1: "低", 2: "中", 3: "高"}
MAX_NOTE = 5000
FORM_FIRST_HEADING = "评审项目"
# What the web form allows in 点评 (`forms.ReviewForm`).
MAX_COMMENT = 10000
MAX_ROWS = 500
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_HEADER_SEARCH_ROWS = 10
_MAX_COLUMNS = 60
_FORM_MARK = re.compile(r"R-(\d+)-(\d+)-(\d+)")

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

STATUS_NAMES = {None: "未开始", "draft": "草稿", "submitted": "已提交"}


@dataclass(frozen=True)
class SheetOwner:
    """Whose sheet: the seminar and the reviewer (names only for the title)."""

    seminar_id: int
    seminar_title: str
    reviewer_id: int
    reviewer_name: str


@dataclass(frozen=True)
class SheetPaper:
    """One paper as the sheet shows it, with what the reviewer has written so far."""

    paper_id: int
    number: int
    title: str
    topic: str
    scores: Mapping[str, str] = field(default_factory=dict)  # criterion key → score as shown (typed text too)
    comment: str = ""
    status: str | None = None  # None, "draft", "submitted"
    recommendation: str = ""  # "" or a `Recommendation` value
    confidence: int | None = None  # 1..3
    note: str = ""  # the confidential note to the organizers


@dataclass(frozen=True)
class Judgement:
    """What a filled row says besides scores and 点评: recommendation ("" or a value), confidence (1..3), note."""

    recommendation: str = ""
    confidence: int | None = None
    note: str = ""


@dataclass(frozen=True)
class SheetRow:
    """One filled row (or form): `row` is the number Excel shows (0 for a Word form)."""

    row: int
    paper_id: int | None
    number: int | None
    scores: dict[str, int]
    comment: str
    problems: tuple[str, ...] = ()
    judgement: Judgement | None = None  # None: the file has no such columns, the review keeps its own

    @property
    def is_blank(self) -> bool:
        return not self.scores and not self.comment and not self.problems and self.judgement in (None, Judgement())


@dataclass(frozen=True)
class ParsedUpload:
    kind: Literal["xlsx", "docx"]
    rows: tuple[SheetRow, ...]


class SheetError(UserError):
    """The whole file is refused; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def heading(criterion: CriterionSpec) -> str:
    """A criterion's column heading, its maximum in it: "选题（/25）"."""
    return f"{criterion.name}（/{criterion.max_points}）"


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def read_judgement(recommendation: str, confidence: str, note: str) -> tuple[Judgement, dict[str, str]]:
    """The three cells as typed, checked as the web form checks them: the judgement, and problems by heading."""
    problems: dict[str, str] = {}
    by_name = {_normal(name): value for value, name in RECOMMENDATION_NAMES.items()}
    chosen = ""
    if recommendation:
        chosen = by_name.get(_normal(recommendation), recommendation if recommendation in RECOMMENDATION_NAMES else "")
        if not chosen:
            problems[RECOMMENDATION] = _("choose one of %(choices)s", choices="、".join(RECOMMENDATION_NAMES.values()))
    level: int | None = None
    if confidence:
        by_level = {name: value for value, name in CONFIDENCE_NAMES.items()} | {str(v): v for v in CONFIDENCE_NAMES}
        level = by_level.get(_normal(confidence))
        if level is None:
            problems[CONFIDENCE] = _("choose one of %(choices)s", choices="、".join(CONFIDENCE_NAMES.values()))
    if len(note) > MAX_NOTE:
        problems[NOTE] = _("at most %(count)s characters", count=MAX_NOTE)
    return Judgement(chosen, level, note), problems


def cell_problem(row: int, column: str, problem: str) -> str:
    return _("Row %(row)s, column “%(column)s”: %(problem)s", row=row, column=column, problem=problem)


def form_problem(number: int | None, column: str, problem: str) -> str:
    return _("Form of paper #%(number)s, “%(column)s”: %(problem)s", number=number or "?", column=column, problem=problem)


# ---------- writing ----------


def review_sheet_xlsx(owner: SheetOwner, criteria: Sequence[CriterionSpec], papers: Sequence[SheetPaper]) -> bytes:
    """The review sheet of one reviewer: a row per paper, scores with their validation, 总分 as a formula."""
    from openpyxl.styles import Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook, sheet = new_workbook("评审表")
    columns = [
        Column(ID_HEADING, 6), Column(NUMBER, 7), Column(TITLE, 32, wrap=True), Column(TOPIC, 14, wrap=True),
        *(Column(heading(c), 10) for c in criteria),
        Column(TOTAL, 8), Column(COMMENT, 48, wrap=True),
        Column(RECOMMENDATION, 12), Column(CONFIDENCE, 9), Column(NOTE, 30, wrap=True), Column(STATUS, 8),
    ]
    first_score = 5
    last_score = first_score + len(criteria) - 1
    total_column, comment_column = last_score + 1, last_score + 2
    recommendation_column, confidence_column, note_column = comment_column + 1, comment_column + 2, comment_column + 3
    rows = [
        [p.paper_id, p.number, p.title, p.topic, *(_score_cell(p.scores.get(c.key)) for c in criteria),
         None, p.comment, RECOMMENDATION_NAMES.get(p.recommendation, ""), CONFIDENCE_NAMES.get(p.confidence or 0, ""),
         p.note, STATUS_NAMES.get(p.status, "")]
        for p in papers
    ]
    title = f"{owner.seminar_title} · 论文评审表 · 评审专家：{owner.reviewer_name}"
    write_table(sheet, columns, rows, title=title)
    header_row, first_row, last_row = 2, 3, 2 + len(papers)
    first_letter, last_letter = get_column_letter(first_score), get_column_letter(last_score)
    for row in range(first_row, last_row + 1):
        span = f"{first_letter}{row}:{last_letter}{row}"
        # A formula, not text: `set_value` would store it as a string.
        sheet.cell(row=row, column=total_column).value = f'=IF(COUNT({span})=0,"",SUM({span}))'
        for column in (*range(first_score, last_score + 1), comment_column, recommendation_column, confidence_column, note_column):
            sheet.cell(row=row, column=column).protection = Protection(locked=False)
    if papers:
        for index, criterion in enumerate(criteria, start=first_score):
            letter = get_column_letter(index)
            validation = DataValidation(
                type="whole", operator="between", formula1="0", formula2=str(criterion.max_points), allow_blank=True,
                showErrorMessage=True, errorTitle="分数超出范围",
                error=f"“{criterion.name}”的得分是 0 至 {criterion.max_points} 之间的整数。",
                showInputMessage=True, promptTitle=criterion.name, prompt=f"0 至 {criterion.max_points} 分",
            )
            validation.add(f"{letter}{first_row}:{letter}{last_row}")
            sheet.add_data_validation(validation)
        for column, choices in ((recommendation_column, RECOMMENDATION_NAMES), (confidence_column, CONFIDENCE_NAMES)):
            letter = get_column_letter(column)
            listed = ",".join(str(name) for name in choices.values())
            validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True,
                                        errorTitle="请从列表中选择", error=f"可选：{listed.replace(',', '、')}")
            validation.add(f"{letter}{first_row}:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.column_dimensions["A"].hidden = True
    # Scores, 点评, recommendation, confidence and note are open; the id, number, title and 总分 stay as written. No password: the
    # protection guards against slips, and the upload checks every cell whatever was unlocked.
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    sheet.freeze_panes = sheet.cell(row=first_row, column=first_score).coordinate
    _write_meta(workbook.create_sheet(META_SHEET), owner, header_row)
    return to_bytes(workbook)


def _score_cell(value: str | None) -> int | str | None:
    if value is None or value == "":
        return None
    number = whole_number(value)
    return number if number is not None else value


def _write_meta(meta: Worksheet, owner: SheetOwner, header_row: int) -> None:
    entries: list[tuple[str, str | int]] = [
        ("kind", SHEET_KIND), ("seminar", owner.seminar_id), ("reviewer", owner.reviewer_id), ("header_row", header_row),
    ]
    for row, (key, value) in enumerate(entries, start=1):
        meta.cell(row=row, column=1).value = key
        meta.cell(row=row, column=2).value = value
    meta.sheet_state = "veryHidden"


def form_mark(owner: SheetOwner, paper_id: int) -> str:
    return f"R-{owner.seminar_id}-{owner.reviewer_id}-{paper_id}"


def review_form_docx(owner: SheetOwner, criteria: Sequence[CriterionSpec], paper: SheetPaper,
                     descriptions: Mapping[str, str] | None = None) -> bytes:
    """One paper's review form as a Word table: criteria with their maxima and a column to score, 总分, 点评."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT_NAME)
    heading_paragraph = document.add_paragraph()
    heading_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading_paragraph.add_run("论文评审表")
    run.bold, run.font.size = True, Pt(18)
    document.add_paragraph(owner.seminar_title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{NUMBER}：#{paper.number}")
    document.add_paragraph(f"{TITLE}：{paper.title}")
    document.add_paragraph(f"{TOPIC}：{paper.topic}")
    document.add_paragraph(f"评审专家：{owner.reviewer_name}")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (FORM_FIRST_HEADING, "评分要点", "满分", "得分"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for criterion in criteria:
        cells = table.add_row().cells
        cells[0].text = criterion.name
        cells[1].text = (descriptions or {}).get(criterion.key, "")
        cells[2].text = str(criterion.max_points)
        cells[3].text = paper.scores.get(criterion.key, "")
    total = table.add_row().cells
    total[0].text, total[2].text = TOTAL, str(sum(c.max_points for c in criteria))
    total[1].text = "（由系统计算）"
    comment = table.add_row().cells
    comment[0].text = COMMENT
    merged = comment[1].merge(comment[3])
    merged.text = paper.comment
    document.add_paragraph("推荐意见与给组织方的意见")  # also keeps Word from joining the two tables
    judgement = document.add_table(rows=0, cols=2)
    judgement.style = "Table Grid"
    for name, value, hint in (
        (RECOMMENDATION, RECOMMENDATION_NAMES.get(paper.recommendation, ""), "、".join(RECOMMENDATION_NAMES.values())),
        (CONFIDENCE, CONFIDENCE_NAMES.get(paper.confidence or 0, ""), "、".join(CONFIDENCE_NAMES.values())),
        (NOTE, paper.note, "仅组织方可见，不给作者"),
    ):
        cells = judgement.add_row().cells
        cells[0].text = f"{name}（{hint}）"
        cells[1].text = value
    note = document.add_paragraph("填写说明：得分填 0 至满分之间的整数；推荐意见和把握程度填括号中的一项；"
                                  "填好后保存为 .docx，在“我的评审”页面上传。")
    note.runs[0].font.size = Pt(10)
    mark = document.add_paragraph(f"表单编号（请勿修改）：{form_mark(owner, paper.paper_id)}")
    mark.runs[0].font.size = Pt(8)
    mark.runs[0].font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    document.core_properties.identifier = form_mark(owner, paper.paper_id)
    document.core_properties.title = f"论文评审表 #{paper.number}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------- reading ----------


def read_review_upload(
    filename: str, data: bytes, criteria: Sequence[CriterionSpec], seminar_id: int, reviewer_id: int,
    max_bytes: int = MAX_BYTES,
) -> ParsedUpload:
    """A filled review sheet (.xlsx) or form (.docx) of `reviewer_id` in `seminar_id`, every cell checked."""
    if not data:
        raise SheetError(_("The file is empty."))
    if len(data) > max_bytes:
        raise SheetError(_("The file is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)))
    extension = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(OLE_MAGIC):
        raise SheetError(_("This is an old Excel or Word file (.xls, .doc). Save it as .xlsx or .docx and upload it again."))
    if not data.startswith(ZIP_MAGIC):
        raise _wrong_type()
    names = _package_names(data)
    if "xl/workbook.xml" in names:
        return ParsedUpload("xlsx", tuple(_read_sheet(data, criteria, seminar_id, reviewer_id)))
    if "word/document.xml" in names:
        return ParsedUpload("docx", (_read_form(data, criteria, seminar_id, reviewer_id),))
    if extension in {"xlsx", "docx"}:
        raise _damaged()
    raise _wrong_type()


def _wrong_type() -> SheetError:
    return SheetError(_("Upload the review sheet (.xlsx) or a review form (.docx) downloaded from this page."))


def _damaged() -> SheetError:
    return SheetError(_("The file is damaged and cannot be read. Open it in Excel, WPS or Word, save it again and upload it."))


def _package_names(data: bytes) -> set[str]:
    """The members of the zip package, after checking it unpacks to a sane size, has sound checksums and no DTD."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED_BYTES:
                raise SheetError(_("The file is too large when unpacked. Remove unused sheets or pictures and try again."))
            for info in package.infolist():
                is_xml = info.filename.lower().endswith((".xml", ".rels"))
                with package.open(info) as member:
                    tail = b""
                    while chunk := member.read(1024 * 1024):  # a checksum error is raised at the member's end
                        if is_xml and b"<!DOCTYPE" in tail + chunk:
                            raise _damaged()  # never written by Excel or Word; entities reach for other files
                        tail = chunk[-16:]
            return set(package.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError):
        raise _damaged() from None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _another_sheet(seminar_id: int, reviewer_id: int, found_seminar: str, found_reviewer: str) -> None:
    if found_seminar != str(seminar_id):
        raise SheetError(_("This review sheet was downloaded for another seminar. Download this seminar's sheet here "
                           "and copy your scores into it."))
    if found_reviewer != str(reviewer_id):
        raise SheetError(_("This review sheet belongs to another reviewer. Download the sheet here and copy the scores into it."))


def _read_sheet(data: bytes, criteria: Sequence[CriterionSpec], seminar_id: int, reviewer_id: int) -> Iterator[SheetRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001  # openpyxl raises many kinds of error on a damaged file
        raise _damaged() from None
    try:
        if META_SHEET not in workbook.sheetnames:
            raise SheetError(_("This is not a review sheet of this site. Download the review sheet here, fill it in and upload it."))
        meta = {_text(row[0]): _text(row[1]) for row in workbook[META_SHEET].iter_rows(
            min_row=1, max_row=10, max_col=2, values_only=True) if len(row) >= 2}
        if meta.get("kind") != SHEET_KIND:
            raise SheetError(_("This is not a review sheet of this site. Download the review sheet here, fill it in and upload it."))
        _another_sheet(seminar_id, reviewer_id, meta.get("seminar", ""), meta.get("reviewer", ""))
        sheet = workbook[workbook.sheetnames[0]]
        rows = sheet.iter_rows(min_row=1, max_row=MAX_ROWS + _HEADER_SEARCH_ROWS + 1, max_col=_MAX_COLUMNS, values_only=True)
        return iter(list(_sheet_rows(rows, criteria)))
    except SheetError:
        raise
    except Exception:  # noqa: BLE001  # a damaged row further down is found only when it is read
        raise _damaged() from None
    finally:
        workbook.close()


def _sheet_rows(rows: Iterator[tuple[object, ...]], criteria: Sequence[CriterionSpec]) -> Iterator[SheetRow]:
    top: list[tuple[object, ...]] = []
    header_index: int | None = None
    for index, values in enumerate(rows):
        top.append(values)
        if any(_normal(_text(v)) == NUMBER for v in values):
            header_index = index
            break
        if index >= _HEADER_SEARCH_ROWS:
            break
    if header_index is None:
        raise SheetError(_("Missing columns: %(columns)s.", columns=NUMBER))
    headings = [_normal(_text(v)) for v in top[header_index]]
    wanted = {ID_HEADING: ID_HEADING, NUMBER: NUMBER, COMMENT: COMMENT, **{_normal(heading(c)): c.key for c in criteria}}
    wanted |= {name: name for name in JUDGEMENT_HEADINGS}
    position = {key: headings.index(name) for name, key in wanted.items() if name in headings}
    missing = [heading(c) for c in criteria if c.key not in position] + [name for name in (NUMBER, COMMENT) if name not in position]
    has_judgement = any(name in position for name in JUDGEMENT_HEADINGS)
    if has_judgement:
        missing += [name for name in JUDGEMENT_HEADINGS if name not in position]
    if missing:
        raise SheetError(_("Missing columns: %(columns)s. The review form may have changed since the sheet was "
                           "downloaded: download it again.", columns="、".join(missing)))
    names = {c.key: heading(c) for c in criteria}
    for count, values in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise SheetError(_("The file has more than %(count)s rows. Split it into smaller files.", count=MAX_ROWS))
        number = header_index + 1 + count  # the row Excel shows

        def value(key: str, cells: tuple[object, ...] = values) -> object:
            index = position.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        typed = {c.key: _text(value(c.key)) for c in criteria}
        comment = _text(value(COMMENT))
        raw_id, raw_number = _text(value(ID_HEADING)), _text(value(NUMBER)).lstrip("#")
        cells = [_text(value(name)) for name in JUDGEMENT_HEADINGS]
        if not any(typed.values()) and not comment and not any(cells) and not raw_id and not raw_number:
            continue
        scores, problems = read_scores(typed, criteria)
        messages = [cell_problem(number, names[key], message) for key, message in problems.items()]
        if len(comment) > MAX_COMMENT:
            messages.append(cell_problem(number, COMMENT, _("at most %(count)s characters", count=MAX_COMMENT)))
        judgement: Judgement | None = None
        if has_judgement:
            judgement, wrong = read_judgement(*cells)
            messages += [cell_problem(number, name, message) for name, message in wrong.items()]
        paper_id, paper_number = whole_number(raw_id), whole_number(raw_number)
        if paper_id is None and paper_number is None:
            messages.append(cell_problem(number, NUMBER, _("which paper is this? The number is missing.")))
        yield SheetRow(number, paper_id, paper_number, scores, comment, tuple(messages), judgement)


def _read_form(data: bytes, criteria: Sequence[CriterionSpec], seminar_id: int, reviewer_id: int) -> SheetRow:
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        identifier = document.core_properties.identifier or ""
        texts = [p.text for p in document.paragraphs]
        tables = list(document.tables)
    except Exception:  # noqa: BLE001  # python-docx raises many kinds of error on a damaged file
        raise _damaged() from None
    found = _FORM_MARK.search(identifier) or next((m for t in reversed(texts) if (m := _FORM_MARK.search(t))), None)
    if found is None:
        raise SheetError(_("This is not a review form of this site. Download the paper's form here, fill it in and upload it."))
    _another_sheet(seminar_id, reviewer_id, found.group(1), found.group(2))
    paper_id = int(found.group(3))
    number = next((int(m.group(1)) for t in texts if (m := re.match(rf"{NUMBER}[:：]\s*#?(\d+)", t.strip()))), None)
    table = next((t for t in tables if t.rows and _normal(t.rows[0].cells[0].text) == FORM_FIRST_HEADING), None)
    if table is None:
        raise SheetError(_("The table of scores is missing from this form. Download the form again."))
    by_name = {_normal(c.name): c for c in criteria}
    typed: dict[str, str] = {}
    comment = ""
    maxima: dict[str, str] = {}
    for row in table.rows[1:]:
        cells = row.cells
        name = _normal(cells[0].text)
        if name == COMMENT and len(cells) > 1:
            comment = "\n".join(p.text for p in cells[-1].paragraphs).strip()
        elif name in by_name and len(cells) >= 4:
            typed[by_name[name].key] = cells[3].text.strip()
            maxima[by_name[name].key] = cells[2].text.strip()
    missing = [c.name for c in criteria if c.key not in typed or maxima.get(c.key) != str(c.max_points)]
    if missing:
        raise SheetError(_("Missing rows: %(rows)s. The review form may have changed since this form was downloaded: "
                           "download it again.", rows="、".join(missing)))
    scores, problems = read_scores(typed, criteria)
    names = {c.key: heading(c) for c in criteria}
    messages = [form_problem(number, names[key], message) for key, message in problems.items()]
    if len(comment) > MAX_COMMENT:
        messages.append(form_problem(number, COMMENT, _("at most %(count)s characters", count=MAX_COMMENT)))
    judgement: Judgement | None = None
    written = _judgement_cells(tables)
    if written:
        if missing := [name for name in JUDGEMENT_HEADINGS if name not in written]:
            raise SheetError(_("Missing rows: %(rows)s. The review form may have changed since this form was downloaded: "
                               "download it again.", rows="、".join(missing)))
        judgement, wrong = read_judgement(*(written[name] for name in JUDGEMENT_HEADINGS))
        messages += [form_problem(number, name, message) for name, message in wrong.items()]
    return SheetRow(0, paper_id, number, scores, comment, tuple(messages), judgement)


def _judgement_cells(tables: Sequence[Any]) -> dict[str, str]:
    """Heading → what is written beside it, from the form's rows of recommendation, confidence and note."""
    found: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            cells = row.cells
            if len(cells) < 2:
                continue
            label = _normal(cells[0].text).split("（", 1)[0]
            if label in JUDGEMENT_HEADINGS:
                found[label] = "\n".join(p.text for p in cells[-1].paragraphs).strip()
    return found
