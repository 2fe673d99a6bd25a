"""State changes of the seminars area: create and edit seminars, add, edit, move and delete topics.

Each action runs in one transaction and raises `UserError` (with a translated message) when the
change cannot be made; then nothing has changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from seminar.accounts.models import Role, RoleName, User
from seminar.errors import UserError
from seminar.i18n import _
from seminar.seminars.clone import copy_setup
from seminar.seminars.defaults import DEFAULT_TOPICS
from seminar.seminars.models import Seminar, Topic
from seminar.seminars.rules import Schedule, is_valid_zone, moved, schedule_problems, slug_problem, to_aware

_DATETIME_FIELDS = ("submission_opens_at", "submission_deadline", "review_deadline", "final_version_deadline")


def _slug_taken(slug: str) -> UserError:
    return UserError(
        _("The short name “%(slug)s” is already used by another seminar; please choose another.", slug=slug),
        field="slug",
    )


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values to store: datetimes read in the seminar's zone, every rule checked."""
    fields = dict(values)
    zone = fields.get("time_zone") or "Asia/Shanghai"
    if not is_valid_zone(zone):
        raise UserError(_("Unknown time zone."), field="time_zone")
    fields["time_zone"] = zone
    fields["slug"] = str(fields["slug"]).strip()
    if problem := slug_problem(fields["slug"]):
        raise UserError(problem, field="slug")
    for name in _DATETIME_FIELDS:
        fields[name] = to_aware(fields.get(name), zone)
    problems = schedule_problems(
        Schedule(
            starts_on=fields["starts_on"],
            ends_on=fields["ends_on"],
            submission_opens_at=fields.get("submission_opens_at"),
            submission_deadline=fields.get("submission_deadline"),
            review_deadline=fields.get("review_deadline"),
        )
    )
    if problems:
        name, message = next(iter(problems.items()))
        raise UserError(message, field=name)
    return fields


async def create_seminar(values: Mapping[str, Any], creator: User, copy_from: Seminar | None = None) -> Seminar:
    """Create a seminar with the six default topics — or with the topics, review form, mail wording and
    settings of `copy_from` (see `clone`); `creator` becomes its organizer.

    `values` holds the model's fields, with datetimes as wall-clock times in `time_zone`.
    """
    fields = _checked(values)
    if await Seminar.filter(slug=fields["slug"]).exists():
        raise _slug_taken(fields["slug"])
    try:
        async with in_transaction():
            seminar = await Seminar.create(**fields)
            if copy_from is not None:
                await copy_setup(copy_from.id, seminar.id)
            else:
                await Topic.bulk_create(
                    [
                        Topic(seminar=seminar, position=position, title=topic.title, description=topic.description)
                        for position, topic in enumerate(DEFAULT_TOPICS, start=1)
                    ]
                )
            await Role.create(user=creator, seminar=seminar, name=RoleName.ORGANIZER)
    except IntegrityError as error:  # the same slug saved a moment earlier by someone else
        raise _slug_taken(fields["slug"]) from error
    return seminar


async def update_seminar(seminar: Seminar, values: Mapping[str, Any], opened_version: int) -> Seminar:
    """Save the settings form, unless the seminar changed since the form was opened at `opened_version`."""
    fields = _checked(values)
    if await Seminar.filter(slug=fields["slug"]).exclude(id=seminar.id).exists():
        raise _slug_taken(fields["slug"])
    try:
        async with in_transaction():
            # Compare and bump in one statement, so two saves of the same version cannot both win.
            updated = await Seminar.filter(id=seminar.id, version=opened_version).update(
                **fields, version=opened_version + 1, updated_at=dt.datetime.now(dt.UTC)
            )
    except IntegrityError as error:
        raise _slug_taken(fields["slug"]) from error
    if not updated:
        raise UserError(
            _(
                "Someone changed these settings after you opened this form, so nothing was saved. "
                "Reload the page to see the current settings, then make your changes again."
            ),
            field="version",
        )
    return await Seminar.get(id=seminar.id)


async def add_topic(seminar: Seminar, title: str, description: str = "") -> Topic:
    async with in_transaction():
        count = await Topic.filter(seminar_id=seminar.id).count()
        return await Topic.create(
            seminar_id=seminar.id, position=count + 1, title=title.strip(), description=description.strip()
        )


async def update_topic(topic: Topic, title: str, description: str) -> Topic:
    topic.title = title.strip()
    topic.description = description.strip()
    await topic.save(update_fields=["title", "description"])
    return topic


async def _renumber(seminar_id: int, order: list[int]) -> None:
    """Positions 1..n in the given order (only rows whose position changes are written)."""
    current = dict(await Topic.filter(seminar_id=seminar_id).values_list("id", "position"))
    for position, topic_id in enumerate(order, start=1):
        if current.get(topic_id) != position:
            await Topic.filter(id=topic_id).update(position=position)


async def _order(seminar_id: int) -> list[int]:
    return [topic.id for topic in await Topic.filter(seminar_id=seminar_id).order_by("position", "id").only("id")]


async def move_topic(topic: Topic, offset: int) -> None:
    """Move one place up (−1) or down (+1); at either end nothing moves."""
    async with in_transaction():
        await _renumber(topic.seminar_id, moved(await _order(topic.seminar_id), topic.id, offset))


async def delete_topic(topic: Topic) -> None:
    seminar_id: int = topic.seminar_id
    async with in_transaction():
        await topic.delete()
        await _renumber(seminar_id, await _order(seminar_id))
