"""The agenda (议程): rooms, sessions per topic and their slots, the automatic draft, checks,
releases with their changelog, and the exported files (iCalendar, frab XML and JSON).

The modules here are pure (plain dataclasses in `model.py`, no ORM, no HTTP): `draft.py` lays
out a first agenda from the decisions, `checks.py` finds what is wrong with one, `changes.py`
diffs two releases, `exports.py` writes the files, `snapshot.py` stores a release as JSON.
"""
