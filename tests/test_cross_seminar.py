"""Another seminar's objects through this seminar's address (insecure direct object references).

The route matrix asks every route inside one seminar. Here a second seminar B holds the same kinds
of objects (topics, rooms, agenda sessions and slots, releases, papers, reviews, conflicts, people,
registrations, mail, proceedings builds), and people of seminar A ask every route that names an
object, under A's address, with B's objects in the path: A's organizer for the organizers' routes,
A's 广州市 submitter for a city's paper routes, A's reviewer for the reviewer's routes — each of
them only where the matrix lets them in for A's own objects. Every such request must answer 404,
and the database must stay as it was, row for row.

What a bug would look like, and why the data makes it show:
- a paper looked up by number alone: B's papers are numbered after A's (B first makes as many
  fillers as A has papers, so B's papers in the paths carry numbers A does not have), so a number
  that forgets the seminar finds only B's paper;
- an object looked up by id and checked against its own seminar: the submitter and the reviewer
  hold the same roles in B (B's paper in the path is also 广州市's, and the reviewer is assigned to
  it), so a check on B instead of A would let them in;
- an object of B under an object of A (a conflict, a person's unit conflict): every mix of A's and
  B's objects in a path with several is asked too.

Forms that name objects in their fields (a paper and a reviewer to assign, papers to decide, a bid,
a paper's topic, a session's room, a reviewer's topics) are sent under A's address with B's objects
in them too: refused or ignored, nothing written.
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.applications import Starlette

from seminar.accounts.models import LoginFailure, RoleName, UnitKind, User
from seminar.agenda import actions as agenda_actions
from seminar.agenda.queries import load_draft
from seminar.config import Settings
from seminar.mail.batches import MailBatchKind
from seminar.mail.outbox import new_batch
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper
from tests.conftest import Client, counted_queries
from tests.factories import (
    grant,
    make_mail,
    make_paper,
    make_proceedings_build,
    make_reviewer,
    make_two_factor,
    make_unit,
    make_user,
)
from tests.test_route_matrix import (
    EMAILS,
    OK,
    ROLES,
    SLUG,
    UNSAFE,
    World,
    API_PREFIX,
    _api_tokens,
    _ask,
    _book_and_agenda,
    _certificates,
    _changes,
    _database_state,
    _outcome,
    _overlap,
    _papers_and_reviews,
    _params,
    _payloads,
    _per_route,
    _writes,
    app,  # noqa: F401  (the app with a real SMTP server, as the matrix asks it)
    build_world,
    empty_agenda_cache,  # noqa: F401
    expected,
    served_routes,
)

OTHER_SLUG = "sz-2022"  # the matrix's world already has it: the seminar its other organizer runs
# Path parameters that name no object of a seminar (a mail "kind" is one of the registry in seminar.mail.kinds).
NOT_OBJECTS = {"slug", "outcome", "version", "kind"}
# Routes whose parameters name objects, but not through a seminar's address, and why they are left out.
OUT_OF_SCOPE = {
    "static": "a file of the site",
    "accounts:invitation": "the token is the credential and names no seminar",
    "accounts:reset_password": "the token is the credential and names no seminar",
    "certificates:verify": "public and under no seminar's address: any valid number is confirmed to anyone",
    "accounts:unit_edit": "units belong to the whole site, and only site administrators edit them",
}
ASKERS = ("organizer", "city_a", "reviewer")  # the people of seminar A who ask
# The agenda editor finds sessions and slots by key in this seminar's own draft, so another seminar's key
# is simply not there; a key not there is a stale page (someone else just deleted it), answered with a
# message rather than 404. Such a key must get exactly the answer of a key that never existed, and write nothing.
MADE_UP_KEY = "slot-00000000"


async def build_other_seminar(settings: Settings) -> SimpleNamespace:
    """Seminar B with the objects the matrix's seminar has (built after it), its path parameters, the
    per-route ones, and the payloads that would change B's objects."""
    o = SimpleNamespace()
    o.seminar = await Seminar.get(slug=OTHER_SLUG)
    o.topics = await Topic.filter(seminar_id=o.seminar.id).order_by("position")
    o.organizer = await User.get(email=EMAILS["other_organizer"])
    o.guangzhou = await make_unit("广州市", UnitKind.CITY)
    # A's reviewer and A's 广州市 submitter hold the same roles here: a check against B would let them in.
    o.reviewer = await grant(await User.get(email=EMAILS["reviewer"]), o.seminar, RoleName.REVIEWER)
    await grant(await User.get(email=EMAILS["city_a"]), o.seminar, RoleName.SUBMITTER)
    o.conflicted = await make_reviewer(o.seminar, "b-conflicted@example.org", name="何平", unit="广州市委政法委")
    o.lifted = await make_reviewer(o.seminar, "b-lifted@example.org", name="冯涛", unit="广州市", unit_kind=UnitKind.CITY)
    o.expert = await make_reviewer(o.seminar, "b-expert@example.org", name="许教授", unit="暨南大学",
                                   unit_kind=UnitKind.INSTITUTION)
    await make_two_factor(o.expert)
    a_papers = await Paper.filter(seminar__slug=SLUG).count()
    for _number in range(a_papers):  # B's papers in the paths come after A's numbers: a lookup by number alone finds them
        await make_paper(o.seminar, "深圳市", title="深圳市社区网格治理的做法")
    await _papers_and_reviews(o)
    await _book_and_agenda(o)
    o.volume_3 = await make_proceedings_build(o.seminar, volume=3, input_hash="3" * 64)
    await _overlap(o)
    await _api_tokens(o)
    await agenda_actions.publish(o.seminar, (await load_draft(o.seminar)).version, o.organizer)
    o.batch = await new_batch(o.seminar.id, MailBatchKind.DECISIONS)
    o.mail = await make_mail("b-reader@example.org", "林峰", seminar=o.seminar, batch_id=o.batch)
    o.newcomer = await make_user(email="b-newcomer@example.org", name="唐雪")
    await User.filter(id=o.newcomer.id).update(password_hash="")
    await grant(o.newcomer, o.seminar, RoleName.ATTENDEE)
    for _attempt in range(3):
        await LoginFailure.create(email=o.newcomer.email, ip="192.0.2.8")
    o.attendee = o.newcomer  # whose badge's token names B
    o.retired = await make_user(email="b-retired@example.org", name="韩冰", is_active=False)
    await grant(o.retired, o.seminar, RoleName.ATTENDEE)
    o.leaving = await grant(await make_user(email="b-leaving@example.org", name="罗军"), o.seminar, RoleName.ATTENDEE)
    visitor = await make_user(email="b-visitor@example.org", name="邓琳")
    o.pending = await Registration.create(seminar=o.seminar, user=visitor, name="邓琳", email=visitor.email,
                                          status=RegistrationStatus.PENDING, unit_text="省社科联")
    await _certificates(o)
    o.invitation = o.reset = "unused"  # the token routes are out of scope
    # Slot keys made from ids differ between the seminars, fixed ones ("closing-speech") do not: take B's own.
    a_agenda = (await load_draft(await Seminar.get(slug=SLUG))).agenda
    a_keys = {s.key for s in a_agenda.sessions} | {slot.key for s in a_agenda.sessions for slot in s.slots}
    b_slots = [slot for s in (await load_draft(o.seminar)).agenda.sessions for slot in s.slots]
    b_slot = next(slot for slot in reversed(b_slots) if slot.key not in a_keys and slot.key != o.keynote.key)
    b_session = next(s for s in (await load_draft(o.seminar)).agenda.sessions
                     if s.key not in a_keys and s.key != o.session.key)
    per_route = _per_route(o, settings) | {
        "agenda:session_delete": {"key": b_session.key},  # the matrix's literal key is in both seminars
        "agenda:slot_delete": {"key": b_slot.key},
        "proceedings:volume": {"number": 3},  # A has volumes 1 and 2
        "agenda:release": {"number": 2},  # A has release 1
        "reviews:reviewer": {"user_id": o.expert.id},  # the matrix's is the reviewer both seminars share
        **{name: {"user_id": o.expert.id} for name in ("reviews:offline_for", "reviews:offline_sheet_for",
                                                      "reviews:offline_replace_for", "reviews:offline_form_for")},
    }
    o.params, o.per_route, o.payloads = _params(o), per_route, _payloads(o, settings)
    return o


def _object_parameters(parameters: set[str]) -> list[str]:
    return sorted(parameters - NOT_OBJECTS)


@pytest.fixture
async def two_seminars(client: Client, smtp_settings: Settings) -> tuple[World, SimpleNamespace]:
    """The matrix's seminar A, and seminar B built after it."""
    return await build_world(smtp_settings), await build_other_seminar(smtp_settings)


@pytest.mark.parametrize("role", ASKERS)
async def test_another_seminars_objects_are_not_found_here(
    role: str, client: Client, app: Starlette, two_seminars: tuple[World, SimpleNamespace]  # noqa: F811
) -> None:
    routes, path_parameters = served_routes(app)
    world, b = two_seminars
    b_params, b_per_route, b_payloads = b.params, b.per_route, b.payloads
    await client.login(EMAILS[role])
    column = ROLES.index(role)
    asked = [(name, method) for name, method in routes
             if _object_parameters(path_parameters[name]) and name not in OUT_OF_SCOPE
             and expected(name, method)[column] == OK]
    assert asked, f"{role} may open no route that names an object: nothing would be tested"
    wrong: list[str] = []

    async def ask(name: str, method: str, from_b: tuple[str, ...]) -> None:
        a_values = {**world.params, **world.per_route.get(name, {})}
        b_values = {**b_params, **b_per_route.get(name, {})}
        area = name.split(":")[0]
        for parameter in from_b:  # the test's own guard: B's object must not be one of A's (numbers: of A's kind)
            a_known = {values.get(parameter) for route, values in [("", world.params), *world.per_route.items()]
                       if route.split(":")[0] in ("", area)}
            assert b_values[parameter] not in a_known, f"{name}: B's {parameter} {b_values[parameter]} is also A's"
        values = {**a_values, **{parameter: b_values[parameter] for parameter in from_b}, "slug": SLUG}
        url = str(app.url_path_for(name, **{k: v for k, v in values.items() if k in path_parameters[name]}))
        # What a bug would apply: to B's object, with B's versions; a key is looked for in A's draft, at A's version.
        payloads = world.payloads if "key" in from_b else b_payloads
        payload = await payloads[name]() if method == UNSAFE and name in payloads else {}
        with counted_queries() as statements:
            response = await _ask(client, method, url, dict(payload), world.tokens[role])
        got, writes = _outcome(method, response), _writes(statements)
        if writes:
            wrong.append(f"{name} {method} {url}: wrote {writes}")
        if "key" in from_b:
            made_up = url.replace(f"/{values['key']}", f"/{MADE_UP_KEY}")
            answer = await _ask(client, method, made_up, dict(payload), world.tokens[role])
            if (response.status_code, response.headers.get("location")) != (answer.status_code, answer.headers.get("location")):
                wrong.append(f"{name} {method} {url}: answered {response.status_code}, a made-up key {answer.status_code}")
        elif got != "404":
            wrong.append(f"{name} {method} {url}: expected 404, got {got} ({response.status_code})")

    before = await _database_state()
    count = 0
    for name, method in asked:
        objects = _object_parameters(path_parameters[name])
        for size in range(1, len(objects) + 1):
            for from_b in itertools.combinations(objects, size):
                await ask(name, method, from_b)
                count += 1
    changed = _changes(before, await _database_state())

    assert not wrong, f"{role} ({count} requests):\n" + "\n".join(wrong)
    assert not changed, f"{role}: requests for seminar B's objects changed the database:\n" + "\n".join(changed)


def test_every_route_naming_an_object_is_asked_by_someone(app: Starlette) -> None:  # noqa: F811
    """A new route with an object in its path is asked by one of A's people, or listed out of scope."""
    routes, path_parameters = served_routes(app)
    columns = [ROLES.index(role) for role in ASKERS]
    unasked = sorted({name for name, method in routes
                      if _object_parameters(path_parameters[name]) and name not in OUT_OF_SCOPE
                      and not any(expected(name, method)[column] == OK for column in columns)})
    assert not unasked, f"routes naming an object that none of {ASKERS} may open in their own seminar: {unasked}"
    assert set(OUT_OF_SCOPE) <= {name for name, _method in routes}, "OUT_OF_SCOPE names a route that is gone"


# Forms that name objects in their fields, under A's address with B's objects there (who sends it, what).
# A bug would act on B's object or tie it to A; the form must refuse or ignore it, and write nothing.
def _foreign_fields(a_paper: Paper, b: SimpleNamespace) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("organizer", "reviews:assign", {"paper": str(a_paper.id), "reviewer": str(b.expert.id)}),  # B's reviewer only
        ("organizer", "reviews:assign", {"paper": str(b.city_b_paper.id), "reviewer": str(b.conflicted.id)}),
        ("organizer", "reviews:assign", {"paper": str(b.city_b_paper.id), "reviewer": str(b.reviewer.id)}),
        ("organizer", "reviews:unassign", {"paper": str(b.city_b_paper.id), "reviewer": str(b.reviewer.id)}),
        ("organizer", "reviews:decide", {"paper": [str(b.city_b_paper.id)], "outcome": "proceedings", "award": ""}),
        ("organizer", "reviews:set_conflict", {"reviewer": str(b.expert.id), "reason": "同一课题组"}),
        ("reviewer", "reviews:bids", {f"paper-{b.city_b_paper.id}": "want"}),
    ]


@pytest.mark.parametrize("role", ASKERS)
async def test_another_seminars_objects_in_a_form_are_refused(
    role: str, client: Client, app: Starlette, two_seminars: tuple[World, SimpleNamespace]  # noqa: F811
) -> None:
    _routes, path_parameters = served_routes(app)
    world, b = two_seminars
    a_paper = await Paper.get(seminar__slug=SLUG, number=world.params["number"])
    cases = [(name, payload) for asker, name, payload in _foreign_fields(a_paper, b) if asker == role]
    cases += [(name, b.payloads[name]) for name in FOREIGN_PAYLOADS.get(role, ())]
    await client.login(EMAILS[role])
    wrong: list[str] = []
    before = await _database_state()
    for name, payload in cases:
        assert expected(name, UNSAFE)[ROLES.index(role)] == OK, f"{role} may not send {name} even with A's objects"
        values = {**world.params, **world.per_route.get(name, {})}
        url = str(app.url_path_for(name, **{k: v for k, v in values.items() if k in path_parameters[name]}))
        data = await payload() if callable(payload) else payload
        with counted_queries() as statements:
            response = await _ask(client, UNSAFE, url, dict(data))
        if writes := _writes(statements):
            wrong.append(f"{name} {data}: {response.status_code}, wrote {writes}")
        elif response.status_code >= 500:
            wrong.append(f"{name} {data}: answered {response.status_code}")
    # Refused or ignored (the bids page only reads the fields of this seminar's papers), but not written;
    # a POST that ended in a redirect is in the audit log all the same.
    changed = [change for change in _changes(before, await _database_state()) if not change.startswith("audit_entry ")]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
    assert not changed, "\n".join(changed)


# The matrix's payloads, made from B's objects (B's topic in a paper, B's room in a session, B's topics in a profile).
FOREIGN_PAYLOADS = {
    # B's review sheet (and yes to replacing) of the reviewer both seminars share, sent to A: refused whole.
    "reviewer": ("reviews:offline", "reviews:offline_replace"),
    "organizer": ("agenda:session_add", "reviews:reviewer", "reviews:offline_for", "reviews:offline_replace_for"),
    "city_a": ("submissions:new",),
}


@pytest.mark.parametrize("role", ASKERS)
async def test_a_token_of_this_seminar_reads_nothing_of_another(
    role: str, client: Client, app: Starlette, two_seminars: tuple[World, SimpleNamespace]  # noqa: F811
) -> None:
    """Every API route under B's address, with the token A's person made for A (they hold the same roles
    in B): 404, as if B did not exist, and the list of seminars names A only."""
    routes, path_parameters = served_routes(app)
    world, b = two_seminars
    api = [name for name, method in routes if method == "GET" and name.startswith("api:") and "slug" in path_parameters[name]]
    assert len(api) >= 8
    wrong = []
    for name in api:
        values = {**b.params, "slug": OTHER_SLUG}
        url = str(app.url_path_for(name, **{k: v for k, v in values.items() if k in path_parameters[name]}))
        assert url.startswith(API_PREFIX)
        response = await _ask(client, "GET", url, {}, world.tokens[role])
        if response.status_code != 404 or response.json()["error"] != "not_found":
            wrong.append(f"{name} {url}: {response.status_code}")
    listed = await _ask(client, "GET", str(app.url_path_for("api:seminars")), {}, world.tokens[role])
    assert not wrong, "\n".join(wrong)
    assert [seminar["slug"] for seminar in listed.json()["items"]] == [SLUG]
