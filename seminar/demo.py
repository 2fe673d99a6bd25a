"""The demo: two seminars, one finished as the real one was, one open for submissions now.

`gd-2021` is modelled on Guangdong's first 全省市域社会治理现代化试点创新研讨班 on the six tasks of
"发挥政治引领作用" (the 南方+ report in ../shared/seed). It is dated as that seminar was, in 2021:
the report carries no date of its own, but it cites the first half of 2021's figures and the
eleven pilot projects set in August 2021, so the call ran in September, the reviews in October
and the seminar met in 广州 on 25 November 2021 (`GD_2021_DATES`). Every stage is finished and
published: papers submitted, reviews in, decisions taken and notified, the agenda with its people,
each accepted paper's 定稿 accepted, the book's 前言, 专题点评 and speeches, approved registrations, and (on the command line) the 论文集;
and the day itself: the staff member's 签到 of most attendees, the 座次表 with its 主席台, and the
荣誉证书 and 参会证明 issued. Its reviewers' assignment mails are in the outbox as sent in 2021.

`gd-next` is the second seminar, dated from the day the demo is built: submission opened two
weeks ago and closes in three weeks, the review follows; three cities have submitted a paper, two
have a draft, the others none yet. Every demo account has its role there too, so each can try
the live stages. Building again on a later day moves its dates forward and changes nothing else.

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
from seminar.certificates.actions import issue_certificates
from seminar.checkin.demo import build_demo_checkins
from seminar.overlap.demo import build_demo_overlap
from seminar.proceedings.actions import build_now, publish_build
from seminar.proceedings.demo import build_demo_book_sections
from seminar.db import column
from seminar.proceedings.models import BuildStatus, ProceedingsSettings
from seminar.registration.demo import fill_demo_receipts
from seminar.registration.models import Registration, RegistrationSettings, RegistrationStatus
from seminar.reviews.demo import build_demo_reviews
from seminar.seating.demo import build_demo_seats
from seminar.seminars.defaults import DEFAULT_TOPICS
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.demo import accept_demo_final_versions, build_demo_papers
from seminar.submissions.demo_data import PAPERS

DEMO_SLUG = "gd-2021"
LIVE_SLUG = "gd-next"
DEMO_PASSWORD = "demo-password"
ZONE = "Asia/Shanghai"

SEMINAR_TITLE = "全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）"
SEMINAR_DESCRIPTION = (
    "为贯彻落实全国市域社会治理现代化试点工作交流会和创新研讨班部署要求，省委政法委举办全省市域社会治理"
    "现代化试点创新研讨班，交流各地在试点工作中“发挥政治引领作用”的经验做法，推动各地加强横向交流、"
    "互学互鉴。研讨班围绕“发挥政治引领作用”6大重点任务设置6个研讨专题，每个专题设置重点发言和研讨交流"
    "环节，省委组织部、省委政法委及受邀专家学者进行点评、辅导。"
)
LIVE_TITLE = "第二期全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）"
LIVE_DESCRIPTION = (
    "在第一期研讨班基础上，省委政法委举办第二期全省市域社会治理现代化试点创新研讨班，继续围绕“发挥政治引领"
    "作用”6大重点任务征集论文，交流各地试点工作的新做法新成效。请各地市委政法委在截止时间前报送论文。"
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

# The 会务组's 工作人员 who checks people in (签到) on the day; not a participant, so not registered.
STAFF = Person("staff@example.org", "陈晓琳", ORGANIZER_UNIT, "会务组工作人员")
# Who sits on gd-2021's 主席台: the organizer and the 省委组织部/省委政法委 leaders among the reviewers.
DAIS = (ORGANIZER.email, "reviewer01@example.org", "reviewer03@example.org", "reviewer04@example.org")

ATTENDEES: tuple[Person, ...] = (
    Person("attendee01@example.org", "黄颖", "省公安厅", "治安管理局干部"),
    Person("attendee02@example.org", "马俊", "省司法厅", "人民参与和促进法治处干部"),
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(ZONE))


# gd-2021 as the real seminar ran (see the module's docstring): a one-day seminar, a Thursday.
GD_2021_DATES: dict[str, Any] = {
    "submission_opens_at": _at(dt.date(2021, 9, 1), 9),
    "submission_deadline": _at(dt.date(2021, 9, 30), 17, 30),
    "review_deadline": _at(dt.date(2021, 10, 22), 17, 30),
    "notification_on": dt.date(2021, 10, 29),
    # Each accepted paper's 定稿 came in the week after the notice and was accepted for the book.
    "final_version_deadline": _at(dt.date(2021, 11, 12), 17, 30),
    "starts_on": dt.date(2021, 11, 25),
    "ends_on": dt.date(2021, 11, 25),
}
GD_2021_FINALS_SENT = _at(dt.date(2021, 11, 5), 10)
GD_2021_FINALS_ACCEPTED = _at(dt.date(2021, 11, 8), 15)
# When the cities' delegations registered, and the organizer approved them.
GD_2021_REGISTERED = _at(dt.date(2021, 11, 8), 10)
GD_2021_APPROVED = _at(dt.date(2021, 11, 15), 16)

# The live seminar's papers (indices into `submissions.demo_data.PAPERS`): 广州, 佛山 and 阳江 have
# submitted the paper they left a draft in gd-2021 (never submitted there, so 查重 finds nothing of it
# in gd-2021), 汕头 and 韶关 have a draft, the other cities nothing yet. Submitting those drafts shows
# 查重 at work: gd-2021 has them, and papers of earlier seminars count.
LIVE_SUBMITTED = (2, 11, 29)
LIVE_DRAFTS = (7, 12)


def demo_dates(today: dt.date) -> dict[str, Any]:
    """The live seminar's dates counted from `today`: submission open now, the seminar seven weeks out."""
    zone = ZoneInfo(ZONE)

    def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=zone)

    seminar_day = today + dt.timedelta(days=49)
    return {
        "submission_opens_at": at(-14, 9),
        "submission_deadline": at(21, 17, 30),
        "review_deadline": at(35, 17, 30),
        "notification_on": today + dt.timedelta(days=40),
        "final_version_deadline": None,
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
    live: Seminar | None = None  # gd-next, open for submissions


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


async def _upsert_seminar(slug: str, title: str, description: str, dates: dict[str, Any], organizer_unit: Unit) -> Seminar:
    wanted: dict[str, Any] = {
        "title": title,
        "description": description,
        "organizer_unit_id": organizer_unit.id,
        "venue": VENUE,
        "reviews_per_paper": 3,
        "blind_review": True,
        "city_quota": 3,
        "proceedings_public": False,
        "time_zone": ZONE,
        **dates,
    }
    seminar = await Seminar.get_or_none(slug=slug)
    if seminar is None:
        return await Seminar.create(slug=slug, **wanted)
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


async def _upsert_cast(seminar: Seminar, units: dict[str, Unit], passwords: _Passwords) -> tuple[User, dict[int, User]]:
    """Every demo account with its role in `seminar`: the organizer and each city's submitter."""
    cast: list[tuple[Person, RoleName, bool]] = [
        (ORGANIZER, RoleName.ORGANIZER, True),
        *((person, RoleName.SUBMITTER, False) for person in SUBMITTERS),
        *((person, RoleName.REVIEWER, False) for person in REVIEWERS),
        *((person, RoleName.ATTENDEE, False) for person in ATTENDEES),
        (STAFF, RoleName.STAFF, False),
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
    assert organizer is not None, "the cast always holds the organizer"
    return organizer, submitters


CAST_SIZE = 1 + len(SUBMITTERS) + len(REVIEWERS) + len(ATTENDEES) + 1  # and the staff member


async def build_demo(
    password: str = DEMO_PASSWORD, today: dt.date | None = None, papers: bool = True,
    base_url: str = "http://127.0.0.1:8000", agenda: bool = True, proceedings: bool = False,
) -> DemoSummary:
    """Create or refresh both demo seminars (see the module's docstring), their topics, every demo
    account with its roles, the papers, and gd-2021's reviewing (profiles, bids, the solver's
    assignment, reviews, decisions), agenda, book sections and registrations.

    Side effects: upserts all units (`ensure_units`); sets every demo account's password to
    `password`, makes organizer@example.org a site administrator, reactivates deactivated demo
    accounts; the first time, queues the reviewers' assignment mails in the outbox (`base_url` is
    their link); sets gd-2021's 查重 threshold, adds the reference library's policy document if
    missing and checks every submitted paper not yet checked, inline (`overlap.demo`); gives the
    approved registrations without a 参会回执 plausible ones (`registration.demo`); the first time,
    checks most attendees in, seats everyone and issues the certificates (`_on_the_day`). Touches
    nothing else. `papers=False` leaves the papers, 查重, reviewing and registrations out;
    with them, `agenda` drafts and publishes the agenda from the decisions, and `proceedings`
    typesets and publishes the 论文集 (about twenty seconds, so the command line asks for it and
    the tests mostly do not). `today` dates the live seminar gd-next.
    """
    today = today or dt.datetime.now(ZoneInfo(ZONE)).date()
    await ensure_units()
    units = {unit.name: unit for unit in await Unit.all()}
    passwords = _Passwords(password)
    async with in_transaction():
        seminar = await _upsert_seminar(DEMO_SLUG, SEMINAR_TITLE, SEMINAR_DESCRIPTION, GD_2021_DATES, units[ORGANIZER_UNIT])
        topics = await _upsert_topics(seminar)
        organizer, submitters = await _upsert_cast(seminar, units, passwords)
        live = await _upsert_seminar(LIVE_SLUG, LIVE_TITLE, LIVE_DESCRIPTION, demo_dates(today), units[ORGANIZER_UNIT])
        await _upsert_topics(live)
        await _upsert_cast(live, units, passwords)
    # Each paper in its own transactions: a half-built demo resumes where it stopped.
    submitted_by = GD_2021_DATES["submission_deadline"] - dt.timedelta(hours=2)
    paper_count = await build_demo_papers(seminar, submitters, now=submitted_by) if papers else 0
    if papers:
        noon = _at(today, 12)
        chosen = [*(PAPERS[i]._replace(submitted=True) for i in LIVE_SUBMITTED),
                  *(PAPERS[i]._replace(submitted=False) for i in LIVE_DRAFTS)]
        await build_demo_papers(live, submitters, now=noon, selection=chosen)
    checks = await build_demo_overlap(seminar, organizer) if papers else 0
    if papers:
        await build_demo_overlap(live, organizer)
    reviewed_by = GD_2021_DATES["review_deadline"] - dt.timedelta(days=1)
    reviewing = await build_demo_reviews(
        seminar, organizer, base_url, now=reviewed_by, notified_on=GD_2021_DATES["notification_on"],
    ) if papers else None
    if papers:
        await accept_demo_final_versions(seminar, organizer, GD_2021_FINALS_SENT, GD_2021_FINALS_ACCEPTED)
    release = await build_demo_agenda(seminar, REVIEWERS) if papers and agenda else None
    # The book's own sections: 前言, 领导讲话, each topic's 专题点评 by its session's 点评人, 后记.
    await build_demo_book_sections(seminar)
    if papers:
        await _register_everyone(seminar, units)
    pages = await _publish_demo_proceedings(seminar, organizer) if papers and proceedings else None
    await fill_demo_receipts(seminar)  # 参会回执 of the approved registrations
    if papers:
        await _on_the_day(seminar)
    return DemoSummary(seminar=seminar, people=CAST_SIZE, topics=topics, papers=paper_count,
                       decisions=reviewing.decisions if reviewing else 0, agenda_release=release,
                       proceedings_pages=pages, overlap_checks=checks, live=live)


async def _register_everyone(seminar: Seminar, units: dict[str, Unit]) -> int:
    """gd-2021's 参会人员: every demo account registered and approved before the seminar (so the book's
    参会人员名单 lists them in the official order); registration is closed. Registrations already
    there, approved or not, are left alone."""
    await RegistrationSettings.update_or_create(
        defaults={"is_open": False, "requires_approval": True}, seminar_id=seminar.id
    )
    people = (ORGANIZER, *SUBMITTERS, *REVIEWERS, *ATTENDEES)
    users = {user.email: user for user in await User.filter(email__in=[p.email for p in people])}
    registered = set(await column(Registration.filter(seminar_id=seminar.id), "user_id"))
    organizer = users[ORGANIZER.email]
    rows = [
        Registration(
            seminar_id=seminar.id, user_id=users[p.email].id, name=p.name, unit_id=units[p.unit].id, position=p.position,
            email=p.email, status=RegistrationStatus.APPROVED, decided_at=GD_2021_APPROVED, decided_by_id=organizer.id,
        )
        for p in people if users[p.email].id not in registered
    ]
    if rows:
        async with in_transaction():
            await Registration.bulk_create(rows)
            # created_at is set on insert: put the registrations back in 2021, when they were made.
            await Registration.filter(seminar_id=seminar.id, user_id__in=[r.user_id for r in rows]).update(
                created_at=GD_2021_REGISTERED
            )
            for row in rows:
                await Role.get_or_create(user_id=row.user_id, seminar_id=seminar.id, name=RoleName.ATTENDEE)
    settings, _created = await ProceedingsSettings.get_or_create(seminar_id=seminar.id)
    if rows and not settings.include_participants:
        settings.include_participants = True
        await settings.save(update_fields=["include_participants"])
    return len(rows)


async def _on_the_day(seminar: Seminar) -> None:
    """gd-2021 as its day left it: the staff member's 签到 of most attendees, the 座次表 with its 主席台,
    and the certificates issued (荣誉证书 for the awards, 参会证明 for those checked in). Each is made
    once; certificates already issued keep their numbers."""
    staff = await User.get(email=STAFF.email)
    await build_demo_checkins(seminar, staff)
    await build_demo_seats(seminar, DAIS)
    await issue_certificates(seminar, None)


async def _publish_demo_proceedings(seminar: Seminar, organizer: User) -> int | None:
    """Build the book (or find the identical one already built) and publish it for the attendees."""
    build = await build_now(seminar, None, "demo", by=organizer)
    if build.status != BuildStatus.DONE:
        return None
    if not build.published:
        await publish_build(build)
    return build.pages
