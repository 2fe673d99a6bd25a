"""Registrations of attendees, and whether a seminar's organizers approve them first."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from seminar.registration.receipt import Diet, Gender, Lodging, Rank

if TYPE_CHECKING:
    from seminar.accounts.models import Unit, User
    from seminar.seminars.models import Seminar


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RegistrationSettings(Model):
    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="registration_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    is_open = fields.BooleanField(default=True)
    requires_approval = fields.BooleanField(default=False)
    # 参会回执: which fields the seminar asks for (field → "off" / "on" / "required"; see
    # `receipt.field_modes`), and the last day (the seminar's local date) attendees may change them.
    receipt_fields: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    receipt_deadline = fields.DateField(null=True)

    class Meta:
        table = "registration_settings"


class Registration(Model):
    """One registration of a person for one seminar, with the details they gave (name, 单位, 职务, phone)."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="registrations", on_delete=fields.CASCADE
    )
    seminar_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="registrations", on_delete=fields.CASCADE
    )
    user_id: int
    name = fields.CharField(max_length=100)
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="registrations", null=True, on_delete=fields.SET_NULL
    )
    unit_id: int | None
    # A unit not in the list of units, as the person typed it.
    unit_text = fields.CharField(max_length=200, default="")
    position = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=254)
    status = fields.CharEnumField(RegistrationStatus, max_length=10, default=RegistrationStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="registrations_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    # 参会回执 (see seminar.registration.receipt for why typed columns): None or "" when not given.
    gender = fields.CharEnumField(Gender, max_length=10, null=True)
    ethnicity = fields.CharField(max_length=20, default="")
    rank = fields.CharEnumField(Rank, max_length=12, null=True)
    arrival_on = fields.DateField(null=True)
    arrival_transport = fields.CharField(max_length=100, default="")
    departure_on = fields.DateField(null=True)
    departure_transport = fields.CharField(max_length=100, default="")
    lodging = fields.CharEnumField(Lodging, max_length=10, null=True)
    diet = fields.CharEnumField(Diet, max_length=12, null=True)
    companions = fields.IntField(default=0)
    companion_names = fields.CharField(max_length=200, default="")
    receipt_note = fields.CharField(max_length=500, default="")
    receipt_updated_at = fields.DatetimeField(null=True)

    @property
    def is_approved(self) -> bool:
        return self.status == RegistrationStatus.APPROVED

    class Meta:
        table = "registration"
        unique_together = (("seminar", "user"),)
        ordering = ["created_at", "id"]


class RegistrationAttempt(Model):
    """A registration sent by a visitor (each may mail someone): throttling counts recent rows per e-mail and per address."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    ip = fields.CharField(max_length=45, db_index=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "registration_attempt"
