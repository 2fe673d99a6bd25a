"""The demo's 查重: a policy document in the reference library, and every submitted paper checked.

The demo papers share nothing worth reporting except what `submissions.demo_data.PLANTED` puts
in on purpose: two 江门 papers with one passage, and a 惠州 paper taking paragraphs of the
library's policy document over (引用: its 复制比 is high, its 去除引用复制比 is not).

The checks run here, inline, so the reports are there when `seminar demo` ends, with or without
a worker. Every paper is indexed before any is checked, as if each had been checked again after
the last came in: both papers of the pair then show their shared passage.
"""

from __future__ import annotations

from seminar.accounts.models import User
from seminar.db import column
from seminar.isolation import Limits
from seminar.overlap import actions
from seminar.overlap.models import CheckState, OverlapCheck, OverlapSettings, ReferenceDocument
from seminar.seminars.models import Seminar
from seminar.submissions.demo_data import POLICY_PARAGRAPHS, POLICY_TITLE
from seminar.submissions.inspection import inspect_upload_limited
from seminar.submissions.models import Paper, PaperStatus

# 去除引用复制比 from which the demo's paper list flags a paper: the planted pair (about 14 %) is over
# it, every other demo paper (at most about 6 %) under.
DEMO_THRESHOLD = 0.10
DEMO_WORKER = "seminar demo"


async def build_demo_overlap(seminar: Seminar, organizer: User) -> int:
    """Add what is missing (the settings, the library document, the checks) and run the queued checks
    of the demo seminar; returns how many checks ran."""
    await OverlapSettings.update_or_create(defaults={"threshold": DEMO_THRESHOLD}, seminar_id=seminar.id)
    if not await ReferenceDocument.filter(seminar_id=seminar.id, title=POLICY_TITLE).exists():
        filename = f"{POLICY_TITLE}.txt"
        data = "\n".join((POLICY_TITLE, *POLICY_PARAGRAPHS)).encode()
        intake = await inspect_upload_limited(filename, data, limits=Limits())
        text = await actions.document_text(data, intake)
        await actions.add_document(seminar.id, POLICY_TITLE, filename, data, text, organizer.id)
    submitted = await Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED).only("id", "seminar_id")
    checked = set(await column(OverlapCheck.filter(seminar_id=seminar.id), "paper_id"))
    for paper in submitted:
        if paper.id not in checked:
            await actions.queue_submitted(paper)
    queued = await OverlapCheck.filter(seminar_id=seminar.id, state=CheckState.QUEUED).order_by("id")
    for check in queued:
        await actions.index_check(check)
    ran = 0
    for check in queued:
        # A worker running beside the demo may have claimed it first: it finishes it then.
        claimed = await actions.claim_check(DEMO_WORKER, check_id=check.id)
        if claimed is not None:
            await actions.run_check(claimed)
            ran += 1
    return ran
