"""A long job's progress as its bar and caption show it: the estimate and the words (pure)."""

from __future__ import annotations

import pytest

from seminar.i18n import use_locale
from seminar.progress import Progress, estimate_seconds_left


@pytest.mark.parametrize(
    ("elapsed", "previous", "done", "total", "expected"),
    [
        (0.0, 12.0, None, None, 12.0),  # queued: as long as the last run took
        (4.0, 12.0, 10, 100, 8.0),  # the last run's time comes first
        (15.0, 12.0, 50, 100, 15.0),  # slower than last time: the rate of the items done so far
        (6.0, None, 20, 80, 18.0),  # no earlier run: the rate alone
        (6.0, None, None, None, None),  # nothing to go by
        (6.0, None, 80, 80, None),  # all counted, still busy: no guess
        (15.0, 12.0, None, None, None),  # past the last run's time, nothing counted
    ],
)
def test_estimate_seconds_left(
    elapsed: float, previous: float | None, done: int | None, total: int | None, expected: float | None
) -> None:
    assert estimate_seconds_left(elapsed, previous, done, total) == expected


@pytest.mark.parametrize(
    ("progress", "text", "value", "maximum"),
    [
        (Progress("正在排版页面", done=37, total=120, approximate=True, seconds_left=8.2),
         "正在排版页面 · 37 / 约 120 · 预计还需 9秒钟", 37, 120),
        # More pages than the last build had: the bar's end moves with them.
        (Progress("正在排版页面", done=130, total=120, approximate=True), "正在排版页面 · 130 / 约 130", 130, 130),
        (Progress("正在逐篇检查论文", done=3, total=5), "正在逐篇检查论文 · 3 / 5", 3, 5),
        (Progress("正在逐篇检查论文", done=3), "正在逐篇检查论文 · 已完成 3", None, None),
        (Progress("排队中", seconds_left=75), "排队中 · 预计还需 75秒钟", None, None),
        (Progress("已完成", finished=True, outcome="已完成：共 12 页，用时 5秒钟"), "已完成：共 12 页，用时 5秒钟", None, None),
    ],
)
def test_progress_text_and_bar(progress: Progress, text: str, value: int | None, maximum: int | None) -> None:
    with use_locale("zh_Hans"):
        assert (progress.text, progress.value, progress.maximum) == (text, value, maximum)


def test_progress_as_json_rounds_the_estimate_up_and_names_the_page_to_show() -> None:
    progress = Progress("Laying out pages", done=5, total=10, seconds_left=2.1)

    with use_locale("en"):
        answer = progress.as_json("/gd-2021/manage/proceedings#build-3")

    assert answer == {
        "stage": "Laying out pages", "done": 5, "maximum": 10, "value": 5, "seconds_left": 3,
        "text": "Laying out pages · 5 of 10 · about 3 seconds left", "finished": False, "failed": False,
        "url": "/gd-2021/manage/proceedings#build-3",
    }
