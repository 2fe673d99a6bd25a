"""The 会议手册 built on the database, through the book's queue and worker: what it prints, the cache, staleness."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from seminar.handbook import actions, queries
from seminar.handbook.models import HandbookSettings
from seminar.proceedings import styles
from seminar.proceedings.models import BuildKind, BuildStatus, ProceedingsBuild, ProceedingsSettings
from seminar.proceedings.styles import HouseStyle
from seminar.proceedings.worker import build_pending
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seating.models import Seat, SeatPlan
from seminar.seating.plan import Zone
from seminar.seminars.models import Topic
from seminar.submissions.models import Blob
from tests.handbook.scene import PEOPLE, handbook_seminar, topic_agenda


needs_fandol = pytest.mark.skipif(
    bool(styles.missing_fonts(HouseStyle.OFFICIAL)),
    reason="the Fandol fonts (Debian package texlive-lang-chinese) are not installed: run `seminar setup`",
)


async def _pdf_text(build: ProceedingsBuild) -> tuple[str, list[str]]:
    """The booklet's text without white space, and each page's text."""
    data = bytes((await Blob.get(sha256=build.blob_id)).content)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return re.sub(r"\s+", "", "".join(pages)), pages


async def test_the_worker_builds_a_queued_handbook_with_notice_programme_topics_participants_and_contacts() -> None:
    seminar = await handbook_seminar()
    build, created = await actions.request_build(seminar, None)

    ran = await build_pending("test-worker")

    assert created and ran == 1
    await build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.kind == BuildKind.HANDBOOK and build.volume is None
    text, pages = await _pdf_text(build)
    assert "全省发挥政治引领作用推进市域社会治理现代化创新研讨班" in text
    cover = re.sub(r"\s+", "", pages[0])
    assert "会议手册" in cover and "中共广东省委政法委员会" in cover and "二〇二六年十二月十日至十一日" in cover
    assert "会议期间请将手机调至静音状态" in text and "会务组在酒店大堂设服务台" in text
    # The programme prints each session once, as the agenda PDF does; 目录 names the sections first.
    programme = text[text.rindex("二、日程安排"):text.rindex("三、专题安排")]
    assert "2026年12月10日（星期四）" in programme
    for session in ("开班式", "专题一完成政治任务", "休息", "专题二发挥政治优势"):
        assert programme.count(session) == 1, session
    # The topic list: each topic's 主持人 and 点评人 with 单位 and 职务, its speakers with 单位 in speaking order.
    topics = text[text.rindex("三、专题安排"):text.rindex("四、参会人员名单")]
    assert "主持人：刘主持（省委政法委副书记）" in topics and "点评人：郑教授（中山大学教授）" in topics
    first = topics.index("推进市域社会治理现代化的广州实践孙七（广州市委政法委）")
    assert first < topics.index("枫桥经验的云浮探索赵六（云浮市委政法委）") < topics.index("网格化管理的几点体会马俊（汕头市委政法委）")
    assert "发挥政治优势的深圳做法钱五（深圳市委政法委）" in topics and "点评人：冯处长（省委组织部处长）" in topics
    assert "王小明020-83001234wang@example.cn" in text


async def test_the_participants_list_follows_the_official_unit_order_and_prints_no_phone_numbers() -> None:
    seminar = await handbook_seminar()

    build = await actions.build_now(seminar, "test")

    text, pages = await _pdf_text(build)
    listing = next(page for page in pages if "参会人员名单" in page and "序号" in page)
    flat = re.sub(r"\s+", "", listing)
    assert flat.index("省公安厅") < flat.index("广州市") < flat.index("云浮市")
    assert flat.index("周八") < flat.index("孙七") < flat.index("吴九") < flat.index("赵六")
    assert "治安管理局局长" in flat
    for *_rest, phone in PEOPLE:
        assert phone not in text
    assert "何十" not in text  # not approved


async def test_an_unchanged_handbook_is_not_built_again_and_is_stale_once_a_new_agenda_is_published() -> None:
    seminar = await handbook_seminar()
    first = await actions.build_now(seminar, "test")
    await actions.publish_build(first)

    again, created = await actions.request_build(seminar, None)
    assert (again.id, created) == (first.id, False)
    assert (await queries.manage_page(seminar))["stale"] == set()

    topics = await Topic.filter(seminar_id=seminar.id).order_by("position")
    await topic_agenda(seminar, topics, hall_only=True)

    page = await queries.manage_page(seminar)
    assert page["stale"] == {first.id} and page["published"].id == first.id
    second, created = await actions.request_build(seminar, None)
    assert created and second.id != first.id


async def test_approving_a_registration_makes_the_handbook_stale_unless_the_list_is_left_out() -> None:
    seminar = await handbook_seminar()
    first = await actions.build_now(seminar, "test")

    await Registration.filter(seminar_id=seminar.id, name="何十").update(status=RegistrationStatus.APPROVED)

    assert (await queries.manage_page(seminar))["stale"] == {first.id}
    await HandbookSettings.filter(seminar_id=seminar.id).update(include_participants=False)
    spec = await queries.handbook_spec(seminar)
    assert spec.participants is None


async def test_a_handbook_build_is_never_taken_for_the_book() -> None:
    from seminar.proceedings.queries import builds_of, published_build

    seminar = await handbook_seminar()
    build = await actions.build_now(seminar, "test")
    await actions.publish_build(build)

    assert await published_build(seminar, None) is None
    assert await builds_of(seminar) == []
    assert (await queries.published_handbook(seminar)).id == build.id


def _fonts(data: bytes) -> set[str]:
    """The faces the PDF embeds, without their subset prefixes (ABCDEF+FandolFang → FandolFang)."""
    reader = PdfReader(io.BytesIO(data))
    found = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return found


@needs_fandol
async def test_in_the_books_official_house_style_the_booklet_is_set_in_fangsong_kai_and_hei() -> None:
    seminar = await handbook_seminar()
    academic = await actions.build_now(seminar, "test")
    await ProceedingsSettings.create(seminar=seminar, house_style=HouseStyle.OFFICIAL)

    official = await actions.build_now(seminar, "test")

    assert official.id != academic.id, "a change of house style makes a new booklet"
    academic_fonts = _fonts(bytes((await Blob.get(sha256=academic.blob_id)).content))
    official_fonts = _fonts(bytes((await Blob.get(sha256=official.blob_id)).content))
    assert not any(name.startswith("Fandol") for name in academic_fonts), academic_fonts
    assert {"FandolFang", "FandolKai", "Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC-Bold"} <= official_fonts, official_fonts
    text, _pages = await _pdf_text(official)
    assert "会议手册" in text and "三、专题安排" in text


async def test_a_seat_plan_with_people_seated_adds_the_seating_plan_on_a_landscape_page() -> None:
    seminar = await handbook_seminar()
    without = await actions.build_now(seminar, "test")
    registrations = {r.name: r for r in await Registration.filter(seminar_id=seminar.id, status=RegistrationStatus.APPROVED)}
    plan = await SeatPlan.create(seminar=seminar, title="开班式", dais_rows=1, dais_seats=3, rows=2, seats_per_row=4,
                                 version=1)
    await Seat.create(plan=plan, registration=registrations["周八"], zone=Zone.DAIS, row=1, number=2)
    await Seat.create(plan=plan, registration=registrations["孙七"], zone=Zone.HALL, row=1, number=2)

    build = await actions.build_now(seminar, "test")

    text, pages = await _pdf_text(build)
    assert "座次图" not in (await _pdf_text(without))[0]
    assert "四、座次图" in text and "五、参会人员名单" in text
    page_number, seats_page = next((n, page) for n, page in enumerate(pages) if "四、座次图" in re.sub(r"\s+", "", page)
                                   and "目录" not in re.sub(r"\s+", "", page))
    flat = re.sub(r"\s+", "", seats_page)
    assert "开班式" in flat and "周八" in flat and "孙七" in flat and "主席台" in flat and "第1排" in flat
    box = PdfReader(io.BytesIO(bytes((await Blob.get(sha256=build.blob_id)).content))).pages[page_number].mediabox
    assert float(box.width) > float(box.height), "the 座次图 is printed across an A5 landscape page"
