"""Merging a fresh draft from the decisions into an edited one: what is kept, added, dropped and moved."""

from __future__ import annotations

import dataclasses

import pytest

from seminar.agenda import editing
from seminar.agenda.draft import DraftSettings, draft_agenda
from seminar.agenda.merge import MergeKind, merge_drafts, placements, with_people_of
from seminar.agenda.model import Agenda, DecidedPaper, Person, SlotKind, TopicRef
from tests.agenda.builders import DAY, HALL, at, discussion, keynote


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


TOPICS = [TopicRef(1, "党建引领基层治理"), TopicRef(2, "矛盾纠纷多元化解")]
SETTINGS = DraftSettings(days=(DAY,), rooms=(HALL,), lecture_minutes=0)
BASE = [keynote(101, 1, 90), keynote(102, 1, 85), discussion(151, 1), keynote(201, 2, 88), discussion(251, 2)]


def drafted(papers: list[DecidedPaper]) -> Agenda:
    return draft_agenda(TOPICS, papers, SETTINGS)


def where(agenda: Agenda) -> dict[int, tuple[str, str, str]]:
    """paper id → (session key, slot key, start) for every paper placed."""
    return {paper: (place.session.key, place.slot.key, f"{place.slot.start:%H:%M}") for paper, place in placements(agenda).items()}


def kinds(changes: tuple[object, ...]) -> list[tuple[str, int]]:
    return [(change.kind.value, change.paper_id) for change in changes]  # type: ignore[attr-defined]


def test_merging_the_same_decisions_changes_nothing() -> None:
    edited = drafted(BASE)

    merged = merge_drafts(edited, drafted(BASE))

    assert merged.changes == ()
    assert merged.agenda == edited


def test_a_manual_placement_is_kept_and_reported() -> None:
    fresh = drafted(BASE)
    edited = editing.move_slot_to(fresh, "keynote-102", "topic-2")  # the organizer moved #102 into topic 2's session

    merged = merge_drafts(edited, drafted(BASE))

    assert merged.agenda == edited
    assert kinds(merged.changes) == [("kept", 102)]
    assert "论文102" in merged.changes[0].summary


def test_a_newly_decided_keynote_goes_after_its_topics_keynotes_and_the_session_is_laid_out_again() -> None:
    edited = editing.edit_slot(drafted(BASE), "keynote-101", title="改过的题目", start=at("09:30"), duration=15, speaker=editing.TypedPerson("张三"))

    merged = merge_drafts(edited, drafted([*BASE, keynote(103, 1, 70)]))

    assert kinds(merged.changes) == [("added", 103)]
    topic = next(s for s in merged.agenda.sessions if s.key == "topic-1")
    assert [s.key for s in topic.slots][:3] == ["keynote-101", "keynote-102", "keynote-103"]
    assert [(s.title, s.duration, s.speaker.name if s.speaker else "") for s in topic.slots[:1]] == [("改过的题目", 15, "张三")]
    assert all(a.end == b.start for a, b in zip(topic.slots, topic.slots[1:]))  # one after another
    assert topic.end >= topic.slots[-1].end


def test_a_withdrawn_paper_is_dropped_and_nothing_else_moves() -> None:
    edited = drafted(BASE)

    merged = merge_drafts(edited, drafted([p for p in BASE if p.paper_id not in (101, 151)]))

    assert sorted(kinds(merged.changes)) == [("dropped", 101), ("dropped", 151)]
    before, after = where(edited), where(merged.agenda)
    assert 101 not in after and 151 not in after
    assert {p: after[p] for p in after} == {p: before[p] for p in after}  # the rest where it was


def test_a_new_discussion_contribution_joins_its_topics_discussion_slot() -> None:
    edited = drafted(BASE)

    merged = merge_drafts(edited, drafted([*BASE, discussion(152, 1, 50)]))

    assert kinds(merged.changes) == [("added", 152)]
    slot = merged.agenda.find_slot("topic-1-discussion")
    assert slot is not None and [c.paper_id for c in slot[1].contributions] == [151, 152]


def test_a_paper_decided_the_other_way_is_moved() -> None:
    edited = drafted(BASE)
    promoted = [keynote(151, 1, 60) if p.paper_id == 151 else p for p in BASE]

    merged = merge_drafts(edited, drafted(promoted))

    assert kinds(merged.changes) == [("moved", 151)]
    assert merged.changes[0].kind is MergeKind.MOVED
    assert where(merged.agenda)[151][1] == "keynote-151"
    slot = merged.agenda.find_slot("topic-1-discussion")
    assert slot is not None and slot[1].contributions == ()


def test_a_topic_without_a_session_in_the_edited_draft_gets_the_fresh_session_with_only_the_new_paper() -> None:
    edited = drafted([p for p in BASE if p.topic_id == 1])
    fresh = drafted(BASE)

    merged = merge_drafts(edited, fresh)

    assert sorted(kinds(merged.changes)) == [("added", 201), ("added", 251)]
    topic = next(s for s in merged.agenda.sessions if s.topic_id == 2)
    assert [s.key for s in topic.slots] == ["keynote-201", "topic-2-discussion", "topic-2-commentary"]
    assert [c.paper_id for c in topic.slots[1].contributions] == [251]
    assert len({slot.key for _session, slot in merged.agenda.slots()}) == len(list(merged.agenda.slots()))


def test_a_merged_draft_places_every_paper_once() -> None:
    edited = editing.move_slot_to(drafted(BASE), "keynote-102", "topic-2")
    fresh = drafted([*BASE[1:], keynote(103, 1), discussion(252, 2), keynote(202, 2)])

    merged = merge_drafts(edited, fresh)

    assert set(placements(merged.agenda)) == set(placements(fresh))
    assert dataclasses.replace(merged.agenda, sessions=()) == dataclasses.replace(edited, sessions=())


def test_replacing_a_draft_keeps_the_people_the_organizers_named() -> None:
    """The fresh draft re-lays the papers but keeps each session's 主持人 and 点评人 and the
    speaker and title of a slot without a paper (the 专题辅导 lecturer); sessions are matched by topic,
    plenary ones by key."""
    lecturing = DraftSettings(days=(DAY,), rooms=(HALL,), lecture_minutes=30)
    edited = draft_agenda(TOPICS, BASE, lecturing)
    chair, commentator, lecturer = Person(None, "林主持", "省委政法委"), Person(None, "王点评"), Person(None, "周教授")
    named = []
    for session in edited.sessions:
        if session.topic_id == 1:
            session = dataclasses.replace(session, chair=chair, commentators=(commentator,))
        if session.key == "lecture":  # a plenary session: matched by its key
            slots = tuple(dataclasses.replace(slot, speaker=lecturer, title="市域社会治理的法治路径") for slot in session.slots)
            session = dataclasses.replace(session, chair=chair, slots=slots)
        named.append(session)
    edited = dataclasses.replace(edited, sessions=tuple(named))
    fresh = draft_agenda(TOPICS, [*BASE, keynote(103, 1)], lecturing)

    replaced = with_people_of(edited, fresh)

    topic_1 = next(s for s in replaced.sessions if s.topic_id == 1)
    assert (topic_1.chair, topic_1.commentators) == (chair, (commentator,))
    lectures = [slot for s in replaced.sessions for slot in s.slots if slot.kind is SlotKind.LECTURE]
    assert [(slot.speaker, slot.title) for slot in lectures] == [(lecturer, "市域社会治理的法治路径")]
    assert next(s for s in replaced.sessions if s.key == "lecture").chair == chair
    assert set(placements(replaced)) == set(placements(fresh))  # the papers are the fresh draft's
    topic_2 = next(s for s in replaced.sessions if s.topic_id == 2)
    assert topic_2 == next(s for s in fresh.sessions if s.topic_id == 2)
