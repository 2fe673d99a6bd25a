"""The demo seminar `gd-2021`, modelled on Guangdong's first 市域社会治理现代化试点创新研讨班.

The founding seminar took place in 广州 in 2021 (the report is from April 2021) on the six
tasks of "发挥政治引领作用". The demo keeps its slug, title, organizer and topics, but its dates
are *upcoming, counted from the day the demo is built*: submission opened two weeks ago and
closes in three weeks, so a newcomer can try every step at once. Building it again on the same
day changes nothing; on a later day it moves the dates forward and otherwise changes nothing.

`build_demo(password)` is idempotent: it creates what is missing and puts back what differs
(names, units, roles, topics, seminar settings, passwords), and never duplicates a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from seminar.accounts.actions import ensure_units
from seminar.accounts.models import Role, RoleName, Unit, User
from seminar.accounts.passwords import hash_password, verify_password
from seminar.agenda.demo import build_demo_agenda
from seminar.overlap.demo import build_demo_overlap
from seminar.proceedings.actions import build_now, publish_build
from seminar.proceedings.demo import build_demo_book_sections
from seminar.proceedings.models import BuildStatus
from seminar.registration.demo import fill_demo_receipts
from seminar.reviews.demo import build_demo_reviews
from seminar.seminars.defaults import DEFAULT_TOPICS
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.demo import build_demo_papers

DEMO_SLUG = "gd-2021"
DEMO_PASSWORD = "demo-password"
ZONE = "Asia/Shanghai"

SEMINAR_TITLE = "全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）"
SEMINAR_DESCRIPTION = (
    "为贯彻落实全国市域社会治理现代化试点工作交流会和创新研讨班部署要求，省委政法委举办全省市域社会治理"
    "现代化试点创新研讨班，交流各地在试点工作中“发挥政治引领作用”的经验做法，推动各地加强横向交流、"
    "互学互鉴。研讨班围绕“发挥政治引领作用”6大重点任务设置6个研讨专题，每个专题设置重点发言和研讨交流"
    "环节，省委组织部、省委政法委及受邀专家学者进行点评、辅导。"
)
ORGANIZER_UNIT = "省委政法委"
VENUE = "广州"


class Person(NamedTuple):
    email: str
    name: str
    unit: str  # a unit name from seminar.accounts.units
    position: str


# One submitter per city (mail by pinyin), in the official order, plus 横琴.
SUBMITTERS: tuple[Person, ...] = tuple(
    Person(f"{pinyin}@example.org", name, unit, f"{unit}委政法委联络员" if unit.endswith("市") else f"{unit}联络员")
    for pinyin, name, unit in (
        ("guangzhou", "陈志刚", "广州市"),
        ("shenzhen", "李晓峰", "深圳市"),
        ("zhuhai", "黄伟明", "珠海市"),
        ("shantou", "林振华", "汕头市"),
        ("foshan", "梁嘉豪", "佛山市"),
        ("shaoguan", "邓建国", "韶关市"),
        ("heyuan", "曾庆华", "河源市"),
        ("meizhou", "温启明", "梅州市"),
        ("huizhou", "叶志强", "惠州市"),
        ("shanwei", "彭海涛", "汕尾市"),
        ("dongguan", "钟文杰", "东莞市"),
        ("zhongshan", "何俊杰", "中山市"),
        ("jiangmen", "伍国良", "江门市"),
        ("yangjiang", "冯少文", "阳江市"),
        ("zhanjiang", "陈康", "湛江市"),
        ("maoming", "杨立新", "茂名市"),
        ("zhaoqing", "苏永健", "肇庆市"),
        ("qingyuan", "朱德明", "清远市"),
        ("chaozhou", "蔡锐", "潮州市"),
        ("jieyang", "郑培生", "揭阳市"),
        ("yunfu", "罗世平", "云浮市"),
        ("hengqin", "吴嘉欣", "横琴粤澳深度合作区"),
    )
)

REVIEWERS: tuple[Person, ...] = (
    Person("reviewer01@example.org", "王建华", "省委组织部", "组织一处处长"),
    Person("reviewer02@example.org", "刘晓燕", "省委组织部", "干部教育处副处长"),
    Person("reviewer03@example.org", "张立群", "省委政法委", "基层社会治理处处长"),
    Person("reviewer04@example.org", "赵文斌", "省委政法委", "研究室主任"),
    Person("reviewer05@example.org", "周海燕", "中山大学", "政治与公共事务管理学院教授"),
    Person("reviewer06@example.org", "郭志远", "中山大学", "法学院副教授"),
    Person("reviewer07@example.org", "孙明哲", "省委党校", "政法教研部教授"),
    Person("reviewer08@example.org", "谢丽娟", "广东省社会科学院", "法学研究所研究员"),
)

ORGANIZER = Person("organizer@example.org", "林国栋", ORGANIZER_UNIT, "基层社会治理处副处长")

ATTENDEES: tuple[Person, ...] = (
    Person("attendee01@example.org", "黄颖", "省公安厅", "治安管理局干部"),
    Person("attendee02@example.org", "马俊", "省司法厅", "人民参与和促进法治处干部"),
)


def demo_dates(today: dt.date) -> dict[str, Any]:
    """The seminar's dates counted from `today`: submission open now, the seminar seven weeks out."""
    zone = ZoneInfo(ZONE)

    def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=zone)

    seminar_day = today + dt.timedelta(days=49)
    return {
        "submission_opens_at": at(-14, 9),
        "submission_deadline": at(21, 17, 30),
        "review_deadline": at(35, 17, 30),
        "notification_on": today + dt.timedelta(days=40),
        "starts_on": seminar_day,
        "ends_on": seminar_day,
    }


@dataclass(frozen=True)
class DemoSummary:
    seminar: Seminar
    people: int
    topics: int
    papers: int
    decisions: int = 0
    agenda_release: int | None = None
    proceedings_pages: int | None = None
    overlap_checks: int = 0  # 查重 checks run by this build


class _Passwords:
    """Hash the demo password once and check each distinct stored hash once (argon2 is slow on purpose)."""

    def __init__(self, password: str) -> None:
        self.password = password
        self._hash: str | None = None
        self._checked: dict[str, bool] = {}

    def hash_for(self, current: str) -> str:
        if current not in self._checked:
            self._checked[current] = verify_password(current, self.password)
        if self._checked[current]:
            return current
        if self._hash is None:
            self._hash = hash_password(self.password)
            self._checked[self._hash] = True
        return self._hash


async def _upsert_user(person: Person, units: dict[str, Unit], passwords: _Passwords, is_admin: bool = False) -> User:
    unit = units[person.unit]
    user = await User.get_or_none(email=person.email)
    if user is None:
        return await User.create(
            email=person.email,
            name=person.name,
            unit=unit,
            position=person.position,
            is_admin=is_admin,
            password_hash=passwords.hash_for(""),
        )
    wanted = {
        "name": person.name,
        "unit_id": unit.id,
        "position": person.position,
        "is_active": True,
        "password_hash": passwords.hash_for(user.password_hash),
    }
    if is_admin:
        wanted["is_admin"] = True
    changed = [key for key, value in wanted.items() if getattr(user, key) != value]
    if changed:
        for key in changed:
            setattr(user, key, wanted[key])
        await user.save(update_fields=changed)
    return user


async def _upsert_seminar(today: dt.date, organizer_unit: Unit) -> Seminar:
    wanted: dict[str, Any] = {
        "title": SEMINAR_TITLE,
        "description": SEMINAR_DESCRIPTION,
        "organizer_unit_id": organizer_unit.id,
        "venue": VENUE,
        "reviews_per_paper": 3,
        "blind_review": True,
        "city_quota": 3,
        "proceedings_public": False,
        "time_zone": ZONE,
        **demo_dates(today),
    }
    seminar = await Seminar.get_or_none(slug=DEMO_SLUG)
    if seminar is None:
        return await Seminar.create(slug=DEMO_SLUG, **wanted)
    changed = [key for key, value in wanted.items() if getattr(seminar, key) != value]
    if changed:
        for key in changed:
            setattr(seminar, key, wanted[key])
        # An organizer with the settings form open must not overwrite the refreshed demo unknowingly.
        seminar.version += 1
        await seminar.save(update_fields=[*changed, "version", "updated_at"])
    return seminar


async def _upsert_topics(seminar: Seminar) -> int:
    existing = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    for position, default in enumerate(DEFAULT_TOPICS, start=1):
        if position <= len(existing):
            topic = existing[position - 1]
            wanted = {"position": position, "title": default.title, "description": default.description}
            changed = [key for key, value in wanted.items() if getattr(topic, key) != value]
            if changed:
                for key in changed:
                    setattr(topic, key, wanted[key])
                await topic.save(update_fields=changed)
        else:
            await Topic.create(
                seminar=seminar, position=position, title=default.title, description=default.description
            )
    for extra in existing[len(DEFAULT_TOPICS) :]:
        await extra.delete()
    return len(DEFAULT_TOPICS)


async def build_demo(
    password: str = DEMO_PASSWORD, today: dt.date | None = None, papers: bool = True,
    base_url: str = "http://127.0.0.1:8000", agenda: bool = True, proceedings: bool = False,
) -> DemoSummary:
    """Create or refresh the demo seminar, its topics, every demo account with its role, the papers,
    and their reviewing (profiles, bids, the solver's assignment, reviews, decisions).

    Side effects: upserts all units (`ensure_units`); sets every demo account's password to
    `password`, makes organizer@example.org a site administrator, reactivates deactivated demo
    accounts; the first time, queues the reviewers' assignment mails in the outbox (`base_url` is
    their link); sets the seminar's 查重 threshold, adds the reference library's policy document if
    missing and checks every submitted paper not yet checked, inline (`overlap.demo`); gives the
    approved registrations without a 参会回执 plausible ones (`registration.demo`). Touches
    nothing else. `papers=False` leaves the papers, 查重 and reviewing out;
    with them, `agenda` drafts and publishes the agenda from the decisions, and `proceedings`
    typesets and publishes the 论文集 (about twenty seconds, so the command line asks for it and
    the tests mostly do not).
    """
    today = today or dt.datetime.now(ZoneInfo(ZONE)).date()
    await ensure_units()
    units = {unit.name: unit for unit in await Unit.all()}
    passwords = _Passwords(password)
    async with in_transaction():
        seminar = await _upsert_seminar(today, units[ORGANIZER_UNIT])
        topics = await _upsert_topics(seminar)
        cast: list[tuple[Person, RoleName, bool]] = [
            (ORGANIZER, RoleName.ORGANIZER, True),
            *((person, RoleName.SUBMITTER, False) for person in SUBMITTERS),
            *((person, RoleName.REVIEWER, False) for person in REVIEWERS),
            *((person, RoleName.ATTENDEE, False) for person in ATTENDEES),
        ]
        submitters: dict[int, User] = {}
        organizer: User | None = None
        for person, role, is_admin in cast:
            user = await _upsert_user(person, units, passwords, is_admin=is_admin)
            await Role.get_or_create(user=user, seminar=seminar, name=role)
            if role is RoleName.SUBMITTER:
                submitters[units[person.unit].id] = user
            if role is RoleName.ORGANIZER:
                organizer = user
    # Each paper in its own transactions: a half-built demo resumes where it stopped.
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=ZoneInfo(ZONE))
    paper_count = await build_demo_papers(seminar, submitters, now=noon) if papers else 0
    assert organizer is not None, "the cast always holds the organizer"
    checks = await build_demo_overlap(seminar, organizer) if papers else 0
    reviewing = await build_demo_reviews(seminar, organizer, base_url, now=noon) if papers else None
    release = await build_demo_agenda(seminar, REVIEWERS) if papers and agenda else None
    # The book's own sections: 前言, 领导讲话, each topic's 专题点评 by its session's 点评人, 后记.
    await build_demo_book_sections(seminar)
    pages = await _publish_demo_proceedings(seminar, organizer) if papers and proceedings else None
    await fill_demo_receipts(seminar)  # 参会回执 of the approved registrations
    return DemoSummary(seminar=seminar, people=len(cast), topics=topics, papers=paper_count,
                       decisions=reviewing.decisions if reviewing else 0, agenda_release=release,
                       proceedings_pages=pages, overlap_checks=checks)


async def _publish_demo_proceedings(seminar: Seminar, organizer: User) -> int | None:
    """Build the book (or find the identical one already built) and publish it for the attendees."""
    build = await build_now(seminar, None, "demo", by=organizer)
    if build.status != BuildStatus.DONE:
        return None
    if not build.published:
        await publish_build(build)
    return build.pages
