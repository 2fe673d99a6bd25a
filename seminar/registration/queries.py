"""Reading registrations for pages: a person's own, the organizers' list and its export."""

from __future__ import annotations

import functools
from typing import Any

from starlette.exceptions import HTTPException

from seminar.accounts.models import Unit, User
from seminar.accounts.units import people_order_of
from seminar.db import instance, rows, selected
from seminar.permissions import Actor, can_download_proceedings
from seminar.proceedings.models import BuildKind, BuildStatus, ProceedingsBuild
from seminar.proceedings.queries import volume_order
from seminar.registration import receipt
from seminar.registration.counts import Counts, ReceiptRow, count, rooms_text
from seminar.registration.export import ParticipantRow
from seminar.registration.models import Registration, RegistrationSettings, RegistrationStatus
from seminar.seminars.models import Seminar
from seminar.seminars.rules import to_local


async def settings_of(seminar: Seminar) -> RegistrationSettings:
    found = await RegistrationSettings.get_or_none(seminar_id=seminar.id)
    return found or RegistrationSettings(seminar_id=seminar.id)


async def unit_choices() -> list[tuple[int, str]]:
    return list(await Unit.all().order_by("sort_order", "id").values_list("id", "name"))


async def registration_of(seminar: Seminar, user: User) -> Registration | None:
    return await Registration.get_or_none(seminar_id=seminar.id, user_id=user.id)


async def registration_or_404(seminar: Seminar, registration_id: int) -> Registration:
    found = await Registration.filter(id=registration_id, seminar_id=seminar.id).select_related("unit").first()
    if found is None:
        raise HTTPException(status_code=404)
    return found


@functools.cache
def _my_seminar_sql() -> str:
    """The person's registration ($2) in the seminar ($1) and, when $3, its published books
    (`published_volumes`): one row per book, or one row of NULLs for what there is not."""
    return f"""
        SELECT {selected(Registration, "g", "registration.")}, {selected(ProceedingsBuild, "b", "book.")}
        FROM (SELECT 1 AS one) one
        LEFT JOIN registration g ON g.seminar_id = $1 AND g.user_id = $2
        LEFT JOIN proceedings_build b ON $3 AND b.seminar_id = $1 AND b.kind = $4 AND b.published AND b.status = $5
        ORDER BY b.id"""


async def my_seminar_page(actor: Actor, seminar: Seminar, user: User) -> dict[str, Any]:
    """A person's registration, roles and the proceedings they may download: one hand-written query
    (the page every attendee opens), as `registration_of` and `published_volumes` would read them."""
    found = await rows(_my_seminar_sql(), [seminar.id, user.id, can_download_proceedings(actor, seminar),
                                           BuildKind.BOOK.value, BuildStatus.DONE.value])
    books = [book for row in found if (book := instance(ProceedingsBuild, row, "book.")) is not None]
    return {
        "seminar": seminar,
        "registration": instance(Registration, found[0], "registration."),
        "roles": sorted(actor.roles.get(seminar.id, frozenset())),  # as this request's own query found them
        "books": sorted(books, key=volume_order),
    }


async def registrations_of(seminar: Seminar) -> list[Registration]:
    """Every registration, oldest first, with its unit."""
    return await Registration.filter(seminar_id=seminar.id).select_related("unit").order_by("created_at", "id")


def receipt_labels() -> dict[str, Any]:
    """The 回执's words for pages, translated when shown."""
    return {
        "receipt_fields": receipt.FIELD_LABELS, "gender_labels": receipt.GENDER_LABELS,
        "rank_labels": receipt.RANK_LABELS, "lodging_labels": receipt.LODGING_LABELS, "diet_labels": receipt.DIET_LABELS,
        "Mode": receipt.Mode,
    }


async def participants_page(seminar: Seminar) -> dict[str, Any]:
    options = await settings_of(seminar)
    return {
        "seminar": seminar,
        "registrations": await registrations_of(seminar),
        "options": options,
        "modes": receipt.field_modes(options.receipt_fields),
        "Status": RegistrationStatus,
        **receipt_labels(),
    }


async def registrations_in_unit_order(seminar: Seminar) -> list[Registration]:
    """Every registration by unit in the order lists of people use (`people_order_of`: 省直单位, cities,
    institutions; units not in the list last, by name), then oldest first."""
    found = await Registration.filter(seminar_id=seminar.id).select_related("unit")
    return sorted(found, key=lambda r: (
        (people_order_of(r.unit), r.unit.id if r.unit else 0, "" if r.unit else r.unit_text),
        r.created_at, r.id,
    ))


async def participant_rows(seminar: Seminar) -> tuple[list[ParticipantRow], dict[str, receipt.Mode]]:
    """The organizers' list as the spreadsheet prints it, in unit order, times in the seminar's zone; and the 回执 fields asked."""
    rows = [
        ParticipantRow(
            r.name, r.unit.name if r.unit else r.unit_text, r.position, r.phone, r.email, r.status.value,
            to_local(r.created_at, seminar.time_zone) or r.created_at,
            gender=r.gender, ethnicity=r.ethnicity, rank=r.rank, arrival_on=r.arrival_on,
            arrival_transport=r.arrival_transport, departure_on=r.departure_on, departure_transport=r.departure_transport,
            lodging=r.lodging, diet=r.diet, companions=r.companions, companion_names=r.companion_names,
            note=r.receipt_note,
        )
        for r in await registrations_in_unit_order(seminar)
    ]
    return rows, receipt.field_modes((await settings_of(seminar)).receipt_fields)


async def receipt_counts(seminar: Seminar) -> Counts:
    """The 会务组's counts over the approved registrations."""
    registrations = await registrations_in_unit_order(seminar)
    return count(
        (
            ReceiptRow(
                r.name, r.unit.name if r.unit else r.unit_text, r.arrival_on, r.arrival_transport, r.departure_on,
                r.lodging, r.diet, r.companions,
            )
            for r in registrations if r.status == RegistrationStatus.APPROVED
        ),
        seminar.starts_on, seminar.ends_on,
    )


async def counts_page(seminar: Seminar) -> dict[str, Any]:
    return {"seminar": seminar, "counts": await receipt_counts(seminar), "rooms_text": rooms_text, **receipt_labels()}
