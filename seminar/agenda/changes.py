"""The changelog of a release: what changed since the previous one, slot by slot.

Slots are matched by their stable key. One slot can change in several ways at once (moved to
another room and re-timed); each way is its own `Change` with its own line, so the changelog
reads as short sentences and the editor can mark each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from seminar.agenda.labels import people_label, span_label
from seminar.agenda.model import Agenda, Session, Slot
from seminar.i18n import _


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"  # to another room or session
    RETIMED = "retimed"  # start or duration
    RETITLED = "retitled"
    SPEAKERS_CHANGED = "speakers_changed"  # the speaker or the discussion contributions


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
    rooms = {room.id: index for index, room in enumerate((*new.rooms, *old.rooms))}

    def order(change: Change) -> tuple[object, ...]:
        slot = change.after or change.before
        session = change.after_session or change.before_session
        assert slot is not None and session is not None
        return (slot.start, rooms.get(session.room.id, len(rooms)), slot.key, _KIND_ORDER[change.kind])

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
