"""A submitted paper is checked in the background against the other papers and the reference library."""

from __future__ import annotations

import pytest

from seminar.overlap import actions
from seminar.overlap.models import CheckState, OverlapCheck, OverlapFingerprint, OverlapMatch, OverlapSource
from seminar.overlap.worker import check_pending
from seminar.submissions.models import Manuscript
from tests.factories import make_seminar
from tests.overlap.helpers import POLICY, SHARED, html, own_text, submitted_paper


async def test_a_passage_two_papers_share_is_found_in_the_later_one() -> None:
    seminar = await make_seminar()
    first = await submitted_paper(seminar, "广州市", own_text("a"), SHARED, own_text("b"))
    assert await check_pending() == 1
    second = await submitted_paper(seminar, "深圳市", own_text("c"), SHARED, own_text("d"))
    assert await check_pending() == 1

    first_check = await OverlapCheck.get(paper_id=first.id)
    assert first_check.state is CheckState.DONE and first_check.copied == 0  # nothing to compare with yet
    check = await OverlapCheck.get(paper_id=second.id)
    assert check.state is CheckState.DONE
    match = await OverlapMatch.get(overlap_check_id=check.id)
    source = await OverlapSource.get(id=match.source_id)
    assert source.paper_id == first.id and not match.library
    [(start, end, text_start, text_end, source_start, source_end)] = match.passages
    manuscript_text = source.text
    assert SHARED[20:-1] in manuscript_text[source_start:source_end]  # after the quotation “红色网格”
    assert 0.03 < check.copied == check.copied_without_quotation < 0.2  # type: ignore[operator]


async def test_text_from_the_reference_library_is_quotation_not_copying() -> None:
    seminar = await make_seminar()
    await actions.add_document(seminar.id, "关于加强基层治理的意见", "意见.txt", POLICY.encode(), POLICY, by_id=None)
    paper = await submitted_paper(seminar, "广州市", own_text("a"), POLICY, own_text("b"))
    await check_pending()
    check = await OverlapCheck.get(paper_id=paper.id)
    assert check.copied and check.copied > 0.03
    assert check.copied_without_quotation == 0
    assert (await OverlapMatch.get(overlap_check_id=check.id)).library


async def test_a_papers_own_earlier_version_is_not_copying_and_only_its_newest_is_indexed() -> None:
    seminar = await make_seminar()
    paper = await submitted_paper(seminar, "广州市", own_text("a"), SHARED)
    await check_pending()
    old = await Manuscript.get(paper_id=paper.id)
    newer = await Manuscript.create(paper_id=paper.id, version=2, blob_id=old.blob_id, original_filename="v2.txt",
                                    content_type=old.content_type, kind=old.kind, html=html(own_text("a"), SHARED, "补充"))
    await actions.queue_submitted(paper)
    await check_pending()
    check = await OverlapCheck.get(manuscript_id=newer.id)
    assert check.state is CheckState.DONE and check.copied == 0
    assert await OverlapSource.filter(paper_id=paper.id).count() == 1
    assert await OverlapFingerprint.filter(source__manuscript_id=old.id).count() == 0


async def test_marking_a_match_acceptable_takes_it_out_of_the_ratio_without_quotation() -> None:
    seminar = await make_seminar()
    await submitted_paper(seminar, "广州市", own_text("a"), SHARED)
    await check_pending()
    second = await submitted_paper(seminar, "深圳市", own_text("c"), SHARED)
    await check_pending()
    check = await OverlapCheck.get(paper_id=second.id)
    match = await OverlapMatch.get(overlap_check_id=check.id)
    await actions.mark_acceptable(match, True, "同一课题组的联合成果", by_id=None)
    check = await OverlapCheck.get(id=check.id)
    assert check.copied and check.copied > 0.03 and check.copied_without_quotation == 0
    # Checking again keeps the mark.
    await actions.queue_submitted(second)
    await check_pending()
    assert (await OverlapMatch.get(overlap_check_id=check.id)).acceptable_reason == "同一课题组的联合成果"


async def test_a_manuscript_without_text_fails_with_a_reason() -> None:
    seminar = await make_seminar()
    paper = await submitted_paper(seminar, "广州市", "。。。")
    await check_pending()
    check = await OverlapCheck.get(paper_id=paper.id)
    assert check.state is CheckState.FAILED and check.error


@pytest.mark.parametrize("unused", [None])
async def test_a_library_change_checks_the_seminars_papers_again(unused: None) -> None:
    seminar = await make_seminar()
    paper = await submitted_paper(seminar, "广州市", own_text("a"), POLICY)
    await check_pending()
    await actions.add_document(seminar.id, "意见", "意见.txt", POLICY.encode(), POLICY, by_id=None)
    assert (await OverlapCheck.get(paper_id=paper.id)).state is CheckState.QUEUED
    await check_pending()
    check = await OverlapCheck.get(paper_id=paper.id)
    assert check.copied_without_quotation == 0 and check.copied and check.copied > 0.03


async def test_a_check_whose_worker_stopped_is_run_again() -> None:
    import datetime as dt

    seminar = await make_seminar()
    paper = await submitted_paper(seminar, "广州市", own_text("a"))
    claimed = await actions.claim_check("gone:1")
    assert claimed is not None
    await OverlapCheck.filter(id=claimed.id).update(started_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11))
    assert await check_pending() == 1
    assert (await OverlapCheck.get(paper_id=paper.id)).state is CheckState.DONE


async def test_a_passage_many_indexed_papers_hold_is_boilerplate_not_copying() -> None:
    # COMMON_PAPERS (10) papers holding a passage make it the genre's formula: the lookup leaves
    # out its fingerprints, so the next paper is not flagged for it.
    seminar = await make_seminar()
    for number in range(11):
        await submitted_paper(seminar, f"城市{number}", own_text(f"own{number}"), POLICY)
    await check_pending()
    second = await OverlapCheck.filter(seminar_id=seminar.id).order_by("id").offset(1).first()
    assert second is not None and second.copied and second.copied > 0.03  # two papers sharing it: copying
    last = await submitted_paper(seminar, "城市11", own_text("own11"), POLICY)
    await check_pending()
    check = await OverlapCheck.get(paper_id=last.id)
    assert check.state is CheckState.DONE and check.copied == 0
