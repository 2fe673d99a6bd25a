"""The organizers' statistics page and its workbook."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.agenda.program import topic_label
from seminar.files import bytes_response
from seminar.i18n import _
from seminar.permissions import can_see_statistics
from seminar.spreadsheets import XLSX_TYPE
from seminar.statistics import charts
from seminar.statistics.export import statistics_xlsx
from seminar.statistics.queries import figures_of
from seminar.web import render, seminar_page


async def page(request: Request) -> Response:
    seminar = await seminar_page(request, can_see_statistics)
    figures = await figures_of(seminar)
    table = figures.city_topic
    topic_labels = [topic_label(number) for number in range(1, len(table.topics) + 1)]
    return render(request, "statistics/page.html", {
        "seminar": seminar,
        "figures": figures,
        "topic_labels": topic_labels,
        "heat": charts.heat_map(table.cities, topic_labels, table.counts),
        "line": charts.cumulative_line(figures.submission_days, figures.deadline, _("Deadline")),
        "ranges": charts.range_chart([(row.name, row.totals) for row in figures.reviewer_totals], figures.highest_total),
        "work": charts.bar_chart(
            [(row.name, (row.submitted, row.drafted, row.not_started)) for row in figures.reviewer_work],
            (_("Submitted"), _("Draft"), _("Not started")),
        ),
        "registrations": charts.bar_chart(
            [(row.unit, (row.approved, row.pending)) for row in figures.registrations],
            (_("Approved"), _("Waiting")),
        ),
    })


async def export(request: Request) -> Response:
    seminar = await seminar_page(request, can_see_statistics)
    data = statistics_xlsx(seminar.title, await figures_of(seminar))
    return bytes_response(request, data, XLSX_TYPE, filename=f"{seminar.title}-统计.xlsx")


routes: list[BaseRoute] = [
    Route("/{slug}/manage/statistics", page, name="statistics:page"),
    Route("/{slug}/manage/statistics.xlsx", export, name="statistics:export"),
]
