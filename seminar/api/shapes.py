"""What the API answers, as typed dataclasses: the one source of both the JSON and its OpenAPI schema.

Each endpoint's answer is built as one of these classes and turned into JSON by `to_json`; the
OpenAPI document's schemas come from the same classes through `json_schema`, so a field added to
an answer is in the document too, with its type, and `tests/api/` checks every answer against it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Problem:
    """An error: a machine-readable code and a message for the person reading it."""

    error: str
    message: str


@dataclasses.dataclass(frozen=True)
class Seminar:
    slug: str
    title: str
    description: str
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str
    submission_deadline: dt.datetime | None
    review_deadline: dt.datetime | None
    blind_review: bool
    reviews_per_paper: int
    roles: list[str]  # the token owner's roles in the seminar


@dataclasses.dataclass(frozen=True)
class Topic:
    id: int
    position: int
    title: str
    description: str


@dataclasses.dataclass(frozen=True)
class Author:
    name: str
    unit: str
    job_title: str
    is_contact: bool
    is_presenter: bool


@dataclasses.dataclass(frozen=True)
class Paper:
    """A paper as the token's owner may see it: its city and authors only where they may read the paper itself."""

    number: int
    title: str
    subtitle: str
    keywords: list[str]
    topic_id: int | None
    status: str
    submitted_at: dt.datetime | None
    city: str | None
    authors: list[Author] | None


@dataclasses.dataclass(frozen=True)
class ReviewSummary:
    """A paper's reviews counted, never who wrote them or what they say."""

    paper_number: int
    title: str
    reviews_submitted: int
    reviews_in_progress: int
    mean_total: float | None


@dataclasses.dataclass(frozen=True)
class Decision:
    """For the organizers, the decision as it stands; for a city, the one it was told."""

    paper_number: int
    title: str
    outcome: str
    award: str | None
    notified_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class Registration:
    id: int
    name: str
    unit: str
    position: str
    email: str
    status: str
    registered_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class AgendaSlot:
    kind: str
    start: dt.datetime
    minutes: int
    title: str
    speaker: str | None
    paper_number: int | None


@dataclasses.dataclass(frozen=True)
class AgendaSession:
    title: str
    room: str
    start: dt.datetime
    end: dt.datetime
    chair: str | None
    slots: list[AgendaSlot]


@dataclasses.dataclass(frozen=True)
class Agenda:
    """The published agenda (what everyone may read on the seminar's agenda page); none yet: `published` false."""

    published: bool
    release: int | None
    published_at: dt.datetime | None
    sessions: list[AgendaSession]


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: `items`, and where it is in the whole."""

    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int


# ---------- to JSON ----------


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


# ---------- to JSON Schema (OpenAPI 3.1) ----------

SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dt.datetime: {"type": "string", "format": "date-time"},
    dt.date: {"type": "string", "format": "date"},
}


def _ref(cls: type) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{cls.__name__}"}


def type_schema(hint: Any) -> dict[str, Any]:
    """The schema of one field's type; dataclasses by reference to their component."""
    if isinstance(hint, TypeVar):
        return {}  # a Page's items: `page_schema` names their class
    if hint in SCALARS:
        return dict(SCALARS[hint])
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(hint) if arg is not type(None)]
        assert len(options) == 1, f"only `X | None` unions: {hint}"
        inner = type_schema(options[0])
        if "type" in inner and isinstance(inner["type"], str):
            return {**inner, "type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is list:
        (item,) = get_args(hint)
        return {"type": "array", "items": type_schema(item)}
    if dataclasses.is_dataclass(hint):
        return _ref(typing.cast(type, hint))
    raise TypeError(f"no schema for {hint!r}")


def object_schema(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls)
    fields = dataclasses.fields(cls)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: type_schema(hints[f.name]) for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):  # dataclass's generated doc is no description
        schema["description"] = " ".join(cls.__doc__.split())
    return schema


def page_schema(item: type) -> dict[str, Any]:
    schema = object_schema(Page)
    schema["properties"]["items"] = {"type": "array", "items": _ref(item)}
    schema["description"] = f"One page of {item.__name__} items."
    return schema


def components(classes: list[type]) -> dict[str, dict[str, Any]]:
    """Schemas for `classes` and every dataclass their fields name, by class name."""
    found: dict[str, dict[str, Any]] = {}
    waiting = list(classes)
    while waiting:
        cls = waiting.pop()
        if cls.__name__ in found:
            continue
        found[cls.__name__] = object_schema(cls)
        for hint in get_type_hints(cls).values():
            waiting.extend(_dataclasses_in(hint))
    return dict(sorted(found.items()))


def _dataclasses_in(hint: Any) -> list[type]:
    if dataclasses.is_dataclass(hint):
        return [typing.cast(type, hint)]
    return [cls for arg in get_args(hint) for cls in _dataclasses_in(arg)]
