"""Offline review through HTTP: a reviewer (or an organizer for them) downloads the review sheet or a Word form,
fills it in with openpyxl / python-docx as Excel or Word would, and uploads it: valid rows become drafts, every
problem is named by row and column, a submitted review changes only after an explicit, fresh confirmation."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import lxml.html
from docx import Document
from openpyxl import load_workbook

from seminar.accounts.models import User
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import Criterion, Review, ReviewStatus
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper
from tests.conftest import Client, flashes
from tests.factories import make_assignment, make_organizer, make_paper, make_review, make_reviewer, make_seminar

NEXT_WEEK = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Scene:
    seminar: Seminar
    reviewer: User
    first: Paper  # nothing written yet
    second: Paper  # a draft
    submitted: Paper  # the review is submitted
    criteria: list[Criterion]


async def scene() -> Scene:
    seminar = await make_seminar(review_deadline=NEXT_WEEK)
    await make_organizer(seminar, "organizer@example.org")
    criteria = await ensure_criteria(seminar)  # 选题 15, 观点 25, 论证 20, 实践价值 25, 文字表达 15
    reviewer = await make_reviewer(seminar, email="reviewer01@example.org")
    first = await make_paper(seminar, "广州市", title="坚持党建引领 推进市域社会治理现代化", status="submitted")
    second = await make_paper(seminar, "深圳市", title="深圳市矛盾纠纷多元化解的实践", status="submitted")
    submitted = await make_paper(seminar, "珠海市", title="珠海市网格化服务管理的探索", status="submitted")
    await make_assignment(first, reviewer)
    await make_review(second, reviewer, scores=[10, 20], status="draft", comment_to_authors="初稿意见")
    await make_review(submitted, reviewer, recommendation="keynote", confidence=3,
                      confidential_note="仅供组委会参考", comment_to_authors="原点评")
    return Scene(seminar, reviewer, first, second, submitted, criteria)


async def download_sheet(client: Client, url: str):  # type: ignore[no-untyped-def]
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    return load_workbook(io.BytesIO(response.content))


def rows_by_number(sheet) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Paper number → the row Excel shows."""
    return {row[1].value: row[1].row for row in sheet.iter_rows(min_row=3) if isinstance(row[1].value, int)}


def saved(workbook) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(client: Client, url: str, name: str, data: bytes, content_type: str = XLSX):  # type: ignore[no-untyped-def]
    return await client.post_form(url, files={"file": (name, data, content_type)})


def problems(response) -> list[str]:  # type: ignore[no-untyped-def]
    page = lxml.html.fromstring(response.text)
    return [li.text_content().strip() for li in page.xpath('//ul[@class="problems"]/li')]


async def review_of(paper: Paper, reviewer: User) -> Review | None:
    return await Review.get_or_none(assignment__paper_id=paper.id, assignment__reviewer_id=reviewer.id)


async def test_the_sheet_lists_the_reviewers_papers_with_headings_validation_and_a_total(client: Client) -> None:
    s = await scene()
    withdrawn = await make_paper(s.seminar, "汕头市", title="已撤回的论文", status="withdrawn")
    await make_assignment(withdrawn, s.reviewer)
    await client.login("reviewer01@example.org")
    page = await client.get(f"/{s.seminar.slug}/reviews/")
    assert f"/{s.seminar.slug}/reviews/offline" in page.text

    workbook = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    sheet = workbook.worksheets[0]
    headings = [cell.value for cell in sheet[2]]
    assert headings == ["id", "编号", "题目", "专题", "选题（/15）", "观点（/25）", "论证（/20）", "实践价值（/25）",
                        "文字表达（/15）", "总分", "点评", "推荐意见", "把握程度", "给组织方的保密意见", "状态"]
    assert sheet.column_dimensions["A"].hidden and sheet.protection.sheet
    rows = rows_by_number(sheet)
    assert set(rows) == {s.first.number, s.second.number, s.submitted.number}  # not the withdrawn one
    draft_row = rows[s.second.number]
    assert [sheet.cell(draft_row, c).value for c in (5, 6, 11, 15)] == [10, 20, "初稿意见", "草稿"]
    # What the reviewer chose online is in the sheet too, to keep or change.
    assert [sheet.cell(rows[s.submitted.number], c).value for c in (12, 13, 14, 15)] == ["重点发言", "高", "仅供组委会参考", "已提交"]
    assert sheet.cell(draft_row, 12).protection.locked is False and sheet.cell(draft_row, 14).protection.locked is False
    assert sheet.cell(draft_row, 10).value.startswith("=")  # 总分 is a formula
    assert sheet.cell(draft_row, 5).protection.locked is False and sheet.cell(draft_row, 3).protection.locked is True
    validations = {str(v.sqref): (v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    assert validations["F3:F5"] == ("0", "25")
    assert validations["L3:L5"] == ('"重点发言,研讨交流,仅收入论文集,不采用"', None)
    assert validations["M3:M5"] == ('"低,中,高"', None)
    assert [ws.sheet_state for ws in workbook.worksheets] == ["visible", "veryHidden"]


async def test_valid_rows_become_drafts_and_every_bad_cell_is_named_by_row_and_column(client: Client) -> None:
    s = await scene()
    other_seminar = await make_seminar("other-2027", title="另一研讨班")
    foreign = await make_paper(other_seminar, "广州市", status="submitted")
    not_mine = await make_paper(s.seminar, "佛山市", title="未分配的论文", status="submitted")
    await client.login("reviewer01@example.org")
    workbook = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    sheet = workbook.worksheets[0]
    rows = rows_by_number(sheet)
    first, second = rows[s.first.number], rows[s.second.number]
    for column, value in zip(range(5, 10), [13, 22, 17, 21, 12], strict=True):
        sheet.cell(first, column).value = value
    sheet.cell(first, 11).value = "经验具体，可复制推广。"
    sheet.cell(second, 6).value = 30  # in a "/25" column
    sheet.cell(second, 7).value = "十八"  # text in a number cell
    extra = max(rows.values()) + 1
    sheet.cell(extra, 1).value, sheet.cell(extra, 2).value, sheet.cell(extra, 5).value = foreign.id, foreign.number, 10
    sheet.cell(extra + 1, 1).value, sheet.cell(extra + 1, 2).value, sheet.cell(extra + 1, 5).value = not_mine.id, not_mine.number, 10
    response = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.xlsx", saved(workbook))

    assert response.status_code == 200
    assert f"#{s.first.number}" in response.text
    found = problems(response)
    assert f"第 {second} 行“观点（/25）”列：“观点”的评分范围为 0 至 25 分。" in found
    assert f"第 {second} 行“论证（/20）”列：“论证”请填写整数分。" in found
    assert any(f"第 {extra} 行" in p and "不是本研讨班的论文" in p for p in found), found
    assert any(f"第 {extra + 1} 行" in p and f"#{not_mine.number}" in p and "未分配给您" in p for p in found), found
    review = await review_of(s.first, s.reviewer)
    assert review is not None and review.status is ReviewStatus.DRAFT
    assert review.total == 85 and review.comment_to_authors == "经验具体，可复制推广。"
    draft = await review_of(s.second, s.reviewer)
    assert draft is not None and draft.comment_to_authors == "初稿意见" and draft.version == 1  # the bad row is not saved
    assert await review_of(not_mine, s.reviewer) is None


async def test_recommendation_confidence_and_note_round_trip_and_bad_ones_are_named(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    workbook = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    sheet = workbook.worksheets[0]
    rows = rows_by_number(sheet)
    first, second = rows[s.first.number], rows[s.second.number]
    for column, value in zip(range(5, 10), [13, 22, 17, 21, 12], strict=True):
        sheet.cell(first, column).value = value
    sheet.cell(first, 12).value, sheet.cell(first, 13).value = "研讨交流", "中"
    sheet.cell(first, 14).value = "内部：可安排交流发言"
    sheet.cell(second, 7).value = 18  # a good score, but
    sheet.cell(second, 12).value, sheet.cell(second, 13).value = "很好", 5  # not one of the choices
    sheet.cell(second, 14).value = "长" * 5001
    response = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.xlsx", saved(workbook))

    assert response.status_code == 200
    found = problems(response)
    assert f"第 {second} 行“推荐意见”列：请填写以下之一：重点发言、研讨交流、仅收入论文集、不采用" in found, found
    assert f"第 {second} 行“把握程度”列：请填写以下之一：低、中、高" in found, found
    assert f"第 {second} 行“给组织方的保密意见”列：最多 5000 个字符" in found, found
    review = await review_of(s.first, s.reviewer)
    assert review is not None and review.status is ReviewStatus.DRAFT and review.total == 85
    assert (review.recommendation, review.confidence, review.confidential_note) == ("discussion", 2, "内部：可安排交流发言")
    draft = await review_of(s.second, s.reviewer)  # nothing of the bad row is saved, not even its good score
    assert draft is not None and draft.version == 1 and draft.scores.get(str(s.criteria[2].id)) is None
    assert (draft.recommendation, draft.confidence, draft.confidential_note) == ("discussion", 2, "")

    # The next download shows what was saved, and a sheet uploaded again unchanged changes nothing.
    again = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    assert [again.worksheets[0].cell(first, c).value for c in (12, 13, 14)] == ["研讨交流", "中", "内部：可安排交流发言"]
    unchanged = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.xlsx", saved(again))
    assert unchanged.status_code == 200 and (await review_of(s.first, s.reviewer)).version == review.version  # type: ignore[union-attr]


async def test_a_sheet_without_those_columns_keeps_what_the_review_says(client: Client) -> None:
    s = await scene()
    await Review.filter(assignment__paper_id=s.second.id).update(recommendation="proceedings", confidence=1,
                                                                  confidential_note="先前的意见")
    await client.login("reviewer01@example.org")
    workbook = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    sheet = workbook.worksheets[0]
    sheet.delete_cols(12, 3)  # as a sheet downloaded before they were added
    sheet.cell(rows_by_number(sheet)[s.second.number], 7).value = 15
    response = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.xlsx", saved(workbook))

    assert response.status_code == 200, problems(response)
    review = await review_of(s.second, s.reviewer)
    assert review is not None and review.version == 2 and list(review.scores.values()) == [10, 20, 15]
    assert (review.recommendation, review.confidence, review.confidential_note) == ("proceedings", 1, "先前的意见")


async def test_a_submitted_review_changes_only_after_a_confirmation_that_is_still_fresh(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    workbook = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    sheet = workbook.worksheets[0]
    row = rows_by_number(sheet)[s.submitted.number]
    for column, value in zip(range(5, 10), [15, 25, 20, 25, 15], strict=True):
        sheet.cell(row, column).value = value
    sheet.cell(row, 11).value = "修改后的点评"
    response = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.xlsx", saved(workbook))
    assert response.status_code == 200
    before = await review_of(s.submitted, s.reviewer)
    assert before is not None and before.comment_to_authors == "原点评"  # not overwritten without asking
    assert "已经提交" in response.text
    page = lxml.html.fromstring(response.text)
    confirm = page.xpath('//form[contains(@action, "/reviews/offline/replace")]')[0]
    token = confirm.xpath('.//input[@name="token"]')[0].get("value")
    assert [box.get("value") for box in confirm.xpath('.//input[@name="paper"]')] == [str(s.submitted.id)]

    # Without the CSRF token: refused, nothing changes.
    refused = await client.post(f"/{s.seminar.slug}/reviews/offline/replace", data={"token": token, "paper": str(s.submitted.id)})
    assert refused.status_code == 403
    # Changed on the site after the upload: the confirmation is stale and refused.
    await Review.filter(id=before.id).update(version=before.version + 1)
    stale = await client.post_form(f"/{s.seminar.slug}/reviews/offline/replace", {"token": token, "paper": str(s.submitted.id)})
    assert stale.status_code == 303
    after_stale = await review_of(s.submitted, s.reviewer)
    assert after_stale is not None and after_stale.comment_to_authors == "原点评"
    messages = flashes(await client.get(stale.headers["location"]))
    assert any("上传后已被修改" in m for m in messages), messages

    await Review.filter(id=before.id).update(version=before.version)
    confirmed = await client.post_form(f"/{s.seminar.slug}/reviews/offline/replace", {"token": token, "paper": str(s.submitted.id)})
    assert confirmed.status_code == 303
    replaced = await review_of(s.submitted, s.reviewer)
    assert replaced is not None and replaced.status is ReviewStatus.SUBMITTED
    assert replaced.total == 100 and replaced.comment_to_authors == "修改后的点评"
    # What the sheet has no column for is kept.
    assert replaced.confidential_note == "仅供组委会参考" and replaced.recommendation is not None and replaced.confidence == 3
    again = await client.post_form(f"/{s.seminar.slug}/reviews/offline/replace", {"token": token, "paper": str(s.submitted.id)})
    assert again.status_code == 303
    assert (await review_of(s.submitted, s.reviewer)).version == replaced.version  # type: ignore[union-attr]


async def test_sheets_of_another_reviewer_damaged_wrong_and_oversize_files_are_refused_whole(client: Client) -> None:
    s = await scene()
    colleague = await make_reviewer(s.seminar, email="reviewer02@example.org", name="李强")
    await make_assignment(s.first, colleague)
    await client.login("reviewer02@example.org")
    theirs = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    await client.logout()
    await client.login("reviewer01@example.org")
    url = f"/{s.seminar.slug}/reviews/offline"
    sheet = theirs.worksheets[0]
    sheet.cell(rows_by_number(sheet)[s.first.number], 5).value = 10

    cases = [
        (("评审表.xlsx", saved(theirs), XLSX), "属于另一位评审专家"),
        (("评审表.xlsx", b"PK\x03\x04 not really a zip", XLSX), "已损坏"),
        (("评审表.pdf", b"%PDF-1.7 a pdf", "application/pdf"), ".xlsx"),
        (("评审表.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 10), XLSX), "5 MB"),
    ]
    for (name, data, content_type), expected in cases:
        response = await upload(client, url, name, data, content_type)
        assert response.status_code == 400, name
        assert expected in response.text, (name, flashes(response))
    assert await review_of(s.first, s.reviewer) is None and await review_of(s.first, colleague) is None


async def test_a_word_form_per_paper_round_trips(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    response = await client.get(f"/{s.seminar.slug}/reviews/{s.first.number}/form.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["评审项目", "评分要点", "满分", "得分"]
    assert [r.cells[0].text for r in table.rows[1:]] == ["选题", "观点", "论证", "实践价值", "文字表达", "总分", "点评"]
    for row, points in zip(table.rows[1:6], ["12", "20", "30", "20", "12"], strict=True):
        row.cells[3].text = points
    table.rows[7].cells[1].text = "论证充分。"
    judgement = document.tables[1]
    assert [r.cells[0].text for r in judgement.rows] == [
        "推荐意见（重点发言、研讨交流、仅收入论文集、不采用）", "把握程度（低、中、高）", "给组织方的保密意见（仅组织方可见，不给作者）"]
    judgement.rows[0].cells[1].text, judgement.rows[1].cells[1].text = "特别好", "高"
    buffer = io.BytesIO()
    document.save(buffer)
    refused = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.docx", buffer.getvalue(), "application/octet-stream")
    assert refused.status_code == 400
    assert f"论文 #{s.first.number} 的评审表“论证（/20）”：“论证”的评分范围为 0 至 20 分。" in problems(refused)
    assert f"论文 #{s.first.number} 的评审表“推荐意见”：请填写以下之一：重点发言、研讨交流、仅收入论文集、不采用" in problems(refused)
    assert await review_of(s.first, s.reviewer) is None

    table.rows[3].cells[3].text = "16"
    judgement.rows[0].cells[1].text = "重点发言"
    judgement.rows[2].cells[1].text = "建议作为大会发言。"
    buffer = io.BytesIO()
    document.save(buffer)
    ok = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.docx", buffer.getvalue())
    assert ok.status_code == 200
    review = await review_of(s.first, s.reviewer)
    assert review is not None and review.total == 80 and review.comment_to_authors == "论证充分。"
    assert (review.recommendation, review.confidence, review.confidential_note) == ("keynote", 3, "建议作为大会发言。")
    # A form of a paper not the reviewer's: 404, as the paper's own page.
    other = await make_paper(s.seminar, "佛山市", status="submitted")
    assert (await client.get(f"/{s.seminar.slug}/reviews/{other.number}/form.docx")).status_code == 404


async def test_an_organizer_downloads_and_uploads_for_a_reviewer(client: Client) -> None:
    s = await scene()
    await client.login("organizer@example.org")
    page = await client.get(f"/{s.seminar.slug}/manage/reviewers/{s.reviewer.id}")
    link = f"/{s.seminar.slug}/manage/reviewers/{s.reviewer.id}/offline"
    assert link in page.text
    workbook = await download_sheet(client, f"{link}/sheet.xlsx")
    sheet = workbook.worksheets[0]
    row = rows_by_number(sheet)[s.first.number]
    sheet.cell(row, 5).value = 9
    response = await upload(client, link, "评审表.xlsx", saved(workbook))
    assert response.status_code == 200
    review = await review_of(s.first, s.reviewer)
    assert review is not None and review.scores == {str(s.criteria[0].id): 9} and review.status is ReviewStatus.DRAFT
    # The reviewer's own upload page is theirs alone; an organizer's sheet of another reviewer is refused.
    assert (await client.get(f"/{s.seminar.slug}/reviews/offline")).status_code == 404
    other = await make_reviewer(s.seminar, email="reviewer03@example.org", name="周敏")
    refused = await upload(client, f"/{s.seminar.slug}/manage/reviewers/{other.id}/offline", "评审表.xlsx", saved(workbook))
    assert refused.status_code == 400 and "属于另一位评审专家" in refused.text


async def test_after_the_deadline_nothing_is_saved(client: Client) -> None:
    s = await scene()
    await client.login("reviewer01@example.org")
    workbook = await download_sheet(client, f"/{s.seminar.slug}/reviews/offline/sheet.xlsx")
    sheet = workbook.worksheets[0]
    sheet.cell(rows_by_number(sheet)[s.first.number], 5).value = 9
    await Seminar.filter(id=s.seminar.id).update(review_deadline=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    response = await upload(client, f"/{s.seminar.slug}/reviews/offline", "评审表.xlsx", saved(workbook))
    assert response.status_code == 400
    assert "评审截止时间已过" in response.text
    assert await review_of(s.first, s.reviewer) is None
    assert re.search(r"评审截止", response.text)
