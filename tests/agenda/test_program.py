"""The agenda as printed (seminar/agenda/program.py): the rows, the title's lines, and the built PDF,
page and book appendix that show them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader

from seminar.agenda.model import Agenda, Contribution, Person, SignIn, SlotKind
from seminar.agenda.program import (
    Affiliations,
    ProgramRow,
    ProgramSession,
    agenda_title_lines,
    program_of,
    row_label,
    topic_index,
)
from seminar.i18n import use_locale
from seminar.proceedings.book import BookSpec
from seminar.proceedings.typeset import render_pdf
from tests.agenda.builders import DAY, HALL, SIDE, session, slot
from tests.agenda.test_routes import (  # noqa: F401  # fixtures
    EDITOR,
    SETTINGS,
    SLUG,
    _draft,
    _publish,
    _stored,
    empty_cache,
    organizer_client,
)

# ---------- labels and title lines ----------


@pytest.mark.parametrize(
    ("kind", "title", "label"),
    [
        (SlotKind.COMMENTARY, "点评", ""),
        (SlotKind.COMMENTARY, "综合点评", ""),
        (SlotKind.OPENING, "开班式", ""),
        (SlotKind.BREAK, "休息", ""),
        (SlotKind.CLOSING, "总结讲话", ""),
        (SlotKind.DISCUSSION, "研讨交流", ""),
        (SlotKind.LECTURE, "专题辅导", ""),
        (SlotKind.KEYNOTE, "遂溪“村民代表话事”", "重点发言"),
        (SlotKind.LECTURE, "法治建设的几个问题", "专题辅导"),
    ],
)
def test_a_row_is_labelled_only_where_its_title_does_not_say_it(kind: SlotKind, title: str, label: str) -> None:
    assert row_label(kind, title) == label


def test_a_chinese_title_is_not_labelled_again_in_english() -> None:
    with use_locale("en"):
        assert (row_label(SlotKind.COMMENTARY, "点评"), row_label(SlotKind.KEYNOTE, "把支部建在小区上")) == (
            "", "Keynote speech"
        )


@pytest.mark.parametrize(
    ("title", "width", "lines"),
    [
        ("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）", 24,
         ["全省市域社会治理现代化试点创新研讨班", "（发挥政治引领作用）"]),
        ("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）", 60,
         ["全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）"]),
        # Broken between words, as the book's cover is (`seminar.titlelines`), never inside 研讨班.
        ("全省市域社会治理现代化试点创新研讨班总结交流会议", 12, ["全省市域社会治理现代化", "试点创新研讨班总结", "交流会议"]),
        # "用）" is never left alone.
        ("发挥政治引领作用研讨班第二期会议日程安排表格（用）", 20, ["发挥政治引领作用研讨班第二期会议", "日程安排表格（用）"]),
        ("", 24, []),
    ],
)
def test_the_title_breaks_only_at_a_phrase_boundary(title: str, width: int, lines: list[str]) -> None:
    printed = agenda_title_lines(title, width)

    assert printed == lines
    assert "".join(printed) == title
    assert len(printed) < 2 or min(len(line) for line in printed) >= 4


# ---------- the rows ----------


def _two_rooms() -> Agenda:
    """A morning like the demo's: opening and lecture in the hall, a break in both rooms at once,
    then two topics side by side, then the closing in the hall."""
    return Agenda(
        (HALL, SIDE),
        (
            session("opening", HALL, "09:00", "09:20", slot("opening", "09:00", 20, SlotKind.OPENING, "开班式"),
                    title="开班式", chair=Person(7, "王主持")),
            session("break-hall", HALL, "09:20", "09:35", slot("b1", "09:20", 15, SlotKind.BREAK, "休息"), title="休息"),
            session("break-side", SIDE, "09:20", "09:35", slot("b2", "09:20", 15, SlotKind.BREAK, "休息"), title="休息"),
            session(
                "topic-1", HALL, "09:35", "10:15",
                slot("k1", "09:35", 10, title="遂溪“村民代表话事”", paper_id=1, speaker=Person(None, "曾国华")),
                slot("d1", "09:45", 20, SlotKind.DISCUSSION, "研讨交流", contributions=(
                    Contribution(2, "乳源“平安细胞”建设", Person(None, "郑浩然")),
                )),
                slot("c1", "10:05", 10, SlotKind.COMMENTARY, "点评"),
                topic_id=11, title="完成政治任务",
            ),
            session(
                "topic-2", SIDE, "09:35", "10:05",
                slot("k2", "09:35", 10, title="把支部建在小区上", paper_id=3, speaker=Person(None, "谢淑仪")),
                slot("c2", "09:45", 10, SlotKind.COMMENTARY, "点评"),
                topic_id=12, title="发挥政治优势",
            ),
            session("closing", HALL, "10:20", "11:00",
                    slot("cc", "10:20", 20, SlotKind.COMMENTARY, "综合点评"),
                    slot("cs", "10:40", 20, SlotKind.CLOSING, "总结讲话"), title="综合点评及总结讲话"),
        ),
    )


UNITS = Affiliations(
    accounts={7: "省委政法委"},
    authors={1: {"曾国华": "遂溪县委政法委"}, 2: {"郑浩然": "乳源瑶族自治县委政法委"}, 3: {"谢淑仪": "佛山市委政法委"}},
)


def test_a_day_is_headed_with_year_and_weekday_and_opens_with_sign_in() -> None:
    (day,) = program_of(_two_rooms(), {11: 1, 12: 2}, UNITS)

    assert day.date == DAY and day.label == "2026年12月10日（星期四）"
    assert day.sign_in is not None and (day.sign_in.time, day.sign_in.title) == ("08:30—09:00", "签到")


def test_each_session_prints_once_and_a_shared_break_once() -> None:
    (day,) = program_of(_two_rooms(), {11: 1, 12: 2}, UNITS)
    lines = [(line.time, line.heading if isinstance(line, ProgramSession) else line.title) for line in day.rows()]

    assert [line for line, count in Counter(lines).items() if count > 1] == []
    assert ("09:20—09:35", "休息") in lines
    opening = next(line for line in day.rows() if isinstance(line, ProgramSession) and line.key == "opening")
    assert opening.single and opening.rows == ()
    assert [(p.role, p.name, p.unit) for p in opening.people] == [("主持人", "王主持", "省委政法委")]


def test_parallel_topics_are_one_block_grouped_by_room_with_their_topic_numbers() -> None:
    (day,) = program_of(_two_rooms(), {11: 1, 12: 2}, UNITS)
    parallel = [block for block in day.blocks if block.parallel]

    assert len(parallel) == 1 and parallel[0].time == "09:35—10:15"
    assert [(room.name, [s.heading for s in room.sessions]) for room in parallel[0].rooms] == [
        ("第一会议室", ["专题一　完成政治任务"]),
        ("第二会议室", ["专题二　发挥政治优势"]),
    ]
    assert [entry.session.heading for entry in topic_index([day])] == ["专题一　完成政治任务", "专题二　发挥政治优势"]


def test_speakers_and_discussion_contributors_carry_their_units() -> None:
    (day,) = program_of(_two_rooms(), {11: 1, 12: 2}, UNITS)
    rows = {line.key: line for line in day.rows() if isinstance(line, ProgramRow)}

    assert (rows["k1"].label, [(p.name, p.unit) for p in rows["k1"].people]) == ("重点发言", [("曾国华", "遂溪县委政法委")])
    contribution = rows["d1"].contributions[0]
    assert contribution.person is not None
    assert (contribution.title, contribution.person.name, contribution.person.unit) == (
        "乳源“平安细胞”建设", "郑浩然", "乳源瑶族自治县委政法委"
    )
    assert (rows["c1"].label, rows["c1"].title) == ("", "点评")


# ---------- what is built from them ----------


ROOMS = {HALL.name, SIDE.name}


def _printed_lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def _assert_printed_as_one_agenda(text: str) -> None:
    flat = re.sub(r"\s+", "", text)
    # Parallel rooms may hold rows alike (each topic's 研讨交流 at 10:55): a row is one per room group.
    room, timed = "", []
    for line in _printed_lines(text):
        if line in ROOMS:
            room = line
        elif re.match(r"\d\d:\d\d—\d\d:\d\d \S", line):
            timed.append((room, line))
    assert timed and [line for line, count in Counter(timed).items() if count > 1] == []
    doubled = re.findall(r"(开班|休息|点评|研讨交流|专题辅导|总结讲话)：\1", flat)
    assert doubled == []
    assert "2026年12月10日（星期四）" in flat and "签到" in flat
    assert "第1版" not in flat


@pytest.fixture
async def parallel_release(organizer_client):  # type: ignore[no-untyped-def]  # noqa: F811
    response = await organizer_client.post_form(f"{EDITOR}/settings", {**SETTINGS, "parallel_rooms": "y"})
    assert response.status_code == 303
    await _draft(organizer_client)
    published_now = await _publish(organizer_client, 1)
    assert published_now.status_code == 303
    await organizer_client.get(published_now.headers["location"])  # as a browser does: it shows "published"
    return organizer_client


async def test_the_agenda_pdf_prints_each_row_once_with_rooms_year_and_weekday(parallel_release) -> None:  # type: ignore[no-untyped-def]
    response = await parallel_release.get(f"/{SLUG}/agenda.pdf")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    _assert_printed_as_one_agenda(text)
    flat = re.sub(r"\s+", "", text)
    assert "分会场同时进行：第一会议室、第二会议室" in flat
    assert "专题一" in flat and "专题二" in flat
    assert "广州市1号发言人" in flat  # a 研讨交流 or keynote speaker, with the unit the author gave


async def test_the_public_page_writes_dates_in_chinese_and_keeps_frab_for_other_systems(parallel_release) -> None:  # type: ignore[no-untyped-def]
    page = (await parallel_release.get(f"/{SLUG}/agenda")).text

    assert "2026年12月10日（星期四）" in page and "2026/12/10" not in page
    toolbar = page[page.index('class="agenda-files'):page.index("</nav>", page.index('class="agenda-files'))]
    assert "schedule.xml" not in toolbar and "frab" not in toolbar
    data = page[page.index("供其他系统导入的数据"):]
    assert f"/{SLUG}/schedule.xml" in data and f"/{SLUG}/schedule.json" in data
    assert "第1版" not in page


def test_the_books_appendix_prints_the_same_rows() -> None:
    spec = BookSpec(title="研讨班", organizer="省委政法委", date=DAY,
                    agenda=program_of(_two_rooms(), {11: 1, 12: 2}, UNITS))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(spec))).pages)

    _assert_printed_as_one_agenda(text)
    flat = re.sub(r"\s+", "", text)
    assert "第一会议室" in flat and "第二会议室" in flat
    assert "郑浩然" in flat and "乳源瑶族自治县委政法委" in flat and "王主持" in flat


async def test_a_sessions_chair_and_commentator_with_unit_and_position_are_printed(organizer_client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    stored = await _draft(organizer_client)
    topic = next(s for s in stored["agenda"].sessions if s.topic_id is not None)
    form = {
        "version": str(stored["version"]), "title": topic.title, "room": str(topic.room.id),
        "start": f"{topic.start:%Y-%m-%dT%H:%M}", "end": f"{topic.end:%Y-%m-%dT%H:%M}",
        "chair-name": "林主持", "chair-unit": "省委政法委", "chair-position": "副秘书长",
        "commentators-0-name": "周点评", "commentators-0-unit": "中山大学", "commentators-0-position": "教授",
    }

    saved = await organizer_client.post_form(f"{EDITOR}/sessions/{topic.key}", form)
    assert saved.status_code == 303, saved.text
    assert (await organizer_client.get(f"{EDITOR}/sessions/{topic.key}")).text.count('value="中山大学"') == 1
    assert (await _publish(organizer_client, stored["version"] + 1)).status_code == 303
    response = await organizer_client.get(f"/{SLUG}/agenda.pdf")

    flat = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert "主持人：林主持省委政法委副秘书长" in flat
    assert re.search(r"点评周点评中山大学教授", flat), flat


def test_a_commentator_without_a_commentary_row_is_named_under_the_heading() -> None:
    agenda = Agenda((HALL,), (
        session("topic-1", HALL, "09:00", "09:10", slot("k1", "09:00", 10, title="发言"), topic_id=11,
                title="完成政治任务", commentators=(Person(None, "周点评", "中山大学", "教授"),)),
    ))
    (day,) = program_of(agenda, {11: 1})
    (heading,) = [line for line in day.rows() if isinstance(line, ProgramSession)]

    assert [(p.role, p.name, p.unit, p.position) for p in heading.people] == [("点评人", "周点评", "中山大学", "教授")]


# ---------- people: 点评人, 辅导人, 主持人; 签到 ----------


ZHOU = Person(None, "周点评", "中山大学", "教授")
WANG = Person(None, "王点评", "省委组织部", "组织一处处长")


def test_every_commentator_stands_beside_the_commentary_row_in_speaking_order() -> None:
    agenda = Agenda((HALL,), (
        session("topic-1", HALL, "09:00", "09:20", slot("k1", "09:00", 10, title="发言"),
                slot("c1", "09:10", 10, SlotKind.COMMENTARY, "点评"), topic_id=11, title="完成政治任务",
                chair=Person(None, "林主持", "省委政法委", "副秘书长"), commentators=(WANG, ZHOU)),
    ))
    (day,) = program_of(agenda, {11: 1})
    rows = {line.key: line for line in day.rows()}

    commentary = rows["c1"]
    assert isinstance(commentary, ProgramRow)
    assert [(p.role, p.name, p.unit, p.position) for p in commentary.people] == [
        ("", "王点评", "省委组织部", "组织一处处长"), ("", "周点评", "中山大学", "教授")]
    heading = rows["topic-1"]
    assert isinstance(heading, ProgramSession) and heading.heading == "专题一　完成政治任务"
    assert [(p.role, p.name) for p in heading.people] == [("主持人", "林主持")]


def test_a_lecture_is_one_row_labelled_with_its_kind_and_its_lecturer_with_unit_and_position() -> None:
    lecturer = Person(None, "孙辅导", "省委党校", "政法教研部教授")
    agenda = Agenda((HALL,), (
        session("lecture", HALL, "09:20", "10:20",
                slot("lecture", "09:20", 60, SlotKind.LECTURE, "市域社会治理的几个问题", speaker=lecturer),
                title="专题辅导", chair=Person(None, "林主持", "省委政法委")),
    ))
    (day,) = program_of(agenda)
    (line,) = [line for line in day.rows() if line.key == "lecture"]

    assert isinstance(line, ProgramSession) and line.single and line.kind == "lecture"
    assert (line.label, line.heading) == ("专题辅导", "市域社会治理的几个问题")
    assert [(p.role, p.name, p.unit, p.position) for p in line.people] == [
        ("主持人", "林主持", "省委政法委", ""), ("辅导人", "孙辅导", "省委党校", "政法教研部教授")]


@pytest.mark.parametrize(
    ("sign_in", "printed"),
    [
        ((), "08:30—09:00"),  # nothing set: the half hour before the first session
        ((SignIn(DAY, dt.time(8, 0)),), "08:00—09:00"),
        ((SignIn(DAY, dt.time(9, 15)),), "09:15"),  # after the first session starts: just its time
        ((SignIn(DAY, None),), None),  # set to none that day
        ((SignIn(DAY + dt.timedelta(days=1), None),), "08:30—09:00"),  # another day's setting
    ],
)
def test_the_sign_in_row_follows_the_days_setting(sign_in: tuple[SignIn, ...], printed: str | None) -> None:
    agenda = dataclasses.replace(_two_rooms(), sign_in=sign_in)

    (day,) = program_of(agenda, {11: 1, 12: 2}, UNITS)

    assert (day.sign_in.time if day.sign_in else None) == printed


async def _edit_session(client, stored: dict, key: str, **fields: str):  # type: ignore[no-untyped-def]  # noqa: F811
    session = next(s for s in stored["agenda"].sessions if s.key == key)
    form = {
        "version": str(stored["version"]), "title": session.title, "room": str(session.room.id),
        "start": f"{session.start:%Y-%m-%dT%H:%M}", "end": f"{session.end:%Y-%m-%dT%H:%M}", **fields,
    }
    return await client.post_form(f"{EDITOR}/sessions/{key}", form)


def _pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


async def test_several_commentators_a_lecturer_and_a_sign_in_time_typed_in_the_editor_are_printed(organizer_client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    settings = {**SETTINGS, "lecture_title": "市域社会治理的几个问题", "lecturer": "孙辅导",
                "lecturer_unit": "省委党校", "lecturer_position": "政法教研部教授",
                "sign_in-0-day": "2026-12-10", "sign_in-0-time": "08:10"}
    assert (await organizer_client.post_form(f"{EDITOR}/settings", settings)).status_code == 303
    stored = await _draft(organizer_client)
    topic = next(s for s in stored["agenda"].sessions if s.topic_id is not None)
    page = await organizer_client.get(f"{EDITOR}/sessions/{topic.key}")
    assert page.text.count('name="commentators-') == 3 * 3  # three empty rows of name, unit, position

    saved = await _edit_session(
        organizer_client, stored, topic.key,
        **{"chair-name": "林主持", "chair-unit": "省委政法委", "chair-position": "副秘书长",
           "commentators-0-name": "王点评", "commentators-0-unit": "省委组织部", "commentators-0-position": "组织一处处长",
           "commentators-1-name": "", "commentators-1-unit": "", "commentators-1-position": "",
           "commentators-2-name": "周点评", "commentators-2-unit": "中山大学", "commentators-2-position": "教授"},
    )
    assert saved.status_code == 303, saved.text
    again = await organizer_client.get(f"{EDITOR}/sessions/{topic.key}")
    assert again.text.count('name="commentators-') == 5 * 3  # the two named, then three empty rows
    assert (await _publish(organizer_client, stored["version"] + 1)).status_code == 303

    flat = _pdf_text((await organizer_client.get(f"/{SLUG}/agenda.pdf")).content)
    assert "08:10—09:00签到" in flat
    assert "专题辅导：市域社会治理的几个问题" in flat and "辅导人：孙辅导省委党校政法教研部教授" in flat
    assert "主持人：林主持省委政法委副秘书长" in flat
    assert re.search(r"点评王点评省委组织部组织一处处长周点评中山大学教授", flat), flat
    page_text = (await organizer_client.get(f"/{SLUG}/agenda")).text
    assert "王点评" in page_text and "周点评" in page_text and "08:10—09:00" in page_text


async def test_a_row_with_a_unit_but_no_name_is_refused_and_what_was_typed_stays(organizer_client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    stored = await _draft(organizer_client)
    topic = next(s for s in stored["agenda"].sessions if s.topic_id is not None)

    refused = await _edit_session(organizer_client, stored, topic.key,
                                  **{"commentators-0-name": "", "commentators-0-unit": "中山大学"})

    assert refused.status_code == 400
    assert "请填写姓名，或将此行留空。" in refused.text and 'value="中山大学"' in refused.text
    assert (await _stored())["version"] == stored["version"]


async def test_a_day_set_to_no_sign_in_prints_none_and_the_setting_shows_again(organizer_client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    settings = {**SETTINGS, "sign_in-0-day": "2026-12-10", "sign_in-0-time": "", "sign_in-0-none": "y"}
    assert (await organizer_client.post_form(f"{EDITOR}/settings", settings)).status_code == 303
    form = (await organizer_client.get(f"{EDITOR}/settings")).text
    stored = await _draft(organizer_client)
    assert (await _publish(organizer_client, stored["version"])).status_code == 303

    flat = _pdf_text((await organizer_client.get(f"/{SLUG}/agenda.pdf")).content)
    (box,) = re.findall(r'<input[^>]*name="sign_in-0-none"[^>]*>', form)
    assert "2026年12月10日（星期四）" in form and "checked" in box
    assert "签到" not in flat


async def test_a_new_sign_in_time_alone_can_be_published_as_a_new_version(organizer_client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    stored = await _draft(organizer_client)
    assert (await _publish(organizer_client, stored["version"])).status_code == 303
    unchanged = await _publish(organizer_client, stored["version"])
    settings = {**SETTINGS, "sign_in-0-day": "2026-12-10", "sign_in-0-time": "08:00"}
    assert (await organizer_client.post_form(f"{EDITOR}/settings", settings)).status_code == 303

    changed = await _publish(organizer_client, stored["version"])

    assert unchanged.status_code == 400 and changed.status_code == 303
    flat = _pdf_text((await organizer_client.get(f"/{SLUG}/agenda.pdf")).content)
    assert "08:00—09:00签到" in flat
    releases = (await organizer_client.get(f"{EDITOR}/releases")).text
    assert "调整签到时间：2026年12月10日由08:30改为08:00。" in releases  # not an empty changelog
    assert "<th class=\"program-people\">主持人/发言人</th>" in (await organizer_client.get(f"/{SLUG}/agenda")).text
    assert (await organizer_client.post_form("/language", {"locale": "en", "next": "/"})).status_code == 303
    in_english = (await organizer_client.get(f"{EDITOR}/releases")).text  # in the reader's language
    assert "Sign-in on December 10, 2026: 08:30, now 08:00." in in_english

