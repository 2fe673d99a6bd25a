"""The agenda's papers against their state: withdrawn, decided otherwise, placed elsewhere, or decided
and without a place unless the organizers left them out; and the latest published version's withdrawn
papers. Pure: the states come in as `PaperState`s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from seminar.agenda.findings import Problem, ProblemKind, PublishedAgenda
from seminar.agenda.labels import span_label
from seminar.agenda.model import (
    Agenda, DecidedPaper, Decision, PaperState, Placement, Session, Slot, SlotKind, slot_placements,
)
from seminar.i18n import _


def keynote_problems(agenda: Agenda, decided: list[DecidedPaper]) -> Iterator[Problem]:
    """Keynote slots against the decisions alone (no paper states known)."""
    keynote_papers = {p.paper_id: p for p in decided if p.decision == Decision.KEYNOTE}
    placed: set[int] = set()
    for session, slot in agenda.slots():
        if slot.kind != SlotKind.KEYNOTE:
            continue
        if slot.paper_id is not None and slot.paper_id in keynote_papers:
            placed.add(slot.paper_id)
            continue
        yield _keynote_not_decided(session, slot)
    for paper in sorted(keynote_papers.values(), key=lambda p: (p.topic_id, -p.score, p.paper_id)):
        if paper.paper_id not in placed:
            yield Problem(
                ProblemKind.KEYNOTE_WITHOUT_SLOT,
                _("The keynote %(paper)s has no slot in the agenda.", paper=f"“{paper.title}”"),
                paper_id=paper.paper_id,
            )


def _where(slot: Slot) -> dict[str, str]:
    return {"slot": slot.title, "time": span_label(slot.start, slot.end)}


def _outcome_label(outcome: str | None) -> str:
    return {
        "proceedings": _("proceedings only"),
        "decline": _("not accepted"),
        "keynote": _("keynote"),
        "discussion": _("discussion contribution"),
    }.get(outcome or "", _("undecided"))


def paper_problems(agenda: Agenda, decided: list[DecidedPaper], papers: Mapping[int, PaperState]) -> Iterator[Problem]:
    """Each placed paper against its state, empty keynote slots, then decided papers without a place."""
    keynote_ids = {p.paper_id for p in decided if p.decision == Decision.KEYNOTE}
    placed: set[int] = set()  # placed as decided (a keynote in a keynote slot, a discussion paper among contributions)
    for at in _each_slot_and_placement(agenda):
        if isinstance(at, Problem):  # an empty keynote slot
            yield at
            continue
        keys, sessions = (at.slot.key,), (at.session.key,)
        state = papers.get(at.paper_id)
        if state is None:  # not a paper of this seminar's records: only the old keynote rule applies
            if at.as_keynote and at.paper_id not in keynote_ids:
                yield _keynote_not_decided(at.session, at.slot)
            elif at.as_keynote:
                placed.add(at.paper_id)
            continue
        if state.withdrawn:
            yield Problem(ProblemKind.PAPER_WITHDRAWN, _(
                "Paper %(paper)s was withdrawn by its city but is still in “%(slot)s” (%(time)s).",
                paper=state.label, **_where(at.slot)), keys, sessions, at.paper_id)
            continue
        if state.outcome not in (Decision.KEYNOTE.value, Decision.DISCUSSION.value):
            yield Problem(ProblemKind.PAPER_NOT_ON_AGENDA, _(
                "Paper %(paper)s is in “%(slot)s” (%(time)s) but its decision is: %(outcome)s.",
                paper=state.label, outcome=_outcome_label(state.outcome), **_where(at.slot)), keys, sessions, at.paper_id)
            continue
        if at.as_keynote and state.outcome != Decision.KEYNOTE.value:
            yield _keynote_not_decided(at.session, at.slot)
            continue
        if not at.as_keynote and state.outcome == Decision.KEYNOTE.value:
            yield Problem(ProblemKind.PAPER_IN_WRONG_PLACE, _(
                "Paper %(paper)s was decided as a keynote but is a contribution to “%(slot)s” (%(time)s).",
                paper=state.label, **_where(at.slot)), keys, sessions, at.paper_id)
            continue
        placed.add(at.paper_id)
        if at.session.topic_id is not None and state.topic_id != at.session.topic_id:
            yield Problem(ProblemKind.PAPER_IN_OTHER_TOPIC, _(
                "Paper %(paper)s is in “%(slot)s” (%(time)s) of the session “%(session)s”, which is not its topic's.",
                paper=state.label, session=at.session.title, **_where(at.slot)), keys, sessions, at.paper_id)
    anywhere = {at.paper_id for at in agenda.placements()}
    for paper in sorted(decided, key=lambda p: (p.decision != Decision.KEYNOTE, p.topic_id, -p.score, p.paper_id)):
        state = papers.get(paper.paper_id)
        if paper.paper_id in placed or (state is not None and (state.left_out is not None or state.withdrawn)):
            continue
        if paper.paper_id in anywhere:
            continue  # placed, but not as decided: reported above
        label = state.label if state is not None else f"“{paper.title}”"
        if paper.decision == Decision.KEYNOTE:
            yield Problem(ProblemKind.KEYNOTE_WITHOUT_SLOT,
                          _("The keynote %(paper)s has no slot in the agenda.", paper=label), paper_id=paper.paper_id)
        else:
            yield Problem(ProblemKind.DISCUSSION_WITHOUT_PLACE,
                          _("The discussion paper %(paper)s has no place in the agenda.", paper=label),
                          paper_id=paper.paper_id)


def _each_slot_and_placement(agenda: Agenda) -> Iterator[Placement | Problem]:
    """In agenda order: each slot's papers, or the finding of a keynote slot without one."""
    for session, slot in agenda.slots():
        if slot.kind == SlotKind.KEYNOTE and slot.paper_id is None:
            yield _keynote_not_decided(session, slot)
        yield from slot_placements(session, slot)


def _keynote_not_decided(session: Session, slot: Slot) -> Problem:
    message = (
        _("The keynote slot “%(title)s” (%(time)s) holds a paper that was not decided as a keynote.",
          title=slot.title, time=span_label(slot.start, slot.end))
        if slot.paper_id is not None
        else _("The keynote slot “%(title)s” (%(time)s) holds no paper.", title=slot.title,
               time=span_label(slot.start, slot.end))
    )
    return Problem(ProblemKind.KEYNOTE_NOT_DECIDED, message, (slot.key,), (session.key,), slot.paper_id)


def published_problems(published: PublishedAgenda, papers: Mapping[int, PaperState]) -> Iterator[Problem]:
    """What readers of the public agenda still see although the paper is withdrawn or decided off the agenda."""
    for at in published.agenda.placements():
        state = papers.get(at.paper_id)
        if state is None:
            continue
        if state.withdrawn:
            yield Problem(ProblemKind.PUBLISHED_WITHDRAWN, _(
                "The published version %(number)s still lists paper %(paper)s in “%(slot)s” (%(time)s), "
                "but its city withdrew it.", number=published.number, paper=state.label, **_where(at.slot)),
                paper_id=at.paper_id)
        elif state.outcome not in (Decision.KEYNOTE.value, Decision.DISCUSSION.value):
            yield Problem(ProblemKind.PUBLISHED_NOT_ON_AGENDA, _(
                "The published version %(number)s still lists paper %(paper)s in “%(slot)s” (%(time)s), "
                "but its decision is now: %(outcome)s.", number=published.number, paper=state.label,
                outcome=_outcome_label(state.outcome), **_where(at.slot)),
                paper_id=at.paper_id)


