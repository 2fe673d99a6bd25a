"""What a process has heard of the database's changes, and copies of its answers kept until the next one.

On PostgreSQL every transaction that writes a table who is asking is read from sends one notice
(migration 0029's triggers; `seminar.listener` hears them). Each new notice moves `stamp()` on, and a
copy kept under an older stamp is used no more. While the process's listener is not connected nothing
is heard, so `stamp()` is None and nothing is kept or used: SQLite (no listener), the tests' apps
(no lifespan), a lost connection. No asyncpg here: a process on SQLite never imports it.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# How many notices are remembered to tell a repeat: each comes once on the listener and once on every
# pooled connection of the process (they listen too, so that the process's own writes count at once).
RECENT_NOTICES = 256

_listening = False
_stamp = 0
_recent: deque[str] = deque(maxlen=RECENT_NOTICES)


def stamp() -> int | None:
    """How many changes this process has heard of (and listener (re)connections), None while it hears none."""
    return _stamp if _listening else None


def heard(notice: str) -> None:
    """A notice (the writing transaction's id) from any connection of the process; repeats count once."""
    global _stamp
    if notice in _recent:
        return
    _recent.append(notice)
    _stamp += 1


def listening(connected: bool) -> None:
    """The listener connected (from now on notices are heard) or lost (copies go unused until it is back).
    Either way the stamp moves on: nothing kept before counts after a gap in which notices went unheard."""
    global _listening, _stamp
    _listening = connected
    _stamp += 1


class Kept(Generic[K, V]):
    """Answers read from the database, kept in this process while it has heard of no change since
    (`stamp()`): the `size` most recently used, the whole lot dropped at the next change notice."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._stamp: int | None = None

    def get(self, key: K, since: int | None) -> V | None:
        """The answer kept for `key`, if there is one and `since` (what `stamp()` says now) is when it was kept."""
        if since is None or since != self._stamp:
            return None
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def keep(self, key: K, value: V, since: int | None) -> None:
        """`value`, read after `stamp()` answered `since`: kept unless a change was heard of meanwhile (the
        answer may then predate it)."""
        if since is None or since != stamp():
            return
        if since != self._stamp:
            self._values.clear()
            self._stamp = since
        self._values[key] = value
        if len(self._values) > self.size:
            self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)
