"""The agenda's checks follow the papers: a withdrawn paper and a newly decided one are findings in the
editor, each naming the paper, the slot and the fix, until the organizer fixes them with the buttons beside."""

from __future__ import annotations

import datetime as dt

import lxml.html

from seminar.agenda.models import AgendaLeftOut
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper
from tests.agenda.test_routes import EDITOR, SLUG, _draft, _publish, _stored, empty_cache, organizer_client  # noqa: F401  # fixtures
from tests.conftest import flashes
from tests.factories import make_paper, make_submitter

NEXT_MONTH = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)


def findings(page: str) -> list[str]:
    """Each finding of the editor's checks as one line of text: the message, then how to fix it."""
    tree = lxml.html.fromstring(page)
    return [" ".join(item.text_content().split()) for item in tree.xpath("//ul[@class='problems']/li")]


def paper_ids_in(stored: dict) -> set[int]:  # type: ignore[type-arg]
    found = set()
    for _session, slot in stored["agenda"].slots():
        if slot.paper_id is not None:
            found.add(slot.paper_id)
        found.update(c.paper_id for c in slot.contributions)
    return found


async def test_a_withdrawn_paper_is_a_finding_in_the_draft_and_the_published_version_until_both_are_fixed(
    organizer_client,  # type: ignore[no-untyped-def]
) -> None:
    client = organizer_client
    await Seminar.filter(slug=SLUG).update(submission_deadline=NEXT_MONTH)
    stored = await _draft(client)
    assert (await _publish(client, stored["version"])).status_code == 303
    seminar = await Seminar.get(slug=SLUG)
    topic = await Topic.get(seminar_id=seminar.id, position=2)
    paper = await Paper.get(seminar_id=seminar.id, title=f"{topic.title}·深圳市的做法")  # a keynote of topic 2
    await make_submitter(seminar, "深圳市", email="shenzhen@example.org")
    # A decided paper stays with its city only once undecided (its decision not mailed yet): then it may go.
    undecided = await client.post_form(f"/{SLUG}/manage/decisions", {"paper": str(paper.id), "outcome": "undecided"})
    assert undecided.status_code == 303
    await client.logout()
    await client.login("shenzhen@example.org")
    await client.post_form(f"/{SLUG}/papers/{paper.number}/withdraw", {"confirm": "yes"})
    await client.logout()
    await client.login("organizer@example.org")

    before = await client.get(EDITOR)

    label = f"论文#{paper.number}“{paper.title}”"
    in_draft, in_published = [line for line in findings(before.text) if label in line]
    assert in_draft.startswith(f"{label}已被所在市撤回，但仍在“{paper.title}”（2026年12月10日 ")
    assert in_draft.endswith("处理办法： 请将该论文移出议程。 移出议程")
    assert in_published.startswith(f"已发布的第1版仍在“{paper.title}”（2026年12月10日 ")
    assert in_published.endswith(f"列有{label}，但该论文已被所在市撤回。 处理办法： 请将该论文移出草稿，然后发布新版本。 发布新版本")

    removed = await client.post_form(f"{EDITOR}/papers/{paper.id}/remove", {"version": str(stored["version"])})

    assert removed.status_code == 303
    stored = await _stored()
    assert paper.id not in paper_ids_in(stored)
    assert [line for line in findings((await client.get(EDITOR)).text) if label in line] == [in_published]
    assert (await _publish(client, stored["version"])).status_code == 303
    assert [line for line in findings((await client.get(EDITOR)).text) if label in line] == []


async def test_a_newly_decided_paper_is_a_finding_until_it_is_placed_or_left_out_with_a_reason(
    organizer_client,  # type: ignore[no-untyped-def]
) -> None:
    client = organizer_client
    stored = await _draft(client)
    seminar = await Seminar.get(slug=SLUG)
    topic = await Topic.get(seminar_id=seminar.id, position=1)
    late = await make_paper(seminar, city="佛山市", title="佛山市“粤平安”社会治理云平台建设", status="submitted", topic=topic)
    other = await make_paper(seminar, city="江门市", title="江门市侨乡矛盾纠纷调处经验", status="submitted", topic=topic)
    for paper in (late, other):
        decided = await client.post_form(f"/{SLUG}/manage/decisions",  # confirmed: nobody has reviewed it
                                         {"paper": str(paper.id), "outcome": "discussion", "confirmed": str(paper.id)})
        assert decided.status_code == 303

    page = await client.get(EDITOR)

    assert f"研讨交流论文#{late.number}“{late.title}”尚未排入议程。 处理办法： 请将其安排到所属专题的场次中，或注明原因后不排入议程。 " \
        "安排入议程 不排入议程" in findings(page.text)

    placed = await client.post_form(f"{EDITOR}/papers/{late.id}/place", {"version": str(stored["version"])})
    left_out = await client.post_form(f"{EDITOR}/papers/{other.id}/leave-out", {"reason": "作者因公出国，不能到会"})

    assert placed.status_code == 303 and left_out.status_code == 303
    stored = await _stored()
    discussion = next(slot for session, slot in stored["agenda"].slots()
                      if session.topic_id == topic.id and slot.kind.value == "discussion")
    assert [c.title for c in discussion.contributions][-1] == late.title
    after = await client.get(EDITOR)
    assert not any(f"#{late.number}“" in line or f"#{other.number}“" in line for line in findings(after.text))
    assert f"#{other.number}“{other.title}”: 作者因公出国，不能到会" in " ".join(after.text.split())
    redrafted = await client.post_form(f"{EDITOR}/draft", {"version": str(stored["version"]), "mode": "merge"})
    assert redrafted.status_code == 303
    assert other.id not in paper_ids_in(await _stored()) and late.id in paper_ids_in(await _stored())


async def test_changing_the_decision_of_a_paper_left_out_asks_about_it_again(organizer_client) -> None:  # type: ignore[no-untyped-def]
    client = organizer_client
    await _draft(client)
    seminar = await Seminar.get(slug=SLUG)
    topic = await Topic.get(seminar_id=seminar.id, position=1)
    paper = await make_paper(seminar, city="江门市", title="江门市侨乡矛盾纠纷调处经验", status="submitted", topic=topic)
    await client.post_form(f"/{SLUG}/manage/decisions", {"paper": str(paper.id), "outcome": "discussion", "confirmed": str(paper.id)})
    await client.post_form(f"{EDITOR}/papers/{paper.id}/leave-out", {"reason": "作者因公出国"})

    await client.post_form(f"/{SLUG}/manage/decisions", {"paper": str(paper.id), "outcome": "keynote", "confirmed": str(paper.id)})

    assert await AgendaLeftOut.filter(paper_id=paper.id).count() == 0
    assert f"重点发言论文#{paper.number}“{paper.title}”尚未排入议程。" in " ".join(findings((await client.get(EDITOR)).text))


async def test_leaving_out_needs_a_reason_and_placing_needs_a_decision(organizer_client) -> None:  # type: ignore[no-untyped-def]
    client = organizer_client
    stored = await _draft(client)
    seminar = await Seminar.get(slug=SLUG)
    undecided = await make_paper(seminar, city="江门市", status="submitted")
    decided = await Paper.filter(seminar_id=seminar.id, city__name="广州市").first()
    assert decided is not None

    no_reason = await client.post_form(f"{EDITOR}/papers/{decided.id}/leave-out", {"reason": "  "})
    not_decided = await client.post_form(f"{EDITOR}/papers/{undecided.id}/place", {"version": str(stored["version"])})

    assert no_reason.status_code == 400 and "请说明该论文不排入议程的原因。" in flashes(no_reason)
    assert not_decided.status_code == 400
    assert "该论文未确定为重点发言或研讨交流（或已撤回）。" in flashes(not_decided)
    assert await AgendaLeftOut.all().count() == 0
    assert (await _stored())["version"] == stored["version"]


async def test_simulation_decided_papers_are_findings_before_any_draft_exists(organizer_client) -> None:  # type: ignore[no-untyped-def]
    """Found by the simulation: with no draft yet the checks said nothing of the papers decided for the agenda."""
    client = organizer_client
    seminar = await Seminar.get(slug=SLUG)
    topic = await Topic.get(seminar_id=seminar.id, position=1)
    paper = await make_paper(seminar, city="江门市", title="江门市侨乡矛盾纠纷调处经验", status="submitted", topic=topic)
    await client.post_form(f"/{SLUG}/manage/decisions", {"paper": str(paper.id), "outcome": "discussion", "confirmed": str(paper.id)})

    before = findings((await client.get(EDITOR)).text)
    left_out = await client.post_form(f"{EDITOR}/papers/{paper.id}/leave-out", {"reason": "作者因公出国"})

    assert any(line.startswith(f"研讨交流论文#{paper.number}“{paper.title}”尚未排入议程。") for line in before)
    assert left_out.status_code == 303
    assert not any(f"#{paper.number}“" in line for line in findings((await client.get(EDITOR)).text))
