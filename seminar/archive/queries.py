"""Reads for importing an archive."""

from __future__ import annotations

from seminar.db import column
from seminar.seminars.models import Seminar
from seminar.seminars.rules import SLUG_MAX_LENGTH


async def free_slug(slug: str) -> str:
    """`slug` with the first number appended that no seminar here uses: gd-2021 → gd-2021-2."""
    taken = set(await column(Seminar.filter(slug__startswith=slug), "slug"))
    number = 2
    while (candidate := f"{slug[: SLUG_MAX_LENGTH - len(str(number)) - 1].rstrip('-')}-{number}") in taken:
        number += 1
    return candidate
