"""Outbox pages for organizers (filled in by the mail area)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
