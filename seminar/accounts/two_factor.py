"""Two-step verification: setting it up, the second step of logging in, turning it off, resets.

The TOTP secret is stored sealed (sealing.py) under a key derived from SECRET_KEY; recovery
codes only as hashes. Every code is checked against throttling like a password: a wrong one
counts as a failed login for the account and the address.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from seminar.accounts import totp
from seminar.accounts.actions import Links, finish_login, record_failure, refuse_while_throttled
from seminar.accounts.models import RecoveryCode, User
from seminar.accounts.passwords import verify_password_async
from seminar.accounts.sealing import SealError, seal, unseal
from seminar.config import Settings
from seminar.errors import UserError
from seminar.i18n import _
from seminar.mail.outbox import queue_mail

logger = logging.getLogger(__name__)

ISSUER = "研讨班"


@dataclass(frozen=True)
class Enrolment:
    """What the set-up page shows: the key as a QR code's address and as text to type."""

    uri: str
    text: str


@dataclass(frozen=True)
class SecondStep:
    user: User
    # None when the code came from the authenticator app; else how many recovery codes remain.
    recovery_codes_left: int | None


def secret_purpose(user_id: int) -> str:
    """What the sealed secret is bound to: this person's TOTP key, and nothing else."""
    return f"totp:{user_id}"


def _secret(user: User, settings: Settings) -> bytes | None:
    """The stored secret, or None when SECRET_KEY changed since it was sealed (or it is damaged)."""
    try:
        return unseal(user.totp_secret, settings.secret_key, secret_purpose(user.id))
    except SealError:
        logger.warning("the TOTP secret of user %s cannot be opened: was SECRET_KEY changed?", user.id)
        return None


async def pending_enrolment(user: User, settings: Settings) -> Enrolment:
    """The secret being set up, made on first asking; the same one until it is confirmed."""
    if user.two_factor_enabled:
        raise UserError(_("Two-step verification is already on."))
    secret = _secret(user, settings) if user.totp_secret else None
    if secret is None:
        secret = totp.new_secret()
        user.totp_secret = seal(secret, settings.secret_key, secret_purpose(user.id))
        await user.save(update_fields=["totp_secret"])
    text = totp.secret_text(secret)
    return Enrolment(uri=totp.provisioning_uri(secret, user.email, ISSUER), text=totp.grouped(text))


async def _new_recovery_codes(user: User) -> list[str]:
    codes = totp.new_recovery_codes()
    await RecoveryCode.filter(user_id=user.id).delete()
    await RecoveryCode.bulk_create([RecoveryCode(user_id=user.id, code_hash=totp.recovery_code_hash(code)) for code in codes])
    return codes


async def _claim_step(user: User, step: int) -> bool:
    """Remember `step` as used, unless it or a later one already was (two tabs, a replayed code)."""
    claimed = await User.filter(id=user.id, totp_last_step__lt=step).update(totp_last_step=step)
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


async def _use_app_code(user: User, code: str, settings: Settings) -> None:
    secret = _secret(user, settings)
    step = totp.matching_step(secret, code, time.time()) if secret is not None else None
    if step is None:
        raise UserError(_("The code is not correct. Check the time on your phone, or use a recovery code."), field="code")
    if not await _claim_step(user, step):
        raise UserError(_("This code has already been used. Wait for the next one."), field="code")


async def _use_recovery_code(user: User, code: str) -> int:
    """Spend one recovery code; how many are left."""
    claimed = await RecoveryCode.filter(
        user_id=user.id, code_hash=totp.recovery_code_hash(code), used_at=None
    ).update(used_at=dt.datetime.now(dt.UTC))
    if not claimed:
        raise UserError(_("The code is not correct. Check the time on your phone, or use a recovery code."), field="code")
    return await RecoveryCode.filter(user_id=user.id, used_at=None).count()


async def _use_code(user: User, code: str, settings: Settings) -> int | None:
    """Accept a code from the app or a recovery code (None, or the recovery codes left), else UserError."""
    if totp.looks_like_totp(code):
        await _use_app_code(user, code, settings)
        return None
    return await _use_recovery_code(user, code)


async def enable(user: User, code: str, settings: Settings) -> list[str]:
    """Turn two-step verification on with a first code from the app; the recovery codes, shown once.

    Other sessions of the account end: whoever else was signed in did not pass the new step.
    """
    if user.two_factor_enabled:
        raise UserError(_("Two-step verification is already on."))
    if not user.totp_secret:
        raise UserError(_("Please scan the new QR code first."), field="code")
    await _use_app_code(user, code, settings)
    async with in_transaction():
        codes = await _new_recovery_codes(user)
        user.totp_enabled_at = dt.datetime.now(dt.UTC)
        user.session_epoch += 1
        await user.save(update_fields=["totp_enabled_at", "session_epoch"])
    return codes


async def _confirm_person(user: User, password: str, code: str, ip: str, settings: Settings) -> None:
    """Password and a code, throttled like a login, before the settings of the second step change."""
    await refuse_while_throttled(user.email, ip, settings)
    if not await verify_password_async(user.password_hash, password):
        await record_failure(user.email, ip)
        raise UserError(_("The current password is not correct."), field="password")
    try:
        await _use_code(user, code, settings)
    except UserError:
        await record_failure(user.email, ip)
        raise


async def disable(user: User, password: str, code: str, ip: str, settings: Settings) -> None:
    if not user.two_factor_enabled:
        raise UserError(_("Two-step verification is not on."))
    await _confirm_person(user, password, code, ip, settings)
    await _switch_off(user)


async def regenerate_recovery_codes(user: User, password: str, code: str, ip: str, settings: Settings) -> list[str]:
    """New recovery codes for old ones spent or lost; the old ones stop working."""
    if not user.two_factor_enabled:
        raise UserError(_("Two-step verification is not on."))
    await _confirm_person(user, password, code, ip, settings)
    async with in_transaction():
        return await _new_recovery_codes(user)


async def _switch_off(user: User) -> None:
    async with in_transaction():
        await RecoveryCode.filter(user_id=user.id).delete()
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = "", None, 0
        await user.save(update_fields=["totp_secret", "totp_enabled_at", "totp_last_step"])


async def reset(person: User, by: User, links: Links) -> None:
    """An organizer turns off someone's two-step verification (a lost phone, no recovery codes).

    Their sessions end, and they get a mail saying so, in case it was not they who asked.
    """
    async with in_transaction():
        await _switch_off(person)
        await User.filter(id=person.id).update(session_epoch=F("session_epoch") + 1)
        await queue_mail(
            template="two_factor_reset", to_address=person.email, to_name=person.name, locale=person.locale,
            context={"by": by.name, "link": links.url("accounts:two_factor")},
        )


async def log_in_second_step(user_id: int, epoch: int, code: str, ip: str, settings: Settings) -> SecondStep:
    """The person who gave the right password types a code: they are now signed in, or UserError."""
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None or user.session_epoch != epoch or not user.two_factor_enabled:
        raise UserError(_("Please log in again."))
    await refuse_while_throttled(user.email, ip, settings)
    try:
        left = await _use_code(user, code, settings)
    except UserError:
        await record_failure(user.email, ip)
        raise
    await finish_login(user)
    return SecondStep(user=user, recovery_codes_left=left)


async def recovery_codes_left(user: User) -> int:
    return await RecoveryCode.filter(user_id=user.id, used_at=None).count()
