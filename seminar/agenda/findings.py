"""The findings of the agenda's checks: their kinds, and for each how to fix it and where (`Problem.fix`).

Plain data: `checks` and `paper_checks` make them, the editor shows them with a link or a button
for each `FixAction`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from seminar.agenda.model import Agenda
from seminar.i18n import _


class ProblemKind(StrEnum):
    BAD_TIMES = "bad_times"  # a slot or session that ends before (or when) it starts
    UNKNOWN_ROOM = "unknown_room"
    ROOM_OVERLAP = "room_overlap"
    PERSON_CLASH = "person_clash"
    SESSION_OVERRUN = "session_overrun"
    SLOT_OUTSIDE_SESSION = "slot_outside_session"
    PAPER_WITHDRAWN = "paper_withdrawn"  # the draft holds a paper its city withdrew
    PAPER_NOT_ON_AGENDA = "paper_not_on_agenda"  # placed, but decided proceedings only, declined or undecided
    KEYNOTE_NOT_DECIDED = "keynote_not_decided"
    PAPER_IN_WRONG_PLACE = "paper_in_wrong_place"  # a keynote among the discussion's contributions
    PAPER_IN_OTHER_TOPIC = "paper_in_other_topic"
    KEYNOTE_WITHOUT_SLOT = "keynote_without_slot"
    DISCUSSION_WITHOUT_PLACE = "discussion_without_place"
    TOPIC_WITHOUT_COMMENTARY = "topic_without_commentary"
    TOPIC_WITHOUT_COMMENTATOR = "topic_without_commentator"  # a topic's session names no 点评人
    PUBLISHED_WITHDRAWN = "published_withdrawn"  # the public agenda still lists a withdrawn paper
    PUBLISHED_NOT_ON_AGENDA = "published_not_on_agenda"  # …or a paper whose decision no longer puts it there


class FixAction(StrEnum):
    """Where the editor sends the organizer to fix a finding (a link or a button beside it)."""

    EDIT_SLOT = "edit_slot"  # the first slot the finding names
    EDIT_SESSION = "edit_session"  # the first session it names (add a slot there, change its times)
    REMOVE_PAPER = "remove_paper"  # take the paper out of the draft
    PLACE_PAPER = "place_paper"  # put the paper where its decision says, in its topic's session
    LEAVE_OUT = "leave_out"  # leave the decided paper out of the agenda, with a reason
    DECIDE = "decide"  # the ranking, to change the paper's decision
    PUBLISH = "publish"  # publish the corrected draft as a new version


@dataclass(frozen=True)
class Fix:
    text: str
    actions: tuple[FixAction, ...]


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    slot_keys: tuple[str, ...] = ()
    session_keys: tuple[str, ...] = ()
    paper_id: int | None = None  # the paper the finding is about, if any

    @property
    def fix(self) -> Fix:
        """How to fix it, in the reader's language, and where."""
        return _fix(self)


@dataclass(frozen=True)
class PublishedAgenda:
    """The latest published version, checked for papers since withdrawn or decided off the agenda."""

    number: int
    agenda: Agenda



def _fix(problem: Problem) -> Fix:
    kind, A = problem.kind, FixAction
    if kind is ProblemKind.BAD_TIMES:
        return Fix(_("Give the slot at least one minute, or the session an end after its start."),
                   (A.EDIT_SLOT,) if problem.slot_keys else (A.EDIT_SESSION,))
    if kind is ProblemKind.UNKNOWN_ROOM:
        return Fix(_("Choose one of the seminar's rooms for the session."), (A.EDIT_SESSION,))
    if kind in (ProblemKind.ROOM_OVERLAP, ProblemKind.PERSON_CLASH):
        return Fix(_("Move one of the two slots to another time, room or speaker."), (A.EDIT_SLOT,))
    if kind is ProblemKind.SESSION_OVERRUN:
        return Fix(_("Let the session end later, or shorten or move its last slots."), (A.EDIT_SESSION,))
    if kind is ProblemKind.SLOT_OUTSIDE_SESSION:
        return Fix(_("Change the slot's start, or move it to the session of its time."), (A.EDIT_SLOT,))
    if kind is ProblemKind.PAPER_WITHDRAWN:
        return Fix(_("Take the paper out of the agenda."), (A.REMOVE_PAPER,))
    if kind is ProblemKind.PAPER_NOT_ON_AGENDA:
        return Fix(_("Take the paper out of the agenda, or change its decision."), (A.REMOVE_PAPER, A.DECIDE))
    if kind is ProblemKind.KEYNOTE_NOT_DECIDED and problem.paper_id is None:
        return Fix(_("Delete the empty slot, or draft again from the decisions."), (A.EDIT_SLOT,))
    if kind in (ProblemKind.KEYNOTE_NOT_DECIDED, ProblemKind.PAPER_IN_WRONG_PLACE):
        return Fix(_("Place the paper as it was decided, or change its decision."), (A.PLACE_PAPER, A.DECIDE))
    if kind is ProblemKind.PAPER_IN_OTHER_TOPIC:
        return Fix(_("Place the paper in its topic's session."), (A.PLACE_PAPER,))
    if kind in (ProblemKind.KEYNOTE_WITHOUT_SLOT, ProblemKind.DISCUSSION_WITHOUT_PLACE):
        return Fix(_("Place it in its topic's session, or leave it out of the agenda with a reason."),
                   (A.PLACE_PAPER, A.LEAVE_OUT))
    if kind is ProblemKind.TOPIC_WITHOUT_COMMENTARY:
        return Fix(_("Add a commentary slot to the topic's session."), (A.EDIT_SESSION,))
    if kind is ProblemKind.TOPIC_WITHOUT_COMMENTATOR:
        return Fix(_("Name the commentators (name, unit, position) in the session's form."), (A.EDIT_SESSION,))
    if kind is ProblemKind.PUBLISHED_NOT_ON_AGENDA:
        return Fix(_("Take the paper out of the draft, or change its decision back; then publish a new version."),
                   (A.DECIDE, A.PUBLISH))
    assert kind is ProblemKind.PUBLISHED_WITHDRAWN, f"no fix written for {kind}: add one to _fix"
    return Fix(_("Take the paper out of the draft, then publish a new version."), (A.PUBLISH,))


