"""Registering for a seminar, and the organizers' approval.

An approved registration holds the attendee role in the seminar: that role opens the "my
seminar" page and the published proceedings. A visitor without an account gets one (no
password yet) and, once approved, the invitation link of `seminar.accounts` to set a password;
a signed-in person gets the role at once (or on approval) and the usual role notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from seminar.accounts.actions import Invitee, Links, invite_person
from seminar.accounts.models import Role, RoleName, User
from seminar.config import Settings
from seminar.errors import UserError
from seminar.i18n import _
from seminar.registration.models import Registration, RegistrationSettings, RegistrationStatus
from seminar.seminars.models import Seminar


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def settings_of(seminar: Seminar) -> RegistrationSettings:
    found = await RegistrationSettings.get_or_none(seminar_id=seminar.id)
    return found or RegistrationSettings(seminar_id=seminar.id)


async def save_settings(seminar: Seminar, *, is_open: bool, requires_approval: bool) -> None:
    options, _created = await RegistrationSettings.get_or_create(seminar_id=seminar.id)
    options.is_open, options.requires_approval = is_open, requires_approval
    await options.save()


async def _grant_attendee(seminar: Seminar, registration: Registration, by: User | None, settings: Settings, links: Links) -> None:
    user = await User.get(id=registration.user_id)  # type: ignore[attr-defined]
    if await Role.filter(user_id=user.id, seminar_id=seminar.id, name=RoleName.ATTENDEE).exists():
        return
    invitee = Invitee(user.name, user.email, user.unit_id, user.position, user.phone)  # type: ignore[attr-defined]
    await invite_person(seminar, invitee, [RoleName.ATTENDEE], by, settings, links)


async def register(
    seminar: Seminar, values: dict[str, Any], user: User | None, settings: Settings, links: Links
) -> Registration:
    """Record a registration; approve it at once unless the seminar approves registrations first.

    `user` is the signed-in person (their details are updated where they were empty); None
    for a visitor, who gets an account under the given e-mail — unless one exists, then they log in first.
    """
    options = await settings_of(seminar)
    if not options.is_open:
        raise UserError(_("Registration for this seminar is closed."))
    async with in_transaction():
        if user is None:
            if await User.filter(email=values["email"]).exists():
                raise UserError(
                    _("An account with this e-mail exists. Please log in first, then register."), field="email"
                )
            user = await User.create(
                email=values["email"], name=values["name"], unit_id=values["unit_id"],
                position=values["position"], phone=values["phone"],
            )
        elif await Registration.filter(seminar_id=seminar.id, user_id=user.id).exists():
            raise UserError(_("You have already registered for this seminar."))
        registration = await Registration.create(seminar_id=seminar.id, user_id=user.id, **values)
        if not options.requires_approval:
            registration.status, registration.decided_at = RegistrationStatus.APPROVED, _now()
            await registration.save(update_fields=["status", "decided_at"])
            await _grant_attendee(seminar, registration, None, settings, links)
    return registration


async def approve(registration: Registration, seminar: Seminar, by: User, settings: Settings, links: Links) -> None:
    if registration.status == RegistrationStatus.APPROVED:
        raise UserError(_("This registration is already approved."))
    async with in_transaction():
        await Registration.filter(id=registration.id).update(
            status=RegistrationStatus.APPROVED, decided_at=_now(), decided_by_id=by.id
        )
        await _grant_attendee(seminar, registration, by, settings, links)


async def reject(registration: Registration, seminar: Seminar, by: User) -> None:
    """Refused: the attendee role the registration gave goes too (other roles stay)."""
    if registration.status == RegistrationStatus.REJECTED:
        raise UserError(_("This registration is already rejected."))
    async with in_transaction():
        await Registration.filter(id=registration.id).update(
            status=RegistrationStatus.REJECTED, decided_at=_now(), decided_by_id=by.id
        )
        await Role.filter(
            user_id=registration.user_id, seminar_id=seminar.id, name=RoleName.ATTENDEE  # type: ignore[attr-defined]
        ).delete()
