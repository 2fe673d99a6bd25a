"""The seminar administration system.

Things are set here, before any model class is defined, because importing Tortoise costs every
process (each server worker, each `seminar` command) more than it needs to:

- Tortoise looks for `#:` comments above each model's fields (to use as their descriptions) by
  reading the class's source, which means parsing its whole module again for every model class.
  Our models carry no such comments (tests/test_project.py checks), so it is told there are none.
  Its own `Model` class is read while Tortoise is imported, before it can be told: its module's
  source (2,000 lines to parse, 25 ms) is shown to it as empty for that moment, which reads as no
  comments, as for any class whose source is not at hand.
- `tortoise.validators` compiles a regular expression for internationalised domain names when it
  is imported (20 ms: a case-insensitive class over most of Unicode) that we never use; it is
  compiled the first time it is used instead (`_LazyPattern`).

Both only when this package is imported before Tortoise, as it is by `seminar` and its server; a
Python whose `inspect` or `re` works otherwise just pays the costs again.
"""

import importlib.util
import linecache
import os
import re
import sys
from typing import Any

# Part of the one pattern compiled lazily: the validators' "any letter beyond ASCII" class.
_UNICODE_LETTERS = "\u00a1-\uffff"


class _LazyPattern:
    """A compiled pattern, compiled when first used."""

    def __init__(self, compile: Any, pattern: str, flags: int) -> None:
        self._compile, self._pattern, self._flags = compile, pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = self._compile(self._pattern, self._flags)
        return getattr(self._compiled, name)


def _import_tortoise() -> None:
    spec = importlib.util.find_spec("tortoise")
    locations = spec.submodule_search_locations if spec is not None else None
    models_path = os.path.join(locations[0], "models.py") if locations else ""
    compile_now = re.compile

    def compile_lazily(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and _UNICODE_LETTERS in pattern:
            return _LazyPattern(compile_now, pattern, flags)
        return compile_now(pattern, flags)

    if models_path:
        linecache.cache[models_path] = (0, None, [], models_path)  # no mtime: `checkcache` leaves it
    re.compile = compile_lazily  # only while Tortoise is imported
    try:
        import tortoise.models  # noqa: F401
    finally:
        re.compile = compile_now
        if models_path:
            linecache.cache.pop(models_path, None)


if "tortoise" not in sys.modules:
    _import_tortoise()

import tortoise.models  # noqa: E402


def _no_field_comments(cls: type) -> dict[str, str]:
    return {}


tortoise.models._get_comments = _no_field_comments
