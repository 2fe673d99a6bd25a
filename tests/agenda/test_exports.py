"""The exported files, validated against the frab schemas kept in ../shared (never copies) and parsed back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
from lxml import etree

from seminar.agenda.draft import DraftSettings, draft_agenda
from seminar.agenda.exports import SeminarMeta, agenda_ics, event_guid, frab_json, frab_xml, person_ics
from seminar.agenda.model import Agenda, DecidedPaper, Decision, Person, SlotKind, TopicRef
from seminar.agenda.program import Affiliations
from tests.agenda.builders import DAY, HALL, SIDE, ZONE, topic_papers
from tests.conftest import SHARED_DIR


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


FRAB_DIR = SHARED_DIR / "schemas" / "frab"
NEXT_DAY = DAY + dt.timedelta(days=1)
GUEST = Person(None, "市委政法委张书记")
CHAIR = Person(900, "王主任")
META = SeminarMeta(
    slug="gd-2026",
    title="全省基层社会治理研讨班",
    base_url="https://yantao.example.gov.cn/",
    release=2,
    published_at=dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC),
    venue="省委党校",
    paper_urls={101: "https://yantao.example.gov.cn/gd-2026/papers/101"},
)


def seminar_agenda() -> Agenda:
    """Two days, two parallel rooms, a guest speaker without an account, a title XML must escape."""
    topics = [TopicRef(n, f"专题{n}") for n in range(1, 11)]
    papers = [p for topic in topics for p in topic_papers(topic.id)]
    papers.append(DecidedPaper(190, 1, Decision.KEYNOTE, 99, "“枫桥经验” <新时代> & 基层\x0c治理", GUEST))
    settings = DraftSettings(days=(DAY, NEXT_DAY), rooms=(HALL, SIDE), parallel_rooms=True)
    drafted = draft_agenda(topics, papers, settings)
    return Agenda(
        drafted.rooms,
        tuple(dataclasses.replace(s, chair=CHAIR) if s.key == "topic-2" else s for s in drafted.sessions),
        drafted.time_zone,
    )


ZHOU = Person(None, "周点评", "中山大学", "教授")
WANG = Person(None, "王点评", "省委组织部", "组织一处处长")
LECTURER = Person(None, "孙辅导", "省委党校", "政法教研部教授")
PEOPLE_META = dataclasses.replace(META, affiliations=Affiliations(authors={101: {"发言人101": "广州市委政法委"}}))


def agenda_with_people() -> Agenda:
    """The seminar's agenda with a lecture and its lecturer, and two 点评人 for 专题1 (whose chair is CHAIR)."""
    topics = [TopicRef(n, f"专题{n}") for n in range(1, 11)]
    papers = [p for topic in topics for p in topic_papers(topic.id)]
    settings = DraftSettings(days=(DAY, NEXT_DAY), rooms=(HALL, SIDE), parallel_rooms=True,
                             lecture_title="市域社会治理的几个问题", lecturer=LECTURER)
    drafted = draft_agenda(topics, papers, settings)
    return dataclasses.replace(drafted, sessions=tuple(
        dataclasses.replace(s, chair=CHAIR, commentators=(WANG, ZHOU)) if s.key == "topic-1" else s
        for s in drafted.sessions
    ))


@pytest.fixture(scope="module")
def frab_dir() -> Path:
    if not (FRAB_DIR / "schedule.xml.xsd").exists():
        pytest.skip(
            f"the frab schemas are not here: {FRAB_DIR} is missing (a clone outside the shared setting)"
        )
    return FRAB_DIR


@pytest.fixture(scope="module")
def xml_schema(frab_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(frab_dir / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_validator(frab_dir: Path) -> jsonschema.protocols.Validator:
    schema = json.loads((frab_dir / "schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft6Validator  # the schema says draft-06
    validator_class.check_schema(schema)
    # Formats (uuid, uri, date-time …) are only checked with a format checker; the "format-nongpl"
    # extra of jsonschema brings the checkers for uri and date-time.
    return validator_class(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("plan", [seminar_agenda, agenda_with_people])
def test_frab_xml_validates_against_the_shared_schema(xml_schema: etree.XMLSchema, plan: Callable[[], Agenda]) -> None:
    document = etree.fromstring(frab_xml(plan(), PEOPLE_META))

    assert xml_schema.validate(document), xml_schema.error_log


@pytest.mark.parametrize("plan", [seminar_agenda, agenda_with_people])
def test_frab_json_validates_against_the_shared_schema(
    json_validator: jsonschema.protocols.Validator, plan: Callable[[], Agenda]
) -> None:
    document = json.loads(frab_json(plan(), PEOPLE_META))

    errors = [f"{list(e.absolute_path)}: {e.message}" for e in json_validator.iter_errors(document)]
    assert errors == []


def _drop_first(tag: str) -> Callable[[Any], None]:
    def drop(root: Any) -> None:
        element = root.find(f".//{tag}")
        element.getparent().remove(element)

    return drop


@pytest.mark.parametrize(
    "breakage",
    [
        _drop_first("event/duration"),
        lambda root: root.find(".//event").set("guid", "not-a-uuid"),
        lambda root: root.find(".//event/start").__setattr__("text", "9:00"),
        lambda root: root.find(".//day").set("start", "2026-12-10T09:00:00"),  # no offset
    ],
)
def test_the_xml_schema_check_would_catch_a_broken_file(
    xml_schema: etree.XMLSchema, breakage: Callable[[Any], None]
) -> None:
    document = etree.fromstring(frab_xml(seminar_agenda(), META))

    breakage(document)

    assert not xml_schema.validate(document)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["schedule"]["conference"]["days"][0]["rooms"]["第一会议室"][0].pop("url"),
        lambda d: d["schedule"]["conference"]["days"][0]["rooms"]["第一会议室"][0].update(guid="not-a-uuid"),
        lambda d: d["schedule"]["conference"]["days"][0].update(day_start="10 December"),
        lambda d: d["schedule"]["conference"]["days"][0]["rooms"]["第一会议室"][2]["persons"][0].update(
            public_name="x", id=1
        ),
        lambda d: d["schedule"]["conference"].update(acronym="gd-2026"),
    ],
)
def test_the_json_schema_check_would_catch_a_broken_file(
    json_validator: jsonschema.protocols.Validator, breakage: Callable[[Any], None]
) -> None:
    document = json.loads(frab_json(seminar_agenda(), META))

    breakage(document)

    assert not json_validator.is_valid(document)


def test_frab_xml_holds_every_slot_but_breaks_with_times_in_the_seminars_zone() -> None:
    plan = seminar_agenda()

    root = etree.fromstring(frab_xml(plan, META))

    expected = [slot for _s, slot in plan.slots() if slot.kind != SlotKind.BREAK]
    events = root.findall(".//event")
    assert len(events) == len(expected)
    assert root.findtext("conference/acronym") == "gd_2026"
    assert root.findtext("version") == "v2"
    assert [(d.get("index"), d.get("date")) for d in root.findall("day")] == [
        ("1", "2026-12-10"),
        ("2", "2026-12-11"),
    ]
    assert root.find("day").get("start") == "2026-12-10T09:00:00+08:00"
    keynote = next(e for e in events if e.findtext("type") == "keynote" and "枫桥" in e.findtext("title"))
    assert keynote.findtext("title") == "“枫桥经验” <新时代> & 基层治理"  # escaped, the form feed dropped
    assert (keynote.findtext("date"), keynote.findtext("start"), keynote.findtext("duration")) == (
        "2026-12-10T10:35:00+08:00",
        "10:35",
        "00:10",
    )
    assert keynote.getparent().get("name") == "第一会议室"
    assert [p.text for p in keynote.findall("persons/person")] == ["市委政法委张书记"]
    assert keynote.get("guid") == str(
        uuid.uuid5(uuid.NAMESPACE_URL, "https://yantao.example.gov.cn/gd-2026/agenda#keynote-190")
    )
    assert len({e.get("id") for e in events}) == len(events)
    linked = next(e for e in events if e.findtext("title") == "论文101")
    assert linked.findtext("url") == "https://yantao.example.gov.cn/gd-2026/papers/101"
    assert linked.find("links/link").get("href") == "https://yantao.example.gov.cn/gd-2026/papers/101"


def test_frab_json_keeps_chinese_readable_and_lists_discussion_contributions() -> None:
    raw = frab_json(seminar_agenda(), META)

    document = json.loads(raw)

    assert "全省基层社会治理研讨班".encode() in raw
    day = document["schedule"]["conference"]["days"][0]
    discussion = next(e for e in day["rooms"]["第一会议室"] if e["type"] == "discussion")
    assert discussion["duration"] == "00:20"
    assert discussion["description"].splitlines() == [
        "1. 发言人151：论文151",
        "2. 发言人152：论文152",
        "3. 发言人153：论文153",
    ]
    assert [p["name"] for p in discussion["persons"]] == ["发言人151", "发言人152", "发言人153"]


def test_identifiers_stay_the_same_from_release_to_release() -> None:
    first = seminar_agenda()
    moved = Agenda(
        first.rooms,
        tuple(dataclasses.replace(s, room=SIDE) if s.key == "topic-1" else s for s in first.sessions),
        first.time_zone,
    )
    v3 = dataclasses.replace(META, release=3)

    def ids(raw: bytes) -> dict[str, tuple[str | None, str | None]]:
        return {
            e.findtext("title"): (e.get("guid"), e.get("id")) for e in etree.fromstring(raw).iter("event")
        }

    assert ids(frab_xml(first, META)) == ids(frab_xml(moved, v3))
    assert event_guid(META, "keynote-101") == event_guid(v3, "keynote-101")


def test_exports_are_the_same_bytes_every_time() -> None:
    assert frab_xml(seminar_agenda(), META) == frab_xml(seminar_agenda(), META)
    assert frab_json(seminar_agenda(), META) == frab_json(seminar_agenda(), META)
    assert agenda_ics(seminar_agenda(), META) == agenda_ics(seminar_agenda(), META)


def _events(raw: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))


def test_the_agenda_calendar_holds_every_slot_but_breaks_in_shanghai_time() -> None:
    plan = seminar_agenda()

    raw = agenda_ics(plan, META)

    calendar = icalendar.Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == sum(1 for _s, slot in plan.slots() if slot.kind != SlotKind.BREAK)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    keynote = events["keynote-190.gd-2026@yantao.example.gov.cn"]
    assert keynote.decoded("DTSTART") == dt.datetime(2026, 12, 10, 10, 35, tzinfo=ZONE)
    assert keynote["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert keynote.decoded("DTEND") == dt.datetime(2026, 12, 10, 10, 45, tzinfo=ZONE)
    assert str(keynote["SUMMARY"]) == "“枫桥经验” <新时代> & 基层\x0c治理（市委政法委张书记）"
    assert str(keynote["LOCATION"]) == "省委党校 第一会议室"
    assert str(keynote["DESCRIPTION"]).splitlines() == ["专题1", "发言人：市委政法委张书记"]
    assert keynote.decoded("DTSTAMP") == dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
    assert int(keynote["SEQUENCE"]) == 2
    assert (
        str(events["keynote-101.gd-2026@yantao.example.gov.cn"]["URL"])
        == "https://yantao.example.gov.cn/gd-2026/papers/101"
    )


def test_a_persons_calendar_holds_only_their_own_slots_and_the_sessions_they_chair() -> None:
    plan = seminar_agenda()

    speaker = _events(person_ics(plan, META, Person(151, "发言人151")))
    guest = _events(person_ics(plan, META, GUEST))
    chair = _events(person_ics(plan, META, CHAIR))
    nobody = _events(person_ics(plan, META, Person(4242, "无关人员")))

    assert [str(e["UID"]) for e in speaker] == ["topic-1-discussion.gd-2026@yantao.example.gov.cn"]
    assert [str(e["SUMMARY"]) for e in guest] == ["“枫桥经验” <新时代> & 基层\x0c治理（市委政法委张书记）"]
    assert [(str(e["UID"]), str(e["SUMMARY"])) for e in chair] == [
        ("session-topic-2.gd-2026@yantao.example.gov.cn", "主持：专题2")
    ]
    assert nobody == []


# ---------- people ----------


def test_frab_events_have_the_commentators_and_the_lecturer_as_persons_with_units_in_the_description() -> None:
    plan = agenda_with_people()

    xml = etree.fromstring(frab_xml(plan, PEOPLE_META))
    data = json.loads(frab_json(plan, PEOPLE_META))

    events = list(xml.iter("event"))
    commentary = next(e for e in events if e.findtext("type") == "commentary" and e.findtext("track") == "专题1")
    assert [p.text for p in commentary.findall("persons/person")] == ["王点评", "周点评"]
    assert commentary.findtext("description").splitlines() == [
        "点评人：王点评（省委组织部 组织一处处长）、周点评（中山大学 教授）",
        "主持人：王主任",
    ]
    lecture = next(e for e in events if e.findtext("type") == "lecture")
    assert lecture.findtext("title") == "市域社会治理的几个问题"
    assert [p.text for p in lecture.findall("persons/person")] == ["孙辅导"]
    assert lecture.findtext("description") == "辅导人：孙辅导（省委党校 政法教研部教授）"
    json_events = [e for day in data["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    json_commentary = next(e for e in json_events if e["guid"] == commentary.get("guid"))
    assert [(p["name"], p.get("biography")) for p in json_commentary["persons"]] == [
        ("王点评", "省委组织部 组织一处处长"), ("周点评", "中山大学 教授")]
    keynote = next(e for e in json_events if e["title"] == "论文101")
    assert keynote["persons"][0]["biography"] == "广州市委政法委"  # the unit the paper's author gave
    assert keynote["description"].splitlines() == ["发言人：发言人101（广州市委政法委）", "主持人：王主任"]


def test_the_calendar_names_the_people_with_their_units_and_a_commentator_gets_their_own_slot() -> None:
    plan = agenda_with_people()

    events = {str(e["UID"]).split(".")[0]: e for e in _events(agenda_ics(plan, PEOPLE_META))}
    mine = _events(person_ics(plan, PEOPLE_META, ZHOU))

    commentary = events["topic-1-commentary"]
    assert str(commentary["SUMMARY"]) == "点评（王点评、周点评）"
    assert str(commentary["DESCRIPTION"]).splitlines() == [
        "专题1",
        "点评人：王点评（省委组织部 组织一处处长）、周点评（中山大学 教授）",
        "主持人：王主任",
    ]
    assert str(events["lecture"]["DESCRIPTION"]) == "辅导人：孙辅导（省委党校 政法教研部教授）"
    assert "ATTENDEE" not in events["lecture"]  # an attendee needs an address; the agenda has none
    assert [str(e["UID"]).split(".")[0] for e in mine] == ["topic-1-commentary"]
