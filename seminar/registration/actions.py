"""Registering for a seminar, and the organizers' approval.

An approved registration holds the attendee role in the seminar: that role opens the "my
seminar" page and the published proceedings. A visitor without an account gets one (no
password yet) and, once approved, the invitation link of `seminar.accounts` to set a password;
a visitor giving the e-mail of an existing account changes nothing, and its holder is told by
mail; a signed-in person gets the role at once (or on approval) and the usual role notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from tortoise.transactions import in_transaction

from seminar.accounts.actions import Invitee, Links, invite_person
from seminar.accounts.models import Role, RoleName, User
from seminar.accounts.throttle import minutes_to_wait
from seminar.config import Settings
from seminar.db import column
from seminar.errors import UserError
from seminar.i18n import _, format_date
from seminar.mail.outbox import queue_mail
from seminar.registration import receipt
from seminar.registration.models import Registration, RegistrationAttempt, RegistrationSettings, RegistrationStatus
from seminar.registration.queries import settings_of
from seminar.seating.actions import free_seat
from seminar.seminars.rules import to_local
from seminar.seminars.models import Seminar


class Throttled(UserError):
    """Too many recent registrations by visitors from this address or for this e-mail."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def save_settings(seminar: Seminar, *, is_open: bool, requires_approval: bool) -> None:
    options, _created = await RegistrationSettings.get_or_create(seminar_id=seminar.id)
    options.is_open, options.requires_approval = is_open, requires_approval
    await options.save()


async def save_receipt_settings(seminar: Seminar, modes: dict[str, receipt.Mode], deadline: dt.date | None) -> None:
    async with in_transaction():
        options, _created = await RegistrationSettings.get_or_create(seminar_id=seminar.id)
        options.receipt_fields, options.receipt_deadline = receipt.stored_modes(modes), deadline
        await options.save(update_fields=["receipt_fields", "receipt_deadline"])


def seminar_today(seminar: Seminar) -> dt.date:
    """Today's date where the seminar takes place (a deadline day ends at midnight there)."""
    local = to_local(_now(), seminar.time_zone)
    assert local is not None
    return local.date()


async def save_receipt(registration: Registration, seminar: Seminar, values: dict[str, Any]) -> None:
    """The attendee's changed 回执 (with 职务 and phone); after the deadline, or once refused, nothing changes."""
    options = await settings_of(seminar)
    if not receipt.is_open_for_changes(options.receipt_deadline, seminar_today(seminar)):
        raise UserError(
            _(
                "The registration details could be changed until %(date)s. Please ask the organizers if something has changed.",
                date=format_date(options.receipt_deadline),
            )
        )
    if registration.status == RegistrationStatus.REJECTED:
        raise UserError(_("This registration was not approved, so its details cannot be changed."))
    await _store_receipt(registration, values)


async def edit_receipt(registration: Registration, values: dict[str, Any]) -> None:
    """An organizer's change to someone's 回执: the attendee's deadline does not bind the 会务组, who
    keep the list right until the day (a late train, a changed room)."""
    await _store_receipt(registration, values)


async def _store_receipt(registration: Registration, values: dict[str, Any]) -> None:
    await Registration.filter(id=registration.id).update(**values, receipt_updated_at=_now())


async def _grant_attendee(seminar: Seminar, registration: Registration, by: User | None, settings: Settings, links: Links) -> None:
    user = await User.get(id=registration.user_id)
    if await Role.filter(user_id=user.id, seminar_id=seminar.id, name=RoleName.ATTENDEE).exists():
        return
    invitee = Invitee(user.name, user.email, user.unit_id, user.position, user.phone)
    await invite_person(seminar, invitee, [RoleName.ATTENDEE], by, settings, links)


async def refuse_while_throttled(email: str, ip: str, settings: Settings) -> None:
    """UserError while the client address or the e-mail has had too many recent visitor registrations.

    A visitor's registration may mail the address typed in; the limits keep a stranger from
    mailing a list of addresses, or one inbox over and over, through the form.
    """
    now = _now()
    window = dt.timedelta(seconds=settings.registration_window_seconds)
    by_email = await column(RegistrationAttempt.filter(email=email, at__gt=now - window), "at")
    by_address = await column(RegistrationAttempt.filter(ip=ip, at__gt=now - window), "at")
    wait = max(
        minutes_to_wait(by_email, settings.registrations_per_email, window, now),
        minutes_to_wait(by_address, settings.registrations_per_ip, window, now),
    )
    if wait:
        raise Throttled(
            _(
                "Too many registrations from this network or for this e-mail address. Please wait %(minutes)s "
                "minute(s) and try again, or ask the organizers to invite you.",
                minutes=wait,
            )
        )


async def register_visitor(
    seminar: Seminar, values: dict[str, Any], ip: str, settings: Settings, links: Links
) -> None:
    """A registration by someone not signed in, answered the same whether the e-mail has an account.

    An unknown e-mail gets an account and a registration (approved at once unless the seminar
    approves registrations first, then the invitation to set a password). A known one changes
    nothing: its holder (if the account is active) is mailed that someone tried to register with
    the address, and how to register after logging in. Either way the page says the same, so the form does not tell
    who has an account.
    """
    options = await settings_of(seminar)
    if not options.is_open:
        raise UserError(_("Registration for this seminar is closed."))
    await refuse_while_throttled(values["email"], ip, settings)
    async with in_transaction():
        await RegistrationAttempt.filter(at__lt=_now() - dt.timedelta(seconds=settings.registration_window_seconds)).delete()
        await RegistrationAttempt.create(email=values["email"], ip=ip)
        holder = await User.get_or_none(email=values["email"])
        if holder is None:
            user = await User.create(
                email=values["email"], name=values["name"], unit_id=values["unit_id"],
                position=values["position"], phone=values["phone"],
            )
            await _record(seminar, options, user, values, settings, links)
        elif holder.is_active:
            await queue_mail(
                template="registration_account_exists", to_address=holder.email, to_name=holder.name,
                locale=holder.locale, seminar_id=seminar.id,
                context={
                    "seminar_title": seminar.title,
                    "register_link": links.url("accounts:login")
                    + "?" + urlencode({"next": links.path_for("registration:register", slug=seminar.slug)}),
                    "reset_link": links.url("accounts:forgot_password"),
                },
            )


async def register(
    seminar: Seminar, values: dict[str, Any], user: User, settings: Settings, links: Links
) -> Registration:
    """Record a signed-in person's registration; approve it at once unless the seminar approves registrations first."""
    options = await settings_of(seminar)
    if not options.is_open:
        raise UserError(_("Registration for this seminar is closed."))
    async with in_transaction():
        if await Registration.filter(seminar_id=seminar.id, user_id=user.id).exists():
            raise UserError(_("You have already registered for this seminar."))
        return await _record(seminar, options, user, values, settings, links)


async def _record(
    seminar: Seminar, options: RegistrationSettings, user: User, values: dict[str, Any], settings: Settings, links: Links
) -> Registration:
    registration = await Registration.create(seminar_id=seminar.id, user_id=user.id, receipt_updated_at=_now(), **values)
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
    """Refused: the attendee role the registration gave goes too (other roles stay), and its seat in the hall."""
    if registration.status == RegistrationStatus.REJECTED:
        raise UserError(_("This registration is already rejected."))
    async with in_transaction():
        await Registration.filter(id=registration.id).update(
            status=RegistrationStatus.REJECTED, decided_at=_now(), decided_by_id=by.id
        )
        await Role.filter(
            user_id=registration.user_id, seminar_id=seminar.id, name=RoleName.ATTENDEE
        ).delete()
        await free_seat(seminar.id, registration.id)
