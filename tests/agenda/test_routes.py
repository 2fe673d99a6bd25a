"""The agenda through HTTP: organizers draft, edit, check and publish; visitors read the release and its files.

Unlike the pure tests beside it, this module uses the database (and the conftest's emptying of it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import time
from collections.abc import AsyncIterator, Iterator

import icalendar
import jsonschema
import lxml.html
import pytest
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

from seminar.accounts.models import RoleName
from seminar.agenda import published
from seminar.agenda import routes as agenda_routes
from seminar.agenda.models import AgendaDraft, AgendaFile, AgendaRelease
from seminar.agenda.snapshot import agenda_from_data
from seminar.mail.models import OutboxMail
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Paper
from tests.agenda.test_exports import frab_dir, json_validator, xml_schema  # noqa: F401  # fixtures
from tests.conftest import flashes
from tests.factories import (
    grant,
    make_decision,
    make_organizer,
    make_paper,
    make_room,
    make_submitter,
    make_user,
)

SLUG = "gd-2021"
EDITOR = f"/{SLUG}/manage/agenda"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Release ids come back after the tables are emptied: start every test with an empty cache."""
    published.forget_all()
    yield
    published.forget_all()


SETTINGS = {
    "days": "2026-12-10",
    "day_start": "09:00",
    "lunch_start": "12:00",
    "lunch_end": "14:00",
    "day_end": "17:30",
    "keynote_minutes": "10",
    "discussion_minutes": "20",
    "per_speaker_minutes": "4",
    "commentary_minutes": "10",
    "break_minutes": "15",
    "opening_minutes": "20",
    "lecture_minutes": "60",
    "lecture_title": "",
    "lecturer": "",
    "closing_commentary_minutes": "30",
    "closing_minutes": "30",
}


async def _seminar_with_decisions() -> Seminar:
    """Two topics, each with two keynote papers and two discussion papers; a hall and a side room."""
    from tests.factories import make_seminar

    seminar = await make_seminar(SLUG)
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position")
    cities = ["广州市", "深圳市", "珠海市", "汕头市"]
    for topic in topics[:2]:
        for index, city in enumerate(cities):
            paper = await make_paper(
                seminar, city=city, title=f"{topic.title}·{city}的做法", status="submitted", topic=topic
            )
            await make_decision(paper, "keynote" if index < 2 else "discussion")
            await Author.filter(paper_id=paper.id).update(name=f"{city}{topic.position}号发言人")
    return seminar


@pytest.fixture
async def organizer_client(client):  # type: ignore[no-untyped-def]
    seminar = await _seminar_with_decisions()
    await make_organizer(seminar)
    await make_room(seminar, "第一会议室", 200)
    await make_room(seminar, "第二会议室", 60)
    await client.login("organizer@example.org")
    response = await client.post_form(f"{EDITOR}/settings", SETTINGS)
    assert response.status_code == 303, response.text
    return client


async def _draft(client) -> dict:  # type: ignore[no-untyped-def]
    response = await client.post_form(f"{EDITOR}/draft", {"version": "0"})
    assert response.status_code == 303, flashes(await client.get(EDITOR))
    return await _stored()


async def _stored() -> dict:  # type: ignore[type-arg]
    row = await AgendaDraft.get()
    return {"version": row.version, "agenda": agenda_from_data(row.data)}


async def _publish(client, version: int, **extra: str):  # type: ignore[no-untyped-def]
    return await client.post_form(f"{EDITOR}/publish", {"version": str(version), **extra})


def _keynote(stored: dict) -> str:  # type: ignore[type-arg]
    """The first keynote of the first topic: the 广州市 paper (highest score, then lowest id)."""
    return next(slot.key for _s, slot in stored["agenda"].slots() if slot.kind.value == "keynote")


def _slot_times(agenda, session_key: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    session = next(s for s in agenda.sessions if s.key == session_key)
    return [(slot.key, f"{slot.start:%H:%M}") for slot in session.slots]


# ---------- who may ----------


async def test_only_organizers_open_the_editor(client) -> None:  # type: ignore[no-untyped-def]
    seminar = await _seminar_with_decisions()
    await make_submitter(seminar, email="gz@example.org")

    anonymous = await client.get(EDITOR)
    await client.login("gz@example.org")
    submitter = await client.get(EDITOR)
    posted = await client.post_form(f"{EDITOR}/draft", {"version": "0"})

    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    assert submitter.status_code == 403
    assert posted.status_code == 403
    assert not await AgendaDraft.exists()


# ---------- drafting ----------


async def test_draft_from_decisions_lays_out_topics_with_keynotes_discussion_and_commentary(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)

    agenda = stored["agenda"]
    topic_sessions = [s for s in agenda.sessions if s.topic_id is not None]
    assert stored["version"] == 1
    assert [s.title for s in topic_sessions] == ["完成政治任务", "发挥政治优势"]
    first = topic_sessions[0]
    assert [slot.kind.value for slot in first.slots] == ["keynote", "keynote", "discussion", "commentary"]
    assert first.slots[0].speaker is not None and first.slots[0].speaker.name == "广州市1号发言人"  # the presenter author
    assert len(first.slots[2].contributions) == 2
    page = await organizer_client.get(EDITOR)
    assert "完成政治任务·广州市的做法" in page.text
    assert "开班式" in page.text or "Opening ceremony" in page.text


async def test_an_agenda_that_does_not_fit_says_by_how_much_and_keeps_the_draft(organizer_client) -> None:  # type: ignore[no-untyped-def]
    await _draft(organizer_client)
    short_day = {**SETTINGS, "day_end": "15:00", "lunch_start": "", "lunch_end": "", "day_start": "13:00"}
    assert (await organizer_client.post_form(f"{EDITOR}/settings", short_day)).status_code == 303

    response = await organizer_client.post_form(f"{EDITOR}/draft", {"version": "1"})

    assert response.status_code == 400
    assert any("分钟" in message for message in flashes(response))
    assert (await _stored())["version"] == 1


async def test_settings_refuse_a_day_that_ends_before_it_starts(organizer_client) -> None:  # type: ignore[no-untyped-def]
    response = await organizer_client.post_form(f"{EDITOR}/settings", {**SETTINGS, "day_end": "08:00"})

    assert response.status_code == 400
    assert "08:00" in response.text  # what was typed stays


async def _edited_draft_and_a_new_decision(client) -> tuple[str, Paper]:  # type: ignore[no-untyped-def]
    """A draft whose first keynote the organizer retitled (version 2), and a paper decided afterwards."""
    key = _keynote(await _draft(client))
    edit = {"version": "1", "title": "组织者改过的题目", "start": "2026-12-10T10:35", "duration": "12", "speaker": ""}
    assert (await client.post_form(f"{EDITOR}/slots/{key}", edit)).status_code == 303
    seminar = await Seminar.get(slug=SLUG)
    topic = await Topic.filter(seminar_id=seminar.id).order_by("position").first()
    late = await make_paper(seminar, city="佛山市", title="网格化管理的佛山实践", status="submitted", topic=topic)
    await make_decision(late, "keynote")
    return key, late


async def test_drafting_over_an_edited_draft_shows_what_will_change_and_changes_nothing_yet(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key, _late = await _edited_draft_and_a_new_decision(organizer_client)

    response = await organizer_client.post_form(f"{EDITOR}/draft", {"version": "2"})

    assert response.status_code == 409
    topic = await Topic.filter(seminar__slug=SLUG).order_by("position").first()
    assert topic is not None
    assert f"已添加：“网格化管理的佛山实践”，作为重点发言，安排在“{topic.title}”。" in response.text
    assert 'name="mode" value="merge"' in response.text and 'name="mode" value="replace"' in response.text
    stored = await _stored()
    assert stored["version"] == 2 and stored["agenda"].find_slot(key)[1].title == "组织者改过的题目"


async def test_merging_keeps_the_edits_adds_the_new_paper_and_drops_a_withdrawn_one_and_undo_brings_it_back(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key, late = await _edited_draft_and_a_new_decision(organizer_client)
    withdrawn = await Paper.get(title__contains="深圳市的做法", topic__position=2)
    await Paper.filter(id=withdrawn.id).update(status="withdrawn")
    before = await _stored()

    merged = await organizer_client.post_form(f"{EDITOR}/draft", {"version": "2", "mode": "merge"})
    after = await _stored()
    editor = await organizer_client.get(EDITOR)
    undone = await organizer_client.post_form(f"{EDITOR}/draft/undo", {"version": "3"})
    restored = await _stored()

    assert merged.status_code == 303
    papers = {slot.paper_id for _s, slot in after["agenda"].slots()} | {
        c.paper_id for _s, slot in after["agenda"].slots() for c in slot.contributions
    }
    assert late.id in papers and withdrawn.id not in papers
    assert after["agenda"].find_slot(key)[1].title == "组织者改过的题目"  # the edit survives
    assert "撤销" in editor.text and "合并" in " ".join(flashes(editor))
    assert undone.status_code == 303
    assert restored["version"] == 4 and restored["agenda"] == before["agenda"]
    again = await organizer_client.post_form(f"{EDITOR}/draft/undo", {"version": "4"})  # and back again
    assert again.status_code == 303 and (await _stored())["agenda"] == after["agenda"]


async def test_replacing_lays_the_agenda_out_afresh_and_can_be_undone(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key, late = await _edited_draft_and_a_new_decision(organizer_client)
    before = await _stored()

    replaced = await organizer_client.post_form(f"{EDITOR}/draft", {"version": "2", "mode": "replace"})
    after = await _stored()
    undone = await organizer_client.post_form(f"{EDITOR}/draft/undo", {"version": "3"})

    assert replaced.status_code == 303
    assert after["agenda"].find_slot(key)[1].title != "组织者改过的题目"
    assert any(slot.paper_id == late.id for _s, slot in after["agenda"].slots())
    assert undone.status_code == 303 and (await _stored())["agenda"] == before["agenda"]


async def test_undo_without_an_earlier_draft_changes_nothing(organizer_client) -> None:  # type: ignore[no-untyped-def]
    await _draft(organizer_client)

    response = await organizer_client.post_form(f"{EDITOR}/draft/undo", {"version": "1"})

    assert response.status_code == 400
    assert (await _stored())["version"] == 1


# ---------- editing ----------


async def test_editing_a_slot_saves_it_and_bumps_the_version(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)
    key = _keynote(stored)

    response = await organizer_client.post_form(
        f"{EDITOR}/slots/{key}",
        {"version": "1", "title": "新的题目", "start": "2026-12-10T10:40", "duration": "12", "speaker": "市委政法委张书记"},
    )

    assert response.status_code == 303
    after = await _stored()
    _session, slot = after["agenda"].find_slot(key)
    assert after["version"] == stored["version"] + 1
    assert (slot.title, f"{slot.start:%H:%M %z}", slot.duration) == ("新的题目", "10:40 +0800", 12)
    assert slot.speaker is not None and (slot.speaker.id, slot.speaker.name) == (None, "市委政法委张书记")


async def test_a_second_organizer_on_an_old_page_is_told_and_loses_nothing(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key = _keynote(await _draft(organizer_client))
    first = {"version": "1", "title": "甲改的题目", "start": "2026-12-10T10:35", "duration": "10", "speaker": ""}
    assert (await organizer_client.post_form(f"{EDITOR}/slots/{key}", first)).status_code == 303

    second = {**first, "title": "乙改的题目"}
    response = await organizer_client.post_form(f"{EDITOR}/slots/{key}", second)

    assert response.status_code == 409
    assert "乙改的题目" in response.text  # their typing is still in the form
    assert "其他人" in response.text or "someone else" in response.text
    _session, slot = (await _stored())["agenda"].find_slot(key)
    assert slot.title == "甲改的题目"
    # Saving again from the re-rendered form (it carries the current version) applies it.
    version = re.search(r'name="version"[^>]*value="(\d+)"', response.text) or re.search(
        r'value="(\d+)"[^>]*name="version"', response.text
    )
    assert version and version.group(1) == "2"
    again = await organizer_client.post_form(f"{EDITOR}/slots/{key}", {**second, "version": "2"})
    assert again.status_code == 303


async def test_buttons_on_a_stale_page_change_nothing(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key = _keynote(await _draft(organizer_client))
    await organizer_client.post_form(f"{EDITOR}/slots/{key}/move", {"version": "1", "direction": "down"})
    before = await _stored()

    response = await organizer_client.post_form(f"{EDITOR}/slots/{key}/delete", {"version": "1"})

    assert response.status_code == 409
    assert (await _stored())["version"] == before["version"] == 2
    assert (await _stored())["agenda"].find_slot(key)


async def test_moving_a_slot_down_swaps_it_and_recomputes_the_times(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)
    topic = next(s for s in stored["agenda"].sessions if s.topic_id is not None)
    before = _slot_times(stored["agenda"], topic.key)

    response = await organizer_client.post_form(
        f"{EDITOR}/slots/{before[0][0]}/move", {"version": "1", "direction": "down"}
    )

    assert response.status_code == 303
    after = _slot_times((await _stored())["agenda"], topic.key)
    assert [key for key, _t in after] == [before[1][0], before[0][0], *[k for k, _t in before[2:]]]
    assert [time for _k, time in after] == [time for _k, time in before]


async def test_a_slot_moves_to_another_session_and_both_are_laid_out_again(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)
    first, second = [s for s in stored["agenda"].sessions if s.topic_id is not None]
    moving = first.slots[0].key

    response = await organizer_client.post_form(f"{EDITOR}/slots/{moving}/move", {"version": "1", "session": second.key})

    assert response.status_code == 303
    agenda = (await _stored())["agenda"]
    session, slot = agenda.find_slot(moving)
    assert session.key == second.key and session.slots[-1].key == moving
    new_first = next(s for s in agenda.sessions if s.key == first.key)
    assert new_first.slots[0].start == first.start


async def test_drag_and_drop_posts_json_and_a_stale_version_gets_409(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)
    topic = next(s for s in stored["agenda"].sessions if s.topic_id is not None)
    keys = [slot.key for slot in topic.slots]
    token = await organizer_client.csrf()
    body = {"version": 1, "sessions": {topic.key: [keys[2], keys[0], keys[1], keys[3]]}}

    moved = await organizer_client.post(f"{EDITOR}/arrange", json=body, headers={"X-CSRF-Token": token})
    stale = await organizer_client.post(f"{EDITOR}/arrange", json=body, headers={"X-CSRF-Token": token})
    no_token = await organizer_client.post(f"{EDITOR}/arrange", json={**body, "version": 2})
    dropped = await organizer_client.post(
        f"{EDITOR}/arrange", json={"version": 2, "sessions": {topic.key: keys[:2]}}, headers={"X-CSRF-Token": token}
    )

    assert moved.status_code == 200 and moved.json() == {"version": 2}
    assert stale.status_code == 409 and stale.json()["error"]
    assert no_token.status_code == 403
    assert dropped.status_code == 400
    assert [k for k, _t in _slot_times((await _stored())["agenda"], topic.key)] == body["sessions"][topic.key]


async def test_bad_input_is_refused_with_a_reason(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)
    session = next(s for s in stored["agenda"].sessions if s.topic_id is not None)
    base = {"version": "1", "title": session.title, "room": str(session.room.id), "chair": ""}

    backwards = await organizer_client.post_form(
        f"{EDITOR}/sessions/{session.key}", {**base, "start": "2026-12-10T11:00", "end": "2026-12-10T10:00"}
    )
    unknown_room = await organizer_client.post_form(
        f"{EDITOR}/sessions/{session.key}", {**base, "room": "999", "start": "2026-12-10T10:00", "end": "2026-12-10T11:00"}
    )
    no_minutes = await organizer_client.post_form(
        f"{EDITOR}/slots/{_keynote(stored)}", {"version": "1", "title": "x", "start": "2026-12-10T10:35", "duration": "0"}
    )

    assert backwards.status_code == 400 and ("结束" in backwards.text or "end after" in backwards.text)
    assert unknown_room.status_code == 400 and ("会议室" in unknown_room.text or "room" in unknown_room.text)
    assert no_minutes.status_code == 400
    assert (await _stored())["version"] == 1


async def test_checks_show_a_slot_outside_its_session_with_a_link(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key = _keynote(await _draft(organizer_client))
    await organizer_client.post_form(
        f"{EDITOR}/slots/{key}", {"version": "1", "title": "挪出去的发言", "start": "2026-12-10T16:50", "duration": "10"}
    )

    page = await organizer_client.get(EDITOR)

    checks = page.text.split('id="checks-heading"')[1].split("</section>")[0]
    assert "挪出去的发言" in checks
    assert f'href="#slot-{key}"' in checks


async def test_adding_a_break_puts_it_after_the_sessions_last_slot(organizer_client) -> None:  # type: ignore[no-untyped-def]
    stored = await _draft(organizer_client)
    session = next(s for s in stored["agenda"].sessions if s.topic_id is not None)

    response = await organizer_client.post_form(
        f"{EDITOR}/sessions/{session.key}/slots", {"version": "1", "kind": "break", "title": "茶歇", "duration": "10"}
    )

    assert response.status_code == 303
    after = next(s for s in (await _stored())["agenda"].sessions if s.key == session.key)
    assert (after.slots[-1].title, after.slots[-1].start) == ("茶歇", session.slots[-1].end)


# ---------- publishing and the public agenda ----------


async def test_before_any_release_the_public_agenda_and_every_file_are_404_with_a_clear_page(client) -> None:  # type: ignore[no-untyped-def]
    await _seminar_with_decisions()

    for path in ("agenda", "agenda.ics", "agenda.pdf", "agenda.xlsx", "schedule.xml", "schedule.json"):
        response = await client.get(f"/{SLUG}/{path}")
        assert response.status_code == 404, path
        assert "尚未发布" in response.text, path


async def test_publish_v1_then_change_and_publish_v2_with_its_changelog(organizer_client) -> None:  # type: ignore[no-untyped-def]
    key = _keynote(await _draft(organizer_client))

    v1 = await _publish(organizer_client, 1)
    retitle = {"version": "1", "title": "改过的重点发言", "start": "2026-12-10T10:35", "duration": "10", "speaker": "广州市1号发言人"}
    await organizer_client.post_form(f"{EDITOR}/slots/{key}", retitle)
    public_between = await organizer_client.get(f"/{SLUG}/agenda")
    v2 = await _publish(organizer_client, 2)
    public_after = await organizer_client.get(f"/{SLUG}/agenda")
    listing = await organizer_client.get(f"{EDITOR}/releases")

    assert v1.status_code == 303 and v2.status_code == 303
    releases = await AgendaRelease.all().order_by("number")
    assert [r.number for r in releases] == [1, 2]
    assert all(change["kind"] == "added" for change in releases[0].changelog)
    assert [c["kind"] for c in releases[1].changelog] == ["retitled"]
    assert "改过的重点发言" in releases[1].changelog[0]["summary"]
    assert "改过的重点发言" not in public_between.text  # the draft is never public
    assert "改过的重点发言" in public_after.text
    assert "改过的重点发言" in listing.text


async def test_publishing_an_unchanged_draft_or_from_a_stale_page_is_refused(organizer_client) -> None:  # type: ignore[no-untyped-def]
    await _draft(organizer_client)
    await _publish(organizer_client, 1)

    again = await _publish(organizer_client, 1)
    stale = await _publish(organizer_client, 0)

    assert again.status_code == 400 and stale.status_code == 409
    assert await AgendaRelease.all().count() == 1


async def test_publishing_writes_to_changed_speakers_and_participants(organizer_client) -> None:  # type: ignore[no-untyped-def]
    seminar = await Seminar.get(slug=SLUG)
    attendee = await make_user(email="attendee@example.org", name="黄颖")
    await grant(attendee, seminar, RoleName.ATTENDEE)
    stored = await _draft(organizer_client)
    key = _keynote(stored)
    changed_paper = stored["agenda"].find_slot(key)[1].paper_id
    other_paper = next(s.paper_id for _x, s in stored["agenda"].slots() if s.kind.value == "keynote" and s.key != key)
    await _publish(organizer_client, 1)
    await organizer_client.post_form(
        f"{EDITOR}/slots/{key}",
        {"version": "1", "title": "改过的重点发言", "start": "2026-12-10T10:30", "duration": "10", "speaker": "广州市1号发言人"},
    )

    response = await _publish(organizer_client, 2, notify_speakers="y", notify_participants="y")
    releases = await organizer_client.get(response.headers["location"])

    assert response.status_code == 303
    mails = {mail.to_address: mail for mail in await OutboxMail.filter(template="agenda/published")}
    # The published versions, where publishing returns, follow the mails (no mail server here: it says so).
    [region] = lxml.html.fromstring(releases.text).xpath("//*[@id='mail-batch']")
    assert region.xpath(".//h2")[0].text_content() == "发布议程的通知邮件"
    assert f"已发送 0/{len(mails)}" in region.text_content()
    changed, unchanged = f"author{changed_paper}@example.org", f"author{other_paper}@example.org"
    assert changed in mails  # contact author of the changed keynote's paper
    assert unchanged not in mails  # their slot did not change
    assert {"attendee@example.org", "organizer@example.org"} <= set(mails)
    assert "改过的重点发言" in mails[changed].body_text
    assert "第2版" in mails["attendee@example.org"].subject or "2" in mails["attendee@example.org"].subject


# ---------- files ----------


@pytest.fixture
async def released(organizer_client) -> AsyncIterator:  # type: ignore[no-untyped-def, type-arg]
    await _draft(organizer_client)
    published_now = await _publish(organizer_client, 1)
    assert published_now.status_code == 303
    await organizer_client.get(published_now.headers["location"])  # as a browser does: it shows "published"
    yield organizer_client


async def test_frab_files_validate_against_the_shared_schemas(  # type: ignore[no-untyped-def]
    released, xml_schema: etree.XMLSchema, json_validator: jsonschema.protocols.Validator  # noqa: F811
) -> None:
    xml = await released.get(f"/{SLUG}/schedule.xml")
    data = await released.get(f"/{SLUG}/schedule.json")

    document = etree.fromstring(xml.content)
    assert xml_schema.validate(document), xml_schema.error_log
    assert document.findtext("version") == "v1"
    errors = [e.message for e in json_validator.iter_errors(json.loads(data.content))]
    assert errors == []


async def test_icalendar_and_spreadsheet_parse_back(released) -> None:  # type: ignore[no-untyped-def]
    ics = await released.get(f"/{SLUG}/agenda.ics")
    xlsx = await released.get(f"/{SLUG}/agenda.xlsx")

    calendar = icalendar.Calendar.from_ical(ics.content)
    events = list(calendar.walk("VEVENT"))
    keynote = next(e for e in events if "完成政治任务·广州市的做法" in str(e["summary"]))
    assert keynote.decoded("dtstart").utcoffset() == dt.timedelta(hours=8)
    assert ics.headers["content-type"].startswith("text/calendar")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$2:$2"
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "完成政治任务·广州市的做法" in values


@pytest.fixture
async def released_with_people(organizer_client) -> AsyncIterator:  # type: ignore[no-untyped-def, type-arg]
    """Released with a lecture (lecturer with 单位 and 职务), and each topic's session with a 主持人 and two 点评人."""
    settings = {**SETTINGS, "lecture_title": "市域社会治理的几个问题", "lecturer": "孙辅导",
                "lecturer_unit": "省委党校", "lecturer_position": "教授"}
    assert (await organizer_client.post_form(f"{EDITOR}/settings", settings)).status_code == 303
    stored = await _draft(organizer_client)
    version = stored["version"]
    for number, session in enumerate((s for s in stored["agenda"].sessions if s.topic_id is not None), start=1):
        form = {
            "version": str(version), "title": session.title, "room": str(session.room.id),
            "start": f"{session.start:%Y-%m-%dT%H:%M}", "end": f"{session.end:%Y-%m-%dT%H:%M}",
            "chair-name": "林主持", "chair-unit": "省委政法委", "chair-position": "副处长",
            "commentators-0-name": f"王点评{number}", "commentators-0-unit": "省委组织部",
            "commentators-1-name": f"周点评{number}", "commentators-1-unit": "中山大学", "commentators-1-position": "教授",
        }
        assert (await organizer_client.post_form(f"{EDITOR}/sessions/{session.key}", form)).status_code == 303
        version += 1
    assert (await _publish(organizer_client, version)).status_code == 303
    yield organizer_client


async def test_the_spreadsheet_is_the_printed_agenda_as_an_office_table(released_with_people) -> None:  # type: ignore[no-untyped-def]
    response = await released_with_people.get(f"/{SLUG}/agenda.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sheet["A1"].value.endswith("日程安排")
    assert [c.value for c in sheet[2]] == ["序号", "日期", "时间", "会场", "场次", "类别", "议程内容", "发言人及单位", "主持人"]
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0][1:7] == ("2026年12月10日（星期四）", "08:30—09:00", None, None, None, "签到")
    lecture = next(row for row in rows if row[5] == "专题辅导")
    assert (lecture[6], lecture[7]) == ("专题辅导：市域社会治理的几个问题", "辅导人：孙辅导（省委党校 教授）")
    keynotes = [index for index, row in enumerate(rows, start=3) if row[5] == "重点发言"]
    first = rows[keynotes[0] - 3]
    assert first[4] == "专题一　完成政治任务" and first[6] == "完成政治任务·广州市的做法"
    assert first[7] == "广州市1号发言人（广州市委政法委）" and first[8] == "主持人：林主持（省委政法委 副处长）"
    commentary = next(row for row in rows if row[5] == "点评" and row[4] == "专题一　完成政治任务")
    assert commentary[7] == "王点评1（省委组织部）\n周点评1（中山大学 教授）"
    discussion = next(row for row in rows if row[5] == "研讨交流" and row[4] == "专题一　完成政治任务")
    titles, speakers = discussion[6].splitlines(), discussion[7].splitlines()
    assert titles[0] == "研讨交流"
    assert sorted(t[3:] for t in titles[1:]) == ["完成政治任务·汕头市的做法", "完成政治任务·珠海市的做法"]
    assert [line[:3] for line in titles[1:]] == [line[:3] for line in speakers] == ["1. ", "2. "]
    assert all("（" in line and "政法委）" in line for line in speakers)
    # 重点发言 rows, and only they, are marked; everything is in 宋体; A4 landscape, margins, footer, titles.
    marked = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 7).font.b]
    assert marked == keynotes and sheet.cell(keynotes[0], 7).fill.fgColor.rgb.endswith("F2F2F2")
    visible = [sheet["A1"], *(sheet.cell(r, c) for r in range(2, sheet.max_row + 1) for c in range(1, 10))]
    assert {cell.font.name for cell in visible} == {"宋体"}
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"
    assert sheet.page_margins.left >= 0.5 and sheet.page_margins.bottom >= 0.75
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


async def test_frab_files_with_people_validate_and_name_the_commentators(  # type: ignore[no-untyped-def]
    released_with_people, xml_schema: etree.XMLSchema, json_validator: jsonschema.protocols.Validator  # noqa: F811
) -> None:
    xml = etree.fromstring((await released_with_people.get(f"/{SLUG}/schedule.xml")).content)
    data = json.loads((await released_with_people.get(f"/{SLUG}/schedule.json")).content)
    calendar = icalendar.Calendar.from_ical((await released_with_people.get(f"/{SLUG}/agenda.ics")).content)

    assert xml_schema.validate(xml), xml_schema.error_log
    assert [e.message for e in json_validator.iter_errors(data)] == []
    commentaries = [e for e in xml.iter("event") if e.findtext("type") == "commentary" and e.findtext("track") != "综合点评及总结讲话"]
    assert [[p.text for p in e.findall("persons/person")] for e in commentaries] == [["王点评1", "周点评1"], ["王点评2", "周点评2"]]
    keynote = next(e for e in calendar.walk("VEVENT") if "完成政治任务·广州市的做法" in str(e["SUMMARY"]))
    assert str(keynote["DESCRIPTION"]).splitlines()[-2:] == ["发言人：广州市1号发言人（广州市委政法委）", "主持人：林主持（省委政法委 副处长）"]


async def test_the_published_pages_title_wraps_only_between_the_lines_the_pdf_has(released) -> None:  # type: ignore[no-untyped-def]
    from seminar.agenda.program import agenda_title_lines
    from seminar.seminars.models import Seminar

    title = (await Seminar.get(slug=SLUG)).title
    page = await released.get(f"/{SLUG}/agenda")

    # Each line of the printed title is one unbreakable piece of the page (display: inline-block).
    lines = re.findall(r'<span class="title-line">([^<]*)</span>', page.text)
    assert lines == agenda_title_lines(title) and "".join(lines) == title


async def test_the_pdf_has_pages_with_chinese_text_and_is_stored_once(released) -> None:  # type: ignore[no-untyped-def]
    response = await released.get(f"/{SLUG}/agenda.pdf")

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 1
    assert "完成政治任务" in text
    assert await AgendaFile.filter(kind="pdf").count() == 1


async def test_a_repeated_request_gets_304_with_the_same_strong_etag(released) -> None:  # type: ignore[no-untyped-def]
    for path in ("agenda", "agenda.ics", "schedule.xml", "schedule.json", "agenda.xlsx"):
        first = await released.get(f"/{SLUG}/{path}")
        etag = first.headers["etag"]
        again = await released.get(f"/{SLUG}/{path}", headers={"If-None-Match": etag})
        other = await released.get(f"/{SLUG}/{path}", headers={"If-None-Match": '"something-else"'})

        assert etag.startswith('"') and not etag.startswith("W/"), path
        assert again.status_code == 304 and again.headers["etag"] == etag and not again.content, path
        assert other.status_code == 200 and other.content == first.content, path
        # The page carries the signed-in organizer's own header links: for their browser only.
        assert ("private" if path == "agenda" else "public") in first.headers["cache-control"], path


async def test_strangers_asking_again_get_the_same_answer_in_their_language_and_a_signed_in_person_their_own(  # type: ignore[no-untyped-def]
    released,
) -> None:
    released.cookies.clear()  # a stranger: no session at all
    released._csrf = None
    traditional = {"Accept-Language": "zh-TW,zh;q=0.9"}
    answers = {}
    for path in ("agenda", "agenda.ics", "schedule.json"):
        first = await released.get(f"/{SLUG}/{path}")
        again = await released.get(f"/{SLUG}/{path}")
        unchanged = await released.get(f"/{SLUG}/{path}", headers={"If-None-Match": first.headers["etag"]})
        other = await released.get(f"/{SLUG}/{path}", headers={"If-None-Match": '"something-else"'})
        answers[path] = first

        assert again.status_code == 200 and again.content == first.content, path
        same = {name: value for name, value in again.headers.items() if name != "x-request-id"}
        assert same == {name: value for name, value in first.headers.items() if name != "x-request-id"}, path
        assert again.headers["x-request-id"] != first.headers["x-request-id"], path
        assert again.headers["content-security-policy"] and "set-cookie" not in again.headers, path
        assert unchanged.status_code == 304 and not unchanged.content, path
        assert unchanged.headers["etag"] == first.headers["etag"], path
        assert unchanged.headers["cache-control"] == first.headers["cache-control"], path
        assert other.status_code == 200 and other.content == first.content, path
        assert [token.strip() for token in first.headers["vary"].split(",")] == ["Accept-Language", "Cookie"], path
    hant = [await released.get(f"/{SLUG}/agenda", headers=traditional) for _twice in range(2)]
    await released.login("organizer@example.org")
    mine = await released.get(f"/{SLUG}/agenda")

    assert "議程" in hant[0].text and hant[1].content == hant[0].content != answers["agenda"].content
    assert ">李明</a>" in mine.text and '<a href="/login">登录</a>' not in mine.text
    assert "private" in mine.headers["cache-control"]
    assert [token.strip() for token in mine.headers["vary"].split(",")] == ["Accept-Language", "Cookie"]


async def test_the_public_page_has_the_site_header_with_links_to_each_language(released) -> None:  # type: ignore[no-untyped-def]
    await released.logout()

    page = await released.get(f"/{SLUG}/agenda")
    english = await released.get(f"/{SLUG}/agenda", params={"lang": "en"})
    english_pdf_link = re.search(r'href="([^"]+agenda\.pdf[^"]*)"', english.text)

    assert '<a href="/">研讨班</a>' in page.text.replace(' class="brand"', "")
    assert '<a href="/login">登录</a>' in page.text
    assert f'<a href="/{SLUG}/" class="seminar-name">' in page.text  # the way back to the seminar
    assert f'<a href="/{SLUG}/agenda?lang=en">English</a>' in page.text
    assert f'<a href="/{SLUG}/agenda?lang=zh_Hant">繁體中文</a>' in page.text
    assert "<h1>Seminar agenda</h1>" in english.text and '<a href="/login">Log in</a>' in english.text
    assert english_pdf_link and english_pdf_link.group(1) == f"/{SLUG}/agenda.pdf?lang=en"
    assert "public" in page.headers["cache-control"] and "set-cookie" not in page.headers


async def test_a_signed_in_visitor_sees_their_own_header_and_the_cache_keeps_no_one(released) -> None:  # type: ignore[no-untyped-def]
    seminar = await Seminar.get(slug=SLUG)
    await make_submitter(seminar, city="深圳市", email="shenzhen@example.org")

    organizer_page = await released.get(f"/{SLUG}/agenda")
    organizer_again = await released.get(
        f"/{SLUG}/agenda", headers={"If-None-Match": organizer_page.headers["etag"]}
    )
    await released.logout()
    await released.login("shenzhen@example.org")
    city_page = await released.get(f"/{SLUG}/agenda")
    city_csrf = await released.csrf()
    await released.logout()
    stranger_page = await released.get(f"/{SLUG}/agenda")

    assert ">李明</a>" in organizer_page.text and "退出登录" in organizer_page.text
    assert organizer_again.status_code == 304
    assert ">深圳市联络员</a>" in city_page.text and "李明" not in city_page.text
    assert f'value="{city_csrf}"' in city_page.text  # its 退出登录 form works
    assert organizer_page.headers["etag"] != city_page.headers["etag"] != stranger_page.headers["etag"]
    assert "private" in city_page.headers["cache-control"]
    assert '<a href="/login">登录</a>' in stranger_page.text
    assert "李明" not in stranger_page.text and "深圳市联络员" not in stranger_page.text
    cached = b"".join(entry.content for entry in published._cache.values())
    assert "李明".encode() not in cached and "深圳市联络员".encode() not in cached and b"csrf_token" not in cached


async def test_a_visitor_who_logged_out_reads_the_message_once_on_the_agenda(released) -> None:  # type: ignore[no-untyped-def]
    stranger = await released.get(f"/{SLUG}/agenda", headers={"Cookie": ""})  # no session: a stranger's page
    await released.post_form("/logout")  # and the agenda is the next page they open
    released._csrf = None

    told = await released.get(f"/{SLUG}/agenda")
    again = await released.get(f"/{SLUG}/agenda")

    assert "您已退出登录。" in told.text and '<a href="/login">登录</a>' in told.text
    assert "private" in told.headers["cache-control"] and told.headers["etag"] != stranger.headers["etag"]
    assert "您已退出登录。" not in again.text and again.content == stranger.content
    assert again.headers["etag"] == stranger.headers["etag"]


async def test_a_stranger_whose_session_holds_a_form_token_or_a_language_gets_the_kept_answer(  # type: ignore[no-untyped-def]
    released, monkeypatch: pytest.MonkeyPatch
) -> None:
    released.cookies.clear()
    released._csrf = None
    stranger = await released.get(f"/{SLUG}/agenda")  # no session: the whole way, kept
    await released.csrf()  # a page with a form: the session holds its token now
    await released.post_form("/language", {"locale": "en", "next": f"/{SLUG}/agenda"})  # and the language chosen
    english = await released.get(f"/{SLUG}/agenda")  # the whole way in English, kept for that language

    async def whole_way(*args: object) -> None:
        raise AssertionError("the request went the whole way")

    monkeypatch.setattr(agenda_routes, "latest_head", whole_way)
    english_again = await released.get(f"/{SLUG}/agenda")
    released.cookies.clear()
    released._csrf = None
    await released.csrf()
    token_only = await released.get(f"/{SLUG}/agenda")
    unchanged = await released.get(f"/{SLUG}/agenda", headers={"If-None-Match": stranger.headers["etag"]})

    assert "<h1>Seminar agenda</h1>" in english.text and "<h1>Seminar agenda</h1>" not in stranger.text
    assert english_again.status_code == 200 and english_again.content == english.content
    assert token_only.status_code == 200 and token_only.content == stranger.content
    assert token_only.headers["etag"] == stranger.headers["etag"] and "set-cookie" not in token_only.headers
    assert unchanged.status_code == 304
    assert released.cookies.get("seminar_session")  # the token is still the visitor's


async def test_strangers_get_the_kept_answer_while_one_of_them_asks_for_a_newer_release(released) -> None:  # type: ignore[no-untyped-def]
    released.cookies.clear()
    released._csrf = None
    first = await released.get(f"/{SLUG}/agenda")
    key = (f"/{SLUG}/agenda", b"", b"", "")

    def second_is_up() -> None:  # as in a process that did not publish: its kept head and answer expire
        kept, _fresh = published.ready_answer(key)
        assert kept is not None
        published._ready[key] = dataclasses.replace(kept, expires=time.monotonic() - 0.5)
        published._heads[SLUG] = (time.monotonic() - 0.5, published._heads[SLUG][1])

    second_is_up()
    kept, _fresh = published.ready_answer(key)
    # The first stranger after the time is up asks for the latest release; the ones meanwhile get the kept answer.
    assert published.ready_answer(key) == (kept, True)
    published.revalidated(key, None)  # it found nothing to keep (say, the agenda withdrawn)
    assert published.ready_answer(key) == (None, False)

    await released.get(f"/{SLUG}/agenda")
    before, _fresh = published.ready_answer(key)
    second_is_up()
    unchanged = await released.get(f"/{SLUG}/agenda")  # the same release: the kept answer, for another second
    renewed, fresh = published.ready_answer(key)
    await Seminar.filter(slug=SLUG).update(proceedings_public=True)  # in another process
    second_is_up()
    changed = await released.get(f"/{SLUG}/agenda")

    assert unchanged.content == first.content and renewed is not None and fresh
    assert before is not None and renewed.source is before.source  # renewed, not made again the whole way
    assert "/proceedings/papers/" in changed.text and "/proceedings/papers/" not in first.text


async def test_papers_are_linked_to_their_pages_only_while_the_proceedings_are_public(  # type: ignore[no-untyped-def]
    released, xml_schema: etree.XMLSchema, json_validator: jsonschema.protocols.Validator  # noqa: F811
) -> None:
    keynote = await Paper.get(title="完成政治任务·广州市的做法")
    contribution = await Paper.get(title="完成政治任务·珠海市的做法")  # decided discussion
    keynote_url = f"http://testserver/{SLUG}/proceedings/papers/{keynote.number}"
    contribution_url = f"http://testserver/{SLUG}/proceedings/papers/{contribution.number}"
    closed = await released.get(f"/{SLUG}/agenda")

    await Seminar.filter(slug=SLUG).update(proceedings_public=True)
    published.forget_head(SLUG)  # what every process does within HEAD_SECONDS
    opened = await released.get(f"/{SLUG}/agenda")
    ics = await released.get(f"/{SLUG}/agenda.ics")
    xml = await released.get(f"/{SLUG}/schedule.xml")
    data = await released.get(f"/{SLUG}/schedule.json")
    paper_page = await released.get(keynote_url.removeprefix("http://testserver"))
    await Seminar.filter(slug=SLUG).update(proceedings_public=False)
    published.forget_head(SLUG)
    closed_again = await released.get(f"/{SLUG}/agenda")

    assert "/proceedings/papers/" not in closed.text and "/proceedings/papers/" not in closed_again.text
    assert f'<a href="{keynote_url}">完成政治任务·广州市的做法</a>' in opened.text
    assert f'<a href="{contribution_url}">完成政治任务·珠海市的做法</a>' in opened.text
    assert closed.headers["etag"] == closed_again.headers["etag"] != opened.headers["etag"]
    assert paper_page.status_code == 200 and "完成政治任务·广州市的做法" in paper_page.text
    events = list(icalendar.Calendar.from_ical(ics.content).walk("VEVENT"))
    assert str(next(e for e in events if "完成政治任务·广州市的做法" in str(e["summary"]))["url"]) == keynote_url
    document = etree.fromstring(xml.content)
    assert xml_schema.validate(document), xml_schema.error_log
    assert keynote_url in [link.get("href") for link in document.iter("link")]
    schedule = json.loads(data.content)
    assert [e.message for e in json_validator.iter_errors(schedule)] == []
    links = [
        link["url"]
        for day in schedule["schedule"]["conference"]["days"]
        for talks in day["rooms"].values()
        for talk in talks
        for link in talk["links"]
    ]
    assert keynote_url in links and contribution_url in links


async def test_a_speaker_subscribes_to_their_own_slots_at_a_secret_address(released, client) -> None:  # type: ignore[no-untyped-def]
    seminar = await Seminar.get(slug=SLUG)
    release = await AgendaRelease.get()
    keynote = next(s for _x, s in agenda_from_data(release.data).slots() if s.kind.value == "keynote")
    speaker = await make_user(email=f"author{keynote.paper_id}@example.org", name="陈静")
    await grant(speaker, seminar, RoleName.SUBMITTER)
    await released.logout()
    await released.login(speaker.email)

    page = await released.get(f"/{SLUG}/agenda/my")
    url = re.search(r'value="(http://testserver/[^"]+\.ics)"', page.text)
    assert url, page.text
    await released.logout()
    calendar = await released.get(url.group(1).removeprefix("http://testserver"))
    forged = await released.get(url.group(1).removeprefix("http://testserver")[:-8] + "0000.ics")

    assert calendar.status_code == 200
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(calendar.content).walk("VEVENT")]
    assert [s for s in summaries if "完成政治任务·广州市的做法" in s]
    assert not any("深圳市" in s for s in summaries)
    assert forged.status_code == 404


async def test_the_demo_agenda_is_drafted_and_published_once(client) -> None:  # type: ignore[no-untyped-def]
    from seminar.agenda.demo import build_demo_agenda

    seminar = await _seminar_with_decisions()

    first = await build_demo_agenda(seminar)
    second = await build_demo_agenda(seminar)

    assert (first, second) == (1, 1)
    assert await AgendaRelease.filter(seminar_id=seminar.id).count() == 1
    page = await client.get(f"/{SLUG}/agenda")
    assert page.status_code == 200 and "完成政治任务·广州市的做法" in page.text
