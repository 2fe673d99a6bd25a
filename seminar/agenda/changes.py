"""The changelog of a release: what changed since the previous one, slot by slot.

Slots are matched by their stable key. One slot can change in several ways at once (moved to
another room and re-timed); each way is its own `Change` with its own line, so the changelog
reads as short sentences and the editor can mark each. Sessions (matched by key) add a line when
their 主持人 changes, or their 点评人 where the session has no commentary slot to carry them; each
day adds one when its 签到 time changes. Whatever the printed agenda shows has a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from seminar.agenda.labels import day_label, people_label, span_label
from seminar.agenda.model import Agenda, Person, Session, Slot
from seminar.agenda.program import sign_in_opens
from seminar.i18n import _


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"  # to another room or session
    RETIMED = "retimed"  # start or duration
    RETITLED = "retitled"
    SPEAKERS_CHANGED = "speakers_changed"  # the speaker or the discussion contributions
    PEOPLE_CHANGED = "people_changed"  # a session's 主持人 (or 点评人 with no commentary slot)
    SIGN_IN_CHANGED = "sign_in_changed"  # a day's 签到 time


_KIND_ORDER = {kind: index for index, kind in enumerate(ChangeKind)}


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    slot_key: str
    summary: str  # one line for the changelog, in the user's language
    before: Slot | None = None
    after: Slot | None = None
    before_session: Session | None = None
    after_session: Session | None = None
    at: dt.datetime | None = None  # where a change of no slot (a day's 签到) stands in time order


def diff_releases(old: Agenda, new: Agenda) -> list[Change]:
    """Changes from `old` to `new` in time order (of the new agenda, or the old one for removals)."""
    before = {slot.key: (session, slot) for session, slot in old.slots()}
    after = {slot.key: (session, slot) for session, slot in new.slots()}
    changes: list[Change] = []
    for key, (session, slot) in after.items():
        if key not in before:
            changes.append(
                Change(
                    ChangeKind.ADDED,
                    key,
                    _(
                        "Added: “%(title)s”, %(time)s, %(room)s.",
                        title=slot.title,
                        time=span_label(slot.start, slot.end),
                        room=session.room.name,
                    ),
                    after=slot,
                    after_session=session,
                )
            )
        else:
            changes.extend(_changes_of(*before[key], session, slot))
    for key, (session, slot) in before.items():
        if key not in after:
            changes.append(
                Change(
                    ChangeKind.REMOVED,
                    key,
                    _(
                        "Removed: “%(title)s” (was %(time)s, %(room)s).",
                        title=slot.title,
                        time=span_label(slot.start, slot.end),
                        room=session.room.name,
                    ),
                    before=slot,
                    before_session=session,
                )
            )
    old_sessions = {session.key: session for session in old.sessions}
    for session in new.sessions:
        if session.key in old_sessions:
            changes.extend(_session_changes(old_sessions[session.key], session))
    changes.extend(_sign_in_changes(old, new))
    rooms = {room.id: index for index, room in enumerate((*new.rooms, *old.rooms))}

    def order(change: Change) -> tuple[object, ...]:
        slot = change.after or change.before
        session = change.after_session or change.before_session
        if slot is not None and session is not None:
            return (slot.start, rooms.get(session.room.id, len(rooms)), slot.key, _KIND_ORDER[change.kind])
        if session is not None:  # the session's own line goes before its first slot's
            return (session.start, rooms.get(session.room.id, len(rooms)), "", _KIND_ORDER[change.kind])
        assert change.at is not None
        return (change.at, -1, change.slot_key, _KIND_ORDER[change.kind])

    return sorted(changes, key=order)


def _changes_of(old_session: Session, old: Slot, new_session: Session, new: Slot) -> Iterator[Change]:
    def change(kind: ChangeKind, summary: str) -> Change:
        return Change(kind, new.key, summary, old, new, old_session, new_session)

    if old_session.room.id != new_session.room.id:
        yield change(
            ChangeKind.MOVED,
            _(
                "Moved: “%(title)s” from %(old_room)s to %(new_room)s.",
                title=new.title,
                old_room=old_session.room.name,
                new_room=new_session.room.name,
            ),
        )
    elif old_session.key != new_session.key:
        yield change(
            ChangeKind.MOVED,
            _(
                "Moved: “%(title)s” from the session “%(old_session)s” to “%(new_session)s”.",
                title=new.title,
                old_session=old_session.title,
                new_session=new_session.title,
            ),
        )
    if old.start != new.start or old.duration != new.duration:
        yield change(
            ChangeKind.RETIMED,
            _(
                "Re-timed: “%(title)s” from %(old_time)s to %(new_time)s.",
                title=new.title,
                old_time=span_label(old.start, old.end),
                new_time=span_label(new.start, new.end),
            ),
        )
    if old.title != new.title:
        yield change(
            ChangeKind.RETITLED,
            _("Retitled: “%(old_title)s” is now “%(new_title)s”.", old_title=old.title, new_title=new.title),
        )
    if _speakers(old_session, old) != _speakers(new_session, new):
        yield change(
            ChangeKind.SPEAKERS_CHANGED,
            _(
                "Speakers of “%(title)s”: %(old_names)s, now %(new_names)s.",
                title=new.title,
                old_names=people_label(old_session.speakers(old)),
                new_names=people_label(new_session.speakers(new)),
            ),
        )


def _speakers(session: Session, slot: Slot) -> tuple[object, ...]:
    """Who speaks and, for a discussion, which paper each speaks on, in order; in the commentary slot, its 点评人."""
    speaker = slot.speaker.identity if slot.speaker else None
    contributions = tuple((c.paper_id, c.speaker.identity if c.speaker else None) for c in slot.contributions)
    commentary = session.commentary_slot
    commentators = tuple(p.identity for p in session.commentators) if commentary and commentary.key == slot.key else ()
    return (speaker, contributions, commentators)


def _session_changes(old: Session, new: Session) -> Iterator[Change]:
    def change(summary: str) -> Change:
        return Change(ChangeKind.PEOPLE_CHANGED, new.key, summary, before_session=old, after_session=new)

    if _identity(old.chair) != _identity(new.chair):
        yield change(_(
            "Chair of “%(session)s”: %(old_names)s, now %(new_names)s.",
            session=new.title,
            old_names=people_label((old.chair,) if old.chair else ()),
            new_names=people_label((new.chair,) if new.chair else ()),
        ))
    # With a commentary slot, its speakers' line already tells of the 点评人.
    shown_elsewhere = old.commentary_slot is not None and new.commentary_slot is not None
    if not shown_elsewhere and _identities(old.commentators) != _identities(new.commentators):
        yield change(_(
            "Commentators of “%(session)s”: %(old_names)s, now %(new_names)s.",
            session=new.title,
            old_names=people_label(old.commentators),
            new_names=people_label(new.commentators),
        ))


def _identity(person: Person | None) -> object:
    return person.identity if person else None


def _identities(people: tuple[Person, ...]) -> tuple[object, ...]:
    return tuple(person.identity for person in people)


def _sign_in_changes(old: Agenda, new: Agenda) -> Iterator[Change]:
    """A line for each day both agendas hold whose 签到 opens at another time (or no longer, or now)."""
    before, after = _sign_in_by_day(old), _sign_in_by_day(new)
    for day in sorted(before.keys() & after.keys()):
        if before[day] == after[day]:
            continue
        old_time, new_time = (f"{t:%H:%M}" if t else _("none") for t in (before[day], after[day]))
        at = after[day] or before[day]
        assert at is not None
        yield Change(
            ChangeKind.SIGN_IN_CHANGED,
            f"sign-in-{day.isoformat()}",
            _("Sign-in on %(day)s: %(old_time)s, now %(new_time)s.", day=day_label(day), old_time=old_time,
              new_time=new_time),
            at=at,
        )


def _sign_in_by_day(agenda: Agenda) -> dict[dt.date, dt.datetime | None]:
    zone = agenda.zone
    set_times = {entry.day: entry.time for entry in agenda.sign_in}
    first: dict[dt.date, dt.datetime] = {}
    for session in agenda.sessions:
        start = session.start.astimezone(zone)
        if start.date() not in first or start < first[start.date()]:
            first[start.date()] = start
    return {day: sign_in_opens(day, start, set_times) for day, start in first.items()}
