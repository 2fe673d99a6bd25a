"""People and the units they belong to; roles are held per seminar."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

# Defined with the pure list of units; imported from here too (migrations, tests).
from seminar.accounts.units import UnitKind as UnitKind

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


class RoleName(StrEnum):
    ORGANIZER = "organizer"
    SUBMITTER = "submitter"
    REVIEWER = "reviewer"
    ATTENDEE = "attendee"


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class Unit(Model):
    """A city, special zone, provincial department or institution (单位)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    name_hant = fields.CharField(max_length=100, default="")
    # 全称, as a cover or a certificate prints it (中共广东省委政法委员会); empty: the short `name` is the full one.
    full_name = fields.CharField(max_length=200, default="")
    kind = fields.CharEnumField(UnitKind, max_length=20)
    # GB/T 2260 code for cities: a stable identifier whatever the name's spelling.
    code = fields.CharField(max_length=6, null=True, unique=True)
    pinyin = fields.CharField(max_length=50, default="")
    # Official order in provincial documents; lists and exports sort by it.
    sort_order = fields.IntField(default=1000)
    # A special zone or a city's own office belongs to a city: conflicts follow it.
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    parent_id: int | None
    # The built-in unit (`units.UNITS`) this row was made from, by its name there: `seminar units`
    # finds it again after an administrator renamed it. Empty for units added on the units page.
    seeded_name = fields.CharField(max_length=100, default="")
    # Set when an administrator changed the unit on the units page: from then on `seminar units`
    # leaves it as it is.
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "unit"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=100)
    phone = fields.CharField(max_length=30, default="")
    position = fields.CharField(max_length=100, default="")
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="users", null=True, on_delete=fields.SET_NULL
    )
    unit_id: int | None
    locale = fields.CharField(max_length=10, default="")
    # Empty until the invitee sets a password through the invitation link.
    password_hash = fields.CharField(max_length=200, default="")
    is_active = fields.BooleanField(default=True)
    is_admin = fields.BooleanField(default=False)
    # Bumped on password change and deactivation: every older session stops working.
    session_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    # Two-step verification: the TOTP secret sealed with a key derived from SECRET_KEY (see
    # sealing.py). Set but not enabled while the person is still setting it up.
    totp_secret = fields.CharField(max_length=200, default="")
    totp_enabled_at = fields.DatetimeField(null=True)
    # The last time step whose code was accepted: no code is accepted twice.
    totp_last_step = fields.BigIntField(default=0)

    roles: fields.ReverseRelation[Role]

    class Meta:
        table = "user"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None


class Role(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="roles", on_delete=fields.CASCADE
    )
    user_id: int
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="roles", on_delete=fields.CASCADE
    )
    seminar_id: int
    name = fields.CharEnumField(RoleName, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "role"
        unique_together = (("user", "seminar", "name"),)


class AccountToken(Model):
    """A single-use, expiring link token (invitation or password reset), stored only as its hash."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharEnumField(TokenPurpose, max_length=20)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    user_id: int
    seminar: fields.ForeignKeyNullableRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    seminar_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_token"


class LoginSession(Model):
    """One signed-in browser: its cookie carries the key, the database only the key's SHA-256.

    Logging out deletes the row, so a copy of the cookie taken before stops working with it.
    """

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="login_sessions", on_delete=fields.CASCADE
    )
    # Rows older than the longest session (SESSION_MAX_HOURS) are deleted at the next login.
    started_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_session"


class LoginFailure(Model):
    """One failed login: throttling counts recent rows per account and per address."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    ip = fields.CharField(max_length=45, db_index=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_failure"


class RecoveryCode(Model):
    """A one-time code for the second step of logging in without the phone, stored only as its SHA-256."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    user_id: int
    code_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_code"
        unique_together = (("user", "code_hash"),)
