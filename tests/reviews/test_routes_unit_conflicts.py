"""Conflicts by unit lifted and re-imposed by an organizer: who may then review, see and bid on the paper."""

from __future__ import annotations

import datetime as dt
import html
import re

from seminar.i18n import _
from seminar.mail.models import OutboxMail
from seminar.reviews.models import Assignment, UnitConflictLift
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper
from seminar.accounts.models import User
from tests.conftest import Client
from tests.factories import make_organizer, make_paper, make_reviewer, make_seminar, make_submitter, make_unit

NEXT_WEEK = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)


async def scene(**fields: object) -> tuple[Seminar, Paper, User]:
    """A paper of 广州市 and a reviewer from a district of 广州市: conflicted by unit."""
    seminar = await make_seminar(review_deadline=NEXT_WEEK, **fields)
    await make_organizer(seminar)
    paper = await make_paper(seminar, city="广州市", status="submitted", title="广州市基层治理的探索")
    district = await make_unit("广州市天河区委政法委", parent=await make_unit("广州市"))
    insider = await make_reviewer(seminar, email="insider@example.org", name="赵强", unit=district.name)
    return seminar, paper, insider


async def test_a_lifted_unit_conflict_lets_the_reviewer_be_assigned_and_re_imposing_hides_the_paper_again(
    client: Client,
) -> None:
    seminar, paper, insider = await scene()
    url = f"/{seminar.slug}/manage/reviews/{paper.number}"
    await client.login("organizer@example.org")

    before = await client.get(url)
    lifted = await client.post_form(f"{url}/unit-conflicts/{insider.id}/lift", {"reason": "该同志已调离天河区"})
    matrix = await client.get(f"/{seminar.slug}/manage/assignments")
    assigned = await client.post_form(f"/{seminar.slug}/manage/assignments/assign",
                                      {"paper": str(paper.id), "reviewer": str(insider.id)})
    mail = await OutboxMail.get(to_address="insider@example.org")

    await client.login("insider@example.org")
    mine = await client.get(f"/{seminar.slug}/reviews/")
    opened = await client.get(f"/{seminar.slug}/reviews/{paper.number}")

    await client.login("organizer@example.org")
    reimposed = await client.post_form(f"{url}/unit-conflicts/{insider.id}/reimpose", {"reason": "核实后仍在天河区任职"})
    page = await client.get(url)
    assignment = await Assignment.get(paper_id=paper.id, reviewer_id=insider.id)

    await client.login("insider@example.org")
    hidden = await client.get(f"/{seminar.slug}/reviews/{paper.number}")
    mine_after = await client.get(f"/{seminar.slug}/reviews/")

    assert _("In force") in before.text and 'name="reason"' in before.text
    assert lifted.status_code == 303
    lift = await UnitConflictLift.get(paper_id=paper.id, reviewer_id=insider.id)
    assert lift.reason == "该同志已调离天河区" and lift.reimposed_at is not None
    assert 'title="评审专家所在单位' not in matrix.text  # the pair is no longer marked ✗
    assert assigned.status_code == 303
    assert paper.title in mail.body_text and "广州市天河区" not in mail.body_text
    assert paper.title in mine.text and opened.status_code == 200
    assert reimposed.status_code == 303
    assert lift.reimpose_reason == "核实后仍在天河区任职"
    assert assignment.declined_at is not None and assignment.decline_reason == "核实后仍在天河区任职"
    assert hidden.status_code == 404 and paper.title not in mine_after.text
    # The history keeps both steps, with who and why.
    assert "该同志已调离天河区" in page.text and "核实后仍在天河区任职" in page.text
    assert _("History of lifted conflicts by unit") in page.text
    organizer = await User.get(email="organizer@example.org")
    assert lift.lifted_by_id == organizer.id and lift.reimposed_by_id == organizer.id  # type: ignore[attr-defined]


async def test_lifting_needs_a_reason_and_a_conflict_by_unit(client: Client) -> None:
    seminar, paper, insider = await scene()
    outsider = await make_reviewer(seminar, email="outsider@example.org", name="王芳")
    url = f"/{seminar.slug}/manage/reviews/{paper.number}/unit-conflicts"
    await client.login("organizer@example.org")

    no_reason = await client.post_form(f"{url}/{insider.id}/lift", {"reason": " "})
    no_conflict = await client.post_form(f"{url}/{outsider.id}/lift", {"reason": "无需解除"})
    not_lifted = await client.post_form(f"{url}/{insider.id}/reimpose", {"reason": "恢复"})
    unknown = await client.post_form(f"{url}/999999/lift", {"reason": "无此人"})

    assert no_reason.status_code == 400
    assert html.escape(_("Give a reason for lifting the conflict."), quote=False) in no_reason.text
    assert no_conflict.status_code == 400
    assert _("%(name)s has no conflict by unit with this paper.", name="王芳") in no_conflict.text
    assert not_lifted.status_code == 400 and _("This conflict is already in force.") in not_lifted.text
    assert unknown.status_code == 404
    assert not await UnitConflictLift.exists()


async def test_reviewers_and_submitters_cannot_lift_a_conflict_by_unit(client: Client) -> None:
    seminar, paper, insider = await scene()
    await make_submitter(seminar, city="广州市", email="gz@example.org")
    statuses = []
    for email in ("insider@example.org", "gz@example.org"):
        await client.login(email)
        statuses.append((await client.post_form(
            f"/{seminar.slug}/manage/reviews/{paper.number}/unit-conflicts/{insider.id}/lift", {"reason": "自行解除"}
        )).status_code)

    assert statuses == [403, 403]
    assert not await UnitConflictLift.exists()


async def test_the_solver_may_use_a_lifted_pair_and_says_why(client: Client) -> None:
    seminar, paper, insider = await scene(reviews_per_paper=1)
    await client.login("organizer@example.org")

    refused = await client.get(f"/{seminar.slug}/manage/assignments/auto")
    await client.post_form(f"/{seminar.slug}/manage/reviews/{paper.number}/unit-conflicts/{insider.id}/lift",
                           {"reason": "专家不足，经研究解除"})
    proposed = await client.get(f"/{seminar.slug}/manage/assignments/auto")
    token = re.search(r'name="proposal" value="([^"]+)"', proposed.text)
    assert token
    applied = await client.post_form(f"/{seminar.slug}/manage/assignments/auto", {"proposal": token.group(1)})

    assert 'name="proposal"' not in refused.text
    assert _("Unit conflict lifted by an organizer") in proposed.text
    assert applied.status_code == 303
    assert await Assignment.filter(paper_id=paper.id, reviewer_id=insider.id, declined_at__isnull=True).exists()
    assert await OutboxMail.filter(to_address="insider@example.org").count() == 1


async def test_the_bid_list_shows_a_paper_once_its_unit_conflict_is_lifted(client: Client) -> None:
    seminar, paper, insider = await scene()
    await client.login("insider@example.org")
    before = await client.get(f"/{seminar.slug}/reviews/bids")
    await client.login("organizer@example.org")
    await client.post_form(f"/{seminar.slug}/manage/reviews/{paper.number}/unit-conflicts/{insider.id}/lift",
                           {"reason": "该同志已调离天河区"})
    await client.login("insider@example.org")
    after = await client.get(f"/{seminar.slug}/reviews/bids")

    assert before.status_code == 200 and paper.title not in before.text
    assert paper.title in after.text
