"""Ids held inside JSON columns, which no foreign key names: found for the export, rewritten on import.

An agenda (draft, its undo copy, each release) names topics, papers, rooms and people by id; a
reviewer profile lists topic ids; a review keys its scores by criterion id. Pure: no ORM.
The keys of sessions and slots are made from ids too (`keynote-12`, `topic-3-discussion`,
`break-before-topic-3`, agenda/draft.py): they are rewritten the same way, so that drafting the
agenda again on the new installation keeps the keys a release's changes are matched by.
An id the archive does not hold (a topic deleted since an agenda was released) becomes None,
so it can never name another seminar's row; a room keeps its id, which only matches the
agenda's own list of rooms.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

Maps = Mapping[str, Mapping[int, int]]

AGENDA_COLUMNS = {"agenda_draft": ("data", "previous_data"), "agenda_release": ("data",)}
# The tables whose JSON columns name ids of other tables.
JSON_TABLES = frozenset({*AGENDA_COLUMNS, "reviewer_profile", "review"})


def _people(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every person object of an agenda (主持人, 点评人, speakers), to read or change in place."""
    for session in data.get("sessions", []):
        for person in (session.get("chair"), session.get("commentator"), *session.get("commentators", [])):
            if isinstance(person, dict):
                yield person
        for slot in session.get("slots", []):
            for person in (slot.get("speaker"), *(c.get("speaker") for c in slot.get("contributions", []))):
                if isinstance(person, dict):
                    yield person


def agenda_people(data: Mapping[str, Any] | None) -> set[int]:
    """The ids of the accounts an agenda names."""
    if not data:
        return set()
    return {person["id"] for person in _people(data) if isinstance(person.get("id"), int)}


_KEY_IDS = re.compile(r"\b(keynote|topic)-(\d+)")
_KEY_TABLES = {"keynote": "paper", "topic": "topic"}


def remap_key(key: str, maps: Maps) -> str:
    """A session's or slot's key with the paper and topic ids in it rewritten."""
    def new(match: re.Match[str]) -> str:
        old = int(match.group(2))
        return f"{match.group(1)}-{maps[_KEY_TABLES[match.group(1)]].get(old, old)}"

    return _KEY_IDS.sub(new, key)


def _mapped(maps: Maps, table: str, value: Any) -> int | None:
    return maps[table].get(value) if isinstance(value, int) else None


def remap_agenda(data: dict[str, Any] | None, maps: Maps) -> dict[str, Any] | None:
    if data is None:
        return None
    data = copy.deepcopy(data)
    for room in data.get("rooms", []):
        room["id"] = maps["agenda_room"].get(room["id"], room["id"])
    for session in data.get("sessions", []):
        session["key"] = remap_key(session["key"], maps)
        session["topic_id"] = _mapped(maps, "topic", session.get("topic_id"))
        if isinstance(session.get("room"), dict):
            session["room"]["id"] = maps["agenda_room"].get(session["room"]["id"], session["room"]["id"])
        for slot in session.get("slots", []):
            slot["key"] = remap_key(slot["key"], maps)
            slot["paper_id"] = _mapped(maps, "paper", slot.get("paper_id"))
            for contribution in slot.get("contributions", []):
                contribution["paper_id"] = _mapped(maps, "paper", contribution.get("paper_id"))
    for person in _people(data):
        person["id"] = _mapped(maps, "user", person.get("id"))
    return data


def remap_json_columns(table: str, row: dict[str, Any], maps: Maps) -> None:
    """Rewrite, in place, the ids a row of `table` holds in its JSON columns."""
    if table in AGENDA_COLUMNS:
        for column in AGENDA_COLUMNS[table]:
            row[column] = remap_agenda(row.get(column), maps)
        if table == "agenda_release":
            row["changelog"] = [{**entry, "slot": remap_key(entry["slot"], maps)} if isinstance(entry.get("slot"), str) else entry
                                for entry in row["changelog"]]
    elif table == "seat_plan":
        row["dais_ids"] = [maps["registration"][i] for i in row["dais_ids"] if i in maps["registration"]]
    elif table == "checkin":
        row["session_key"] = remap_key(row["session_key"], maps)
    elif table == "reviewer_profile":
        row["topic_ids"] = [maps["topic"][i] for i in row["topic_ids"] if i in maps["topic"]]
    elif table == "review":
        for column in ("scores", "typed_scores"):
            row[column] = {
                str(maps["review_criterion"][int(key)]): value
                for key, value in row[column].items()
                if key.isdigit() and int(key) in maps["review_criterion"]
            }
