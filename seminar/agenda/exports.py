"""Files made from a published release: iCalendar (whole agenda, one person's slots) and the
frab schedule as XML and JSON (the c3voc schemas in ../shared/schemas/frab/).

Pure and deterministic: the same release gives the same bytes, so they can be cached and served
with a strong ETag. Identifiers are derived, not random — an event keeps its UID and GUID from
release to release, so calendar apps and schedule viewers update it instead of duplicating it.
Breaks are left out: they are the gaps between events.

Times carry the seminar's zone: iCalendar writes TZID=Asia/Shanghai with its VTIMEZONE (what
Outlook, Google and Apple calendars all read), the frab files write ISO times with the offset.

People: each event's persons (frab) are those who speak in it — its speaker, the 研讨交流
contributors, the session's 点评人 in its commentary slot; every event's description lists them
with their 单位 and 职务, and the session's 主持人 (`_people_lines`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import icalendar

from seminar.agenda.labels import people_label, person_label
from seminar.agenda.model import Agenda, Person, Room, Session, Slot, SlotKind
from seminar.agenda.program import Affiliations
from seminar.i18n import _, get_locale

GENERATOR = "seminar"
FRAB_JSON_SCHEMA = "https://c3voc.de/schedule/schema.json"
# Characters XML 1.0 cannot carry at all (a stray form feed pasted from Word, say).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SeminarMeta:
    slug: str
    title: str
    base_url: str  # the site's address, e.g. "https://yantao.example.gov.cn"
    release: int  # 1 for v1 …
    published_at: dt.datetime  # the release's time: DTSTAMP, so a release's files never change
    venue: str = ""
    paper_urls: Mapping[int, str] = field(default_factory=dict)  # absolute; only papers the public may open
    language: str = "zh"
    affiliations: Affiliations = field(default_factory=Affiliations)  # people's 单位 where none was typed

    @property
    def version(self) -> str:
        return f"v{self.release}"

    @property
    def site(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    @property
    def agenda_url(self) -> str:
        return f"{self.site}/{self.slug}/agenda"

    @property
    def acronym(self) -> str:
        """The slug as the frab schemas accept it: no inner hyphens (JSON), four characters at least."""
        return self.slug.replace("-", "_").ljust(4, "_")


def event_guid(meta: SeminarMeta, key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{meta.domain}/{meta.slug}/agenda#{key}"))


def event_uid(meta: SeminarMeta, key: str) -> str:
    return f"{key}.{meta.slug}@{meta.domain}"


def exported_slots(agenda: Agenda) -> list[tuple[Session, Slot]]:
    return [(session, slot) for session, slot in agenda.slots() if slot.kind != SlotKind.BREAK]


def slots_of(agenda: Agenda, person: Person) -> list[tuple[Session, Slot]]:
    """The slots a person speaks in (as speaker, discussion contributor or 点评人), in time order."""
    return [
        (session, slot)
        for session, slot in exported_slots(agenda)
        if any(p.identity == person.identity for p in session.speakers(slot))
    ]


def _named(session: Session, slot: Slot) -> tuple[Person, ...]:
    """Who gives the slot, as its title's line names them: its speaker, and in the session's commentary
    slot its 点评人 (a discussion's contributors are listed under it instead)."""
    named: tuple[Person, ...] = (slot.speaker,) if slot.speaker is not None else ()
    commentary = session.commentary_slot
    if commentary is not None and commentary.key == slot.key:
        named += tuple(person for person in session.commentators if person not in named)
    return named


def _who(meta: SeminarMeta, person: Person, paper_id: int | None = None) -> str:
    """周海燕（中山大学 教授）: the name with the 单位 and 职务 known for it."""
    return person_label(person.name, meta.affiliations.unit_of(person, paper_id), person.position)


def _list(names: Iterable[str]) -> str:
    return ("、" if get_locale().startswith("zh") else ", ").join(names)


def _people_lines(meta: SeminarMeta, session: Session, slot: Slot) -> list[str]:
    """The slot's people with their 单位 and 职务, one role a line: its speaker (辅导人 of a lecture), the
    点评人 where they speak, the 研讨交流 contributions, the session's 主持人."""
    lines = []
    if slot.speaker is not None:
        who = _who(meta, slot.speaker, slot.paper_id)
        lines.append(_("Lecturer: %(name)s", name=who) if slot.kind == SlotKind.LECTURE
                     else _("Speaker: %(name)s", name=who))
    commentary = session.commentary_slot
    here = commentary is None or commentary.key == slot.key  # without a commentary slot, on every slot
    if session.commentators and here:
        lines.append(_("Commentators: %(names)s", names=_list(_who(meta, p) for p in session.commentators)))
    lines.extend(_contribution_lines(meta, slot))
    if session.chair is not None:
        lines.append(_("Chair: %(name)s", name=_who(meta, session.chair)))
    return lines


def chaired_sessions(agenda: Agenda, person: Person) -> list[Session]:
    return sorted(
        (s for s in agenda.sessions if s.chair is not None and s.chair.identity == person.identity),
        key=lambda s: (s.start, s.key),
    )


# iCalendar


def agenda_ics(agenda: Agenda, meta: SeminarMeta) -> bytes:
    calendar = _calendar(meta, meta.title)
    for session, slot in exported_slots(agenda):
        calendar.add_component(_slot_event(meta, session, slot))
    return _finish(calendar, agenda)


def person_ics(agenda: Agenda, meta: SeminarMeta, person: Person) -> bytes:
    """A speaker's own calendar: the slots they speak in and the sessions they chair."""
    return people_ics(agenda, meta, person.name, [person])


def people_ics(agenda: Agenda, meta: SeminarMeta, name: str, people: Iterable[Person]) -> bytes:
    """One account's calendar when the agenda knows it under several names (its speaker for a
    paper, a chair typed by hand): every slot and chaired session of any of them, each once."""
    people = list(people)
    calendar = _calendar(meta, f"{meta.title} · {name}")
    slots = {slot.key: (session, slot) for person in people for session, slot in slots_of(agenda, person)}
    for session, slot in sorted(slots.values(), key=lambda pair: (pair[1].start, pair[1].key)):
        calendar.add_component(_slot_event(meta, session, slot))
    chaired = {session.key: session for person in people for session in chaired_sessions(agenda, person)}
    for session in sorted(chaired.values(), key=lambda s: (s.start, s.key)):
        event = _event(meta, f"session-{session.key}", session.start, session.end, session.room)
        event.add("summary", _("Chairing: %(title)s", title=session.title))
        event.add("description", _session_lines(session))
        calendar.add_component(event)
    return _finish(calendar, agenda)


def _calendar(meta: SeminarMeta, name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{GENERATOR}//{meta.domain}//agenda {meta.version}//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _finish(calendar: icalendar.Calendar, agenda: Agenda) -> bytes:
    calendar.add("x-wr-timezone", agenda.time_zone)
    days = agenda.days or (dt.date(2000, 1, 1),)
    # A VTIMEZONE for the years around the seminar only: short, and enough for every app.
    calendar.add_missing_timezones(
        first_date=days[0] - dt.timedelta(days=366), last_date=days[-1] + dt.timedelta(days=366)
    )
    return bytes(calendar.to_ical())


def _event(meta: SeminarMeta, key: str, start: dt.datetime, end: dt.datetime, room: Room) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", event_uid(meta, key))
    event.add("dtstamp", meta.published_at.astimezone(dt.UTC))
    event.add("sequence", meta.release)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("location", f"{meta.venue} {room.name}" if meta.venue else room.name)
    return event


def _slot_event(meta: SeminarMeta, session: Session, slot: Slot) -> icalendar.Event:
    """The people go in the description, with their 单位: ATTENDEE needs an address (a mailto: URI),
    and the agenda publishes none."""
    event = _event(meta, slot.key, slot.start, slot.end, session.room)
    named = _named(session, slot)
    summary = _("%(title)s (%(names)s)", title=slot.title, names=people_label(named)) if named else slot.title
    event.add("summary", summary)
    lines = [session.title] if session.title != slot.title else []
    if lines := lines + _people_lines(meta, session, slot):
        event.add("description", "\n".join(lines))
    if slot.paper_id is not None and slot.paper_id in meta.paper_urls:
        event.add("url", meta.paper_urls[slot.paper_id])
    return event


def _session_lines(session: Session) -> str:
    return "\n".join(f"{slot.start:%H:%M} {slot.title}" for slot in session.slots)


# frab


@dataclass(frozen=True)
class _FrabEvent:
    session: Session
    slot: Slot
    id: int
    guid: str
    slug: str
    url: str
    persons: tuple[Person, ...]


def _frab_events(agenda: Agenda, meta: SeminarMeta) -> list[_FrabEvent]:
    slots = exported_slots(agenda)
    ids = _numeric_ids(meta, (slot.key for _session, slot in slots))
    events = []
    for session, slot in slots:
        number = ids[slot.key]
        url = meta.paper_urls.get(slot.paper_id) if slot.paper_id is not None else None
        events.append(
            _FrabEvent(
                session=session,
                slot=slot,
                id=number,
                guid=event_guid(meta, slot.key),
                slug=f"{meta.acronym}-{slot.kind.value}-{number}",
                url=url or f"{meta.agenda_url}#{quote(slot.key, safe='')}",
                persons=session.speakers(slot),
            )
        )
    return events


def _numeric_ids(meta: SeminarMeta, keys: Iterable[str]) -> dict[str, int]:
    """The schemas still require a positive integer id: derive it from the key, so it is stable too."""
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for key in sorted(keys):
        digest = hashlib.sha256(f"{meta.slug}/{key}".encode()).digest()
        number = int.from_bytes(digest[:4], "big") % 2_000_000_000 + 1
        while number in taken:  # a collision is unlikely; resolving it in key order keeps ids stable
            number = number % 2_000_000_000 + 1
        ids[key] = number
        taken.add(number)
    return ids


def _person_guid(meta: SeminarMeta, person: Person) -> str:
    name = f"id-{person.id}" if person.id is not None else f"name-{person.name.strip()}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{meta.domain}/people#{name}"))


def _rooms(agenda: Agenda) -> list[Room]:
    rooms = {room.id: room for room in agenda.rooms}
    for session in sorted(agenda.sessions, key=lambda s: (s.start, s.key)):
        rooms.setdefault(session.room.id, session.room)
    return list(rooms.values())


def _room_guid(meta: SeminarMeta, room: Room) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{meta.domain}/{meta.slug}/rooms#{room.id}"))


def _tracks(agenda: Agenda) -> list[str]:
    topics = sorted((s for s in agenda.sessions if s.topic_id is not None), key=lambda s: (s.start, s.key))
    return list(dict.fromkeys(session.title for session in topics))


def _days(agenda: Agenda) -> list[tuple[int, dt.date, dt.datetime, dt.datetime]]:
    days = []
    for index, day in enumerate(agenda.days, start=1):
        sessions = [s for s in agenda.sessions if s.start.astimezone(agenda.zone).date() == day]
        start = min(s.start for s in sessions).astimezone(agenda.zone)
        end = max(s.end for s in sessions).astimezone(agenda.zone)
        days.append((index, day, start, end))
    return days


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _contribution_lines(meta: SeminarMeta, slot: Slot) -> list[str]:
    return [
        _(
            "%(number)s. %(speaker)s: %(title)s",
            number=number,
            speaker=_who(meta, contribution.speaker, contribution.paper_id) if contribution.speaker else "—",
            title=contribution.title,
        )
        for number, contribution in enumerate(slot.contributions, start=1)
    ]


def frab_xml(agenda: Agenda, meta: SeminarMeta) -> bytes:
    zone = agenda.zone
    events = _frab_events(agenda, meta)
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, system=meta.domain)
    if meta.site.startswith(("http://", "https://")):
        _text(root, "url", f"{meta.site}/{meta.slug}/schedule.xml")
    _text(root, "version", meta.version)
    conference = ET.SubElement(root, "conference")
    _text(conference, "title", meta.title)
    _text(conference, "acronym", meta.acronym)
    if agenda.days:
        _text(conference, "start", agenda.days[0].isoformat())
        _text(conference, "end", agenda.days[-1].isoformat())
    _text(conference, "days", str(len(agenda.days)))
    _text(conference, "timeslot_duration", "00:05")
    if meta.site.startswith(("http://", "https://")):
        _text(conference, "base_url", f"{meta.site}/{meta.slug}/")
        _text(conference, "url", meta.agenda_url)
    _text(conference, "time_zone_name", agenda.time_zone)
    for track in _tracks(agenda):
        ET.SubElement(conference, "track", name=_clean(track))
    rooms = _rooms(agenda)
    for index, day, start, end in _days(agenda):
        day_element = ET.SubElement(
            root, "day", index=str(index), date=day.isoformat(), start=start.isoformat(), end=end.isoformat()
        )
        for room in rooms:
            room_element = ET.SubElement(
                day_element, "room", name=_clean(room.name), guid=_room_guid(meta, room)
            )
            for event in events:
                if event.session.room.id == room.id and event.slot.start.astimezone(zone).date() == day:
                    _xml_event(room_element, event, meta, zone)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def _xml_event(parent: ET.Element, event: _FrabEvent, meta: SeminarMeta, zone: ZoneInfo) -> None:
    slot, session = event.slot, event.session
    start = slot.start.astimezone(zone)
    element = ET.SubElement(parent, "event", guid=event.guid, id=str(event.id))
    _text(element, "room", session.room.name)
    _text(element, "title", slot.title)
    _text(element, "subtitle", "")
    _text(element, "type", slot.kind.value)
    _text(element, "date", start.isoformat())
    _text(element, "start", f"{start:%H:%M}")
    _text(element, "duration", _hhmm(slot.duration))
    _text(element, "abstract", "")
    _text(element, "slug", event.slug)
    _text(element, "track", session.title)
    persons = ET.SubElement(element, "persons")
    for person in event.persons:
        attributes = {"guid": _person_guid(meta, person)}
        if person.id is not None:
            attributes["id"] = str(person.id)
        _text(persons, "person", person.name, **attributes)
    _text(element, "language", meta.language)
    _text(element, "description", "\n".join(_people_lines(meta, session, slot)))
    links = ET.SubElement(element, "links")
    for title, url in _paper_links(slot, meta):
        _text(links, "link", title, href=url, type="paper")
    if event.url.startswith(("http://", "https://")):
        _text(element, "url", event.url)


def _unit(meta: SeminarMeta, slot: Slot, person: Person) -> str:
    """The person's 单位, looked up under the paper they speak for in this slot, if any."""
    papers = [(slot.speaker, slot.paper_id), *((c.speaker, c.paper_id) for c in slot.contributions)]
    paper_id = next((paper for speaker, paper in papers
                     if speaker is not None and paper is not None and speaker.identity == person.identity), None)
    return meta.affiliations.unit_of(person, paper_id)


def _paper_links(slot: Slot, meta: SeminarMeta) -> list[tuple[str, str]]:
    """(title, address) of the slot's paper and of each discussion contribution's paper that has a public page."""
    papers = [(slot.title, slot.paper_id)] + [(c.title, c.paper_id) for c in slot.contributions]
    return [(title, meta.paper_urls[paper_id]) for title, paper_id in papers
            if paper_id is not None and paper_id in meta.paper_urls]


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: _clean(value) for name, value in attributes.items()})
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def frab_json(agenda: Agenda, meta: SeminarMeta) -> bytes:
    zone = agenda.zone
    events = _frab_events(agenda, meta)
    rooms = _rooms(agenda)
    days = []
    for index, day, start, end in _days(agenda):
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": {
                    room.name: [
                        _json_event(event, meta, zone)
                        for event in events
                        if event.session.room.id == room.id
                        and event.slot.start.astimezone(zone).date() == day
                    ]
                    for room in rooms
                },
            }
        )
    conference: dict[str, Any] = {
        "acronym": meta.acronym,
        "title": meta.title,
        "start": agenda.days[0].isoformat() if agenda.days else "",
        "end": agenda.days[-1].isoformat() if agenda.days else "",
        "daysCount": len(agenda.days),
        "timeslot_duration": "00:05",
        "time_zone_name": agenda.time_zone,
        "url": meta.agenda_url,
        "tracks": [{"name": track} for track in _tracks(agenda)],
        "rooms": [
            {"name": room.name, "guid": _room_guid(meta, room), "capacity": room.capacity} for room in rooms
        ],
        "days": days,
    }
    document = {
        "$schema": FRAB_JSON_SCHEMA,
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": meta.version,
            "base_url": f"{meta.site}/{meta.slug}/",
            "conference": conference,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n"


def _json_event(event: _FrabEvent, meta: SeminarMeta, zone: ZoneInfo) -> dict[str, Any]:
    slot, session = event.slot, event.session
    start = slot.start.astimezone(zone)
    persons: list[dict[str, Any]] = []
    for person in event.persons:
        # `name` without `public_name`: the pretalx form of a person, so exactly one of the
        # schema's two person forms matches, as its oneOf demands.
        entry: dict[str, Any] = {"name": person.name, "guid": _person_guid(meta, person)}
        if person.id is not None:
            entry["id"] = person.id
        if where := " ".join(part for part in (_unit(meta, slot, person), person.position) if part):
            entry["biography"] = where  # 单位 and 职务: all the agenda knows of a person
        persons.append(entry)
    links = [{"type": "paper", "url": url, "title": title} for title, url in _paper_links(slot, meta)]
    return {
        "guid": event.guid,
        "id": event.id,
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "end": slot.end.astimezone(zone).isoformat(),
        "duration": _hhmm(slot.duration),
        "room": session.room.name,
        "slug": event.slug,
        "url": event.url,
        "title": slot.title,
        "subtitle": "",
        "track": session.title,
        "type": slot.kind.value,
        "language": meta.language,
        "abstract": "",
        "description": "\n".join(_people_lines(meta, session, slot)),
        "persons": persons,
        "links": links,
    }
