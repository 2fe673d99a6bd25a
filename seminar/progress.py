"""Live progress of long work (a book build, a batch of mail), as the page's progress bar shows it.

Each kind of long job has a JSON status route that answers `Progress.as_json(url)`;
`static/js/progress.js` polls it and, once `finished`, fetches `url` and swaps the page's region
for the new one. Plain data only: the areas read their job rows and build a `Progress`.

    Progress(_("Laying out pages"), done=37, total=120, seconds_left=estimate_seconds_left(9.5, None, 37, 120))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from babel.dates import format_timedelta

from seminar.i18n import _, get_locale


def estimate_seconds_left(
    elapsed: float, previous_seconds: float | None, done: int | None, total: int | None
) -> float | None:
    """Seconds still to go: what the previous run of the same job took, less the time spent so far;
    past that (or without a previous run), the items still to do at the rate of those done. None when
    neither tells.

    >>> estimate_seconds_left(4.0, 10.0, None, None), estimate_seconds_left(12.0, 10.0, 30, 40)
    (6.0, 4.0)
    """
    if previous_seconds is not None and elapsed < previous_seconds:
        return previous_seconds - elapsed
    if done and total and done < total and elapsed > 0:
        return elapsed / done * (total - done)
    return None


def duration_text(seconds: float) -> str:
    """A short duration in the reader's language: 8秒钟, 3分钟."""
    return format_timedelta(max(1, math.ceil(seconds)), threshold=1.5, locale=get_locale())


@dataclass(frozen=True)
class Progress:
    """Where one long job stands, in the reader's language.

    `done` of `total` items (either None when the stage does not count, `total` alone None when
    the count is not known beforehand; `approximate` when it is a guess, which `done` may pass); `outcome` says what the finished job came to.
    `count_text` says the count in the job's own words ("sent 12 of 50") instead of "12 of 50"; `note`
    is what else the reader should know while it runs (failures so far).
    """

    stage: str
    done: int | None = None
    total: int | None = None
    approximate: bool = False  # the total is an estimate (e.g. the page count of the last build)
    seconds_left: float | None = None
    finished: bool = False
    failed: bool = False
    outcome: str = ""
    count_text: str = ""
    note: str = ""

    @property
    def maximum(self) -> int | None:
        """The progress bar's maximum: the total, or what is done when an estimated total was passed."""
        if not self.total:
            return None
        return max(self.done or 0, self.total) if self.approximate else self.total

    @property
    def value(self) -> int | None:
        """The progress bar's value, None for a bar that only says "under way"."""
        return min(self.done, self.maximum) if self.done is not None and self.maximum else None

    @property
    def text(self) -> str:
        """One line for the bar's caption and screen readers: stage, count, time left."""
        if self.finished:
            return self.outcome or self.stage
        parts = [self.stage]
        if self.count_text:
            parts.append(self.count_text)
        elif self.value is not None and self.approximate:
            parts.append(_("%(done)s of about %(total)s", done=self.done, total=self.maximum))
        elif self.value is not None:
            parts.append(_("%(done)s of %(total)s", done=self.done, total=self.maximum))
        elif self.done:
            parts.append(_("%(done)s so far", done=self.done))
        if self.seconds_left is not None:
            parts.append(_("about %(time)s left", time=duration_text(self.seconds_left)))
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)

    def as_json(self, url: str) -> dict[str, Any]:
        """What the status route answers; `url` shows the job's result (fetched when it has finished)."""
        return {
            "stage": self.stage,
            "done": self.done,
            "maximum": self.maximum,
            "value": self.value,
            "seconds_left": None if self.seconds_left is None else math.ceil(self.seconds_left),
            "text": self.text,
            "finished": self.finished,
            "failed": self.failed,
            "url": url,
        }
