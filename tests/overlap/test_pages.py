"""查重 as organizers and reviewers see it: the list column, the report, the library, marks (HTTP)."""

from __future__ import annotations

import lxml.html

from seminar.audit.models import AuditEntry
from seminar.overlap.models import OverlapMatch, OverlapSettings, ReferenceDocument
from seminar.overlap.worker import check_pending
from tests.conftest import Client, flashes
from tests.factories import make_assignment, make_organizer, make_reviewer, make_seminar, make_submitter
from tests.overlap.helpers import POLICY, SHARED, own_text, submitted_paper


async def _two_papers_sharing_a_passage():  # type: ignore[no-untyped-def]
    seminar = await make_seminar()
    first = await submitted_paper(seminar, "广州市", own_text("a"), SHARED, own_text("b"))
    await check_pending()
    second = await submitted_paper(seminar, "深圳市", own_text("c"), SHARED, own_text("d"))
    await check_pending()
    return seminar, first, second


async def test_organizers_see_the_ratio_on_the_list_flagged_and_sortable(client: Client) -> None:
    seminar, first, second = await _two_papers_sharing_a_passage()
    await OverlapSettings.create(seminar=seminar, threshold=0.05)
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    page = lxml.html.fromstring((await client.get("/gd-2021/manage/papers?sort=overlap")).text)
    rows = page.xpath("//table[contains(@class, 'papers')]/tbody/tr")
    assert [r.xpath("td")[0].text_content() for r in rows] == [f"#{second.number}", f"#{first.number}"]
    cell = rows[0].xpath("td")[-1]
    assert cell.xpath(".//span[contains(@class, 'overlap-flag')]") and "%" in cell.text_content()
    assert rows[1].xpath("td")[-1].text_content().strip() == "0.0%"


async def test_the_report_shows_the_passage_in_both_texts_and_the_source(client: Client) -> None:
    seminar, first, second = await _two_papers_sharing_a_passage()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.get(f"/gd-2021/overlap/papers/{second.number}")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    assert f"#{first.number} {first.title}" in page.xpath("//table[contains(@class, 'overlap-sources')]")[0].text_content()
    marks = [m.text_content() for m in page.xpath("//div[contains(@class, 'side-by-side')]//mark")]
    assert len(marks) == 2 and all("由社区党员担任网格长" in m for m in marks)
    status = await client.get(f"/gd-2021/overlap/papers/{second.number}/status")
    assert status.json()["finished"] is True


async def test_marking_a_match_acceptable_needs_a_reason_and_is_audited(client: Client) -> None:
    seminar, _first, second = await _two_papers_sharing_a_passage()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    match = await OverlapMatch.get()

    refused = await client.post_form(f"/gd-2021/manage/overlap/matches/{match.id}", {"acceptable": "y", "reason": ""})
    assert refused.status_code == 303 and not (await OverlapMatch.get()).acceptable
    done = await client.post_form(f"/gd-2021/manage/overlap/matches/{match.id}", {"acceptable": "y", "reason": "联合课题成果"})
    assert done.status_code == 303
    assert (await OverlapMatch.get()).acceptable_reason == "联合课题成果"
    assert await AuditEntry.filter(action="overlap:mark", user_id=organizer.id).exists()
    page = (await client.get(f"/gd-2021/overlap/papers/{second.number}")).text
    assert "联合课题成果" in page


async def test_the_reference_library_takes_a_document_and_checks_again(client: Client) -> None:
    seminar = await make_seminar()
    paper = await submitted_paper(seminar, "广州市", own_text("a"), POLICY)
    await check_pending()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    response = await client.post_form(
        "/gd-2021/manage/overlap/documents", {"title": "关于加强基层治理的意见"},
        files={"manuscript": ("意见.txt", POLICY.encode(), "text/plain")},
    )
    assert response.status_code == 303, flashes(response)
    assert await ReferenceDocument.filter(seminar_id=seminar.id).count() == 1
    await check_pending()
    page = lxml.html.fromstring((await client.get(f"/gd-2021/overlap/papers/{paper.number}")).text)
    assert "关于加强基层治理的意见" in page.xpath("//table[contains(@class, 'overlap-sources')]")[0].text_content()
    library = await client.get("/gd-2021/manage/overlap")
    assert "意见.txt" in library.text
    document = await ReferenceDocument.get()
    removed = await client.post_form(f"/gd-2021/manage/overlap/documents/{document.id}/delete")
    assert removed.status_code == 303 and not await ReferenceDocument.exists()


async def test_reviewers_read_the_report_only_when_allowed_and_assigned_and_cities_never(client: Client) -> None:
    seminar, first, second = await _two_papers_sharing_a_passage()
    reviewer = await make_reviewer(seminar, email="reviewer@example.org")
    await make_assignment(second, reviewer)
    submitter = await make_submitter(seminar, city="深圳市", email="sz@example.org")

    await client.login(reviewer.email)
    assert (await client.get(f"/gd-2021/overlap/papers/{second.number}")).status_code == 404
    await OverlapSettings.create(seminar=seminar, reviewers_see_reports=True)
    assert (await client.get(f"/gd-2021/overlap/papers/{second.number}")).status_code == 200
    assert (await client.get(f"/gd-2021/overlap/papers/{first.number}")).status_code == 404  # not assigned
    assert (await client.get("/gd-2021/manage/overlap")).status_code == 403
    await client.logout()

    await client.login(submitter.email)
    assert (await client.get(f"/gd-2021/overlap/papers/{second.number}")).status_code == 404


async def test_the_printable_report_is_an_a4_pdf_with_the_passages(client: Client) -> None:
    from pypdf import PdfReader
    import io

    seminar, _first, second = await _two_papers_sharing_a_passage()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    response = await client.get(f"/gd-2021/overlap/papers/{second.number}/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "检测报告" in text and "由社区党员担任网格长" in text.replace("\n", "")
    reviewer = await make_reviewer(seminar, email="reviewer@example.org")
    await make_assignment(second, reviewer)
    await client.logout()
    await client.login(reviewer.email)
    assert (await client.get(f"/gd-2021/overlap/papers/{second.number}/report.pdf")).status_code == 404


async def test_a_queued_check_says_so_in_its_own_words_not_the_outboxs(client: Client) -> None:
    """The list once said 入队时间 (the outbox's column "Queued") for a check waiting its turn."""
    seminar = await make_seminar()
    await submitted_paper(seminar, "广州市", own_text("a"))
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    page = (await client.get("/gd-2021/manage/papers")).text

    assert "排队中" in page and "入队时间" not in page
