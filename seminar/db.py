"""Tortoise configuration: one app, every area's models, migrations in the top-level `migrations/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MODEL_MODULES = [
    "seminar.accounts.models",
    "seminar.seminars.models",
    "seminar.mail.models",
    "seminar.audit.models",
    "seminar.submissions.models",
    "seminar.reviews.models",
    "seminar.proceedings.models",
    "seminar.registration.models",
    "seminar.agenda.models",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


# For Tortoise's own command line (`tortoise -c seminar.db.TORTOISE_ORM makemigrations`):
# making migrations compares models with migration files and needs no real database.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
