"""How far a book build has got: its states and stages, the typesetter's events read as stages, and
the words of its progress bar. Plain data: the worker stores `(stage, done, total)` on the build
row, the status route turns the row into a `Progress`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from seminar.i18n import _, ngettext
from seminar.progress import Progress, duration_text, estimate_seconds_left


class BuildStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BuildStage(StrEnum):
    """The steps of a running build, in order."""

    COLLECTING = "collecting"  # reading papers, decisions and settings
    STARTING = "starting"  # the typesetting process starts and loads its fonts
    CHECKING = "checking"  # papers laid out one at a time, to find any that cannot be typeset
    PREPARING = "preparing"  # WeasyPrint reads and styles the whole book
    LAYOUT = "layout"  # pages laid out: done of about total (the last build's page count)
    WRITING = "writing"  # the PDF written, uploaded PDF pages merged in
    STORING = "storing"  # the PDF saved in the database


Report = Callable[[BuildStage, int], None]

# WeasyPrint's progress log: "Step 1 - Fetching and parsing HTML - …" … "Step 5 - Creating layout - Page 12" …
_STEP = re.compile(r"Step (\d+) - ")
_PAGE = re.compile(r"- Page (\d+)")


class TypesetEvents:
    """Reads the typesetting child's events (see `typeset.typeset`) as stages and counts for `report`.

    Papers laid out alone count as CHECKING; the whole book's steps as PREPARING, LAYOUT (pages
    so far, never going back on a repagination) and WRITING, which includes merging uploaded PDF
    pages in (papers handled alone again). A new pass over the whole book (after papers were
    replaced by a notice) counts its pages from the start again.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.checked: set[int] = set()
        self.in_paper = False
        self.writing = False
        self.pages = 0

    def started(self) -> None:
        self.report(BuildStage.STARTING, 0)

    def __call__(self, kind: str, value: object) -> None:
        if kind == "paper" and self.writing:
            self.report(BuildStage.WRITING, self.pages)
        elif kind == "paper" and isinstance(value, int):
            self.in_paper = True
            self.checked.add(value)
            self.report(BuildStage.CHECKING, len(self.checked))
        elif kind == "step":
            self.in_paper = False
        elif kind == "laid" and isinstance(value, int):  # the book in parts: its pages laid out so far
            self.pages = max(self.pages, value)
            self.report(BuildStage.LAYOUT, self.pages)
        elif kind == "page" and not self.in_paper and (match := _STEP.match(str(value))):
            step = int(match.group(1))
            if step == 1:
                self.pages, self.writing = 0, False
            if step < 5:
                self.report(BuildStage.PREPARING, 0)
            elif step == 5:
                if page := _PAGE.search(str(value)):
                    self.pages = max(self.pages, int(page.group(1)))
                self.report(BuildStage.LAYOUT, self.pages)
            else:
                self.writing = True
                self.report(BuildStage.WRITING, self.pages)


def stage_label(stage: str) -> str:
    labels: dict[str, str] = {
        BuildStage.COLLECTING: _("Collecting papers and settings"),
        BuildStage.STARTING: _("Starting the typesetter"),
        BuildStage.CHECKING: _("Checking papers one at a time"),
        BuildStage.PREPARING: _("Reading and styling the book"),
        BuildStage.LAYOUT: _("Laying out pages"),
        BuildStage.WRITING: _("Writing the PDF"),
        BuildStage.STORING: _("Storing the PDF"),
    }
    return labels.get(stage, labels[BuildStage.STARTING])


def build_progress(
    status: str,
    stage: str,
    done: int,
    total: int | None,
    *,
    elapsed: float,
    previous_seconds: float | None,
    pages: int | None = None,
    seconds: float | None = None,
) -> Progress:
    """A build's progress bar. `elapsed` since it started (0 while queued), `previous_seconds` the
    time the last finished build of the same book took from start to end (None: there is none);
    `pages` and `seconds` (its typesetting time, as the list of builds shows it) of a finished build."""
    if status == BuildStatus.QUEUED:
        return Progress(_("Waiting in the queue"), seconds_left=previous_seconds)
    if status == BuildStatus.DONE:
        outcome = ngettext("Finished: %(num)s page in %(time)s", "Finished: %(num)s pages in %(time)s", pages or 0,
                           time=duration_text(seconds or 0))
        return Progress(_("Finished"), finished=True, outcome=outcome)
    if status == BuildStatus.FAILED:
        return Progress(_("Build failed"), finished=True, failed=True)
    counted = stage in (BuildStage.CHECKING, BuildStage.LAYOUT)
    return Progress(
        stage_label(stage),
        done=done if counted else None,
        total=total if stage == BuildStage.LAYOUT else None,
        approximate=True,
        seconds_left=estimate_seconds_left(elapsed, previous_seconds, done, total if stage == BuildStage.LAYOUT else None),
    )
