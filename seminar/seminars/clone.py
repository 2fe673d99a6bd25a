"""Starting a seminar from an earlier one: what carries over, and what each year writes afresh.

Carried over, as they were: the topics, the review form (criteria and review settings), the
wording of every mail the organizers changed (the decision letters' among them), in every language, the agenda's
timings and rooms, the book's settings, the 会议手册's 会务组 contacts and whether it lists the
participants, the registration settings (the 参会回执's fields among them). Not carried over: anything of last year's content (papers, reviews, decisions,
agendas, books, registrations, mail), the agenda's days and 签到 times (they were last year's
dates), the book's 前言 and 后记 with their signatures (each year's are its own), and the 会议手册's
会议须知 (it names last year's dates, hotel, meals and buses, like the 前言 it is written afresh). People come
back only when the organizer asks, as invitations (`accounts.actions.invite_again`).
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from seminar.agenda.models import AgendaSettings, Room
from seminar.handbook.models import HandbookSettings
from seminar.mail.models import MailWording
from seminar.proceedings.models import ProceedingsSettings
from seminar.registration.models import RegistrationSettings
from seminar.reviews.models import Criterion, ReviewSettings
from seminar.seminars.models import Topic

# Model → the values its copies start from instead of the earlier seminar's.
CARRIED_OVER: dict[type[Model], dict[str, Any]] = {
    Topic: {},
    Criterion: {},
    ReviewSettings: {"version": 1},
    MailWording: {},
    AgendaSettings: {"days": [], "sign_in": {}},
    Room: {},
    ProceedingsSettings: {},
    HandbookSettings: {"notice": ""},
    RegistrationSettings: {},
}
# Columns of the book's settings that belong to one year: its 前言 and 后记, their signatures and dates.
_YEARLY_PREFIXES = ("preface", "afterword", "postscript")


def _copied_columns(model: type[Model]) -> list[str]:
    columns = [name for name in model._meta.fields_db_projection if name not in {"id", "seminar_id", "updated_at", "created_at"}]
    if model is ProceedingsSettings:
        columns = [name for name in columns if not name.startswith(_YEARLY_PREFIXES)]
    return columns


async def copy_setup(source_id: int, target_id: int) -> dict[str, int]:
    """Copy every carried-over row of seminar `source_id` to `target_id` (call inside the creating
    transaction); returns how many rows of each table were copied."""
    copied: dict[str, int] = {}
    for model, fresh in CARRIED_OVER.items():
        columns = _copied_columns(model)
        rows = await model.filter(seminar_id=source_id).order_by("id").values(*columns)
        await model.bulk_create([model(**{**row, **fresh, "seminar_id": target_id}) for row in rows])
        copied[model._meta.db_table] = len(rows)
    return copied
