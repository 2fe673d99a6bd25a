"""Reading registrations for pages: a person's own, the organizers' list and its export."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from seminar.accounts.models import Role, Unit, User
from seminar.permissions import Actor, can_download_proceedings
from seminar.proceedings.queries import published_volumes
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
    found = await Registration.get_or_none(id=registration_id, seminar_id=seminar.id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


async def my_seminar_page(actor: Actor, seminar: Seminar, user: User) -> dict[str, Any]:
    """A person's registration, roles and the proceedings they may download."""
    return {
        "seminar": seminar,
        "registration": await registration_of(seminar, user),
        "roles": [role.name for role in await Role.filter(user_id=user.id, seminar_id=seminar.id)],
        "books": await published_volumes(seminar) if can_download_proceedings(actor, seminar) else [],
    }


async def registrations_of(seminar: Seminar) -> list[Registration]:
    """Every registration, oldest first, with its unit."""
    return await Registration.filter(seminar_id=seminar.id).select_related("unit").order_by("created_at", "id")


async def participants_page(seminar: Seminar) -> dict[str, Any]:
    return {
        "seminar": seminar,
        "registrations": await registrations_of(seminar),
        "options": await settings_of(seminar),
        "Status": RegistrationStatus,
    }


async def participant_rows(seminar: Seminar) -> list[ParticipantRow]:
    """The organizers' list as the spreadsheet prints it, times in the seminar's zone."""
    return [
        ParticipantRow(
            r.name, r.unit.name if r.unit else r.unit_text, r.position, r.phone, r.email, r.status.value,
            to_local(r.created_at, seminar.time_zone) or r.created_at,
        )
        for r in await registrations_of(seminar)
    ]
