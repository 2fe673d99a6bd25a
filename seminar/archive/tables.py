"""Which tables an archive of one seminar carries, how their rows are found, and which it leaves out and why.

Every table of the installation is in exactly one of `CARRIED` and `LEFT_OUT` (a test holds
this), so a table added later must be given a place here before an archive can be made.
"""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.models import Model

from seminar.accounts.models import Unit, User
from seminar.backup import models_in_order
from seminar.submissions.models import Blob

# Table → the filter (on the seminar's id) that finds its rows of one seminar.
CARRIED: dict[str, str] = {
    "seminar": "id",
    "topic": "seminar_id",
    "role": "seminar_id",
    "paper": "seminar_id",
    "paper_author": "paper__seminar_id",
    "manuscript": "paper__seminar_id",
    "final_version": "paper__seminar_id",
    "deadline_extension": "seminar_id",
    "review_criterion": "seminar_id",
    "review_settings": "seminar_id",
    "reviewer_profile": "seminar_id",
    "review_conflict": "seminar_id",
    "review_unit_conflict_lift": "seminar_id",
    "review_bid": "seminar_id",
    "review_assignment": "seminar_id",
    "review": "assignment__seminar_id",
    "review_decision": "seminar_id",
    "proceedings_settings": "seminar_id",
    "proceedings_build": "seminar_id",
    "book_speech": "seminar_id",
    "topic_commentary": "seminar_id",
    "handbook_settings": "seminar_id",
    "agenda_room": "seminar_id",
    "agenda_settings": "seminar_id",
    "agenda_draft": "seminar_id",
    "agenda_release": "seminar_id",
    "agenda_left_out": "seminar_id",
    "registration_settings": "seminar_id",
    "registration": "seminar_id",
    "certificate_settings": "seminar_id",
    "certificate": "seminar_id",
    "overlap_settings": "seminar_id",
    "reference_document": "seminar_id",
    "overlap_source": "seminar_id",
    "overlap_check": "seminar_id",
    "overlap_match": "overlap_check__seminar_id",
    "mail_wording": "seminar_id",
    "seat_plan": "seminar_id",
    "seat": "plan__seminar_id",
    "checkin": "seminar_id",
}

# Carried apart from the tables: the units and people the rows name (matched by name and by
# e-mail on import), and the files (by SHA-256, as `files/<sha256>`).
SEPARATE: dict[str, str] = {
    "unit": "the units the seminar's rows name, with their parents: matched by name on import",
    "user": "the people the seminar's rows name, by e-mail and name: no password, second step or session",
    "blob": "every file the rows name, as files/<sha256>",
}

LEFT_OUT: dict[str, str] = {
    "account_token": "invitation and password-reset links belong to the installation that mailed them",
    "login_session": "sessions belong to the installation",
    "login_failure": "throttling of logins on the installation",
    "recovery_code": "second-step codes belong to the account on the installation",
    "mail_batch": "the mail sent: its bodies carry links (with tokens) to the old installation",
    "outbox_mail": "the mail sent: its bodies carry links (with tokens) to the old installation",
    "mail_attempt": "the mail sent: its bodies carry links (with tokens) to the old installation",
    "audit_entry": "the installation's own log of requests (addresses, browsers)",
    "registration_attempt": "throttling of registrations on the installation",
    "worker_heartbeat": "the installation's running workers",
    "agenda_file": "made again from the agenda's releases when first downloaded",
    "overlap_fingerprint": "made again from each indexed text on import",
    "api_token": "personal access tokens are secrets of the installation that made them",
}


def model_of(table: str) -> type[Model]:
    for model in Tortoise.apps["models"].values():
        if model._meta.db_table == table:
            return model
    raise KeyError(table)


def carried_models() -> list[type[Model]]:
    """The carried tables' models, parents before children."""
    return [model for model in models_in_order() if model._meta.db_table in CARRIED]


def relations(model: type[Model]) -> dict[str, type[Model]]:
    """A model's foreign-key columns (`paper_id`) and the models they point to."""
    meta = model._meta
    found: dict[str, type[Model]] = {}
    for name in (*meta.fk_fields, *meta.o2o_fields):
        field = meta.fields_map[name]
        found[field.source_field or f"{name}_id"] = field.related_model  # type: ignore[attr-defined]  # a relation field has related_model
    return found


def columns(model: type[Model]) -> list[str]:
    return list(model._meta.fields_db_projection)


# The columns of units and people an archive carries (never a password, second step or session).
UNIT_COLUMNS = ("id", "name", "name_hant", "full_name", "kind", "code", "pinyin", "sort_order", "parent_id")
PERSON_COLUMNS = ("id", "email", "name", "phone", "position", "unit_id", "locale")

PEOPLE: type[Model] = User
UNITS: type[Model] = Unit
FILES: type[Model] = Blob
