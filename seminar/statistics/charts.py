"""The geometry of the statistics page's charts: figures in, shapes with coordinates out.

Pure: no database, no markup. `templates/statistics/_charts.html` draws the shapes as inline
SVG (nothing from a CDN, no script, readable in print), and the page shows each chart's table
beside it, so the figures are there for a screen reader and for copying. Colours are SVG
attributes rather than styles, which the Content-Security-Policy leaves alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Bars, from light to dark: one hue, so a chart printed in grey still reads.
SEGMENT_FILLS = ("#1f5f99", "#7fb0dc", "#d5e4f2")
HEAT_FILLS = ("#f4f7fb", "#d5e4f2", "#a9c9e8", "#7fb0dc", "#4b8bc4", "#1f5f99")
LABEL_WIDTH = 150
WIDTH = 640


@dataclass(frozen=True)
class Tick:
    position: float  # x (or y) in the chart's coordinates
    label: str


def nice_ticks(largest: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 5 × 10ⁿ) up to at least `largest`."""
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(largest / step) * step
    return [i * step for i in range(int(round(top / step)) + 1)]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


# ---------- horizontal bars, one or more segments each ----------


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: float
    fill: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple[Segment, ...]
    total: float
    end: float  # x where the bar ends, for its figure


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: int
    height: int
    plot_left: int
    plot_width: int
    bar_height: int
    legend: tuple[tuple[str, str], ...]  # (fill, label)


def bar_chart(rows: Sequence[tuple[str, Sequence[float]]], legend: Sequence[str] = (),
              bar_height: int = 16, gap: int = 6) -> BarChart:
    """One bar a row, its segments stacked left to right (e.g. submitted, drafted, not started)."""
    plot_left, plot_width = LABEL_WIDTH, WIDTH - LABEL_WIDTH - 40
    ticks = nice_ticks(max((sum(values) for _label, values in rows), default=0))
    scale = plot_width / ticks[-1]
    bars = []
    for index, (label, values) in enumerate(rows):
        x, segments = float(plot_left), []
        for position, value in enumerate(values):
            segments.append(Segment(x, value * scale, value, SEGMENT_FILLS[position % len(SEGMENT_FILLS)]))
            x += value * scale
        bars.append(Bar(label, 24 + index * (bar_height + gap), tuple(segments), sum(values), x))
    height = 24 + len(rows) * (bar_height + gap) + 24
    return BarChart(
        tuple(bars), tuple(Tick(plot_left + t * scale, _number(t)) for t in ticks), WIDTH, height,
        plot_left, plot_width, bar_height,
        tuple((SEGMENT_FILLS[i % len(SEGMENT_FILLS)], text) for i, text in enumerate(legend)),
    )


# ---------- a heat map: rows × columns of counts ----------


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    count: int
    fill: str
    dark: bool  # the figure is written in white


@dataclass(frozen=True)
class HeatMap:
    row_labels: tuple[tuple[str, float], ...]  # (label, y of its middle)
    column_labels: tuple[tuple[str, float], ...]  # (label, x of its middle)
    cells: tuple[Cell, ...]
    cell_width: int
    cell_height: int
    width: int
    height: int


def heat_map(rows: Sequence[str], columns: Sequence[str], counts: Mapping[tuple[int, int], int]) -> HeatMap:
    """`counts[(row index, column index)]`; a cell's shade grows with its count, 0 is the lightest."""
    top, left = 28, LABEL_WIDTH - 10  # room for 横琴粤澳深度合作区
    cell_width = max(36, min(80, (WIDTH - left) // max(1, len(columns))))
    cell_height = 20
    largest = max(counts.values(), default=0)
    cells = []
    for r in range(len(rows)):
        for c in range(len(columns)):
            count = counts.get((r, c), 0)
            level = _heat_level(count, largest)
            cells.append(Cell(left + c * cell_width, top + r * cell_height, count, HEAT_FILLS[level], level >= 4))
    return HeatMap(
        tuple((label, top + r * cell_height + cell_height / 2) for r, label in enumerate(rows)),
        tuple((label, left + c * cell_width + cell_width / 2) for c, label in enumerate(columns)),
        tuple(cells), cell_width, cell_height,
        left + len(columns) * cell_width + 4, top + len(rows) * cell_height + 4,
    )


def _heat_level(count: int, largest: int) -> int:
    """0 for none, then 1 … the darkest in equal steps up to the largest count."""
    if count == 0:
        return 0
    if largest <= 1:
        return len(HEAT_FILLS) - 1
    return 1 + round((len(HEAT_FILLS) - 2) * (count - 1) / (largest - 1))


# ---------- a cumulative line over days, with the deadline ----------


@dataclass(frozen=True)
class LineChart:
    points: str  # the polyline's "x,y x,y …"
    last: tuple[float, float, int]  # where the line ends, and its figure
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    deadline: tuple[float, str] | None  # x and label
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    plot_right: int


def cumulative_line(moments: Sequence[dt.date], deadline: dt.date | None, label: str = "") -> LineChart | None:
    """How many had arrived by each day (a step line), from the first day to the deadline or the last."""
    if not moments:
        return None
    days = sorted(moments)
    first = days[0]
    last = max(days[-1], deadline) if deadline else days[-1]
    span = max(1, (last - first).days + 1)
    left, right, top, bottom = 40, WIDTH - 20, 16, 200
    y_ticks = nice_ticks(len(days), 4)
    x_of = lambda day: left + (right - left) * ((day - first).days + 1) / span  # noqa: E731  # end of that day
    y_of = lambda n: bottom - (bottom - top) * n / y_ticks[-1]  # noqa: E731
    per_day = Counter(days)
    points, count = [f"{left:.1f},{bottom:.1f}"], 0
    for day in sorted(per_day):
        start_x = x_of(day) - (right - left) / span
        points.append(f"{start_x:.1f},{y_of(count):.1f}")
        count += per_day[day]
        points.append(f"{start_x:.1f},{y_of(count):.1f}")
    end_x = x_of(days[-1])
    points.append(f"{end_x:.1f},{y_of(count):.1f}")
    step = max(1, span // 6)
    x_ticks = tuple(
        Tick(x_of(first + dt.timedelta(days=i)) - (right - left) / span, f"{(first + dt.timedelta(days=i)):%m-%d}")
        for i in range(0, span, step)
    )
    mark = (x_of(deadline), label) if deadline else None
    return LineChart(
        " ".join(points), (end_x, y_of(count), count), x_ticks,
        tuple(Tick(y_of(t), _number(t)) for t in y_ticks), mark, WIDTH, bottom + 30, left, top, bottom, right,
    )


# ---------- ranges: each row's lowest, mean and highest ----------


@dataclass(frozen=True)
class Range:
    label: str
    y: float
    low: float
    mean: float
    high: float
    figures: tuple[float, float, float]


@dataclass(frozen=True)
class RangeChart:
    rows: tuple[Range, ...]
    ticks: tuple[Tick, ...]
    overall: float | None  # x of everyone's mean
    width: int
    height: int
    plot_left: int
    plot_right: int


def range_chart(rows: Sequence[tuple[str, Sequence[float]]], scale_max: float) -> RangeChart:
    """Each row's values as a line from lowest to highest with a dot at the mean; a dashed line at
    the mean of all values, so a strict or a generous reviewer stands out."""
    left, right = LABEL_WIDTH, WIDTH - 30
    ticks = nice_ticks(scale_max)
    x_of = lambda v: left + (right - left) * v / ticks[-1]  # noqa: E731
    shown: list[Range] = []
    every: list[float] = []
    for index, (label, values) in enumerate(row for row in rows if row[1]):
        mean = sum(values) / len(values)
        every.extend(values)
        shown.append(Range(label, 24 + index * 22, x_of(min(values)), x_of(mean), x_of(max(values)),
                           (min(values), mean, max(values))))
    overall = x_of(sum(every) / len(every)) if every else None
    return RangeChart(tuple(shown), tuple(Tick(x_of(t), _number(t)) for t in ticks), overall, WIDTH,
                      24 + len(shown) * 22 + 24, left, right)
