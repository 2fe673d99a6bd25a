"""Every list page sends as many queries with three rows of everything as with one: no query per row.

The pages come from the router: each GET route is either a list page below, with who reads it
and at which address, or named in NOT_LISTS with the reason, so a new page cannot slip past.
One seminar grows by "one more of everything" (papers of the city and of others, a reviewer
with reviews, assignments, bids, a conflict, decisions, an extension, a registration, mails,
audit entries, a proceedings build, a room, a topic, a manuscript version, an agenda release,
another seminar); each page is counted after one round and again after three.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.routing import Route

from seminar.accounts.models import RoleName, UnitKind, User
from seminar.agenda import actions as agenda_actions
from seminar.agenda import published
from seminar.agenda.models import AgendaSettings
from seminar.agenda.queries import load_draft
from seminar.app import build_routes
from seminar.audit.models import AuditEntry
from seminar.reviews.actions import ensure_criteria
from seminar.certificates.actions import issue_certificates
from seminar.seating.actions import generate_plan
from seminar.seating.queries import plan_of
from seminar.checkin.models import CheckIn, CheckInMethod
from seminar.reviews.models import Bid, Conflict, Decision
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Blob, DeadlineExtension, FinalVersion, Manuscript, Paper
from tests.conftest import Client, counted_queries
from tests.factories import (
    make_api_token,
    make_assignment,
    make_attendee,
    make_decision,
    make_mail,
    make_organizer,
    make_paper,
    make_proceedings_build,
    make_review,
    make_reviewer,
    make_room,
    make_seminar,
    make_submitter,
    make_unit,
)

SLUG = "gd-2021"
ORGANIZER = "organizer@example.org"
SUBMITTER = "guangzhou@example.org"
REVIEWER = "wang@example.org"
ATTENDEE = "attendee@example.org"
OTHER_CITIES = ["深圳市", "珠海市", "汕头市", "佛山市", "韶关市"]

# route name → (who reads it, its address; {first} is the first paper's number, {reviewer} the reviewer's id)
LIST_PAGES: dict[str, tuple[str, str]] = {
    "accounts:people": (ORGANIZER, "/{slug}/manage/people"),
    "accounts:units": (ORGANIZER, "/manage/units"),
    "mail:outbox": (ORGANIZER, "/manage/outbox"),
    "mail:seminar_outbox": (ORGANIZER, "/{slug}/manage/outbox"),
    "audit:site_log": (ORGANIZER, "/manage/audit"),
    "audit:seminar_log": (ORGANIZER, "/{slug}/manage/audit"),
    "submissions:mine": (SUBMITTER, "/{slug}/papers/"),
    "submissions:detail": (SUBMITTER, "/{slug}/papers/{first}"),
    "submissions:all": (ORGANIZER, "/{slug}/manage/papers"),
    "submissions:export": (ORGANIZER, "/{slug}/manage/papers.xlsx"),
    "submissions:extensions": (ORGANIZER, "/{slug}/manage/deadlines"),
    "submissions:final_versions": (ORGANIZER, "/{slug}/manage/final-versions"),
    "reviews:mine": (REVIEWER, "/{slug}/reviews/"),
    "reviews:bids": (REVIEWER, "/{slug}/reviews/bids"),
    "reviews:review": (REVIEWER, "/{slug}/reviews/{first}"),
    "reviews:offline": (REVIEWER, "/{slug}/reviews/offline"),
    "reviews:offline_sheet": (REVIEWER, "/{slug}/reviews/offline/sheet.xlsx"),
    "reviews:offline_for": (ORGANIZER, "/{slug}/manage/reviewers/{reviewer}/offline"),
    "reviews:offline_sheet_for": (ORGANIZER, "/{slug}/manage/reviewers/{reviewer}/offline/sheet.xlsx"),
    "reviews:reviewers": (ORGANIZER, "/{slug}/manage/reviewers"),
    "reviews:reviewer": (ORGANIZER, "/{slug}/manage/reviewers/{reviewer}"),
    "reviews:assignments": (ORGANIZER, "/{slug}/manage/assignments"),
    "reviews:paper": (ORGANIZER, "/{slug}/manage/reviews/{first}"),
    "reviews:progress": (ORGANIZER, "/{slug}/manage/reviews"),
    "reviews:export": (ORGANIZER, "/{slug}/manage/reviews.xlsx"),
    "reviews:ranking": (ORGANIZER, "/{slug}/manage/ranking"),
    "reviews:send_decisions": (ORGANIZER, "/{slug}/manage/decisions/send"),
    "reviews:decision_mail": (ORGANIZER, "/{slug}/manage/decisions/mail/discussion"),
    "proceedings:manage": (ORGANIZER, "/{slug}/manage/proceedings"),
    "certificates:manage": (ORGANIZER, "/{slug}/manage/certificates"),
    "certificates:mine": (SUBMITTER, "/{slug}/certificates"),
    "certificates:badges": (ORGANIZER, "/{slug}/manage/badges.pdf"),
    "certificates:table_cards": (ORGANIZER, "/{slug}/manage/table-cards.pdf"),
    "seating:plan": (ORGANIZER, "/{slug}/manage/seats"),
    "seating:pdf": (ORGANIZER, "/{slug}/manage/seats.pdf"),
    "seating:list_pdf": (ORGANIZER, "/{slug}/manage/seat-list.pdf"),
    "seating:list_xlsx": (ORGANIZER, "/{slug}/manage/seat-list.xlsx"),
    "checkin:overview": (ORGANIZER, "/{slug}/manage/checkin?day=2026-12-10"),
    "checkin:status": (ORGANIZER, "/{slug}/manage/checkin/status.json?day=2026-12-10"),
    "checkin:sheet": (ORGANIZER, "/{slug}/manage/checkin/sheet.pdf?day=2026-12-10"),
    "checkin:find": (ORGANIZER, "/{slug}/checkin/find?q=%E5%8F%82%E4%BC%9A%E4%BA%BA"),
    "registration:me": (ATTENDEE, "/{slug}/me"),
    "registration:participants": (ORGANIZER, "/{slug}/manage/participants"),
    "registration:export": (ORGANIZER, "/{slug}/manage/participants.xlsx"),
    "registration:counts": (ORGANIZER, "/{slug}/manage/participants/counts"),
    "statistics:page": (ORGANIZER, "/{slug}/manage/statistics"),
    "statistics:export": (ORGANIZER, "/{slug}/manage/statistics.xlsx"),
    "agenda:editor": (ORGANIZER, "/{slug}/manage/agenda"),
    "agenda:settings": (ORGANIZER, "/{slug}/manage/agenda/settings"),
    "agenda:releases": (ORGANIZER, "/{slug}/manage/agenda/releases"),
    "agenda:public": ("", "/{slug}/agenda"),
    "agenda:ics": ("", "/{slug}/agenda.ics"),
    "agenda:xlsx": ("", "/{slug}/agenda.xlsx"),
    "agenda:pdf": ("", "/{slug}/agenda.pdf"),
    "agenda:frab_xml": ("", "/{slug}/schedule.xml"),
    "agenda:frab_json": ("", "/{slug}/schedule.json"),
    "agenda:my": (SUBMITTER, "/{slug}/agenda/my"),
    "seminars:index": ("", "/"),
    "seminars:landing": ("", "/{slug}/"),
    "seminars:manage": (ORGANIZER, "/{slug}/manage/"),
    "seminars:topics": (ORGANIZER, "/{slug}/manage/topics"),
    "api:tokens": (ORGANIZER, "/profile/api-tokens"),
    "mail:wording_edit": (ORGANIZER, "/{slug}/manage/mail/wording/invitation"),
}

# Lists whose rows cannot all grow in the shared seminar, each counted by its own test below.
COUNTED_APART: dict[str, str] = {
    "reviews:auto": "test_assignment_proposal_sends_as_many_queries_for_three_papers_as_for_one",
    **dict.fromkeys(["api:topics", "api:papers", "api:reviews", "api:decisions", "api:registrations"],
                    "test_api_lists_send_as_many_queries_for_three_rows_as_for_one"),
}

NOT_LISTS: dict[str, str] = {
    "mail:wording": "the fixed registry of mail kinds and one query for the seminar's own wordings",
    "mail:bulk": "a form and the last batch's counts; recipients are listed only after a POST",
    "healthz": "one query, no rows",
    "operations:readyz": "four checks, a fixed number of queries",
    "operations:metrics": "counts and a handful of aggregate queries, however many rows",
    "operations:system": "the readiness checks and the installed versions",
    "accounts:unit_new": "a form for one unit (its parent choices are one query)",
    "accounts:unit_edit": "a form for one unit (its parent choices are one query)",
    "favicon": "a static file",
    "accounts:login": "a form",
    "accounts:profile": "one's own profile form",
    "accounts:login_code": "the second login step's form",
    "accounts:two_factor": "one's own two-step verification set-up",
    "accounts:invitation": "a form for one invitation",
    "accounts:forgot_password": "a form",
    "accounts:reset_password": "a form for one token",
    "accounts:invite": "a form",
    "accounts:import": "a form (the upload's preview is a POST)",
    "accounts:import_template": "a fixed .xlsx template",
    "mail:detail": "one mail",
    "mail:batch_status": "one batch's sending (JSON): its mails counted by status in one query",
    "submissions:new": "a form",
    "submissions:edit": "one paper's form with a fixed number of author rows",
    "submissions:withdraw": "a confirmation for one paper",
    "submissions:download": "one manuscript's bytes",
    "submissions:download_all": "streams the .zip one manuscript at a time, one query each, so memory stays flat",
    "reviews:decline": "a form for one assignment",
    "reviews:manuscript": "one manuscript's bytes",
    "reviews:offline_form": "one paper's Word form (its reviewer's papers are looked up in a fixed number of queries)",
    "reviews:offline_form_for": "one paper's Word form, for an organizer",
    "reviews:form": "the seminar's handful of criteria",
    "proceedings:preview": "one build's PDF",
    "proceedings:status": "one build's progress (JSON)",
    "proceedings:download": "the published book's PDF",
    "proceedings:volume": "one published volume's PDF",
    "proceedings:paper": "one paper's page",
    "proceedings:commentary": "one 专题点评's form",
    "registration:register": "a form",
    "registration:receipt": "one's own 参会回执 form",
    "registration:edit_receipt": "one registration's 参会回执 form",
    "overlap:report": "one paper's report: its matches, their sources, papers and documents, one query each",
    "overlap:status": "one check's progress (JSON)",
    "overlap:pdf": "one paper's report as PDF, read as overlap:report",
    "overlap:manage": "the settings form and the library's documents in one query",
    "agenda:session_add": "a form",
    "agenda:session": "one session's form",
    "agenda:slot": "one slot's form",
    "agenda:release": "one release and its changelog, stored with it",
    "agenda:person_ics": "one person's calendar, made like agenda:my",
    "seminars:create": "a form",
    "seminars:settings": "one seminar's form",
    "archive:download": "the whole seminar in one zip: one query per table, then one per file",
    "archive:schema": "a file from disk",
    "archive:import": "a form",
    "archive:import_report": "the last import's report, kept in the session",
    "seminars:topic_edit": "one topic's form",
    "seminars:topic_delete": "a confirmation for one topic",
    "certificates:download": "one certificate's PDF",
    "certificates:zip": "the valid certificates in one query, typeset into one zip",
    "certificates:verify": "one certificate",
    "api:openapi": "a fixed document",
    "api:seminars": "the token's one seminar",
    "api:seminar": "one seminar",
    "api:paper": "one paper and its authors",
    "api:agenda": "the published release, and its papers' numbers in one query",
    "checkin:scanner": "the day's sessions; people are found through checkin:find",
    "checkin:badge": "one person's badge",
}


def _get_routes() -> Iterator[str]:
    for route in build_routes():
        if isinstance(route, Route) and "GET" in (route.methods or set()):
            yield route.name


def test_every_page_is_either_a_counted_list_or_named_as_not_one() -> None:
    pages = set(_get_routes())

    tables = [LIST_PAGES.keys(), COUNTED_APART.keys(), NOT_LISTS.keys()]
    named = set().union(*tables)

    assert pages - named == set(), "new pages: add them to LIST_PAGES or NOT_LISTS"
    assert named - pages == set(), "pages that no longer exist"
    assert sum(map(len, tables)) == len(named), "a page in two tables"
    assert all(test in globals() for test in COUNTED_APART.values())


@dataclass
class World:
    seminar: Seminar
    organizer: User
    reviewer: User
    first: Paper
    rounds: int = 0


async def _world() -> World:
    seminar = await make_seminar(SLUG, review_deadline=dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC))
    organizer = await make_organizer(seminar, ORGANIZER)
    await User.filter(id=organizer.id).update(is_admin=True)
    await make_submitter(seminar, "广州市", SUBMITTER)
    await make_attendee(seminar, ATTENDEE)
    reviewer = await make_reviewer(seminar, REVIEWER, topic_ids=[t.id for t in await Topic.filter(seminar_id=seminar.id)])
    await ensure_criteria(seminar)
    first = await make_paper(seminar, "广州市", "第一篇论文", status="submitted")
    await make_review(first, reviewer)
    await make_decision(first, "keynote")
    await AgendaSettings.create(seminar_id=seminar.id, days=["2026-12-10", "2026-12-11"], parallel_rooms=True)
    return World(seminar, organizer, reviewer, first)


async def _one_more_of_everything(world: World) -> None:
    world.rounds += 1
    n, seminar, organizer = world.rounds, world.seminar, world.organizer
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position")
    topic = topics[n % len(topics)]
    await Topic.create(seminar=seminar, position=len(topics) + 1, title=f"新专题{n}")
    await make_seminar(f"other-{n}", topics=0, organizer_unit=await make_unit("省委政法委", UnitKind.DEPARTMENT))

    city = OTHER_CITIES[n]
    own = await make_paper(seminar, "广州市", f"广州的第{n}篇论文", status="submitted", topic=topic)
    other = await make_paper(seminar, city, f"{city}的论文", status="submitted", topic=topic)
    await Author.create(paper=own, position=2, name="广州市联络员", unit="广州市委政法委", email=SUBMITTER)
    await Author.create(paper=world.first, position=n + 1, name=f"作者{n}", unit="广州市委政法委", email=f"a{n}@example.org")
    blob = await Blob.get(sha256="0" * 64)
    await Manuscript.create(paper=world.first, version=n + 1, blob=blob, original_filename=f"论文{n}.txt",
                            content_type="text/plain; charset=utf-8", kind="txt", html="<p>正文</p>", word_count=2)

    expert = await make_reviewer(seminar, f"expert{n}@example.org", f"专家{n}", unit=f"研究院{n}",
                                 unit_kind=UnitKind.INSTITUTION, topic_ids=[topic.id])
    await make_review(world.first, expert)
    await make_review(own, expert)
    await Conflict.create(seminar=seminar, paper=other, reviewer=expert, source="declared", reason="同事")
    await make_review(own, world.reviewer, status="draft")
    await make_assignment(other, world.reviewer)
    await Bid.create(seminar=seminar, paper=own, reviewer=world.reviewer, preference="want")
    await Bid.create(seminar=seminar, paper=other, reviewer=world.reviewer, preference="willing")
    told = {"notified_at": dt.datetime.now(dt.UTC)}
    await make_decision(own, "discussion", notified_outcome="discussion", **told)  # told, no 定稿 yet
    await make_decision(other, "proceedings", notified_outcome="proceedings", **told)
    final = await Manuscript.create(paper=other, version=2, blob=blob, original_filename=f"定稿{n}.txt",
                                    content_type="text/plain; charset=utf-8", kind="txt", html="<p>定稿</p>", word_count=2)
    await FinalVersion.create(paper=other, manuscript=final)  # waiting for the organizers
    await DeadlineExtension.create(seminar=seminar, city=await make_unit(city), until=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
                                   granted_by=organizer)

    attendee = await make_attendee(seminar, f"attendee{n}@example.org", f"参会人{n}")
    plan = await plan_of(seminar)
    await generate_plan(seminar, plan.version, overwrite_moves=True)  # the 座次表 seats every attendee
    await CheckIn.create(seminar=seminar, user=attendee, day=dt.date(2026, 12, 10), at=dt.datetime.now(dt.UTC),
                         by=organizer, method=CheckInMethod.SCAN)
    await Decision.filter(paper_id=own.id).update(award="third")
    await issue_certificates(seminar, organizer)  # the new attendee's 参会证明 and the award of the city's paper
    await make_mail(f"someone{n}@example.org", seminar=seminar)
    await make_mail(f"site{n}@example.org")
    await AuditEntry.create(user=organizer, user_email=organizer.email, user_name=organizer.name, seminar=seminar,
                            action="reviews:decide", method="POST", path=f"/{SLUG}/manage/decisions",
                            target={"paper": n}, field_names=["outcome"], status_code=303, ip="127.0.0.1")
    await make_proceedings_build(seminar, volume=None if n == 1 else n)

    await make_api_token(organizer, seminar, name=f"系统{n}")
    await make_room(seminar, f"第{n}会议室", 50)
    draft = await load_draft(seminar)
    version = await agenda_actions.draft_from_decisions(seminar, draft.version, organizer, agenda_actions.DraftingMode.REPLACE)
    await agenda_actions.publish(seminar, version, organizer)


def _shape(statement: str) -> str:
    """The statement without its values, to tell which query repeats."""
    values = re.sub(r"\b\d+\b|'[^']*'", "?", statement)
    return re.sub(r"\?(, ?\?)+", "?…", values)


def _difference(one: list[str], three: list[str]) -> str:
    more = Counter(map(_shape, three)) - Counter(map(_shape, one))
    fewer = Counter(map(_shape, one)) - Counter(map(_shape, three))
    return "\n".join([*(f"+{n} {s}" for s, n in more.items()), *(f"-{n} {s}" for s, n in fewer.items())])


READERS = sorted({reader for reader, _address in LIST_PAGES.values()})


@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader or "anonymous")
async def test_list_pages_send_as_many_queries_for_three_rows_as_for_one(client: Client, reader: str) -> None:
    world = await _world()
    await _one_more_of_everything(world)
    if reader:
        await client.login(reader)
    pages = {name: address for name, (who, address) in LIST_PAGES.items() if who == reader}

    def url(address: str) -> str:
        return address.format(slug=SLUG, first=world.first.number, reviewer=world.reviewer.id)

    counted: dict[str, list[tuple[list[str], bytes]]] = {name: [] for name in pages}
    for rounds in (1, 3):
        while world.rounds < rounds:
            await _one_more_of_everything(world)
        for name, address in pages.items():
            await client.get(url(address))  # first visits create what every later one finds (criteria, settings)
            published.forget_all()  # the public agenda is counted as made, not as served from memory
            with counted_queries() as statements:
                response = await client.get(url(address))
            assert response.status_code == 200, (name, response.status_code)
            counted[name].append((statements, response.content))

    growing = {name: (len(one), len(three)) for name, ((one, _s), (three, _t)) in counted.items() if len(one) != len(three)}
    assert not growing, "\n".join(
        f"{name}: {one} queries with one row, {three} with three\n{_difference(counted[name][0][0], counted[name][1][0])}"
        for name, (one, three) in growing.items()
    )
    unchanged = [name for name, ((_one, before), (_three, after)) in counted.items() if after == before]
    assert not unchanged, f"pages that show nothing of the new rows, so the count proves nothing: {unchanged}"


async def test_assignment_proposal_sends_as_many_queries_for_three_papers_as_for_one(client: Client) -> None:
    seminar = await make_seminar(SLUG, reviews_per_paper=2)
    await make_organizer(seminar, ORGANIZER)
    for name in ("王芳", "赵磊", "孙丽"):
        await make_reviewer(seminar, name=name)
    await make_paper(seminar, "广州市", status="submitted")
    await client.login(ORGANIZER)
    url = f"/{SLUG}/manage/assignments/auto"
    await client.get(url)

    with counted_queries() as one:
        before = await client.get(url)
    await make_paper(seminar, "深圳市", status="submitted")
    await make_paper(seminar, "珠海市", status="submitted")
    with counted_queries() as three:
        after = await client.get(url)

    assert 'name="proposal"' in before.text and 'name="proposal"' in after.text
    assert "#3" in after.text and "#3" not in before.text
    assert len(three) == len(one), _difference(one, three)


# What each API list is asked with: the organizer's token reads every row; the city's goes down its own branch.
API_LISTS = {
    "api:topics": ("organizer", "/topics"),
    "api:papers": ("organizer", "/papers"),
    "api:reviews": ("organizer", "/reviews"),
    "api:decisions": ("organizer", "/decisions"),
    "api:registrations": ("organizer", "/registrations"),
}
API_CITY_LISTS = {"api:papers": "/papers", "api:decisions": "/decisions"}


async def test_api_lists_send_as_many_queries_for_three_rows_as_for_one(client: Client) -> None:
    world = await _world()
    await _one_more_of_everything(world)
    submitter = await User.get(email=SUBMITTER)
    tokens = {"organizer": await make_api_token(world.organizer, world.seminar),
              "city": await make_api_token(submitter, world.seminar)}
    asked = [(name, who, path) for name, (who, path) in API_LISTS.items()]
    asked += [(f"{name} (city)", "city", path) for name, path in API_CITY_LISTS.items()]
    counted: dict[str, list[tuple[list[str], bytes]]] = {name: [] for name, _who, _path in asked}
    for rounds in (1, 3):
        while world.rounds < rounds:
            await _one_more_of_everything(world)
        for name, who, path in asked:
            url, headers = f"/api/v1/seminars/{SLUG}{path}", {"Authorization": f"Bearer {tokens[who]}"}
            await client.get(url, headers=headers)  # the token's last use is noted at most once a minute
            with counted_queries() as statements:
                response = await client.get(url, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
            counted[name].append((statements, response.content))

    growing = {name: (len(one), len(three)) for name, ((one, _s), (three, _t)) in counted.items() if len(one) != len(three)}
    assert not growing, "\n".join(
        f"{name}: {one} queries with one row, {three} with three\n{_difference(counted[name][0][0], counted[name][1][0])}"
        for name, (one, three) in growing.items()
    )
    unchanged = [name for name, ((_one, before), (_three, after)) in counted.items() if after == before]
    assert not unchanged, f"lists that show nothing of the new rows, so the count proves nothing: {unchanged}"
