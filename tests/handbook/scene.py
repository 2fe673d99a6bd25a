"""A seminar with what a 会议手册 prints: an organizer with a 全称, a published agenda (开班式, two topics with
主持人, 点评人, 重点发言 and 研讨交流, a break), approved registrations in three units, one still pending."""

from __future__ import annotations

import datetime as dt

from seminar.accounts.models import UnitKind
from seminar.agenda.model import Contribution, Person, SlotKind
from seminar.agenda.models import AgendaRelease
from seminar.agenda.snapshot import agenda_to_data
from seminar.handbook.models import HandbookSettings
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seminars.models import Seminar, Topic
from tests.agenda.builders import HALL, SIDE, agenda, session, slot
from tests.factories import make_seminar, make_unit, make_user

NOTICE = "一、请参会人员于12月10日8:30前到会场签到。\n二、会议期间请将手机调至静音状态。\n会务组在酒店大堂设服务台。"
CONTACTS = "会务组　王小明　020-83001234　wang@example.cn\n会务组　陈晓燕　13800138001"
# Registered in the opposite of the official order, so the list's order comes from the units.
PEOPLE = (
    ("云浮市", 21, "赵六", "市委政法委副书记", "13711112222"),
    ("广州市", 1, "孙七", "市委政法委书记", "13711113333"),
    ("省公安厅", 0, "周八", "治安管理局局长", "13711114444"),
    ("广州市", 1, "吴九", "市委政法委办公室主任", "13711115555"),
)


async def topic_agenda(seminar: Seminar, topics: list[Topic], hall_only: bool = False) -> AgendaRelease:
    """Release number n+1 of an agenda for the seminar's first two topics (topic 2 in the side room unless `hall_only`)."""
    first, second = topics[0], topics[1]
    chair = Person(None, "刘主持", "省委政法委", "副书记")
    commentator = Person(None, "郑教授", "中山大学", "教授")
    the_agenda = agenda(
        session("open", HALL, "09:00", "09:20", slot("开班式", "09:00", 20, SlotKind.OPENING,
                                                     speaker=Person(None, "省领导"))),
        session(
            "t1", HALL, "09:30", "10:30",
            slot("k1", "09:30", 10, SlotKind.KEYNOTE, "推进市域社会治理现代化的广州实践", speaker=Person(None, "孙七", "广州市委政法委")),
            slot("k2", "09:40", 10, SlotKind.KEYNOTE, "枫桥经验的云浮探索", speaker=Person(None, "赵六", "云浮市委政法委")),
            slot("d1", "09:50", 20, SlotKind.DISCUSSION, "研讨交流", contributions=(
                Contribution(901, "网格化管理的几点体会", Person(None, "马俊", "汕头市委政法委")),
            )),
            slot("c1", "10:10", 20, SlotKind.COMMENTARY, "点评"),
            topic_id=first.id, chair=chair, title=first.title, commentators=(commentator,),
        ),
        session("break", HALL, "10:30", "10:40", slot("休息", "10:30", 10, SlotKind.BREAK)),
        session(
            "t2", HALL if hall_only else SIDE, "10:40", "11:30",
            slot("k3", "10:40", 10, SlotKind.KEYNOTE, "发挥政治优势的深圳做法", speaker=Person(None, "钱五", "深圳市委政法委")),
            slot("c2", "10:50", 10, SlotKind.COMMENTARY, "点评"),
            topic_id=second.id, chair=Person(None, "黄主持", "省委政法委", "处长"), title=second.title,
            commentators=(Person(None, "冯处长", "省委组织部", "处长"),),
        ),
    )
    number = await AgendaRelease.filter(seminar_id=seminar.id).count() + 1
    return await AgendaRelease.create(
        seminar=seminar, number=number, data=agenda_to_data(the_agenda), published_at=dt.datetime.now(dt.UTC)
    )


async def handbook_seminar() -> Seminar:
    organizer_unit = await make_unit("省委政法委", UnitKind.DEPARTMENT, full_name="中共广东省委政法委员会")
    seminar = await make_seminar(
        title="全省发挥政治引领作用推进市域社会治理现代化创新研讨班", organizer_unit=organizer_unit,
        starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 11), venue="广州市珠岛宾馆",
    )
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position")
    await topic_agenda(seminar, topics)
    for unit_name, order, name, position, phone in PEOPLE:
        kind = UnitKind.DEPARTMENT if unit_name.startswith("省") else UnitKind.CITY
        unit = await make_unit(unit_name, kind, sort_order=order)
        user = await make_user(name=name, unit=unit)
        await Registration.create(
            seminar=seminar, user=user, name=name, unit=unit, position=position, phone=phone, email=user.email,
            status=RegistrationStatus.APPROVED, decided_at=dt.datetime.now(dt.UTC),
        )
    pending = await make_user(name="何十")
    await Registration.create(seminar=seminar, user=pending, name="何十", email=pending.email, phone="13711116666")
    await HandbookSettings.create(seminar=seminar, notice=NOTICE, contacts=CONTACTS)
    return seminar
