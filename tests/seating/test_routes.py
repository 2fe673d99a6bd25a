"""The organizers' 座次表: layout, the 主席台, generating by precedence, moving people, stale pages, the printed plan and list."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from seminar.accounts.models import Unit, UnitKind
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seating.models import Seat, SeatPlan
from seminar.seminars.models import Seminar
from tests.conftest import Client, flashes
from tests.factories import make_organizer, make_seminar, make_unit, make_user

PLAN = "/gd-2021/manage/seats"


async def register(seminar: Seminar, name: str, unit: Unit, position: str = "干部",
                   status: RegistrationStatus = RegistrationStatus.APPROVED) -> Registration:
    user = await make_user(name=name, unit=unit, position=position)
    return await Registration.create(
        seminar=seminar, user=user, name=name, unit=unit, position=position, email=user.email, status=status,
        decided_at=dt.datetime.now(dt.UTC),
    )


async def hall(seminar: Seminar) -> dict[str, Registration]:
    """省委政法委, 广州, 深圳: a leader each, and delegates. The department's `sort_order` is after the cities',
    as in the official list of units (papers come by city); lists of people still put the 省直单位 first."""
    province = await make_unit("省委政法委", UnitKind.DEPARTMENT, sort_order=510)
    guangzhou = await make_unit("广州市", UnitKind.CITY, sort_order=10)
    shenzhen = await make_unit("深圳市", UnitKind.CITY, sort_order=20)
    people = {}
    # Registered in an order unlike precedence, so the plan's order shows the rules at work.
    for name, unit, position in [
        ("深圳干部", shenzhen, "科员"), ("马书记", province, "省委常委、政法委书记"), ("广州科员", guangzhou, "科员"),
        ("深圳书记", shenzhen, "市委常委、政法委书记"), ("广州处长", guangzhou, "综治处处长"),
        ("周副书记", province, "政法委副书记"),
    ]:
        people[name] = await register(seminar, name, unit, position)
    return people


async def seat_map(seminar: Seminar) -> dict[str, str]:
    """Seat code → name."""
    seats = await Seat.filter(plan__seminar_id=seminar.id).select_related("registration")
    return {f"{s.zone.value}-{s.row}-{s.number}": s.registration.name for s in seats}


async def version(seminar: Seminar) -> str:
    plan = await SeatPlan.get_or_none(seminar_id=seminar.id)
    return str(plan.version if plan else 0)


async def organizer_client(client: Client, seminar: Seminar) -> None:
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)


LAYOUT = {"dais_rows": "1", "dais_seats": "3", "rows": "3", "seats_per_row": "2", "reserved": "1 嘉宾",
          "second_on_left": "y", "title": "开班式"}


async def test_generate_seats_the_chosen_leaders_centre_out_and_the_rest_by_unit_order_then_rank(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "version": "0"}, follow_redirects=True)
    leaders = [people[n].id for n in ("深圳书记", "马书记", "周副书记")]
    await client.post_form(f"{PLAN}/dais", {"version": await version(seminar), "dais": [str(i) for i in leaders]}, follow_redirects=True)

    response = await client.post_form(f"{PLAN}/generate", {"version": await version(seminar)}, follow_redirects=True)

    assert flashes(response) == ["已按排序生成座次表。"]
    # 马书记 (副省级) in the centre, 深圳书记 (副厅) on his left as the platform sees it — the drawing's right —,
    # 周副书记 (read as lower than 深圳书记) on his right; row 1 is reserved for 嘉宾.
    assert await seat_map(seminar) == {
        "dais-1-2": "马书记", "dais-1-3": "深圳书记", "dais-1-1": "周副书记",
        "hall-2-2": "广州处长", "hall-2-1": "广州科员", "hall-3-2": "深圳干部",  # each row from its centre
    }
    assert "嘉宾" in response.text


async def test_a_provincial_departments_delegate_sits_before_the_cities_delegates(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    police = await make_unit("省公安厅", UnitKind.DEPARTMENT, sort_order=540)
    await register(seminar, "公安厅科员", police, "科员")
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "version": "0"}, follow_redirects=True)
    leaders = [people[n].id for n in ("深圳书记", "马书记", "周副书记")]
    await client.post_form(f"{PLAN}/dais", {"version": await version(seminar), "dais": [str(i) for i in leaders]}, follow_redirects=True)

    await client.post_form(f"{PLAN}/generate", {"version": await version(seminar)}, follow_redirects=True)

    seats = await seat_map(seminar)
    assert [seats[code] for code in ("hall-2-2", "hall-2-1", "hall-3-2", "hall-3-1")] == [
        "公安厅科员", "广州处长", "广州科员", "深圳干部",
    ]


async def test_a_stale_form_is_told_and_changes_nothing(client: Client) -> None:
    seminar = await make_seminar()
    await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "version": "0"}, follow_redirects=True)
    await client.post_form(f"{PLAN}/generate", {"version": "1"}, follow_redirects=True)
    before = await seat_map(seminar)

    response = await client.post_form(f"{PLAN}/layout", {**LAYOUT, "rows": "1", "version": "1"})

    assert response.status_code == 409
    assert flashes(response) == ["您打开本页后，座次表已被他人修改。您的修改未生效；下面是当前的座次表，请重新操作。"]
    assert (await SeatPlan.get(seminar_id=seminar.id)).rows == 3
    assert await seat_map(seminar) == before


async def test_moving_onto_a_taken_seat_swaps_and_regenerating_then_asks_first(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "reserved": "", "version": "0"}, follow_redirects=True)
    await client.post_form(f"{PLAN}/generate", {"version": "1"}, follow_redirects=True)
    before = await seat_map(seminar)
    assert before["hall-1-2"] == "马书记"  # No. 1 of row 1: of two seats, the one on the platform's left
    was = next(code for code, name in before.items() if name == "深圳干部")

    # The form names the seat as the plan shows it: row 1, No. 1.
    moved = await client.post_form(f"{PLAN}/move", {"version": "2", "person": str(people["深圳干部"].id),
                                                    "zone": "hall", "row": "1", "number": "1"})

    assert moved.status_code == 303
    seats = await seat_map(seminar)
    assert (seats["hall-1-2"], seats[was]) == ("深圳干部", "马书记")

    asked = await client.post_form(f"{PLAN}/generate", {"version": "3"})

    assert asked.status_code == 409
    assert "生成座次表后有座位被手动调整过" in asked.text
    assert (await seat_map(seminar))["hall-1-2"] == "深圳干部"

    await client.post_form(f"{PLAN}/generate", {"version": "3", "overwrite": "y"}, follow_redirects=True)

    assert (await seat_map(seminar))["hall-1-2"] == "马书记"


async def test_drag_and_drop_posts_the_move_as_json_and_a_stale_one_gets_409(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "reserved": "", "version": "0"}, follow_redirects=True)
    await client.post_form(f"{PLAN}/generate", {"version": "1"}, follow_redirects=True)
    headers = {"Accept": "application/json"}

    ok = await client.post_form(f"{PLAN}/move", {"version": "2", "person": str(people["马书记"].id), "seat": "dais-1-2"},
                                headers=headers)
    stale = await client.post_form(f"{PLAN}/move", {"version": "2", "person": str(people["深圳干部"].id),
                                                    "seat": "dais-1-2"}, headers=headers)

    assert ok.json() == {"message": "座位已调整。"}
    assert stale.status_code == 409
    assert stale.json()["error"].startswith("您打开本页后，座次表已被他人修改。")
    assert (await seat_map(seminar))["dais-1-2"] == "马书记"
    reloaded = await client.get(PLAN)  # as the script does: the page now shows both outcomes
    assert flashes(reloaded) == ["座位已调整。", stale.json()["error"]]


async def test_the_swap_form_and_its_refusal_for_someone_without_a_seat(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "reserved": "", "rows": "2", "version": "0"}, follow_redirects=True)
    await client.post_form(f"{PLAN}/generate", {"version": "1"}, follow_redirects=True)  # four seats for six: two wait

    swapped = await client.post_form(f"{PLAN}/swap", {"version": "2", "first": str(people["马书记"].id),
                                                      "second": str(people["广州科员"].id)}, follow_redirects=True)
    refused = await client.post_form(f"{PLAN}/swap", {"version": "3", "first": str(people["马书记"].id),
                                                      "second": str(people["深圳干部"].id)})

    assert flashes(swapped) == ["两人已互换座位。"]
    assert refused.status_code == 400
    assert flashes(refused) == ["两人都有座位才能互换；给未安排座位的人安排座位请用“移动”。"]
    assert await version(seminar) == "3"


async def test_a_rejected_registration_frees_its_seat_and_a_newly_approved_one_waits_unseated(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "reserved": "", "version": "0"}, follow_redirects=True)
    await client.post_form(f"{PLAN}/dais", {"version": "1", "dais": [str(people["马书记"].id)]}, follow_redirects=True)
    await client.post_form(f"{PLAN}/generate", {"version": "2"}, follow_redirects=True)
    late = await register(seminar, "新来的", await make_unit("广州市"), status=RegistrationStatus.PENDING)

    await client.post_form(f"/gd-2021/manage/participants/{people['马书记'].id}/reject", follow_redirects=True)
    await client.post_form(f"/gd-2021/manage/participants/{late.id}/approve", follow_redirects=True)

    assert "马书记" not in (await seat_map(seminar)).values()
    plan = await SeatPlan.get(seminar_id=seminar.id)
    assert (plan.dais_ids, plan.version) == ([], 4)
    page = await client.get(PLAN)
    unseated = re.search(r'<ul class="unseated"(.*?)</ul>', page.text, re.S)
    assert unseated and re.findall(r'data-person="\d+">([^<]+)<', unseated.group(1)) == ["新来的"]


async def test_bad_sizes_are_refused_with_a_message(client: Client) -> None:
    seminar = await make_seminar()
    await organizer_client(client, seminar)

    response = await client.post_form(f"{PLAN}/layout", {**LAYOUT, "dais_rows": "3", "version": "0"})

    assert response.status_code == 400
    assert flashes(response) == ["主席台设一排或两排。"]
    assert not await SeatPlan.exists(seminar_id=seminar.id)


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


async def test_the_printed_plan_and_list(client: Client) -> None:
    seminar = await make_seminar()
    people = await hall(seminar)
    await organizer_client(client, seminar)
    await client.post_form(f"{PLAN}/layout", {**LAYOUT, "version": "0"}, follow_redirects=True)
    await client.post_form(f"{PLAN}/dais", {"version": "1", "dais": [str(people["马书记"].id)]}, follow_redirects=True)
    await client.post_form(f"{PLAN}/generate", {"version": "2"}, follow_redirects=True)

    plan = await client.get("/gd-2021/manage/seats.pdf")
    listing = await client.get("/gd-2021/manage/seat-list.pdf")
    sheet = await client.get("/gd-2021/manage/seat-list.xlsx")

    reader = PdfReader(io.BytesIO(plan.content))
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages] == [(842, 595)]
    [text] = page_texts(plan.content)
    assert text.startswith("开班式座次表2026年12月10日")
    for printed in ("主席台", "马书记省委政法委", "第1排嘉宾", "第2排", "第3排"):
        assert printed in text
    # Drawn from the audience's left: row 2's No. 2 (广州处长), then its No. 1 (周副书记) on the platform's left.
    assert "第2排2广州处长广州市1周副书记省委政法委第3排2深圳书记深圳市1广州科员" in text
    assert "每排1号居中" in text
    [listed] = page_texts(listing.content)
    assert listed.startswith("开班式座次名单2026年12月10日序号姓名单位排座1马书记省委政法委主席台12周副书记省委政法委第2排1"
                             "3广州处长广州市第2排2")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "开班式座次表"
    assert rows[1] == ("序号", "姓名", "单位", "排", "座")
    assert rows[2] == (1, "马书记", "省委政法委", "主席台", 1)
    assert rows[4] == (3, "广州处长", "广州市", "第2排", 2)
    assert len(rows) == 2 + 5  # 马书记 on the platform, four of five others in the hall's two free rows
