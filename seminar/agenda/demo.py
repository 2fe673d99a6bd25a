"""The demo seminar's agenda: two rooms, its days, drafted from the demo decisions, its people named,
and published as v1.

The people are made up, as a provincial office would seat them (domain.md §4): 省委政法委 leaders
chair the plenaries and give the speeches, an expert of the 省委党校 gives the 专题辅导, each
topic's session has a 省委政法委 chair and two 点评人 — an official of the 省委组织部 or the
省委政法委 and an invited expert — taken from the demo's reviewers, who are those officials and
experts. Sessions side by side in two rooms draw on two separate groups, so nobody is in two
places at once.

Idempotent: rooms and settings are created when missing; once a version is published nothing
is drafted or published again (an organizer's edits to the demo are left alone).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from seminar.agenda import actions
from seminar.agenda.model import Agenda, Person, Session, Slot, SlotKind
from seminar.agenda.models import AgendaRelease, AgendaSettings, Room
from seminar.agenda.queries import decided_papers, load_draft, settings_of
from seminar.seminars.models import Seminar

DEMO_ROOMS = (("第一会议室", 200), ("第二会议室", 80))

# Leaders and chairs: generic names, no real office holder's.
PRESIDING = Person(None, "陈立新", "省委政法委", "副书记")  # chairs the opening and the closing
LEADER = Person(None, "黄振东", "省委政法委", "常务副书记")  # 动员讲话 and 总结讲话
ROOM_CHAIRS = (
    Person(None, "林国栋", "省委政法委", "基层社会治理处副处长"),
    Person(None, "何志明", "省委政法委", "基层社会治理处一级调研员"),
)
LECTURE_TITLE = "发挥政治引领作用　推进市域社会治理现代化"
SIGN_IN_TIME = "08:00"
OFFICIAL_UNITS = ("省委组织部", "省委政法委")


class Expert(Protocol):
    """A demo reviewer as `seminar.demo` lists them."""

    @property
    def name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def position(self) -> str: ...


def _person(expert: Expert) -> Person:
    return Person(None, expert.name, expert.unit, expert.position)


def lecturer_of(experts: Sequence[Expert]) -> Person:
    """The 专题辅导's lecturer: the 省委党校's expert if there is one, else the last expert."""
    outside = [e for e in experts if e.unit not in OFFICIAL_UNITS]
    return _person(next((e for e in outside if e.unit == "省委党校"), outside[-1]))


def with_demo_people(agenda: Agenda, experts: Sequence[Expert]) -> Agenda:
    """The drafted agenda with its 主持人, speakers and 点评人 named (see the module's docstring)."""
    officials = [_person(e) for e in experts if e.unit in OFFICIAL_UNITS]
    lecturer = lecturer_of(experts)
    outside = [_person(e) for e in experts if e.unit not in OFFICIAL_UNITS and e.name != lecturer.name]
    rooms = {room.id: index for index, room in enumerate(agenda.rooms)}
    # One group of commentators per room, so sessions side by side share nobody.
    groups = [(officials[i::2], outside[i::2]) for i in range(2)]
    seen: dict[int, int] = {}
    sessions = []
    for session in agenda.sessions:
        if session.topic_id is not None:
            room = rooms.get(session.room.id, 0) % 2
            turn = seen[room] = seen.get(room, -1) + 1
            own_officials, own_experts = groups[room]
            session = dataclasses.replace(
                session, chair=ROOM_CHAIRS[room],
                commentators=(own_officials[turn % len(own_officials)], own_experts[turn % len(own_experts)]),
            )
        elif session.key == "opening":
            session = dataclasses.replace(session, chair=PRESIDING, slots=_spoken_by(session, LEADER, SlotKind.OPENING))
        elif session.key == "closing":
            # The 综合点评: one official of each office.
            overall = tuple(next(o for o in officials if o.unit == unit) for unit in OFFICIAL_UNITS
                            if any(o.unit == unit for o in officials))
            session = dataclasses.replace(session, chair=PRESIDING, commentators=overall,
                                          slots=_spoken_by(session, LEADER, SlotKind.CLOSING))
        sessions.append(session)
    return dataclasses.replace(agenda, sessions=tuple(sessions))


def _spoken_by(session: Session, person: Person, kind: SlotKind) -> tuple[Slot, ...]:
    return tuple(dataclasses.replace(slot, speaker=person) if slot.kind == kind else slot for slot in session.slots)


async def build_demo_agenda(seminar: Seminar, experts: Sequence[Expert] = ()) -> int | None:
    """The number of the published version, or None when there are no decisions to lay out yet.
    `experts`: the demo's reviewers, who give the 专题辅导 and the 点评 (none: nobody is named)."""
    for position, (name, capacity) in enumerate(DEMO_ROOMS, start=1):
        await Room.get_or_create(seminar_id=seminar.id, name=name, defaults={"capacity": capacity, "position": position})
    if not await AgendaSettings.exists(seminar_id=seminar.id):
        settings = await settings_of(seminar)
        settings.parallel_rooms = True
        settings.sign_in = {settings.days[0]: SIGN_IN_TIME} if settings.days else {}
        if experts:
            lecturer = lecturer_of(experts)
            settings.lecture_title, settings.lecturer = LECTURE_TITLE, lecturer.name
            settings.lecturer_unit, settings.lecturer_position = lecturer.unit, lecturer.position
        await settings.save()
    latest = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if latest is not None:
        return latest.number
    if not await decided_papers(seminar):
        return None
    current = await load_draft(seminar)
    version = await actions.draft_from_decisions(seminar, current.version, None, actions.DraftingMode.REPLACE)
    if experts:
        version = await actions.edit_draft(seminar, version, None, lambda agenda: with_demo_people(agenda, experts))
    published = await actions.publish(seminar, version, None)
    return published.release.number
