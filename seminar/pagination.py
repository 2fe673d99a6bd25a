"""One page of a list: two queries (count and rows) whatever the page size.

    page = await paginate(OutboxMail.filter(seminar_id=seminar.id), page_number(request))
    {{ pagination.nav(page, request.url) }}   # templates/_macros/pagination.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.requests import Request
from tortoise.models import Model
from tortoise.queryset import QuerySet

from seminar.text import whole_number

M = TypeVar("M", bound=Model)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        """How many pages there are (at least one, even for an empty list)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def page_number(request: Request) -> int:
    """The `?page=` asked for; anything that is not a positive number means the first page."""
    value = request.query_params.get("page", "")
    number = whole_number(value)
    return number if number is not None and number > 0 else 1


async def paginate(query: QuerySet[M], number: int, size: int = PAGE_SIZE) -> Page[M]:
    """Page `number` of `query` (clamped to the last page), in the query's own order."""
    total = await query.count()
    number = min(number, max(1, -(-total // size)))
    items = await query.offset((number - 1) * size).limit(size)
    return Page(items=list(items), number=number, size=size, total=total)
