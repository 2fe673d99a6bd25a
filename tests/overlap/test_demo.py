"""The demo's 查重: the planted pair and the quoting paper stand out, every other demo paper is under the threshold."""

from __future__ import annotations

import datetime as dt

import lxml.html

from seminar.demo import build_demo
from seminar.overlap.models import CheckState, OverlapCheck, OverlapMatch, OverlapSettings, ReferenceDocument
from seminar.submissions.demo_data import POLICY_PARAGRAPHS, POLICY_TITLE
from seminar.submissions.models import Paper, PaperStatus
from tests.conftest import Client

TODAY = dt.date(2026, 11, 25)
PAIR = ("综治中心与“信访超市”一体化", "“基层发令、部门执行”机制")
QUOTING = "重大决策社会稳定风险评估"


async def _report(client: Client, paper: Paper) -> lxml.html.HtmlElement:
    response = await client.get(f"/gd-2021/overlap/papers/{paper.number}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.text)


async def test_demo_reports_show_the_shared_passage_and_the_quoted_policy_and_nothing_else_stands_out(
    client: Client,
) -> None:
    summary = await build_demo(today=TODAY)
    checks = {check.paper_id: check for check in await OverlapCheck.filter(seminar__slug="gd-2021")}
    papers = {paper.title: paper for paper in await Paper.filter(seminar__slug="gd-2021", status=PaperStatus.SUBMITTED)}
    threshold = (await OverlapSettings.get(seminar__slug="gd-2021")).threshold

    # Checked while the demo was built: no worker needed.
    assert summary.overlap_checks == len(papers) == len(checks)
    assert all(check.state is CheckState.DONE for check in checks.values())
    first, second = (papers[title] for title in PAIR)
    quoting = papers[QUOTING]
    for paper in (first, second):
        assert checks[paper.id].copied_without_quotation >= threshold
    assert checks[quoting.id].copied >= 0.1 and checks[quoting.id].copied_without_quotation < 0.02
    others = {title: checks[paper.id].copied for title, paper in papers.items() if paper not in (first, second, quoting)}
    assert max(others.values()) < min(0.1, threshold), sorted(others.items(), key=lambda item: -item[1])[:3]

    await client.login("organizer@example.org")
    for paper, other in ((first, second), (second, first)):
        page = await _report(client, paper)
        sources = page.xpath("//table[contains(@class, 'overlap-sources')]")[0].text_content()
        assert f"#{other.number} {other.title}" in sources
        marks = [m.text_content() for m in page.xpath("//div[contains(@class, 'side-by-side')]//mark")]
        assert any("发令事项清单" in mark and len(mark) > 300 for mark in marks)
    page = await _report(client, quoting)
    assert POLICY_TITLE in page.xpath("//table[contains(@class, 'overlap-sources')]")[0].text_content()
    marks = " ".join(m.text_content() for m in page.xpath("//div[contains(@class, 'side-by-side')]//mark"))
    assert "确定低、中、高三个风险等级" in marks and POLICY_PARAGRAPHS[3].split("。", 1)[1][:40] in marks

    # The list flags the pair only.
    listing = lxml.html.fromstring((await client.get("/gd-2021/manage/papers?sort=overlap")).text)
    flagged = {
        row.xpath("td")[3].text_content().strip()
        for row in listing.xpath("//table[contains(@class, 'papers')]/tbody/tr")
        if row.xpath(".//span[contains(@class, 'overlap-flag')]")
    }
    assert flagged == set(PAIR)


async def test_demo_built_again_adds_no_document_check_or_match() -> None:
    await build_demo(today=TODAY)
    counts = [await model.all().count() for model in (ReferenceDocument, OverlapCheck, OverlapMatch)]
    finished = sorted(await OverlapCheck.all().values_list("id", "finished_at"))

    again = await build_demo(today=TODAY)

    assert again.overlap_checks == 0
    assert [await model.all().count() for model in (ReferenceDocument, OverlapCheck, OverlapMatch)] == counts
    assert sorted(await OverlapCheck.all().values_list("id", "finished_at")) == finished


async def test_the_live_demo_seminars_submitted_papers_are_checked_too_and_stay_under_the_threshold() -> None:
    await build_demo(today=TODAY)

    checks = await OverlapCheck.filter(seminar__slug="gd-next")
    threshold = (await OverlapSettings.get(seminar__slug="gd-next")).threshold
    assert len(checks) == await Paper.filter(seminar__slug="gd-next", status=PaperStatus.SUBMITTED).count() == 3
    assert all(check.state is CheckState.DONE and check.copied_without_quotation < threshold for check in checks)
