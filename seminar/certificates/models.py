"""Certificates and each seminar's signing details (全称, seal, date)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import Unit, User
    from seminar.registration.models import Registration
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


class CertificateKind(StrEnum):
    AWARD = "award"  # 获奖证书 for a paper (一/二/三等奖, 优秀奖)
    ORGANIZATION = "organization"  # 优秀组织奖 for a unit
    ATTENDANCE = "attendance"  # 参会证明 for a person


class CertificateSettings(Model):
    """How a seminar's certificates are signed: the issuer's 全称, the date printed, an optional seal."""

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="certificate_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    issuer = fields.CharField(max_length=200, default="")
    issued_on = fields.DateField(null=True)
    # SHA-256 of a PNG in the blob table; the seal is printed over the issuer's name and date.
    seal_sha256 = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "certificate_settings"


class Certificate(Model):
    """One issued certificate. What it certifies is copied when it is issued, so it reads the same forever."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="certificates", on_delete=fields.CASCADE
    )
    seminar_id: int
    number = fields.CharField(max_length=40, unique=True)
    serial = fields.IntField()
    kind = fields.CharEnumField(CertificateKind, max_length=20)
    # first / second / third / excellence for papers, "organization" for units, "" for attendance.
    grade = fields.CharField(max_length=20, default="")
    paper: fields.ForeignKeyNullableRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="certificates", null=True, on_delete=fields.SET_NULL
    )
    paper_id: int | None
    # The unit whose submitters download it: the paper's city, or the unit given 优秀组织奖.
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="certificates", null=True, on_delete=fields.SET_NULL
    )
    unit_id: int | None
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        "models.Registration", related_name="certificates", null=True, on_delete=fields.SET_NULL
    )
    registration_id: int | None
    # The attendee who downloads a 参会证明.
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certificates", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    holder = fields.CharField(max_length=300)
    title = fields.CharField(max_length=400, default="")
    unit_name = fields.CharField(max_length=200, default="")
    issued_at = fields.DatetimeField(auto_now_add=True)
    issued_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certificates_issued", null=True, on_delete=fields.SET_NULL
    )
    issued_by_id: int | None
    revoked_at = fields.DatetimeField(null=True)
    revoked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="certificates_revoked", null=True, on_delete=fields.SET_NULL
    )

    revoked_by_id: int | None

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    class Meta:
        table = "certificate"
        unique_together = (("seminar", "serial"),)
        ordering = ["serial"]
