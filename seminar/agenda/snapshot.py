"""An agenda as JSON-ready data and back: a release stores its agenda this way, unchanged for ever."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from seminar.agenda.model import Agenda, Contribution, Person, Room, Session, SignIn, Slot, SlotKind

FORMAT = 1


def agenda_to_data(agenda: Agenda) -> dict[str, Any]:
    """Keys added since the format began (`commentators`, `sign_in`) are written only when they hold
    something, so an agenda without them stores the same data as before."""
    return {
        "format": FORMAT,
        "time_zone": agenda.time_zone,
        **({"sign_in": {s.day.isoformat(): _time(s.time) for s in agenda.sign_in}} if agenda.sign_in else {}),
        "rooms": [_room(room) for room in agenda.rooms],
        "sessions": [
            {
                "key": session.key,
                "topic_id": session.topic_id,
                "title": session.title,
                "room": _room(session.room),
                "start": session.start.isoformat(),
                "end": session.end.isoformat(),
                "chair": _person(session.chair),
                **({"commentators": [_person(p) for p in session.commentators]} if session.commentators else {}),
                "slots": [
                    {
                        "key": slot.key,
                        "kind": slot.kind.value,
                        "start": slot.start.isoformat(),
                        "duration": slot.duration,
                        "title": slot.title,
                        "paper_id": slot.paper_id,
                        "speaker": _person(slot.speaker),
                        "contributions": [
                            {"paper_id": c.paper_id, "title": c.title, "speaker": _person(c.speaker)}
                            for c in slot.contributions
                        ],
                    }
                    for slot in session.slots
                ],
            }
            for session in agenda.sessions
        ],
    }


def agenda_from_data(data: dict[str, Any]) -> Agenda:
    assert data.get("format") == FORMAT, f"unknown agenda snapshot format {data.get('format')!r}"
    zone = ZoneInfo(data["time_zone"])

    def when(text: str) -> dt.datetime:
        # ISO strings keep the offset, not the zone: put the zone back so times print as they were.
        return dt.datetime.fromisoformat(text).astimezone(zone)

    return Agenda(
        rooms=tuple(_to_room(room) for room in data["rooms"]),
        sessions=tuple(
            Session(
                key=session["key"],
                topic_id=session["topic_id"],
                title=session["title"],
                room=_to_room(session["room"]),
                start=when(session["start"]),
                end=when(session["end"]),
                chair=_to_person(session["chair"]),
                commentators=_to_people(session),
                slots=tuple(
                    Slot(
                        key=slot["key"],
                        kind=SlotKind(slot["kind"]),
                        start=when(slot["start"]),
                        duration=slot["duration"],
                        title=slot["title"],
                        paper_id=slot["paper_id"],
                        speaker=_to_person(slot["speaker"]),
                        contributions=tuple(
                            Contribution(c["paper_id"], c["title"], _to_person(c["speaker"]))
                            for c in slot["contributions"]
                        ),
                    )
                    for slot in session["slots"]
                ),
            )
            for session in data["sessions"]
        ),
        time_zone=data["time_zone"],
        sign_in=tuple(
            SignIn(dt.date.fromisoformat(day), dt.time.fromisoformat(time) if time else None)
            for day, time in sorted(data.get("sign_in", {}).items())
        ),
    )


def _time(time: dt.time | None) -> str | None:
    return f"{time:%H:%M}" if time is not None else None


def _to_people(session: dict[str, Any]) -> tuple[Person, ...]:
    """A session's 点评人; drafts saved before there could be several held one, as `commentator`."""
    listed = session.get("commentators") or [session.get("commentator")]
    return tuple(person for data in listed if (person := _to_person(data)) is not None)


def _room(room: Room) -> dict[str, Any]:
    return {"id": room.id, "name": room.name, "capacity": room.capacity}


def _to_room(data: dict[str, Any]) -> Room:
    return Room(data["id"], data["name"], data["capacity"])


def _person(person: Person | None) -> dict[str, Any] | None:
    """A person's id and name; 单位 and 职务 only when typed, so agendas without them keep their data."""
    if person is None:
        return None
    extra = {name: value for name, value in (("unit", person.unit), ("position", person.position)) if value}
    return {"id": person.id, "name": person.name, **extra}


def _to_person(data: dict[str, Any] | None) -> Person | None:
    if data is None:
        return None
    return Person(data["id"], data["name"], data.get("unit", ""), data.get("position", ""))
