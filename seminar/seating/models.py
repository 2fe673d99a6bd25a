"""A seminar's seat plan for the main hall: its layout, who is chosen for the 主席台, and the seats taken.

`version` goes up with every change (a move, a regeneration, a registration refused that freed a
seat), so a page opened before it is told so and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from seminar.seating.plan import Zone

if TYPE_CHECKING:
    from seminar.registration.models import Registration
    from seminar.seminars.models import Seminar


class SeatPlan(Model):
    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="seat_plan", on_delete=fields.CASCADE
    )
    seminar_id: int
    title = fields.CharField(max_length=200, default="")  # the meeting the plan is for (开班式); empty: the seminar's title
    dais_rows = fields.IntField(default=1)
    dais_seats = fields.IntField(default=7)
    rows = fields.IntField(default=10)
    seats_per_row = fields.IntField(default=20)
    # {"row": "label"}: hall rows kept out of the generated plan (嘉宾, 工作人员).
    reserved: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    second_on_left = fields.BooleanField(default=True)
    # Registration ids the organizer chose for the 主席台.
    dais_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    version = fields.IntField(default=0)
    # Seats moved by hand since the plan was last generated: regenerating asks first.
    moved_by_hand = fields.BooleanField(default=False)
    generated_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "seat_plan"


class Seat(Model):
    """One taken seat (a person has at most one)."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[SeatPlan] = fields.ForeignKeyField(
        "models.SeatPlan", related_name="seats", on_delete=fields.CASCADE
    )
    plan_id: int
    registration: fields.OneToOneRelation[Registration] = fields.OneToOneField(
        "models.Registration", related_name="seat", on_delete=fields.CASCADE
    )
    registration_id: int
    zone = fields.CharEnumField(Zone, max_length=10)
    row = fields.IntField()
    number = fields.IntField()

    class Meta:
        table = "seat"
        unique_together = (("plan", "zone", "row", "number"),)
