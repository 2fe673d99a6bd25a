"""Every route of the app × every role: who gets in, who is sent to log in, who is refused (403)
and who is told nothing is there (404) — the permission policy as a table, checked over HTTP.

The routes are read from the app's own router (mounts opened), so a new route fails
`test_every_route_is_in_the_policy` until POLICY has a row for it, and so does a row for a route
that is gone. HEAD is answered by every GET route and not listed apart.

Each role's test builds one realistic seminar (city A's paper submitted, assigned, reviewed and
decided, a conflicted reviewer, a published agenda and book, mail, people, registrations …), so
every path parameter names a real object, signs in as that role and asks every route:

- first every route it must be refused, each POST with a valid CSRF token (so that the permission
  check, not the CSRF check, answers) and a payload that would really change something: none may
  write a row, and the database must be the same afterwards, row for row, audit log included;
- then the pages it may open, then the changes it may make (destructive ones aim at spare
  objects). An allowed POST only has to get past the gate — the areas' own tests check what it
  does — but it must write something, or its refusals above would prove nothing;
- no text page it may open shows a secret it must not read (SECRETS: a confidential note, an
  author's phone, a paper still under review …).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from tortoise import Tortoise, connections

from seminar.accounts.models import AccountToken, LoginFailure, RoleName, TokenPurpose, UnitKind, User
from seminar.accounts.tokens import new_token
from seminar.agenda import actions as agenda_actions
from seminar.agenda import editing, published
from seminar.agenda.models import AgendaLeftOut, AgendaSettings
from seminar.proceedings.models import TopicCommentary
from seminar.db import column
from seminar.operations.models import WorkerHeartbeat
from seminar.overlap import actions as overlap_actions
from seminar.overlap.models import OverlapCheck, OverlapMatch, OverlapSettings, OverlapSource
from seminar.overlap.worker import check_pending
from seminar.mail.batches import MailBatchKind
from seminar.mail.outbox import new_batch
from seminar.agenda.queries import load_draft
from seminar.agenda.routes import person_token
from seminar.api.models import ApiToken
from seminar.api.routes import API_PREFIX
from seminar.api.tokens import secret_hash
from seminar.app import create_app
from seminar.archive.export import archive_bytes
from seminar.certificates.models import Certificate, CertificateKind
from seminar.certificates.checkin import checkin_token
from seminar.certificates.wording import certificate_number
from seminar.checkin import days as checkin_days
from seminar.config import Settings
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import Conflict, ConflictSource, Decision, Review, UnitConflictLift
from seminar.reviews.actions import Replacement
from seminar.reviews.offline_routes import REPLACE_SALT
from seminar.reviews.proposals import PROPOSAL_SALT
from seminar.seating.models import SeatPlan
from seminar.reviews.queries import criterion_specs
from seminar.reviews.sheets import SheetOwner, SheetPaper, review_sheet_xlsx
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, FinalVersion, Manuscript, Paper
from tests.conftest import Client, counted_queries
from tests.factories import (
    grant,
    make_api_token,
    make_assignment,
    make_attendee,
    make_decision,
    make_mail,
    make_organizer,
    make_paper,
    make_people_xlsx,
    make_proceedings_build,
    make_review,
    make_reviewer,
    make_room,
    make_seminar,
    make_submitter,
    make_two_factor,
    make_unit,
    make_user,
)

# ---------- the policy ----------

# What a role gets from a route. OK: let in (a page, a file, or a redirect somewhere other than
# the login page; for a POST anything the gate lets through, form errors included).
OK = "ok"
LOGIN = "login"  # sent to the login page, to come back afterwards
DENY = "403"  # refused openly: the seminar is public, this page is not theirs
HIDE = "404"  # as if it did not exist: even its existence must not leak

ROLES = ("anonymous", "attendee", "city_a", "city_b", "reviewer", "conflicted", "organizer", "other_organizer", "admin")
# anonymous        nobody signed in
# attendee         a registered, approved participant
# city_a, city_b   submitters of 广州市 (whose paper is the one in the paths) and of 深圳市
# reviewer         assigned to city A's paper, review submitted
# conflicted       a reviewer from a unit of 广州市, assigned to the paper too: the conflict must win
# organizer        organizer of this seminar;  other_organizer: of another seminar only
# admin            site administrator, no role in any seminar

# The same outcome for everyone signed in but organizers of this seminar and administrators.
ORGANIZERS = (LOGIN, DENY, DENY, DENY, DENY, DENY, OK, DENY, OK)
# A seminar's people pages: members learn they may not (403), outsiders not even that (404).
PEOPLE = (LOGIN, DENY, DENY, DENY, DENY, DENY, OK, HIDE, OK)
# Paper pages of the organizers: anyone but the seminar's organizers finds nothing.
ALL_PAPERS = (LOGIN, HIDE, HIDE, HIDE, HIDE, HIDE, OK, HIDE, OK)
# City A's paper as its city edits it: not even this seminar's organizers may change a city's paper.
CITY_A_EDITS = (LOGIN, HIDE, OK, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE)
# The review of city A's paper: only its assigned, unconflicted reviewer.
ITS_REVIEWER = (LOGIN, HIDE, HIDE, HIDE, OK, HIDE, HIDE, HIDE, HIDE)
# The published book: everyone holding a role in the seminar (the proceedings are not public).
READERS = (HIDE, OK, OK, OK, OK, OK, OK, HIDE, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)
EVERYONE = (OK,) * 9
ADMINS = (LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY, OK)
# Mail and the audit log answer 403 even before login: there is nothing there to come back to.
SEMINAR_MAIL = (LOGIN, DENY, DENY, DENY, DENY, DENY, OK, DENY, OK)
ONE_MAIL = (LOGIN, HIDE, HIDE, HIDE, HIDE, HIDE, OK, HIDE, OK)
# The read API's seminar data: everyone holding a role in the seminar, through their token.
API_MEMBERS = (LOGIN, OK, OK, OK, OK, OK, OK, HIDE, OK)
API_ORGANIZERS = (LOGIN, DENY, DENY, DENY, DENY, DENY, OK, HIDE, OK)

# A key "area:name" covers every method of the route; "area:name POST" one method only.
POLICY: dict[str, tuple[str, ...]] = {
    #                                   anonym  attend  city_a  city_b  review  confl   organ   other   admin
    "healthz":                          EVERYONE,
    "static":                           EVERYONE,
    "favicon":                          EVERYONE,
    # operations: the probes and the scraper (from the local host, as the tests ask) and the system page
    "operations:readyz":                EVERYONE,
    "operations:metrics":               EVERYONE,
    "operations:system":                ADMINS,
    "accounts:units":                   ADMINS,
    "accounts:unit_new":                ADMINS,
    "accounts:unit_edit":               ADMINS,
    "seminars:index":                   EVERYONE,
    "seminars:landing":                 EVERYONE,
    "seminars:create":                  (LOGIN, DENY,   DENY,   DENY,   DENY,   DENY,   OK,     OK,     OK),
    "seminars:manage":                  ORGANIZERS,
    "seminars:settings":                ORGANIZERS,
    "archive:download":                 ORGANIZERS,
    "archive:schema":                   EVERYONE,
    # importing another installation's archive creates accounts and units for the whole site
    "archive:import":                   ADMINS,
    "archive:import_report":            ADMINS,
    "seminars:topics":                  ORGANIZERS,
    "seminars:topic_edit":              ORGANIZERS,
    "seminars:topic_move":              ORGANIZERS,
    "seminars:topic_delete":            ORGANIZERS,
    # accounts: one's own account, and links whose token is the credential
    "accounts:login":                   EVERYONE,
    "accounts:login_code":              EVERYONE,  # the second step: only after the password
    "accounts:logout":                  EVERYONE,
    "accounts:language":                EVERYONE,
    "accounts:profile":                 SIGNED_IN,
    "accounts:change_password":         SIGNED_IN,
    "accounts:two_factor":              SIGNED_IN,
    "accounts:two_factor_enable":       SIGNED_IN,
    "accounts:two_factor_disable":      SIGNED_IN,
    "accounts:recovery_codes":          SIGNED_IN,
    "accounts:invitation":              EVERYONE,
    "accounts:forgot_password":         EVERYONE,
    "accounts:reset_password":          EVERYONE,
    "accounts:people":                  PEOPLE,
    "accounts:invite":                  PEOPLE,
    "accounts:import":                  PEOPLE,
    "accounts:import_template":         PEOPLE,
    "accounts:resend":                  PEOPLE,
    "accounts:deactivate":              PEOPLE,
    "accounts:reactivate":              PEOPLE,
    "accounts:remove":                  PEOPLE,
    "accounts:unlock":                  PEOPLE,
    "accounts:reset_two_factor":        PEOPLE,
    # mail and the audit log
    "mail:outbox":                      ADMINS,
    "mail:send_test":                   ADMINS,
    "mail:detail":                      ONE_MAIL,
    "mail:retry":                       ONE_MAIL,
    "mail:discard":                     ONE_MAIL,
    "mail:send":                        ONE_MAIL,
    "mail:seminar_outbox":              SEMINAR_MAIL,
    "mail:seminar_send_test":           SEMINAR_MAIL,
    "mail:batch_status":                SEMINAR_MAIL,
    "audit:site_log":                   ADMINS,
    "audit:seminar_log":                SEMINAR_MAIL,
    # papers: a city's own, the organizers' overview
    #                                   anonym  attend  city_a  city_b  review  confl   organ   other   admin
    "submissions:mine":                 (LOGIN, HIDE,   OK,     OK,     HIDE,   HIDE,   OK,     HIDE,   OK),
    "submissions:new":                  (LOGIN, HIDE,   OK,     OK,     HIDE,   HIDE,   HIDE,   HIDE,   HIDE),
    "submissions:detail":               (LOGIN, HIDE,   OK,     HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK),
    "submissions:download":             (LOGIN, HIDE,   OK,     HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK),
    "submissions:edit":                 CITY_A_EDITS,
    "submissions:upload":               CITY_A_EDITS,
    "submissions:submit":               CITY_A_EDITS,
    "submissions:withdraw":             CITY_A_EDITS,
    "submissions:all":                  ALL_PAPERS,
    "submissions:export":               ALL_PAPERS,
    "submissions:download_all":         ALL_PAPERS,
    "submissions:extensions":           ALL_PAPERS,
    "submissions:upload_final":         CITY_A_EDITS,
    "submissions:final_versions":       ALL_PAPERS,
    "submissions:review_final":         ALL_PAPERS,
    # reviewing: the reviewer's pages, then the organizers'
    "reviews:mine":                     (LOGIN, HIDE,   HIDE,   HIDE,   OK,     OK,     HIDE,   HIDE,   HIDE),
    "reviews:bids":                     (LOGIN, HIDE,   HIDE,   HIDE,   OK,     OK,     HIDE,   HIDE,   HIDE),
    "reviews:review":                   ITS_REVIEWER,
    "reviews:autosave":                 ITS_REVIEWER,
    "reviews:decline":                  ITS_REVIEWER,
    "reviews:manuscript":               ITS_REVIEWER,
    # offline review: one's own sheet (any reviewer of the seminar), a Word form of one's paper, and the same
    # for a reviewer (the one of the paths) by the organizers
    "reviews:offline":                  (LOGIN, HIDE,   HIDE,   HIDE,   OK,     OK,     HIDE,   HIDE,   HIDE),
    "reviews:offline_sheet":            (LOGIN, HIDE,   HIDE,   HIDE,   OK,     OK,     HIDE,   HIDE,   HIDE),
    "reviews:offline_replace":          (LOGIN, HIDE,   HIDE,   HIDE,   OK,     OK,     HIDE,   HIDE,   HIDE),
    "reviews:offline_form":             ITS_REVIEWER,
    "reviews:offline_for":              ORGANIZERS,
    "reviews:offline_sheet_for":        ORGANIZERS,
    "reviews:offline_replace_for":      ORGANIZERS,
    "reviews:offline_form_for":         ORGANIZERS,
    "reviews:form":                     ORGANIZERS,
    "reviews:reviewers":                ORGANIZERS,
    "reviews:reviewer":                 ORGANIZERS,
    "reviews:assignments":              ORGANIZERS,
    "reviews:assign":                   ORGANIZERS,
    "reviews:unassign":                 ORGANIZERS,
    "reviews:auto":                     ORGANIZERS,
    "reviews:loads":                    ORGANIZERS,
    "reviews:paper":                    ORGANIZERS,
    "reviews:set_conflict":             ORGANIZERS,
    "reviews:lift_conflict":            ORGANIZERS,
    "reviews:lift_unit_conflict":       ORGANIZERS,
    "reviews:reimpose_unit_conflict":   ORGANIZERS,
    "reviews:progress":                 ORGANIZERS,
    "reviews:remind":                   ORGANIZERS,
    "reviews:export":                   ORGANIZERS,
    "reviews:ranking":                  ORGANIZERS,
    "reviews:decide":                   ORGANIZERS,
    "reviews:send_decisions":           ORGANIZERS,
    "reviews:decision_mail":            ORGANIZERS,
    # the 论文集
    "proceedings:manage":               ORGANIZERS,
    "proceedings:build":                ORGANIZERS,
    "proceedings:preview":              ORGANIZERS,
    "proceedings:status":               ORGANIZERS,
    "proceedings:publish":              ORGANIZERS,
    "proceedings:unpublish":            ORGANIZERS,
    "proceedings:download":             READERS,
    "proceedings:volume":               READERS,
    "proceedings:paper":                READERS,
    # 查重: organizers; a reviewer of the paper reads its report too, as this seminar allows
    "overlap:report":                   (LOGIN, HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK,     HIDE,   OK),
    "overlap:status":                   (LOGIN, HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK,     HIDE,   OK),
    "overlap:pdf":                      ALL_PAPERS,
    "overlap:manage":                   ORGANIZERS,
    "overlap:upload":                   ORGANIZERS,
    "overlap:delete":                   ORGANIZERS,
    "overlap:mark":                     ALL_PAPERS,
    "proceedings:commentary_add":       ORGANIZERS,
    "proceedings:commentary_delete":    ORGANIZERS,
    # A 专题点评: its organizers, and the 点评人 they named (the reviewer) through their own login.
    "proceedings:commentary":           (LOGIN, HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK,     HIDE,   OK),
    # registration
    "registration:register":            EVERYONE,
    "registration:me":                  SIGNED_IN,
    "registration:participants":        ORGANIZERS,
    "registration:export":              ORGANIZERS,
    # one's own 参会回执: only the person whose registration it is
    "registration:receipt":             (LOGIN, OK,     HIDE,   HIDE,   HIDE,   HIDE,   HIDE,   HIDE,   HIDE),
    "registration:receipt_settings":    ORGANIZERS,
    "registration:counts":              ORGANIZERS,
    # anyone's 参会回执, changed by the 会务组 after the attendees' deadline too
    "registration:edit_receipt":        ORGANIZERS,
    "statistics:page":                  ORGANIZERS,
    "mail:bulk":                        ORGANIZERS,
    "mail:wording":                     ORGANIZERS,
    "mail:wording_edit":                ORGANIZERS,
    "mail:wording_reset":               ORGANIZERS,
    "statistics:export":                ORGANIZERS,
    "registration:approve":             ORGANIZERS,
    "registration:reject":              ORGANIZERS,
    # the agenda: the organizers' editor, the published agenda and its files for everyone
    "agenda:editor":                    ORGANIZERS,
    "agenda:settings":                  ORGANIZERS,
    "agenda:room_add":                  ORGANIZERS,
    "agenda:room_edit":                 ORGANIZERS,
    "agenda:room_delete":               ORGANIZERS,
    "agenda:draft":                     ORGANIZERS,
    "agenda:undo_draft":                ORGANIZERS,
    "agenda:arrange":                   ORGANIZERS,
    "agenda:session_add":               ORGANIZERS,
    "agenda:session":                   ORGANIZERS,
    "agenda:slot_add":                  ORGANIZERS,
    "agenda:session_delete":            ORGANIZERS,
    "agenda:slot":                      ORGANIZERS,
    "agenda:slot_move":                 ORGANIZERS,
    "agenda:slot_delete":               ORGANIZERS,
    "agenda:publish":                   ORGANIZERS,
    "agenda:releases":                  ORGANIZERS,
    "agenda:release":                   ORGANIZERS,
    "agenda:paper_place":               ORGANIZERS,
    "agenda:paper_remove":              ORGANIZERS,
    "agenda:paper_leave_out":           ORGANIZERS,
    "agenda:paper_put_back":            ORGANIZERS,
    "agenda:public":                    EVERYONE,
    "agenda:ics":                       EVERYONE,
    "agenda:xlsx":                      EVERYONE,
    "agenda:pdf":                       EVERYONE,
    "agenda:frab_xml":                  EVERYONE,
    "agenda:frab_json":                 EVERYONE,
    "agenda:my":                        SIGNED_IN,
    "agenda:person_ics":                EVERYONE,  # the secret address is the credential
    # certificates: the organizers issue them; city A's award is its city's to download; anyone verifies
    "certificates:manage":              ORGANIZERS,
    "certificates:settings":            ORGANIZERS,
    "certificates:issue":               ORGANIZERS,
    "certificates:organization":        ORGANIZERS,
    "certificates:revoke":              ORGANIZERS,
    "certificates:zip":                 ORGANIZERS,
    "certificates:mine":                SIGNED_IN,
    "certificates:download":            (LOGIN, HIDE,   OK,     HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK),
    "certificates:mail":                (LOGIN, HIDE,   OK,     HIDE,   HIDE,   HIDE,   OK,     HIDE,   OK),
    "certificates:verify":              EVERYONE,
    "certificates:badges":              ORGANIZERS,
    "certificates:table_cards":         ORGANIZERS,
    # 座次表: the organizers lay out the hall, seat people and print the plan
    "seating:plan":                     ORGANIZERS,
    "seating:layout":                   ORGANIZERS,
    "seating:dais":                     ORGANIZERS,
    "seating:generate":                 ORGANIZERS,
    "seating:move":                     ORGANIZERS,
    "seating:swap":                     ORGANIZERS,
    "seating:unseat":                   ORGANIZERS,
    "seating:pdf":                      ORGANIZERS,
    "seating:list_pdf":                 ORGANIZERS,
    "seating:list_xlsx":                ORGANIZERS,
    # the read API: each role asks with its own token (LOGIN: 401 without one); the other organizer's
    # token is of their own seminar, so this one's is not there for it. One's own tokens on the account page.
    "api:openapi":                      EVERYONE,
    "api:seminars":                     SIGNED_IN,
    "api:seminar":                      API_MEMBERS,
    "api:topics":                       API_MEMBERS,
    "api:papers":                       API_MEMBERS,
    # City A's paper: its city and the organizers whole; its reviewer (blind) and, as it is in the published
    # book, the book's readers (as proceedings:paper) without city or authors.
    "api:paper":                        API_MEMBERS,
    "api:reviews":                      API_ORGANIZERS,
    "api:decisions":                    (LOGIN, DENY,   OK,     OK,     DENY,   DENY,   OK,     HIDE,   OK),
    "api:agenda":                       API_MEMBERS,
    "api:registrations":                API_ORGANIZERS,
    "api:tokens":                       SIGNED_IN,
    "api:revoke_token":                 (LOGIN, HIDE,   HIDE,   HIDE,   HIDE,   HIDE,   OK,     HIDE,   HIDE),
    # 签到: a badge's address tells anyone but staff to show the badge; staff and organizers check in (tests/checkin)
    "checkin:badge GET":                EVERYONE,
    "checkin:badge POST":               ORGANIZERS,
    "checkin:scanner":                  ORGANIZERS,
    "checkin:record":                   ORGANIZERS,
    "checkin:find":                     ORGANIZERS,
    "checkin:overview":                 ORGANIZERS,
    "checkin:status":                   ORGANIZERS,
    "checkin:sheet":                    ORGANIZERS,
}

# What must not leak through the pages a role may open (the text ones: HTML, JSON, XML, calendars),
# and who may read it anywhere.
SECRETS_TEXT = {
    "note": "机密：与省厅课题报告高度雷同",  # a reviewer's confidential note to the organizers
    "comment": "建议补充近三年的数据",  # that reviewer's 点评: for fellow reviewers, not for cities (the seminar says so)
    "phone": "13912345678",  # the contact author's phone
    "conflict": "曾参与该文写作",  # why a reviewer declared a conflict
    "undecided": "广州市网格化管理的探索",  # the title of a paper still under review
    "visitor": "zhoumin@example.org",  # the e-mail address of someone waiting for registration approval
}
#                    anonym attend city_a city_b review confl  organ  other  admin
SECRETS = {
    "note":         (False, False, False, False, False, False, True,  False, True),
    "comment":      (False, False, False, False, True,  False, True,  False, True),
    "phone":        (False, False, True,  False, False, False, True,  False, True),
    "conflict":     (False, False, False, False, False, True,  True,  False, True),
    "undecided":    (False, False, True,  False, True,  False, True,  False, True),
    "visitor":      (False, False, False, False, False, False, True,  False, True),
}
TEXT_TYPES = ("text/", "application/json", "application/xml")

# ---------- the routes, from the router ----------

UNSAFE = "POST"


def _walk(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str, set[str]]]:
    """(name as `url_path_for` knows it, method, path parameters) of every route, mounts opened."""
    found: list[tuple[str, str, set[str]]] = []
    for route in routes:
        if isinstance(route, Mount):
            inner = list(route.routes or [])
            name = f"{prefix}{route.name}" if route.name else prefix
            if inner:
                found.extend((n, m, set(route.param_convertors) | p) for n, m, p in _walk(inner, f"{name}:" if name else ""))
            else:  # a mounted app (the static files): one GET under the mount's name, its path a parameter
                found.append((name, "GET", set(route.param_convertors)))
        elif isinstance(route, Route):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                found.append((f"{prefix}{route.name}", method, set(route.param_convertors)))
        else:
            raise AssertionError(f"a kind of route this test cannot enumerate: {route!r}")
    return found


def served_routes(app: Starlette) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """Every (route name, method) the app's router serves, and each route's path parameters."""
    found = _walk(app.routes)
    return [(name, method) for name, method, _params in found], {name: params for name, _method, params in found}


def expected(name: str, method: str) -> tuple[str, ...]:
    return POLICY.get(f"{name} {method}") or POLICY[name]


def test_every_route_is_in_the_policy(app: Starlette) -> None:
    routes, _parameters = served_routes(app)
    listed = set(routes)
    missing = sorted(f"{name} {method}" for name, method in listed if f"{name} {method}" not in POLICY and name not in POLICY)
    keys = {f"{name} {method}" for name, method in listed} | {name for name, _method in listed}
    stale = sorted(key for key in POLICY if key not in keys)
    assert not missing, f"routes without a row in POLICY (add one for each role): {missing}"
    assert not stale, f"rows in POLICY for routes that no longer exist: {stale}"
    assert all(len(row) == len(ROLES) for row in POLICY.values())
    assert len(listed) == len(routes), "a route name and method twice in the router"


# ---------- one seminar with everything in it ----------

SLUG = "gd-2021"
EMAILS = {
    "attendee": "attendee@example.org",
    "city_a": "guangzhou@example.org",
    "city_b": "shenzhen@example.org",
    "reviewer": "reviewer@example.org",
    "conflicted": "conflicted@example.org",
    "organizer": "organizer@example.org",
    "other_organizer": "other-organizer@example.org",
    "admin": "admin@example.org",
}
Payload = Callable[[], Awaitable[dict[str, Any]]]  # made when sent: versions must be the current ones


@dataclass
class World:
    params: dict[str, Any]  # the path parameters most routes take
    per_route: dict[str, dict[str, Any]]  # where a route takes another object (a spare one to delete …)
    payloads: dict[str, Payload]  # what each POST sends; routes not listed send the CSRF token only
    tokens: dict[str, str]  # each role's API token (the other organizer's is of their own seminar)


async def build_world(settings: Settings) -> World:
    o = SimpleNamespace()  # the objects, as the steps below make them
    await _people(o)
    await _papers_and_reviews(o)
    await _book_and_agenda(o)
    await _mail_links_and_registrations(o)
    await _overlap(o)
    await _api_tokens(o)
    return World(_params(o), _per_route(o, settings), _payloads(o, settings), await _role_tokens(o))


async def _people(o: SimpleNamespace) -> None:
    in_a_month = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    o.seminar = await make_seminar(SLUG, submission_deadline=in_a_month)
    o.topics = await Topic.filter(seminar_id=o.seminar.id).order_by("position")
    o.organizer = await make_organizer(o.seminar, EMAILS["organizer"])
    await make_organizer(await make_seminar("sz-2022", title="深圳市域社会治理研讨班"), EMAILS["other_organizer"])
    await make_user(email=EMAILS["admin"], name="系统管理员", is_admin=True)
    o.attendee = await make_attendee(o.seminar, EMAILS["attendee"])
    await make_attendee(o.seminar, "seatmate@example.org", name="郑洁")  # the 座次表's swap needs two people
    await make_submitter(o.seminar, "广州市", EMAILS["city_a"])
    await make_submitter(o.seminar, "深圳市", EMAILS["city_b"])
    o.guangzhou = await make_unit("广州市", UnitKind.CITY)
    await make_unit("广州市委政法委", UnitKind.INSTITUTION, parent=o.guangzhou)
    o.reviewer = await make_reviewer(o.seminar, EMAILS["reviewer"])
    o.conflicted = await make_reviewer(o.seminar, EMAILS["conflicted"], name="赵磊", unit="广州市委政法委")
    o.lifted = await make_reviewer(o.seminar, "lifted@example.org", name="吴刚", unit="广州市", unit_kind=UnitKind.CITY)
    o.expert = await make_reviewer(o.seminar, "expert@example.org", name="钱教授", unit="中山大学",
                                   unit_kind=UnitKind.INSTITUTION)
    await make_two_factor(o.expert)  # and lost the phone: organizers may turn the second step off
    now = dt.datetime.now(dt.UTC)  # a worker runs, so the site is ready
    await WorkerHeartbeat.create(name="matrix:1", started_at=now, beat_at=now)


async def _papers_and_reviews(o: SimpleNamespace) -> None:
    o.criteria = await ensure_criteria(o.seminar)
    o.paper = await make_paper(o.seminar, "广州市", status="submitted")  # the paper of the paths
    await Author.filter(paper_id=o.paper.id).update(phone=SECRETS_TEXT["phone"])
    # Two reviews in: each reviewer now reads the other's 点评, never the note to the organizers.
    await make_review(o.paper, o.reviewer)
    await make_review(o.paper, o.expert, comment_to_authors=SECRETS_TEXT["comment"], confidential_note=SECRETS_TEXT["note"])
    # Assigned before anyone noticed the unit: the conflict by unit must still hide the paper.
    await make_assignment(o.paper, o.conflicted)
    o.declared = await Conflict.create(seminar=o.seminar, paper=o.paper, reviewer=o.conflicted,
                                       source=ConflictSource.DECLARED, reason=SECRETS_TEXT["conflict"])
    await UnitConflictLift.create(seminar=o.seminar, paper=o.paper, reviewer=o.lifted, reason="已调离该市",
                                  lifted_by=o.organizer)
    await make_decision(o.paper, "keynote", award="first", notified_at=dt.datetime.now(dt.UTC), notified_outcome="keynote")
    o.city_b_paper = await make_paper(o.seminar, "深圳市", title="深圳市矛盾纠纷多元化解的实践", status="submitted")
    await make_assignment(o.city_b_paper, o.reviewer)  # to be drafted, then declined
    await make_decision(o.city_b_paper, "discussion")  # its mail not sent yet
    o.spare_paper = await make_paper(o.seminar, "广州市", title=SECRETS_TEXT["undecided"], status="submitted")
    # City A sent the final version of its decided paper: organizers accept or return it.
    o.final = await Manuscript.create(paper=o.paper, version=2, blob_id="0" * 64, original_filename="定稿.txt",
                                      content_type="text/plain", kind="txt", html="<p>定稿</p>")
    await FinalVersion.create(manuscript=o.final, paper=o.paper)
    # Decided for the agenda: one to place, take out and leave out, one an organizer left out (after drafting).
    o.contribution = await make_paper(o.seminar, "深圳市", title="深圳市社区网格员队伍建设", status="submitted")
    await make_decision(o.contribution, "discussion")
    o.left_out = await make_paper(o.seminar, "深圳市", title="深圳市智慧法院建设的探索", status="submitted")
    await make_decision(o.left_out, "keynote")


async def _book_and_agenda(o: SimpleNamespace) -> None:
    o.book = await make_proceedings_build(o.seminar)
    o.volume = await make_proceedings_build(o.seminar, volume=1, input_hash="1" * 64)
    o.unpublished = await make_proceedings_build(o.seminar, volume=2, published=False, input_hash="2" * 64)
    o.commentary = await TopicCommentary.create(seminar=o.seminar, topic=o.topics[1], commentator=o.reviewer, name=o.reviewer.name)
    o.spare_commentary = await TopicCommentary.create(seminar=o.seminar, topic=o.topics[2], name="许教授")
    o.hall = await make_room(o.seminar, "第一会议室", 200)
    o.spare_room = await make_room(o.seminar, "第三会议室", 40)
    await AgendaSettings.create(seminar=o.seminar, days=[o.seminar.starts_on.isoformat()])
    await agenda_actions.draft_from_decisions(o.seminar, 0, o.organizer)
    await agenda_actions.publish(o.seminar, 1, o.organizer)
    await AgendaLeftOut.create(seminar=o.seminar, paper=o.left_out, reason="作者因公出国")
    evening = dt.datetime.combine(o.seminar.starts_on, dt.time(18), ZoneInfo(o.seminar.time_zone))
    await agenda_actions.edit_draft(o.seminar, 1, o.organizer, lambda agenda: editing.add_session(
        agenda, key="session-empty", title="自由交流", room_id=o.hall.id, start=evening, end=evening + dt.timedelta(hours=1)))
    sessions = (await load_draft(o.seminar)).agenda.sessions
    o.session = next(s for s in sessions if any(slot.paper_id == o.paper.id for slot in s.slots))
    o.keynote = next(slot for slot in o.session.slots if slot.paper_id == o.paper.id)
    o.other_session = next(s for s in sessions if s.key != o.session.key and len(s.slots) > 1)


async def _api_tokens(o: SimpleNamespace) -> None:
    """A spare token of the organizer's, to revoke."""
    secret = await make_api_token(o.organizer, o.seminar, name="旧系统")
    o.spare_token = await ApiToken.get(token_hash=secret_hash(secret))


async def _role_tokens(o: SimpleNamespace) -> dict[str, str]:
    tokens = {}
    for role, email in EMAILS.items():
        seminar = await Seminar.get(slug="sz-2022") if role == "other_organizer" else o.seminar
        tokens[role] = await make_api_token(await User.get(email=email), seminar, name=f"{role} 的系统")
    return tokens


async def _mail_links_and_registrations(o: SimpleNamespace) -> None:
    in_a_month = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    o.batch = await new_batch(o.seminar.id, MailBatchKind.REVIEW_REMINDERS)
    o.mail = await make_mail(seminar=o.seminar, batch_id=o.batch)
    o.newcomer = await make_user(email="newcomer@example.org", name="孙丽")
    await User.filter(id=o.newcomer.id).update(password_hash="")  # invited, has not set a password yet
    await grant(o.newcomer, o.seminar, RoleName.ATTENDEE)
    o.invitation, digest = new_token()
    await AccountToken.create(token_hash=digest, purpose=TokenPurpose.INVITATION, user=o.newcomer, seminar=o.seminar,
                              expires_at=in_a_month)
    for _attempt in range(3):  # someone guessed at the newcomer's account: organizers may unlock it
        await LoginFailure.create(email=o.newcomer.email, ip="192.0.2.7")
    o.retired = await make_user(email="retired@example.org", name="郑强", is_active=False)
    o.leaving = await make_user(email="leaving@example.org", name="冯涛")  # to be taken out of the seminar
    await grant(o.leaving, o.seminar, RoleName.ATTENDEE)
    await grant(o.retired, o.seminar, RoleName.ATTENDEE)
    o.reset, digest = new_token()
    await AccountToken.create(token_hash=digest, purpose=TokenPurpose.PASSWORD_RESET, user=o.reviewer,
                              expires_at=in_a_month)
    visitor = await make_user(email=SECRETS_TEXT["visitor"], name="周敏")
    o.pending = await Registration.create(seminar=o.seminar, user=visitor, name="周敏", email=visitor.email,
                                          status=RegistrationStatus.PENDING, unit_text="省社科联")
    await _certificates(o)


async def _certificates(o: SimpleNamespace) -> None:
    """City A's award certificate is issued, and a spare one to revoke; the attendee's 参会证明 is not yet."""
    o.shenzhen = await make_unit("深圳市", UnitKind.CITY)
    o.award = await Certificate.create(
        seminar=o.seminar, serial=1, number=certificate_number(2026, 1), kind=CertificateKind.AWARD, grade="first",
        paper=o.paper, unit=o.guangzhou, holder="陈静", title=o.paper.title, unit_name="广州市",
    )
    o.spare_certificate = await Certificate.create(
        seminar=o.seminar, serial=2, number=certificate_number(2026, 2), kind=CertificateKind.ORGANIZATION,
        grade="organization", unit=o.guangzhou, holder="广州市", unit_name="广州市",
    )


async def _overlap(o: SimpleNamespace) -> None:
    """City A's paper checked, sharing text with a library document; reviewers may read reports."""
    await OverlapSettings.create(seminar=o.seminar, reviewers_see_reports=True)
    policy = "健全党组织领导的自治、法治、德治相结合的城乡基层治理体系，完善网格化管理、精细化服务、信息化支撑的基层治理平台。"
    o.document = await overlap_actions.add_document(o.seminar.id, "关于加强基层治理的意见", "意见.txt", policy.encode(),
                                                    policy, None)
    o.spare_document = await overlap_actions.add_document(o.seminar.id, "讲话", "讲话.txt", b"x", "另一份讲话的全文。" * 10, None)
    await overlap_actions.queue_submitted(o.paper)
    await check_pending()
    check = await OverlapCheck.get(paper_id=o.paper.id)
    source = await OverlapSource.get(document_id=o.document.id)
    o.match = await OverlapMatch.create(overlap_check=check, source=source, library=False, shared_characters=10,
                                        passages=[[0, 2, 0, 2, 0, 2]])


def _params(o: SimpleNamespace) -> dict[str, Any]:
    return {
        "slug": SLUG, "number": o.paper.number, "version": 1, "user_id": o.newcomer.id, "mail_id": o.mail.id,
        "topic_id": o.topics[4].id, "build_id": o.unpublished.id, "room_id": o.hall.id,
        "registration_id": o.pending.id, "conflict_id": o.declared.id, "outcome": "keynote", "key": o.keynote.key,
        "batch_id": o.batch, "certificate_id": o.award.id, "commentary_id": o.commentary.id,
        "document_id": o.spare_document.id, "match_id": o.match.id, "unit_id": o.guangzhou.id,
        "token_id": o.spare_token.id, "kind": "invitation",
    }


def _per_route(o: SimpleNamespace, settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        "static": {"path": "/css/site.css"},
        "accounts:invitation": {"token": o.invitation},
        "accounts:reset_password": {"token": o.reset},
        "accounts:reactivate": {"user_id": o.retired.id},
        "accounts:remove": {"user_id": o.leaving.id},
        "accounts:reset_two_factor": {"user_id": o.expert.id},
        "agenda:person_ics": {"token": person_token(settings.secret_key, o.seminar.id, o.reviewer.id)},
        # The paper of the paths is decided: the city no longer edits, uploads to or withdraws it
        # (tests/submissions), but sends its final version.
        "submissions:edit": {"number": o.spare_paper.number},
        "submissions:upload": {"number": o.spare_paper.number},
        "submissions:submit": {"number": o.spare_paper.number},  # sent again after the upload above
        "submissions:withdraw": {"number": o.spare_paper.number},
        "submissions:review_final": {"version": o.final.version},
        "reviews:autosave": {"number": o.city_b_paper.number},
        "reviews:decline": {"number": o.city_b_paper.number},
        "reviews:reviewer": {"user_id": o.reviewer.id},
        "reviews:offline_for": {"user_id": o.reviewer.id},
        "reviews:offline_sheet_for": {"user_id": o.reviewer.id},
        "reviews:offline_replace_for": {"user_id": o.reviewer.id},
        "reviews:offline_form_for": {"user_id": o.reviewer.id},
        "reviews:lift_unit_conflict": {"user_id": o.conflicted.id},
        "reviews:reimpose_unit_conflict": {"user_id": o.lifted.id},
        "proceedings:preview": {"build_id": o.book.id},
        "proceedings:status": {"build_id": o.book.id},
        "proceedings:unpublish": {"build_id": o.volume.id},
        "proceedings:volume": {"number": 1},
        "proceedings:commentary_delete": {"commentary_id": o.spare_commentary.id},
        "agenda:release": {"number": 1},
        "agenda:room_delete": {"room_id": o.spare_room.id},
        "agenda:session": {"key": o.session.key},
        "agenda:slot_add": {"key": o.session.key},
        "agenda:session_delete": {"key": "session-empty"},
        "agenda:slot_delete": {"key": o.other_session.slots[-1].key},
        "agenda:paper_place": {"paper_id": o.contribution.id},
        "agenda:paper_remove": {"paper_id": o.contribution.id},
        "agenda:paper_leave_out": {"paper_id": o.contribution.id},
        "agenda:paper_put_back": {"paper_id": o.left_out.id},
        "seminars:topic_delete": {"topic_id": o.topics[5].id},
        "certificates:verify": {"number": o.award.number},
        "certificates:revoke": {"certificate_id": o.spare_certificate.id},
        "checkin:badge": {"token": checkin_token(settings.secret_key, o.seminar.id, o.attendee.id)},
    }


def _fixed(values: dict[str, Any]) -> Payload:
    async def payload() -> dict[str, Any]:
        return values
    return payload


def _payloads(o: SimpleNamespace, settings: Settings) -> dict[str, Payload]:
    async def paper_form() -> dict[str, Any]:
        return {
            "title": "以党建引领推进市域社会治理现代化", "topic": str(o.topics[0].id),
            "abstract": "本文总结广州市以党建引领基层治理的做法与经验。", "keywords": "党建引领、市域社会治理、枫桥经验",
            "originality": "y", "authors-0-name": "陈静", "authors-0-unit": "广州市委政法委",
            "authors-0-email": "chenjing@example.org", "contact": "0", "presenter": "0",
            "version": str((await Paper.get(id=o.paper.id)).version),
        }

    def review_form(paper: Paper, action: str) -> Payload:
        async def payload() -> dict[str, Any]:
            review = await Review.get_or_none(assignment__paper_id=paper.id, assignment__reviewer_id=o.reviewer.id)
            scores = {f"score-{criterion.id}": "10" for criterion in o.criteria}
            return {**scores, "comment_to_authors": "经验可复制。", "confidential_note": "", "recommendation": "keynote",
                    "confidence": "3", "version": str(review.version if review else 0), "action": action}
        return payload

    def seminar_form(slug: str) -> dict[str, Any]:
        return {
            "title": "全省市域社会治理现代化试点创新研讨班（第二期）", "slug": slug, "description": "交流经验做法。",
            "organizer_unit": "", "venue": "广州", "starts_on": "2027-04-20", "ends_on": "2027-04-21",
            "submission_opens_at": "2027-01-05T09:00", "submission_deadline": "2027-03-01T17:00",
            "review_deadline": "2027-03-31T17:00", "notification_on": "2027-04-05", "reviews_per_paper": "3",
            "blind_review": "y", "city_quota": "2", "time_zone": "Asia/Shanghai",
        }

    async def seminar_settings() -> dict[str, Any]:
        return {**seminar_form(SLUG), "version": str((await Seminar.get(id=o.seminar.id)).version)}

    async def criteria_form() -> dict[str, Any]:
        rows: dict[str, Any] = {"reviews_visible_after_own": "y", "disagreement_points": "15"}
        for index, criterion in enumerate(o.criteria):
            rows |= {f"criteria-{index}-id": str(criterion.id), f"criteria-{index}-name": criterion.name,
                     f"criteria-{index}-description": "评分时请参照说明", f"criteria-{index}-max_points": str(criterion.max_points)}
        return rows

    async def proposal() -> dict[str, Any]:
        serializer = URLSafeSerializer(settings.secret_key, salt=PROPOSAL_SALT)
        return {"proposal": serializer.dumps({"seminar": o.seminar.id, "pairs": [[o.spare_paper.id, o.reviewer.id]]})}

    def draft(**values: Any) -> Payload:
        async def payload() -> dict[str, Any]:
            return {"version": str((await load_draft(o.seminar)).version), **values}
        return payload

    def seats(**values: Any) -> Payload:
        async def payload() -> dict[str, Any]:
            plan = await SeatPlan.get_or_none(seminar_id=o.seminar.id)
            return {"version": str(plan.version if plan else 0), **values}
        return payload

    async def attendee_registration() -> str:
        return str((await Registration.get(seminar_id=o.seminar.id, email=EMAILS["attendee"])).id)

    async def seat_move() -> dict[str, Any]:
        return await seats(person=await attendee_registration(), seat="hall-3-4")()

    async def seat_swap() -> dict[str, Any]:
        """The attendee and the seatmate, both seated by seating:generate (asked before)."""
        mate = await Registration.get(seminar_id=o.seminar.id, email="seatmate@example.org")
        return await seats(first=await attendee_registration(), second=str(mate.id))()

    async def seat_one() -> dict[str, Any]:
        return await seats(person=await attendee_registration())()

    async def dais_pick() -> dict[str, Any]:
        return await seats(dais=[await attendee_registration()])()

    async def unreviewed_decisions() -> dict[str, Any]:
        """Confirms mailing the decisions of papers with fewer reviews than required: all of them here."""
        return {"confirmed": [str(paper_id) for paper_id in await column(Decision.filter(seminar_id=o.seminar.id), "paper_id")]}

    async def arrange() -> dict[str, Any]:
        order = [slot.key for slot in reversed(o.session.slots)]
        return {"json": {"version": (await load_draft(o.seminar)).version, "sessions": {o.session.key: order}}}

    async def review_sheet() -> dict[str, Any]:
        """The reviewer's sheet, city B's paper scored: saved as a draft (before the reviewer declines it)."""
        owner = SheetOwner(o.seminar.id, o.seminar.title, o.reviewer.id, o.reviewer.name)
        row = SheetPaper(o.city_b_paper.id, o.city_b_paper.number, o.city_b_paper.title, "", {str(o.criteria[0].id): "9"}, "思路清楚。")
        sheet = review_sheet_xlsx(owner, criterion_specs(o.criteria), [row])
        return {"files": {"file": ("评审表.xlsx", sheet, "application/octet-stream")}}

    async def replacement() -> dict[str, Any]:
        """The yes to replacing the reviewer's submitted review of the paper of the paths with an upload's row."""
        review = await Review.get(assignment__paper_id=o.paper.id, assignment__reviewer_id=o.reviewer.id)
        item = Replacement(o.paper.id, o.paper.number, o.paper.title, review.version,
                           {str(c.id): 10 for c in o.criteria}, "修改后的点评。", 3)
        token = URLSafeTimedSerializer(settings.secret_key, salt=REPLACE_SALT).dumps(
            {"seminar": o.seminar.id, "reviewer": o.reviewer.id, "items": [asdict(item)]})
        return {"token": token, "paper": [str(o.paper.id)]}

    async def archive_upload() -> dict[str, Any]:
        """This seminar's archive, to be imported as a new seminar. The factories' stand-in file is
        named by a made-up SHA-256, which the import rightly refuses as damaged: it gets its real one."""
        exported = zipfile.ZipFile(io.BytesIO(await archive_bytes(o.seminar.slug, settings.database_url)))
        stand_in = "0" * 64
        real = hashlib.sha256(exported.read(f"files/{stand_in}")).hexdigest()
        members = {name.replace(stand_in, real): exported.read(name) for name in exported.namelist()}
        document = members["seminar.json"].replace(stand_in.encode(), real.encode())
        manifest = json.loads(members["manifest.json"])
        manifest["document"].update(sha256=hashlib.sha256(document).hexdigest(), size=len(document))
        members.update({"seminar.json": document, "manifest.json": json.dumps(manifest).encode()})
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as writing:
            for name, data in members.items():
                writing.writestr(name, data)
        return {"slug": "gd-2021-copy", "files": {"file": ("gd-2021.zip", archive.getvalue(), "application/zip")}}

    session_form = draft(title="新的单元", room=str(o.hall.id), start="2026-12-10T16:00", end="2026-12-10T17:00", chair="李明")
    people_sheet = make_people_xlsx([["吴军", "省委组织部", "干部", "13700137000", "wujun@example.org", "参会人员"]])
    return {
        # Public routes and one's own account: a payload the form refuses, so the session and the world stay.
        "accounts:login": _fixed({"email": "nobody@example.org", "password": "wrong-password"}),
        "accounts:language": _fixed({"locale": "zh_Hans", "next": "/"}),
        "accounts:invitation": _fixed({"password": "a-long-passphrase-1", "confirm": "another-one-2"}),
        "accounts:reset_password": _fixed({"password": "a-long-passphrase-1", "confirm": "another-one-2"}),
        "accounts:forgot_password": _fixed({"email": "nobody@example.org"}),
        "accounts:change_password": _fixed({"current_password": "wrong-password", "password": "a-long-passphrase-1",
                                            "confirm": "a-long-passphrase-1"}),
        "accounts:login_code": _fixed({"code": "000000"}),
        "accounts:two_factor_enable": _fixed({"code": "000000"}),
        "accounts:two_factor_disable": _fixed({"disable-password": "wrong-password", "disable-code": "000000"}),
        "accounts:recovery_codes": _fixed({"renew-password": "wrong-password", "renew-code": "000000"}),
        "api:tokens": _fixed({"name": "省厅办公系统", "seminar": str(o.seminar.id), "expires_on": ""}),
        # Gated routes: a payload that changes something, as a browser sends the form.
        "seminars:create": _fixed(seminar_form("gd-2027")),
        "archive:import": archive_upload,
        "seminars:settings": seminar_settings,
        "seminars:topics": _fixed({"title": "防范化解重大风险", "description": ""}),
        "seminars:topic_edit": _fixed({"title": "凝聚政治力量（修订）", "description": ""}),
        "accounts:unit_new": _fixed({"name": "横琴新区", "name_hant": "", "full_name": "", "kind": "special_zone",
                                     "sort_order": "215", "parent": "", "pinyin": ""}),
        "accounts:unit_edit": _fixed({"name": "广州市", "name_hant": "廣州市", "full_name": "广州市人民政府",
                                      "kind": "city", "sort_order": "10", "parent": "", "pinyin": "Guǎngzhōu"}),
        "seminars:topic_move": _fixed({"direction": "up"}),
        "mail:wording_edit": _fixed({"locale": "zh_Hans", "subject": "{seminar}邀请函", "body": "{recipient}：请登录 {link}",
                                     "action": "save"}),
        "mail:wording_reset": _fixed({"locale": "zh_Hans"}),
        "mail:bulk": _fixed({"group": "everyone", "unit": "", "subject": "会议通知", "body": "{recipient}：请按时参会。", "send": "1"}),
        "accounts:invite": _fixed({"name": "钱进", "email": "qianjin@example.org", "unit": "", "position": "干部",
                                   "phone": "", "roles": ["attendee"]}),
        "accounts:import": _fixed({"files": {"file": ("名单.xlsx", people_sheet, "application/octet-stream")}}),
        "submissions:new": paper_form,
        "submissions:edit": paper_form,
        "submissions:upload": _fixed({"files": {"manuscript": ("论文.txt", "市域社会治理的实践。".encode(), "text/plain")}}),
        "submissions:withdraw": _fixed({"confirm": "yes"}),
        "overlap:manage": _fixed({"threshold": "25", "reviewers_see_reports": "y"}),
        "overlap:upload": _fixed({"title": "工作要点", "files": {"manuscript": ("要点.txt", "推进市域社会治理现代化的工作要点。".encode(), "text/plain")}}),
        "overlap:mark": _fixed({"acceptable": "y", "reason": "引用已注明出处"}),
        "submissions:upload_final": _fixed({"files": {"manuscript": ("定稿.txt", "市域社会治理的实践。".encode(), "text/plain")}}),
        "submissions:review_final": _fixed({"action": "return", "reason": "请删去正文中的作者姓名"}),
        "submissions:extensions": _fixed({"city": str(o.guangzhou.id), "until": "2027-01-10T17:00"}),
        "reviews:bids": _fixed({f"paper-{o.city_b_paper.id}": "want"}),
        "reviews:review": review_form(o.paper, "submit"),
        "reviews:autosave": review_form(o.city_b_paper, "save"),
        "reviews:decline": _fixed({"reason": "与作者系同事"}),
        "reviews:offline": review_sheet,
        "reviews:offline_for": review_sheet,
        "reviews:offline_replace": replacement,
        "reviews:offline_replace_for": replacement,
        "reviews:form": criteria_form,
        "reviews:reviewer": _fixed({"topics": [str(o.topics[0].id)], "max_load": "5", "note": "熟悉基层治理"}),
        "reviews:assign": _fixed({"paper": str(o.city_b_paper.id), "reviewer": str(o.conflicted.id)}),
        "reviews:unassign": _fixed({"paper": str(o.city_b_paper.id), "reviewer": str(o.reviewer.id)}),
        "reviews:auto": proposal,
        "reviews:loads": _fixed({"min_load": "0", "max_load": "8"}),
        "reviews:set_conflict": _fixed({"reviewer": str(o.reviewer.id), "reason": "同一课题组"}),
        "reviews:lift_conflict": _fixed({"lift_reason": "经核实无利害关系"}),
        "reviews:lift_unit_conflict": _fixed({"reason": "已调离该市"}),
        "reviews:reimpose_unit_conflict": _fixed({"reason": "仍有往来"}),
        # Confirmed: the paper has fewer submitted reviews than the seminar requires.
        "reviews:decide": _fixed({"paper": [str(o.city_b_paper.id)], "outcome": "proceedings", "award": "",
                                  "confirmed": [str(o.city_b_paper.id)]}),
        "reviews:send_decisions": unreviewed_decisions,
        "reviews:decision_mail": _fixed({"subject": "关于论文{paper_number}的通知", "body": "{recipient}：{decision}",
                                         "paper": str(o.paper.number), "action": "save"}),
        "proceedings:manage": _fixed({"preface": "前言", "mark": "内部资料", "include_agenda": "y"}),
        "proceedings:build": _fixed({"volume": ""}),
        "proceedings:commentary_add": _fixed({"topic": str(o.topics[0].id), "name": "张教授", "sort": "1"}),
        "proceedings:commentary": _fixed({"text": "各地做法各有特色。", "topic": str(o.topics[1].id), "name": "王芳", "sort": "1"}),
        "registration:participants": _fixed({"is_open": "y", "requires_approval": "y"}),
        "registration:receipt": _fixed({"position": "治安管理局干部", "phone": "13900139000", "gender": "female",
                                        "lodging": "single", "diet": "halal", "receipt_note": "晚到"}),
        "registration:edit_receipt": _fixed({"position": "社科联研究员", "phone": "13700137000", "lodging": "shared",
                                             "diet": "vegetarian", "receipt_note": "会务组代填"}),
        "registration:receipt_settings": _fixed({
            **{f"mode_{name}": "1" for name in ("gender", "ethnicity", "position", "rank", "mobile", "arrival",
                                                 "departure", "lodging", "diet", "companions", "note")},
            "mode_lodging": "2", "receipt_deadline": "2026-12-05",
        }),
        "certificates:settings": _fixed({"issuer": "中共广东省委政法委员会", "issued_on": "2026-12-10"}),
        "certificates:organization": _fixed({"unit": str(o.shenzhen.id)}),
        "checkin:badge": _fixed({"day": "2026-12-10", "session": ""}),
        "checkin:record": _fixed({"json": {"person": o.newcomer.id, "day": "2026-12-10", "method": "list"}}),
        "agenda:settings": _fixed({
            "days": "2026-12-10", "day_start": "08:30", "lunch_start": "12:00", "lunch_end": "14:00", "day_end": "17:30",
            "keynote_minutes": "12", "discussion_minutes": "20", "per_speaker_minutes": "4", "commentary_minutes": "10",
            "break_minutes": "15", "opening_minutes": "20", "lecture_minutes": "60", "lecture_title": "", "lecturer": "",
            "closing_commentary_minutes": "30", "closing_minutes": "30",
        }),
        "seating:layout": seats(dais_rows="1", dais_seats="5", rows="8", seats_per_row="12", reserved="1 嘉宾",
                                second_on_left="y", title="开班式"),
        "seating:dais": dais_pick,
        "seating:generate": seats(overwrite="y"),
        "seating:move": seat_move,
        "seating:swap": seat_swap,
        "seating:unseat": seat_one,
        "agenda:room_add": _fixed({"name": "第四会议室", "capacity": "80"}),
        "agenda:room_edit": _fixed({"name": "主会场", "capacity": "300"}),
        "agenda:draft": draft(mode="replace"),  # over the world's draft: replaced, the old one kept for undo
        "agenda:undo_draft": draft(),
        "agenda:arrange": arrange,
        "agenda:session_add": session_form,
        "agenda:session": session_form,
        "agenda:slot_add": draft(kind="break", title="茶歇", duration="15", speaker=""),
        "agenda:session_delete": draft(),
        "agenda:slot": draft(title="新的标题", start="2026-12-10T10:00", duration="15", speaker="陈静"),
        "agenda:slot_move": draft(direction="down"),
        "agenda:slot_delete": draft(),
        "agenda:publish": draft(),
        "agenda:paper_place": draft(),
        "agenda:paper_remove": draft(),
        "agenda:paper_leave_out": _fixed({"reason": "作者因病不能到会"}),
    }


# ---------- asking ----------

WRITES = ("INSERT", "UPDATE", "DELETE")
# Written for requests whatever their outcome: the audit log's entry for every change let through,
# and an API token's last use, noted for every request it authenticates (refused or not).
NOTED_ANYWAY = ('INSERT INTO "audit_entry"', 'UPDATE "api_token" SET "last_used_at"')
# Gated POSTs whose payload, let in, leaves the database as it was, and why.
CHANGES_NOTHING = dict.fromkeys(
    ["accounts:change_password", "accounts:two_factor_enable", "accounts:two_factor_disable", "accounts:recovery_codes"],
    "one's own account: the payload has a wrong password or code, the session must go on as it is",
) | dict.fromkeys(
    ["reviews:offline", "reviews:offline_replace"],
    "the payload is the reviewer's sheet (and yes): the conflicted reviewer may upload, but another's is refused whole",
) | {"api:tokens": "one's own tokens: the other organizer holds no role here, so may not make one for it (tests/api)"}
# Allowed POSTs that would spoil what the others change: asked last, in this order.
LAST = (
    "agenda:draft",  # drafts the agenda afresh, replacing the draft the editor's routes change
    "agenda:undo_draft",  # brings back the draft that drafting replaced
    "accounts:logout",
)


async def _database_state() -> dict[str, set[str]]:
    """Every row of every table (the audit log included), as text to compare."""
    connection = connections.get("default")
    state = {}
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        rows = await connection.execute_query_dict(f'SELECT * FROM "{table}"')
        state[table] = {repr(sorted((k, v) for k, v in row.items() if (table, k) != ("api_token", "last_used_at"))) for row in rows}
    return state


def _changes(before: dict[str, set[str]], after: dict[str, set[str]]) -> list[str]:
    """What differs, row by row, so the route that changed it can be told from the row."""
    found = []
    for table in before:
        found += [f"{table} lost {row[:300]}" for row in sorted(before[table] - after[table])]
        found += [f"{table} gained {row[:300]}" for row in sorted(after[table] - before[table])]
    return found


def _writes(statements: list[str]) -> list[str]:
    """The statements that change rows, but the audit log's entry (written for every change let through)."""
    return [
        statement[:200] for statement in statements
        if statement.lstrip().upper().startswith(WRITES) and not statement.startswith(NOTED_ANYWAY)
    ]


def _outcome(method: str, response: httpx.Response) -> str:
    status = response.status_code
    location = urlsplit(response.headers.get("location", ""))
    if status in (301, 302, 303, 307, 308) and location.path == "/login" and "next=" in location.query:
        return LOGIN  # (without `next` it is a success, e.g. "a reset link is on its way")
    if status == 401:
        return LOGIN  # the API: no usable token
    if status in (403, 404):
        return str(status)
    if status >= 500:
        return f"error {status}"
    if method == UNSAFE or status < 400:
        return OK  # a POST's form errors (400) and stale pages (409) are past the gate
    return f"status {status}"


def api_headers(url: str, token: str | None) -> dict[str, str]:
    """The API reads the token, never the session: each role sends its own, where it has one."""
    return {"Authorization": f"Bearer {token}"} if url.startswith(API_PREFIX) and token else {}


async def _ask(client: Client, method: str, url: str, payload: dict[str, Any], token: str | None = None) -> httpx.Response:
    if method == "GET":
        return await client.get(url, headers=api_headers(url, token))
    if "json" in payload:  # drag and drop sends JSON, with the token in the header
        return await client.post(url, json=payload["json"], headers={"X-CSRF-Token": await client.csrf()})
    files = payload.pop("files", None)
    return await client.post_form(url, payload, files=files)


def _leaks(response: httpx.Response, column: int) -> list[str]:
    if not response.headers.get("content-type", "").startswith(TEXT_TYPES):
        return []
    return [f"shows the {secret} “{SECRETS_TEXT[secret]}”" for secret, readers in SECRETS.items()
            if not readers[column] and SECRETS_TEXT[secret] in response.text]


@pytest.fixture(autouse=True)
def empty_agenda_cache() -> Iterator[None]:
    """Release ids come back after the tables are emptied: the published agenda's cache must not outlive a test."""
    published.forget_all()
    yield
    published.forget_all()


@pytest.fixture(autouse=True)
def on_the_seminar_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Badges check people in until shortly after the seminar (2026-12-10): the matrix asks on its day."""
    monkeypatch.setattr(checkin_days, "now", lambda: dt.datetime(2026, 12, 10, 1, 30, tzinfo=dt.UTC))


@pytest.fixture
def app(smtp_settings: Settings) -> Starlette:
    """The app with a real SMTP server: sending a mail at once is a change like any other."""
    return create_app(smtp_settings)


@pytest.mark.parametrize("role", ROLES)
async def test_route_matrix(role: str, client: Client, app: Starlette, smtp_settings: Settings) -> None:
    routes, path_parameters = served_routes(app)
    world = await build_world(smtp_settings)
    if role != "anonymous":
        await client.login(EMAILS[role])
    column = ROLES.index(role)
    refused = [(name, method) for name, method in routes if expected(name, method)[column] != OK]
    allowed = [(name, method) for name, method in routes if expected(name, method)[column] == OK]
    allowed.sort(key=lambda route: (route[1] == UNSAFE, LAST.index(route[0]) if route[0] in LAST else -1))
    wrong: list[str] = []

    async def ask(name: str, method: str) -> None:
        want, row = expected(name, method)[column], expected(name, method)
        params = {**world.params, **world.per_route.get(name, {})}
        url = str(app.url_path_for(name, **{k: v for k, v in params.items() if k in path_parameters[name]}))
        payload = await world.payloads[name]() if method == UNSAFE and name in world.payloads else {}
        with counted_queries() as statements:
            response = await _ask(client, method, url, dict(payload), world.tokens.get(role))
        writes, got = _writes(statements), _outcome(method, response)
        problems = _leaks(response, column)
        if got != want:
            problems.append(f"expected {want}, got {got} ({response.status_code})")
        elif want != OK and writes:
            problems.append(f"refused ({got}), but wrote {writes}")
        elif want == OK and method == UNSAFE and not writes and set(row) != {OK} and name not in CHANGES_NOTHING:
            problems.append("let in, but the payload changed nothing: refusing it proves nothing")
        wrong.extend(f"{name} {method} {url}: {problem}" for problem in problems)

    before = await _database_state()
    for name, method in refused:
        await ask(name, method)
    changed = _changes(before, await _database_state())
    for name, method in allowed:
        await ask(name, method)

    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    assert not changed, f"{role}: refused requests changed the database:\n" + "\n".join(changed)
