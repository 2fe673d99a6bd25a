"""What organizers set for the 会议手册 of their seminar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


class HandbookSettings(Model):
    """The 会议须知 and the 会务组's contacts the booklet prints, and whether it lists the participants.

    Both texts are plain text, as the book's 前言: escaped when printed, one paragraph (or numbered
    item) a line.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="handbook_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    notice = fields.TextField(default="")  # 会议须知: 作息时间, 会场纪律, 用餐住宿乘车 …
    contacts = fields.TextField(default="")  # 会务组: one person a line, "王小明　020-83001234　wang@example.cn"
    include_participants = fields.BooleanField(default=True)  # the 参会人员名单
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "handbook_settings"
