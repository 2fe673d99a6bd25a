"""Words and times as the agenda's messages show them, in the user's language.

Times are shown in their own zone (the seminar's), not the reader's: an agenda is read
as printed, "09:00" means nine in the morning where the seminar takes place.
"""

from __future__ import annotations

import datetime as dt

from seminar.agenda.model import Person, SlotKind
from seminar.i18n import _, format_date, get_locale


def day_label(day: dt.date) -> str:
    return format_date(day, "long")


def span_label(start: dt.datetime, end: dt.datetime) -> str:
    """2026年12月10日 09:00–09:10; a span across midnight names both days."""
    if start.date() == end.date():
        return f"{day_label(start.date())} {start:%H:%M}–{end:%H:%M}"
    return f"{day_label(start.date())} {start:%H:%M} – {day_label(end.date())} {end:%H:%M}"


def people_label(people: tuple[Person, ...]) -> str:
    """张三、李四 in Chinese, "Zhang San, Li Si" in English; a dash for nobody."""
    separator = "、" if get_locale().startswith("zh") else ", "
    return separator.join(person.name for person in people) if people else "—"


def person_label(name: str, unit: str = "", position: str = "") -> str:
    """周海燕（中山大学 教授） in Chinese, "周海燕 (中山大学 教授)" in English: as the printed agenda
    writes a person inline; the name alone when neither is known."""
    where = " ".join(part for part in (unit, position) if part)
    if not where:
        return name
    return f"{name}（{where}）" if get_locale().startswith("zh") else f"{name} ({where})"


def opening_title() -> str:
    return _("Opening ceremony")


def lecture_title() -> str:
    return _("Expert lecture")


def discussion_title() -> str:
    return _("Discussion and exchange")


def commentary_title() -> str:
    return _("Commentary on the topic")


def break_title() -> str:
    return _("Break")


def closing_session_title() -> str:
    return _("Overall commentary and closing speech")


def closing_commentary_title() -> str:
    return _("Overall commentary")


def closing_speech_title() -> str:
    return _("Closing speech")


def kind_label(kind: SlotKind) -> str:
    return {
        SlotKind.OPENING: _("Opening"),
        SlotKind.LECTURE: _("Lecture"),
        SlotKind.KEYNOTE: _("Keynote speech"),
        SlotKind.DISCUSSION: _("Discussion"),
        SlotKind.COMMENTARY: _("Commentary"),
        SlotKind.GUIDANCE: _("Guidance"),
        SlotKind.BREAK: _("Break"),
        SlotKind.CLOSING: _("Closing"),
    }[kind]
