"""Making, revoking and noting the use of personal access tokens."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from tortoise.transactions import in_transaction

from seminar.accounts.models import User
from seminar.api.models import ApiToken
from seminar.api.tokens import new_secret
from seminar.errors import UserError
from seminar.i18n import _
from seminar.seminars.models import Seminar

# More than anyone needs (one per system that reads the seminar): a bound on what a leak could hold.
MAX_ACTIVE_TOKENS = 20


async def create_token(user: User, seminar: Seminar, name: str, expires_on: dt.date | None, today: dt.date) -> tuple[ApiToken, str]:
    """A new token of `user` for `seminar`, and its secret (shown once, never stored)."""
    if expires_on is not None and expires_on <= today:
        raise UserError(_("The expiry date must be after today."), field="expires_on")
    async with in_transaction():
        active = await ApiToken.filter(user_id=user.id, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise UserError(_("You have %(count)s active tokens: revoke one you no longer use first.", count=active))
        expires_at = None
        if expires_on is not None:  # valid through the whole expiry day, in the seminar's time zone
            midnight = dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time(), ZoneInfo(seminar.time_zone))
            expires_at = midnight.astimezone(dt.UTC)
        secret, hashed, shown = new_secret()
        token = await ApiToken.create(
            user_id=user.id, seminar_id=seminar.id, name=name, token_hash=hashed, prefix=shown, expires_at=expires_at
        )
    return token, secret


async def revoke_token(user: User, token_id: int, now: dt.datetime) -> ApiToken:
    """Revoke one of the person's own tokens; anyone else's is not there (404). Revoking twice changes nothing."""
    token = await ApiToken.get_or_none(id=token_id, user_id=user.id)
    if token is None:
        raise HTTPException(status_code=404)
    if token.revoked_at is None:
        await ApiToken.filter(id=token.id, revoked_at__isnull=True).update(revoked_at=now)
        token.revoked_at = now
    return token


async def note_use(token: ApiToken, now: dt.datetime) -> None:
    """When the token was last used, for its owner's list: written at most once a minute, so a busy reader costs no write per call."""
    if token.last_used_at is None or now - token.last_used_at >= dt.timedelta(minutes=1):
        await ApiToken.filter(id=token.id).update(last_used_at=now)
        token.last_used_at = now
