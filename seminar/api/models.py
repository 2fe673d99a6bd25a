"""Personal access tokens for the read API: one person, one seminar, read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar


class ApiToken(Model):
    """A named token a person made to let another system read one seminar as they may.

    Only the SHA-256 of the secret is stored (`seminar.api.tokens`); the secret is shown once.
    Revoking keeps the row (with `revoked_at`) so the list still says what it was and when it went.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    # The secret's first characters, shown in the list so a person can tell their tokens apart.
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    user_id: int
    seminar_id: int

    class Meta:
        table = "api_token"
        ordering = ["-created_at", "-id"]
