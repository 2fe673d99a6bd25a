"""The charts' geometry: bars as long as their figures, the heat map's shades, the line's steps."""

from __future__ import annotations

import datetime as dt

import pytest

from seminar.statistics import charts


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


def test_ticks_are_round_and_reach_the_largest_figure() -> None:
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0) == [0.0, 1.0]


def test_stacked_bars_are_as_long_as_their_figures() -> None:
    chart = charts.bar_chart([("王芳", (3, 1, 2)), ("李明", (6, 0, 0))], ("已提交", "草稿", "未开始"))
    first, second = chart.bars
    assert [s.value for s in first.segments] == [3, 1, 2] and first.total == 6
    assert first.end == pytest.approx(second.end)  # both total 6
    assert first.segments[1].x == pytest.approx(first.segments[0].x + first.segments[0].width)
    assert second.segments[1].width == 0 and second.y > first.y
    assert [label for _fill, label in chart.legend] == ["已提交", "草稿", "未开始"]


def test_the_heat_map_is_lightest_for_none_and_darkest_for_the_most() -> None:
    chart = charts.heat_map(["广州市", "深圳市"], ["专题一", "专题二"], {(0, 0): 5, (1, 1): 1})
    by_place = {(cell.x, cell.y): cell for cell in chart.cells}
    assert len(chart.cells) == 4
    darkest = max(chart.cells, key=lambda cell: cell.count)
    empty = [cell for cell in chart.cells if cell.count == 0]
    assert darkest.fill == charts.HEAT_FILLS[-1] and darkest.dark
    assert all(cell.fill == charts.HEAT_FILLS[0] for cell in empty) and len(by_place) == 4
    assert [label for label, _y in chart.row_labels] == ["广州市", "深圳市"]


def test_the_line_climbs_by_each_days_papers_and_marks_the_deadline() -> None:
    day = dt.date(2026, 10, 1)
    line = charts.cumulative_line([day, day, day + dt.timedelta(days=3)], day + dt.timedelta(days=9), "截止")
    assert line is not None
    assert line.last[2] == 3
    heights = [float(point.split(",")[1]) for point in line.points.split()]
    assert heights == sorted(heights, reverse=True)  # never down
    assert line.deadline is not None and line.deadline[0] == pytest.approx(line.plot_right)
    assert charts.cumulative_line([], None) is None


def test_ranges_run_from_lowest_to_highest_with_the_mean_between() -> None:
    chart = charts.range_chart([("王芳", [60, 80, 70]), ("没评的", [])], 100)
    (row,) = chart.rows
    assert row.figures == (60, 70, 80) and row.low < row.mean < row.high
    assert chart.overall == pytest.approx(row.mean)
