"""Errors a user can act on carry a message already in the user's language."""

from __future__ import annotations


class UserError(Exception):
    """Raised by domain code; routes show `message` and change nothing."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
