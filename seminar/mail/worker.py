"""The mail worker (filled in by the mail area)."""

from __future__ import annotations

import asyncio

from seminar.config import Settings


async def run_forever(settings: Settings, stop: asyncio.Event) -> None:
    await stop.wait()
