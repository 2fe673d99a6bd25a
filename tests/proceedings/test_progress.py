"""A book build's progress: the typesetter's events read as stages, and each state's words (pure)."""

from __future__ import annotations

import pytest

from seminar.i18n import use_locale
from seminar.proceedings.progress import BuildStage, TypesetEvents, build_progress

HTML = ("page", "Step 1 - Fetching and parsing HTML - HTML string")
CSS = ("page", "Step 3 - Applying CSS")


def page(number: int) -> tuple[str, object]:
    return ("page", f"Step 5 - Creating layout - Page {number}")


@pytest.mark.parametrize(
    ("events", "reported"),
    [
        # One pass over the whole book.
        ([HTML, CSS, page(1), page(2), ("page", "Step 6 - Creating PDF")],
         [("preparing", 0), ("preparing", 0), ("layout", 1), ("layout", 2), ("writing", 2)]),
        # A repagination starts the pages again: the count does not go back.
        ([page(1), page(2), page(3), ("page", "Step 5 - Creating layout - Repagination #1"), page(1)],
         [("layout", 1), ("layout", 2), ("layout", 3), ("layout", 3), ("layout", 3)]),
        # Papers laid out alone are counted once each; their own pages are not the book's.
        ([("paper", 7), HTML, page(1), ("step", "book"), ("paper", 9), page(1), ("step", "book"), ("paper", 7)],
         [("checking", 1), ("checking", 2), ("checking", 2)]),
        # Uploaded PDF pages are merged in, each paper alone, as the PDF is written.
        ([page(1), ("page", "Step 6 - Creating PDF"), ("paper", 13), ("step", "book"), ("paper", 23)],
         [("layout", 1), ("writing", 1), ("writing", 1), ("writing", 1)]),
        # After papers were replaced by a notice, the book is laid out anew from its first page.
        ([page(1), page(2), ("paper", 4), ("step", "book"), HTML, page(1)],
         [("layout", 1), ("layout", 2), ("checking", 1), ("preparing", 0), ("layout", 1)]),
    ],
)
def test_typeset_events_read_as_stages(events: list[tuple[str, object]], reported: list[tuple[str, int]]) -> None:
    heard: list[tuple[str, int]] = []
    watch = TypesetEvents(lambda stage, done: heard.append((stage.value, done)))

    for kind, value in events:
        watch(kind, value)

    assert heard == reported


@pytest.mark.parametrize(
    ("state", "text", "finished"),
    [
        (dict(status="queued", stage="", done=0, total=None, elapsed=0.0, previous_seconds=11.5),
         "排队中 · 预计还需 12秒钟", False),
        (dict(status="queued", stage="", done=0, total=None, elapsed=0.0, previous_seconds=None), "排队中", False),
        (dict(status="running", stage="collecting", done=0, total=None, elapsed=1.0, previous_seconds=11.5),
         "正在读取论文和设置 · 预计还需 11秒钟", False),
        (dict(status="running", stage="layout", done=40, total=120, elapsed=5.0, previous_seconds=None),
         "正在排版页面 · 40 / 约 120 · 预计还需 10秒钟", False),
        (dict(status="running", stage="checking", done=2, total=None, elapsed=5.0, previous_seconds=None),
         "正在逐篇检查论文 · 已完成 2", False),
        (dict(status="running", stage="storing", done=0, total=None, elapsed=12.0, previous_seconds=11.5),
         "正在保存 PDF", False),
        (dict(status="done", stage="storing", done=0, total=None, elapsed=12.0, previous_seconds=None, pages=189,
              seconds=6.2), "已完成：共 189 页，用时 7秒钟", True),
        (dict(status="failed", stage="layout", done=3, total=None, elapsed=12.0, previous_seconds=None), "生成失败", True),
    ],
)
def test_build_progress_says_the_stage_count_and_time_left(state: dict[str, object], text: str, finished: bool) -> None:
    with use_locale("zh_Hans"):
        progress = build_progress(
            str(state.pop("status")), str(state.pop("stage")), state.pop("done"), state.pop("total"), **state  # type: ignore[arg-type]
        )

        assert (progress.text, progress.finished) == (text, finished)


def test_every_stage_has_its_own_words() -> None:
    with use_locale("zh_Hans"):
        texts = {build_progress("running", stage, 0, None, elapsed=0, previous_seconds=None).stage for stage in BuildStage}

    assert len(texts) == len(BuildStage)
