"""The ASGI application for uvicorn by import string (`seminar.asgi:app`), needed for `--workers N`.

Each worker process imports this module and builds its own app from the environment.
"""

from __future__ import annotations

from seminar.app import create_app

app = create_app()
