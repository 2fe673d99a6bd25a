"""Everything that changes accounts: logging in, invitations, resets, profiles, units.

Each action runs in one transaction; mail it causes is written to the outbox inside the same
transaction, so a rolled-back change sends nothing. Problems a person can fix are raised as
`UserError` with a message in their language.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from seminar.accounts.models import (
    AccountToken,
    LoginFailure,
    LoginSession,
    Role,
    RoleName,
    TokenPurpose,
    Unit,
    UnitKind,
    User,
)
from seminar.accounts.passwords import hash_password_async, needs_rehash, verify_password_async
from seminar.accounts.password_rules import PasswordOwner, password_problem
from seminar.accounts.roles import ROLE_ORDER, role_labels
from seminar.accounts.spreadsheet import (
    EMAIL,
    PersonRow,
    SpreadsheetError,
    over_limit,
    read_people,
    row_problem,
    unreadable,
)
from seminar.accounts.throttle import minutes_to_wait
from seminar.accounts.tokens import new_token, token_hash
from seminar.accounts.units import UNITS
from seminar.config import Settings
from seminar.db import column
from seminar.errors import UserError
from seminar.i18n import _
from seminar.isolation import ChildFailed, LimitExceeded, Limits, run_limited_async
from seminar.mail.batches import MailBatchKind
from seminar.mail.models import OutboxMail
from seminar.mail.outbox import compose_mail, new_batch, queue_mail, wordings_for
from seminar.operations.metrics import LOCKOUTS, LOGINS
from seminar.seminars.models import Seminar

# At most this many reset mails per account and hour, so nobody can flood an inbox.
RESET_MAILS_PER_HOUR = 3


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Links:
    """Absolute URLs for mail, from the public address and the web layer's route names."""

    base_url: str
    path_for: Callable[..., str]

    def url(self, name: str, **params: object) -> str:
        return self.base_url.rstrip("/") + self.path_for(name, **params)


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str  # already normalised (lower case)
    unit_id: int | None = None
    position: str = ""
    phone: str = ""


# --- units -------------------------------------------------------------------------------


async def ensure_units() -> None:
    """Create or update every unit of `units.UNITS`; running it twice changes nothing.

    A built-in unit is found by the name it was made from (`seeded_name`), so a rename on the units
    page does not bring the old name back as a second unit, and one an administrator has edited
    (`edited_at`) keeps what they wrote: the list only fills in what nobody has changed.
    """
    async with in_transaction():
        existing = {unit.seeded_name or unit.name: unit for unit in await Unit.all()}
        by_name: dict[str, Unit] = {}
        # Parents come first in UNITS only for cities; two passes keep the order irrelevant.
        for data in sorted(UNITS, key=lambda unit: unit.parent is not None):
            values: dict[str, Any] = {
                "name_hant": data.name_hant,
                "kind": data.kind,
                "code": data.code,
                "pinyin": data.pinyin,
                "full_name": data.full_name,
                "sort_order": data.sort_order,
                "parent_id": by_name[data.parent].id if data.parent else None,
                "seeded_name": data.name,
            }
            unit = existing.get(data.name)
            if unit is None:
                unit = await Unit.create(name=data.name, **values)
            elif unit.edited_at is None and any(getattr(unit, key) != value for key, value in values.items()):
                await Unit.filter(id=unit.id).update(**values)
            by_name[data.name] = unit


@dataclass(frozen=True)
class UnitFields:
    """What the units page edits: the names, the kind, the place in the official order and the parent."""

    name: str
    name_hant: str
    full_name: str
    kind: UnitKind
    sort_order: int
    parent_id: int | None
    pinyin: str


async def save_unit(unit: Unit | None, data: UnitFields) -> Unit:
    """Add a unit (`unit` None) or change one; either way `seminar units` leaves it alone from now on.

    Units belong to a unit one level deep (a zone to its city), as conflicts of interest follow the
    parent only that far. A name another unit has, a parent that is the unit itself or belongs to a
    unit, or a parent for a unit others belong to, is a UserError and nothing is written.
    """
    async with in_transaction():
        if await Unit.filter(name=data.name).exclude(id=unit.id if unit else 0).exists():
            raise UserError(_("There is already a unit called “%(name)s”.", name=data.name), field="name")
        if data.parent_id is not None:
            parent = await Unit.get_or_none(id=data.parent_id)
            has_members = unit is not None and await Unit.filter(parent_id=unit.id).exists()
            if parent is None or parent.parent_id is not None or (unit and parent.id == unit.id) or has_members:
                raise UserError(_("A unit can belong only to a unit that belongs to none, and not to itself; "
                                  "a unit that others belong to belongs to none."), field="parent")
        values = {**data.__dict__, "edited_at": _now()}
        if unit is None:
            return await Unit.create(**values)
        await Unit.filter(id=unit.id).update(**values)
        await unit.refresh_from_db()
        return unit


# --- logging in --------------------------------------------------------------------------


async def refuse_while_throttled(email: str, ip: str, settings: Settings, field: str | None = None) -> None:
    """UserError (on `field`, if given) while the account or the address has too many recent failed attempts."""
    now = _now()
    window = dt.timedelta(seconds=settings.login_window_seconds)
    by_account = await column(LoginFailure.filter(email=email, at__gt=now - window), "at")
    by_address = await column(LoginFailure.filter(ip=ip, at__gt=now - window), "at")
    wait = max(
        minutes_to_wait(by_account, settings.login_attempts_per_account, window, now),
        minutes_to_wait(by_address, settings.login_attempts_per_ip, window, now),
    )
    if wait:
        LOCKOUTS.inc()
        raise UserError(
            _("Too many failed attempts. Please wait %(minutes)s minute(s) and try again.", minutes=wait), field=field
        )


async def record_failure(email: str, ip: str) -> None:
    LOGINS.labels("failure").inc()
    await LoginFailure.create(email=email, ip=ip)


async def finish_login(user: User) -> None:
    """Every step passed: the account's failures are forgotten and the login time noted."""
    LOGINS.labels("success").inc()
    async with in_transaction():
        await LoginFailure.filter(email=user.email).delete()
        user.last_login_at = _now()
        await user.save(update_fields=["last_login_at"])


async def open_session(user: User, max_seconds: int) -> str:
    """A new signed-in session for `user`: the key its cookie carries (the database keeps its hash).

    Sessions older than the longest a session lasts are forgotten on the way; each statement
    commits on its own, so logins at the same moment never wait on one another's clean-up.
    """
    await LoginSession.filter(started_at__lt=_now() - dt.timedelta(seconds=max_seconds)).delete()
    key, digest = new_token()
    await LoginSession.create(key_hash=digest, user=user)
    return key


async def close_session(key: str) -> None:
    """Logging out: the session ends on the server, whoever still holds a copy of its cookie."""
    await LoginSession.filter(key_hash=token_hash(key)).delete()


async def log_in(email: str, password: str, ip: str, settings: Settings) -> User:
    """The user with this e-mail and password, or UserError.

    Refuses while the account or the address has too many recent failures, records each failure,
    and clears the account's failures on success. An unknown e-mail and a wrong password get the
    same message and take the same time, so nobody learns which accounts exist.

    For a person with two-step verification the password is only the first step: their failures
    stay counted (so a known password does not reset the count of wrong codes) until
    `two_factor.log_in_second_step` accepts a code.
    """
    await refuse_while_throttled(email, ip, settings)
    user = await User.get_or_none(email=email)
    if not await verify_password_async(user.password_hash if user else "", password):
        await record_failure(email, ip)
        raise UserError(_("The e-mail or password is not correct."))
    assert user is not None
    if not user.is_active:
        raise UserError(_("This account has been deactivated. Please contact the seminar organizers."))
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password_async(password)
        await user.save(update_fields=["password_hash"])
    if not user.two_factor_enabled:
        await finish_login(user)
    return user


# --- invitations -------------------------------------------------------------------------


async def _issue_tokens(
    users: Sequence[User], purpose: TokenPurpose, seminar_id: int | None, settings: Settings
) -> tuple[list[str], dt.datetime]:
    """A new link token for each user (in their order) and when they expire; older unused ones of the same
    purpose stop working. Three queries however many users."""
    now = _now()
    await AccountToken.filter(
        user_id__in=[user.id for user in users], purpose=purpose, used_at=None, expires_at__gt=now
    ).update(expires_at=now)
    expires_at = now + dt.timedelta(hours=settings.token_lifetime_hours)
    tokens, rows = [], []
    for user in users:
        token, digest = new_token()
        tokens.append(token)
        rows.append(AccountToken(token_hash=digest, purpose=purpose, user_id=user.id, seminar_id=seminar_id, expires_at=expires_at))
    await AccountToken.bulk_create(rows)
    return tokens, expires_at


async def _send_invitations(
    seminar: Seminar, granted: Sequence[tuple[User, Sequence[RoleName]]], inviter: User | None, settings: Settings,
    links: Links, batch_id: int | None = None,
) -> None:
    """Mail each person the roles just given to them: a link to set a password to whoever has none (their
    older invitation links stop working), else a notice with the login link."""
    waiting = [user for user, _roles in granted if not user.password_hash]
    tokens, expires_at = await _issue_tokens(waiting, TokenPurpose.INVITATION, seminar.id, settings) if waiting else ([], _now())
    token_of = {user.id: token for user, token in zip(waiting, tokens, strict=True)}
    wordings = await wordings_for(seminar.id, "invitation", "role_granted")
    mails = []
    for user, roles in granted:
        context: dict[str, object] = {
            "seminar_title": seminar.title, "roles": [role.value for role in roles], "inviter": inviter.name if inviter else "",
        }
        if user.id in token_of:
            template = "invitation"
            context.update(link=links.url("accounts:invitation", token=token_of[user.id]), expires_at=expires_at)
        else:
            template = "role_granted"
            context.update(link=links.url("accounts:login"), seminar_link=links.url("seminars:landing", slug=seminar.slug))
        mails.append(compose_mail(
            template=template, to_address=user.email, to_name=user.name, locale=user.locale, seminar_id=seminar.id,
            context=context, batch_id=batch_id, wordings=wordings,
        ))
    await OutboxMail.bulk_create(mails)


@dataclass(frozen=True)
class Invitation:
    """A person to invite and the roles to give them."""

    invitee: Invitee
    roles: Sequence[RoleName]


class InvitationsRefused(Exception):
    """Some people cannot be invited: invitation index → why (nothing was written)."""

    def __init__(self, problems: dict[int, UserError]) -> None:
        super().__init__("; ".join(error.message for error in problems.values()))
        self.problems = problems


async def _grant_and_invite(
    seminar: Seminar, invitations: Sequence[Invitation], inviter: User | None, settings: Settings, links: Links,
    batch_id: int | None = None,
) -> list[User]:
    """Give every invitee their roles in `seminar` and mail them; their users, in order. Everyone is checked
    before anything is written, in a fixed number of queries however many people: InvitationsRefused names
    those already holding every role asked for, or deactivated."""
    emails = [invitation.invitee.email for invitation in invitations]
    known = {user.email: user for user in await User.filter(email__in=emails)}
    held: dict[int, set[str]] = {}
    for user_id, name in await Role.filter(seminar_id=seminar.id, user_id__in=[u.id for u in known.values()]).values_list("user_id", "name"):
        held.setdefault(user_id, set()).add(str(name))
    problems: dict[int, UserError] = {}
    new_roles: list[list[RoleName]] = []
    for index, invitation in enumerate(invitations):
        user = known.get(invitation.invitee.email)
        new_roles.append([role for role in invitation.roles if user is None or role not in held.get(user.id, set())])
        if user is not None and not user.is_active:
            problems[index] = UserError(_("The account of %(email)s has been deactivated and cannot be invited.", email=user.email))
        elif user is not None and not new_roles[-1]:
            problems[index] = UserError(
                _("%(name)s (%(email)s) already has the role %(roles)s in this seminar.",
                  name=user.name, email=user.email, roles=role_labels(invitation.roles)),
                field="email",
            )
    if problems:
        raise InvitationsRefused(problems)
    newcomers = [
        User(email=i.email, name=i.name, unit_id=i.unit_id, position=i.position, phone=i.phone)
        for i in (invitation.invitee for invitation in invitations) if i.email not in known
    ]
    if newcomers:
        await User.bulk_create(newcomers)
        known.update({user.email: user for user in await User.filter(email__in=[user.email for user in newcomers])})
    users = [known[email] for email in emails]
    await Role.bulk_create(
        [Role(user_id=user.id, seminar_id=seminar.id, name=role) for user, roles in zip(users, new_roles, strict=True) for role in roles]
    )
    await _send_invitations(seminar, list(zip(users, new_roles, strict=True)), inviter, settings, links, batch_id)
    return users


async def invite_person(
    seminar: Seminar, invitee: Invitee, roles: Sequence[RoleName], inviter: User | None, settings: Settings, links: Links
) -> User:
    """Give `invitee` the roles in `seminar` and mail them.

    A new e-mail gets a new account without a password and an invitation link to set one; a known
    person keeps their account and details. People who have a password get a notice with a login
    link instead. UserError if they already hold every role asked for, or are deactivated.
    """
    async with in_transaction():
        try:
            [user] = await _grant_and_invite(seminar, [Invitation(invitee, roles)], inviter, settings, links)
        except InvitationsRefused as refused:
            raise refused.problems[0] from None
    return user


async def import_people(seminar: Seminar, data: bytes, inviter: User | None, settings: Settings, links: Links) -> int:
    """Invite everyone listed in an .xlsx, all or none; SpreadsheetError lists every problem. The
    invitations are one batch of mail, which the people page follows."""
    units: dict[str, int] = {}
    for unit_id, name, name_hant in await Unit.all().values_list("id", "name", "name_hant"):
        units[name] = unit_id
        if name_hant:
            units.setdefault(name_hant, unit_id)
    people = await read_people_limited(data, units, settings.conversion_limits)
    invitations = [
        Invitation(Invitee(person.name, person.email, person.unit_id, person.position, person.phone), person.roles)
        for person in people
    ]
    async with in_transaction():
        try:
            await _grant_and_invite(
                seminar, invitations, inviter, settings, links, await new_batch(seminar.id, MailBatchKind.INVITATIONS)
            )
        except InvitationsRefused as refused:
            raise SpreadsheetError(
                [row_problem(people[index].row, EMAIL, error.message) for index, error in sorted(refused.problems.items())]
            ) from None  # leaving the block by an exception rolls the batch back
    return len(people)


async def invite_again(
    seminar: Seminar, earlier: Seminar, roles: Sequence[RoleName], inviter: User | None, settings: Settings, links: Links
) -> int:
    """Give everyone who held one of `roles` in `earlier` the same roles in `seminar`, and mail them, as
    one batch the people page follows; people deactivated since, or holding those roles already, are
    left out. Returns how many were invited."""
    held: dict[int, list[RoleName]] = {}
    for user_id, name in await Role.filter(seminar_id=earlier.id, name__in=list(roles)).order_by("id").values_list("user_id", "name"):
        held.setdefault(int(user_id), []).append(RoleName(name))
    users = {user.id: user for user in await User.filter(id__in=list(held), is_active=True)}
    already = set(await Role.filter(seminar_id=seminar.id, user_id__in=list(users)).values_list("user_id", "name"))
    invitations = []
    for user_id, names in held.items():
        user = users.get(user_id)
        wanted = [name for name in names if (user_id, name.value) not in already and (user_id, name) not in already]
        if user is not None and wanted:
            invitee = Invitee(user.name, user.email, user.unit_id, user.position, user.phone)
            invitations.append(Invitation(invitee, wanted))
    if not invitations:
        return 0
    async with in_transaction():
        await _grant_and_invite(
            seminar, invitations, inviter, settings, links, await new_batch(seminar.id, MailBatchKind.INVITATIONS)
        )
    return len(invitations)


async def read_people_limited(data: bytes, units: dict[str, int], limits: Limits) -> list[PersonRow]:
    """`read_people` in a child process under the conversion limits: the site goes on answering meanwhile."""
    try:
        return await run_limited_async(read_people, data, units, limits=limits)
    except LimitExceeded as exceeded:
        raise over_limit(exceeded) from None
    except ChildFailed:
        raise unreadable() from None


async def resend_invitation(seminar: Seminar, user: User, inviter: User | None, settings: Settings, links: Links) -> None:
    """A new invitation link for someone who has not set a password; the old links stop working."""
    if user.password_hash:
        raise UserError(_("%(name)s has already set a password and can log in.", name=user.name))
    if not user.is_active:
        raise UserError(_("The account of %(email)s has been deactivated and cannot be invited.", email=user.email))
    roles = [role.name for role in await Role.filter(user_id=user.id, seminar_id=seminar.id)]
    async with in_transaction():
        await _send_invitations(seminar, [(user, roles)], inviter, settings, links)


async def deactivate_person(user: User) -> None:
    """Switch the account off; every session it has ends at its next request."""
    async with in_transaction():
        await User.filter(id=user.id).update(is_active=False, session_epoch=F("session_epoch") + 1)
        await LoginSession.filter(user_id=user.id).delete()


async def reactivate_person(user: User) -> None:
    await User.filter(id=user.id).update(is_active=True)


async def unlock_person(user: User) -> None:
    """Forget the account's failed logins, so a locked-out person may try again at once."""
    await LoginFailure.filter(email=user.email).delete()


async def remove_from_seminar(seminar: Seminar, user: User) -> list[RoleName]:
    """Take away every role `user` holds in `seminar` (what they wrote stays); the roles taken, in order.

    Their account, their sessions and their other seminars are untouched: the roles are read on
    every request, so they lose this seminar's pages at their next one.
    """
    async with in_transaction():
        held = [RoleName(name) for name in await column(Role.filter(user_id=user.id, seminar_id=seminar.id), "name")]
        await Role.filter(user_id=user.id, seminar_id=seminar.id).delete()
    return sorted(held, key=ROLE_ORDER.index)


# --- new passwords -----------------------------------------------------------------------


async def _refuse_weak_password(user: User, password: str, confirmation: str) -> None:
    """UserError on the password field unless `password` may become `user`'s new password.

    The estimate takes tens of milliseconds of CPU, so it runs in a thread, like argon2.
    """
    unit = await Unit.get_or_none(id=user.unit_id) if user.unit_id else None
    owner = PasswordOwner(
        name=user.name, email=user.email, phone=user.phone,
        unit=unit.name if unit else "", unit_pinyin=unit.pinyin if unit else "",
    )
    if problem := await asyncio.to_thread(password_problem, password, confirmation, owner):
        raise UserError(problem, field="password")


# --- link tokens -------------------------------------------------------------------------


async def _usable_token(token: str, purpose: TokenPurpose) -> AccountToken:
    """The token row behind a link, with its user and seminar, or UserError saying what is wrong."""
    row = await AccountToken.get_or_none(token_hash=token_hash(token), purpose=purpose).select_related("user", "seminar")
    ask_again = (
        _("Please ask the seminar organizers to send you a new invitation.")
        if purpose == TokenPurpose.INVITATION
        else _("Please ask for a new link on the “Forgot password” page.")
    )
    if row is None:
        raise UserError(_("This link is not valid.") + " " + ask_again)
    if row.used_at is not None:
        raise UserError(_("This link has already been used. Log in with your password.") + " " + ask_again)
    if row.expires_at <= _now():
        raise UserError(_("This link has expired or has been replaced by a newer one.") + " " + ask_again)
    if not row.user.is_active:
        raise UserError(_("This account has been deactivated. Please contact the seminar organizers."))
    return row


async def usable_invitation(token: str) -> AccountToken:
    """The invitation behind a link, with its user and seminar, or UserError saying what is wrong."""
    return await _usable_token(token, TokenPurpose.INVITATION)


async def usable_reset_link(token: str) -> AccountToken:
    """The password reset behind a link, with its user, or UserError saying what is wrong."""
    return await _usable_token(token, TokenPurpose.PASSWORD_RESET)


async def _use_token(row: AccountToken, password: str, confirmation: str) -> User:
    user = row.user
    await _refuse_weak_password(user, password, confirmation)
    async with in_transaction():
        # Two tabs submitting one link: only the first claims it.
        claimed = await AccountToken.filter(id=row.id, used_at=None).update(used_at=_now())
        if not claimed:
            raise UserError(_("This link has already been used. Log in with your password."))
        user.password_hash = await hash_password_async(password)
        user.session_epoch += 1
        await user.save(update_fields=["password_hash", "session_epoch"])
        await LoginFailure.filter(email=user.email).delete()
    return user


async def accept_invitation(row: AccountToken, password: str, confirmation: str) -> User:
    """The invitee sets a password; the link is used up."""
    return await _use_token(row, password, confirmation)


async def request_password_reset(email: str, settings: Settings, links: Links) -> None:
    """Mail a reset link if an active account has this e-mail; silently nothing otherwise."""
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        return
    recent = await AccountToken.filter(
        user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, created_at__gt=_now() - dt.timedelta(hours=1)
    ).count()
    if recent >= RESET_MAILS_PER_HOUR:
        return
    async with in_transaction():
        [token], expires_at = await _issue_tokens([user], TokenPurpose.PASSWORD_RESET, None, settings)
        await queue_mail(
            template="password_reset", to_address=user.email, to_name=user.name, locale=user.locale,
            context={"link": links.url("accounts:reset_password", token=token), "expires_at": expires_at},
        )


async def reset_password(row: AccountToken, password: str, confirmation: str) -> User:
    """A new password from a reset link; every other session of the account ends."""
    return await _use_token(row, password, confirmation)


# --- profile -----------------------------------------------------------------------------


async def set_language(user: User, locale: str) -> None:
    """The language `user` chose in the switcher, used from then on wherever they sign in."""
    user.locale = locale
    await user.save(update_fields=["locale"])


async def update_profile(user: User, *, name: str, phone: str, position: str, locale: str) -> None:
    user.name, user.phone, user.position, user.locale = name, phone, position, locale
    await user.save(update_fields=["name", "phone", "position", "locale"])


async def change_password(user: User, current: str, password: str, confirmation: str, ip: str, settings: Settings) -> None:
    """Needs the current password; other sessions end, the caller keeps its own going.

    The current password is guessed no more easily here than at the login (say, by someone at an
    unlocked computer): wrong ones count as failed logins and the same throttle applies.
    """
    await refuse_while_throttled(user.email, ip, settings, field="current_password")
    if not await verify_password_async(user.password_hash, current):
        await record_failure(user.email, ip)
        raise UserError(_("The current password is not correct."), field="current_password")
    await _refuse_weak_password(user, password, confirmation)
    user.password_hash = await hash_password_async(password)
    user.session_epoch += 1
    await user.save(update_fields=["password_hash", "session_epoch"])
