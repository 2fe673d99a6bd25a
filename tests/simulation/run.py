"""The simulation: several people use one seminar over HTTP at once, and after every step the app
is checked against the model (`model.py`) and against invariants that must hold whatever happened.

A seeded random walk: each step picks a person and something that person can do (a city creating,
uploading, submitting, withdrawing, sending a final version; the organizer closing and reopening
submissions, extending a city's deadline, setting load bounds, assigning by hand and automatically,
deciding and undeciding, mailing decisions, accepting or returning final versions, drafting, editing
and publishing the agenda, leaving papers out of it, building and publishing the book, approving
registrations; a reviewer bidding, declaring and lifting conflicts, drafting, autosaving, submitting,
declining; a guest registering), does it through the real forms with a CSRF token, and then checks. A failure names the seed and the steps so far; the same seed replays them.

Invariants that fail on main only because a feature is still on its branch are in PENDING, by name
with the branch; `Simulation(pending=…)` leaves them unchecked.
"""

from __future__ import annotations

import contextlib
import os
import datetime as dt
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import lxml.html
from starlette.applications import Starlette

from seminar.accounts.models import Role, RoleName, Unit, UnitKind, User
from seminar.agenda.model import Agenda
from seminar.agenda import published
from seminar.agenda.queries import editor_view, load_draft
from seminar.agenda.snapshot import agenda_from_data
from seminar.mail.models import OutboxMail
from seminar.registration.models import Registration
from seminar.proceedings import actions as proceedings_actions
from seminar.proceedings.book import BookSpec
from seminar.proceedings.models import BuildStatus, ProceedingsBuild
from seminar.proceedings.queries import book_spec
from seminar.proceedings.typeset import BuildReport, TypesetResult
from seminar.agenda.models import AgendaRelease
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import Assignment, Conflict, ConflictSource, Criterion, Decision, Review
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, FinalVersion, Manuscript, Paper
from tests.conftest import Client, flashes
from tests.factories import make_attendee, make_organizer, make_pdf, make_user, make_reviewer, make_seminar, make_submitter, make_unit
from tests.simulation.model import (
    AWARDS,
    BOOK_OUTCOMES,
    DRAFT,
    OUTCOMES,
    SUBMITTED,
    WITHDRAWN,
    AssignmentModel,
    DecisionModel,
    Model,
    PaperModel,
)
from tests.submissions.documents import make_docx

SLUG = "gd-sim"
CITIES = {"c1": "广州市", "c2": "深圳市", "c3": "珠海市", "c4": "汕头市"}
REVIEWERS = {  # key → (name, unit, unit kind, the city that unit belongs to)
    "r1": ("王芳", "省委组织部", UnitKind.DEPARTMENT, None),
    "r2": ("刘洋", "省委宣传部", UnitKind.DEPARTMENT, None),
    "r3": ("钱教授", "中山大学", UnitKind.INSTITUTION, None),
    "r4": ("赵磊", "广州市委政法委", UnitKind.INSTITUTION, "c1"),  # conflicted with 广州's papers by unit
}
GUESTS = {"g1": "周敏", "g2": "孙丽"}  # accounts with no role in the seminar, who register to attend
TOPICS = 3
PAPERS_PER_CITY = 4
QUOTA = 2
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Invariant name → the branch whose feature it waits for. Checked only once taken out of this list.
PENDING: dict[str, str] = {}


class InvariantFailed(AssertionError):
    pass


@dataclass
class Person:
    key: str
    role: str  # organizer, city, reviewer, attendee
    user: User
    client: Client
    city: str | None = None  # a city's key for submitters


@dataclass
class Coverage:
    steps: int = 0
    states: set[str] = field(default_factory=set)
    actions: dict[str, int] = field(default_factory=dict)  # action → how often it changed something
    tried: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timing: dict[str, float] = field(default_factory=dict)  # seconds spent per action, and looking and checking

    def summary(self) -> str:
        changed = ", ".join(f"{name} {self.actions.get(name, 0)}/{count}" for name, count in sorted(self.tried.items()))
        return (f"{self.steps} steps, {len(self.states)} distinct states in {self.seconds:.0f} s "
                f"({self.seconds / max(self.steps, 1) * 1000:.0f} ms a step); actions that changed something/tried: {changed}")


def form_values(html: str, action: str) -> dict[str, Any]:
    """What a browser sends for the page's form whose action ends with `action` ("": the form posting to the page
    itself): hidden fields, typed values, ticked boxes and chosen options; a name given twice gives a list."""
    page = lxml.html.fromstring(html)
    for candidate in page.forms:
        target = candidate.get("action") or ""
        if (target.endswith(action) if action else not target) and (candidate.get("method") or "").lower() == "post":
            values: dict[str, Any] = {}
            for name, value in candidate.form_values():
                if name in values:
                    values[name] = [*(values[name] if isinstance(values[name], list) else [values[name]]), value]
                else:
                    values[name] = value
            return values
    raise InvariantFailed(f"no form with action {action!r} on the page")


def confirmation(html: str, path: str) -> dict[str, Any] | None:
    """The form a page shows to confirm a change before it is made (one posting to `path`, or to the page itself,
    with fields named confirm…, also those outside it naming it by `form=`), filled in as a person confirming
    sends it (every confirm… box ticked); None when the page asks nothing."""
    page = lxml.html.fromstring(html)
    for candidate in page.forms:
        if (candidate.get("method") or "").lower() != "post" or not (candidate.get("action") or path).endswith(path):
            continue
        outside = [e for e in page.iter("input") if candidate.get("id") and e.get("form") == candidate.get("id")]
        asked = [e for e in [*candidate.iter("input", "button"), *outside] if (e.get("name") or "").startswith("confirm")]
        if asked:
            values: dict[str, Any] = {}
            pairs = [*candidate.form_values(), *((e.get("name"), e.get("value") or "yes") for e in asked if e.get("type") == "checkbox")]
            for name, value in pairs:
                values[name] = [*values[name], value] if isinstance(values.get(name), list) else (
                    [values[name], value] if name in values else value)
            return values
    return None


def queue_rows(html: str) -> dict[int, str]:
    """A reviewer's queue as paper number → the markup of its row."""
    rows = {}
    for row in lxml.html.fromstring(html).iter("tr"):
        markup = lxml.html.tostring(row, encoding="unicode")
        if (link := re.search(rf'/{SLUG}/reviews/(\d+)"', markup)) is not None:
            rows[int(link.group(1))] = markup
    return rows


def local(moment: dt.datetime) -> str:
    """A moment as a datetime-local field takes it, in the seminar's zone (Asia/Shanghai)."""
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")


def agenda_paper_numbers(agenda: Agenda, numbers_by_id: dict[int, int]) -> frozenset[int]:
    """The numbers of the papers an agenda holds, as keynotes or discussion contributions."""
    found = set()
    for _session, slot in agenda.slots():
        if slot.paper_id is not None:
            found.add(numbers_by_id[slot.paper_id])
        found.update(numbers_by_id[c.paper_id] for c in slot.contributions)
    return frozenset(found)


def agenda_order(agenda: Agenda, numbers_by_id: dict[int, int]) -> list[int]:
    """Paper numbers in the order the agenda presents them (by time, then within a slot)."""
    order: list[int] = []
    for session in sorted(agenda.sessions, key=lambda s: (s.start, s.key)):
        for slot in sorted(session.slots, key=lambda s: s.start):
            for paper_id in ([slot.paper_id] if slot.paper_id is not None else []) + [c.paper_id for c in slot.contributions]:
                if numbers_by_id[paper_id] not in order:
                    order.append(numbers_by_id[paper_id])
    return order


class Simulation:
    """One seminar, its people each with a signed-in client, and the model of what should be true."""

    def __init__(self, app: Starlette, seed: int, pending: dict[str, str] | None = None, typeset: bool = False) -> None:
        self.app = app
        self.seed = seed
        self.random = random.Random(seed)
        self.pending = PENDING if pending is None else pending
        self.typeset = typeset
        self.log: list[str] = []
        self.coverage = Coverage()
        self.people: dict[str, Person] = {}
        self.server_errors: list[str] = []
        self.typeset_specs: list[BookSpec] = []
        self.mail_seen = 0
        self.model = Model(quota=QUOTA, cities=dict(CITIES), topics=TOPICS, reviewers=tuple(REVIEWERS), reviews_per_paper=2,
                           reviewer_cities={key: city for key, (_n, _u, _k, city) in REVIEWERS.items() if city})
        self.created: dict[str, int] = {city: 0 for city in CITIES}
        self._stack = contextlib.AsyncExitStack()

    def checks(self, name: str) -> bool:
        return name not in self.pending

    # ---------- setting up ----------

    async def __aenter__(self) -> Simulation:
        await self._stack.__aenter__()
        today = dt.date.today()
        now = dt.datetime.now(dt.UTC)
        self.seminar = await make_seminar(
            SLUG, topics=TOPICS, starts_on=today + dt.timedelta(days=60), ends_on=today + dt.timedelta(days=61),
            submission_deadline=now + dt.timedelta(days=30), review_deadline=now + dt.timedelta(days=50),
            blind_review=True, city_quota=QUOTA, reviews_per_paper=2,
        )
        self.topics = await Topic.filter(seminar_id=self.seminar.id).order_by("position")
        self.criteria = await ensure_criteria(self.seminar)
        await self._person("organizer", "organizer", await make_organizer(self.seminar))
        for key, city in CITIES.items():
            await self._person(key, "city", await make_submitter(self.seminar, city, f"{key}@example.org"), city=key)
        guangzhou = await make_unit("广州市", UnitKind.CITY)
        for key, (name, unit, kind, home) in REVIEWERS.items():
            if home:
                await make_unit(unit, kind, parent=guangzhou)
            await self._person(key, "reviewer", await make_reviewer(self.seminar, f"{key}@example.org", name, unit, kind))
        await self._person("attendee", "attendee", await make_attendee(self.seminar, "attendee@example.org"))
        for key, name in GUESTS.items():
            await self._person(key, "guest", await make_user(f"{key}@example.org", name, phone="13800138000"))
        self.units = {key: (await Unit.get(name=city)).id for key, city in CITIES.items()}
        self.role_emails = {p.user.email for p in self.people.values()}
        if not self.typeset:  # the book's inputs are what is checked; typesetting them is the slow part
            self._stack.enter_context(self._cheap_typesetter())
        await self._set_up_agenda()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._stack.__aexit__(*exc)

    async def _person(self, key: str, role: str, user: User, city: str | None = None) -> None:
        async def watch(response: httpx.Response) -> None:
            if response.status_code >= 500:
                self.server_errors.append(f"{key}: {response.request.method} {response.request.url.path} → {response.status_code}")

        client = Client(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver",
                        event_hooks={"response": [watch]})
        await self._stack.enter_async_context(client)
        await client.login(user.email)
        self.people[key] = Person(key, role, user, client, city)

    @contextlib.contextmanager
    def _cheap_typesetter(self) -> Iterator[None]:
        """The worker's typesetting step replaced by one that keeps the spec it was given and returns a blank PDF."""
        real = proceedings_actions.typeset_async

        async def record(spec: BookSpec, **_options: Any) -> TypesetResult:
            self.typeset_specs.append(spec)
            return TypesetResult(make_pdf(1), BuildReport(pages=1))

        proceedings_actions.typeset_async = record
        try:
            yield
        finally:
            proceedings_actions.typeset_async = real

    async def _set_up_agenda(self) -> None:
        organizer = self.people["organizer"].client
        days = "\n".join(str(self.seminar.starts_on + dt.timedelta(days=i)) for i in range(2))
        page = await organizer.get(self.url("agenda:settings"))
        values = {**form_values(page.text, "/agenda/settings"), "days": days}
        await self.expect(organizer.post_form(self.url("agenda:settings"), values), 303, "agenda settings")
        for name, capacity in (("第一会议室", "200"), ("第二会议室", "80")):
            await self.expect(organizer.post_form(self.url("agenda:room_add"), {"name": name, "capacity": capacity}),
                              303, "add a room")

    # ---------- helpers ----------

    def url(self, name: str, **params: Any) -> str:
        return str(self.app.url_path_for(name, slug=SLUG, **params))

    async def expect(self, sent: Awaitable[httpx.Response], status: int | tuple[int, ...], what: str) -> httpx.Response:
        response = await sent
        wanted = status if isinstance(status, tuple) else (status,)
        if response.status_code not in wanted:
            said = flashes(response) + re.findall(r'class="(?:error|errors)[^"]*"[^>]*>(.*?)<', response.text, re.S)
            self.fail(f"{what}: expected {wanted}, got {response.status_code}: {said or response.text[:300]}")
        return response

    async def confirmed(self, client: Client, url: str, data: dict[str, Any], status: tuple[int, ...], what: str) -> httpx.Response:
        """Post a form; should the app ask first (a page with confirm… fields posting to the same address), confirm,
        as the organizer would who chose the action: the model's prediction is about the change itself."""
        response = await self.expect(client.post_form(url, data), (*status, 200, 409), what)
        asked = confirmation(response.text, url) if response.status_code != 303 else None
        if asked is not None:
            response = await self.expect(client.post_form(url, asked), status, f"{what}, confirmed")
        elif response.status_code == 200:
            self.fail(f"{what}: answered 200 without asking anything")
        return response

    def fail(self, message: str) -> None:
        steps = "\n".join(f"  {i + 1:5d}. {line}" for i, line in enumerate(self.log[-60:], start=max(len(self.log) - 60, 0)))
        raise InvariantFailed(
            f"{message}\nseed {self.seed}, after step {len(self.log)}; replay with "
            f"`uv run pytest tests/simulation -p no:cacheprovider --simulation-seed {self.seed} "
            f"--simulation-steps {len(self.log)}`\nthe last steps:\n{steps}"
        )

    def pick(self, items: list[Any]) -> Any:
        return items[self.random.randrange(len(items))]

    def paper_of(self, number: int) -> PaperModel:
        return self.model.papers[number]

    def reviewer_id(self, key: str) -> int:
        return self.people[key].user.id

    def reviewer_key(self, user_id: int) -> str:
        return next(p.key for p in self.people.values() if p.user.id == user_id)

    def numbers_by_id(self) -> dict[int, int]:
        return {p.id: n for n, p in self.model.papers.items()}

    # ---------- the walk ----------

    async def run(self, steps: int) -> Coverage:
        started = time.monotonic()
        await self.check_all()
        for _step in range(steps):
            await self.step()
            checking = time.monotonic()
            await self.check_all()
            self.coverage.timing["(checking)"] = self.coverage.timing.get("(checking)", 0.0) + time.monotonic() - checking
            self.coverage.steps += 1
            self.coverage.states.add(self.model.fingerprint())
        self.coverage.seconds = time.monotonic() - started
        if os.environ.get("SIMULATION_LOG"):
            with open(os.environ["SIMULATION_LOG"], "a") as log:
                log.write("\n".join(self.log) + "\n")
        return self.coverage

    def actions(self) -> list[tuple[int, str, Callable[[], Awaitable[bool]]]]:
        """(weight, name, action) of everything someone could try now; an action returns whether it changed something."""
        m, r = self.model, self.random
        city = r.choice(sorted(CITIES))
        reviewer = r.choice(sorted(REVIEWERS))
        own = sorted(n for n, p in m.papers.items() if p.city == city)
        submitted = sorted(n for n, p in m.papers.items() if p.status == SUBMITTED)
        papers = sorted(m.papers)
        found: list[tuple[int, str, Callable[[], Awaitable[bool]]]] = []
        if self.created[city] < PAPERS_PER_CITY:
            found.append((6, "create paper", lambda: self.create_paper(city)))
        if own:
            first = [n for n in own if m.papers[n].manuscripts == 0]
            second = [n for n in own if m.papers[n].manuscripts == 1]
            ready = [n for n in own if m.papers[n].manuscripts and (m.papers[n].status != SUBMITTED or m.papers[n].dirty)]
            sent = [n for n in own if m.papers[n].status == SUBMITTED]
            found.append((2, "edit paper", lambda: self.edit_paper(r.choice(own))))
            # Each upload converts the file in a child process, the slowest step there is: a second version at most.
            if first:
                found.append((5, "upload manuscript", lambda: self.upload(r.choice(first))))
            if second:
                found.append((1, "upload manuscript", lambda: self.upload(r.choice(second))))
            found.append((6, "submit paper", lambda: self.submit(r.choice(ready or own))))
            if sent:
                found.append((3, "withdraw paper", lambda: self.withdraw(r.choice(sent))))
            accepted = [n for n in own if m.may_send_final(n)]
            if accepted:
                found.append((2, "send a final version", lambda: self.send_final(r.choice(accepted))))
        found += [
            (1 if m.seminar_open else 4, "close or reopen submissions", self.toggle_deadline),
            (1, "extend a city's deadline", lambda: self.extend(city)),
            (1, "set a reviewer's bounds", lambda: self.set_reviewer_bounds(reviewer)),
            (1, "set the seminar's bounds", self.set_seminar_bounds),
            (2, "bid", lambda: self.bid(reviewer)),
            (2, "assign automatically", self.auto_assign),
            (1, "send decision mails", self.send_decisions),
            (2, "draft the agenda", self.draft_agenda),
            (2, "edit the agenda", self.edit_agenda),
            (2, "publish the agenda", self.publish_agenda),
            (1, "build the book", self.build_book),
            (1, "publish the book", self.publish_book),
        ]
        if papers:
            number = r.choice(submitted if submitted and r.random() < 0.8 else papers)
            found += [
                (3, "assign by hand", lambda: self.assign(number, reviewer, force=r.random() < 0.3)),
                (1, "unassign", lambda: self.unassign(number, reviewer)),
            ]
        if submitted:
            chosen = sorted(r.sample(submitted, min(len(submitted), r.choice((1, 1, 1, 2, 3)))))
            outcome = r.choice((*OUTCOMES, "undecided"))
            award = r.choice(AWARDS) if outcome not in ("decline", "undecided") and r.random() < 0.3 else ""
            found.append((5, "decide", lambda: self.decide(chosen, outcome, award)))
        if waiting := m.pending_finals():
            final, version = r.choice(waiting)
            found.append((3, "accept or return a final version", lambda: self.review_final(final, version, r.random() < 0.7)))
        guest = r.choice(sorted(GUESTS))
        found += [(2 if guest not in m.registrations else 1, "register to attend", lambda: self.register(guest)),
                  (1, "turn approving registrations on or off", self.set_registration)]
        if guest in m.registrations:
            found.append((2, "approve or reject a registration",
                          lambda: self.decide_registration(guest, r.random() < 0.7)))
        decided = sorted(m.decisions)
        if decided:
            found.append((1, "leave a paper out of the agenda", lambda: self.leave_out(r.choice(decided))))
        queue = sorted(m.queue(reviewer))
        if queue:  # (a name of its own: the lambdas above read `number` when called)
            queued = r.choice(queue)
            found += [
                (4, "save a review", lambda: self.review(queued, reviewer, r.choice(("save", "submit", "submit")))),
                (2, "autosave a review", lambda: self.autosave(queued, reviewer)),
                (1, "decline a review", lambda: self.decline(queued, reviewer)),
            ]
        return found

    async def step(self) -> None:
        found = self.actions()
        weight, name, action = self.random.choices(found, weights=[w for w, _n, _a in found])[0]
        self.coverage.tried[name] = self.coverage.tried.get(name, 0) + 1
        started = time.monotonic()
        if await action():
            self.coverage.actions[name] = self.coverage.actions.get(name, 0) + 1
        self.coverage.timing[name] = self.coverage.timing.get(name, 0.0) + time.monotonic() - started
        started = time.monotonic()
        await self.look(self.pick(sorted(self.people)))
        self.coverage.timing["(looking)"] = self.coverage.timing.get("(looking)", 0.0) + time.monotonic() - started

    # ---------- cities ----------

    async def create_paper(self, city: str) -> bool:
        client, name = self.people[city].client, CITIES[city]
        self.created[city] += 1
        k, index = self.created[city], sorted(CITIES).index(city) + 1
        title, author, phone = f"课题{index}{k:02d}：市域社会治理的实践", f"陈{name}{k:02d}", f"139{index:02d}{k:06d}"
        topic = self.random.choice(self.topics)
        self.log.append(f"{city} creates a paper “{title}” in topic {topic.position}")
        page = await client.get(self.url("submissions:new"))
        values = {
            **(form_values(page.text, "") if page.status_code == 200 else {}),
            "title": title, "topic": str(topic.id), "abstract": "本文总结基层治理的做法与经验。",
            "keywords": "党建引领、市域社会治理、枫桥经验", "originality": "y",
            "authors-0-name": author, "authors-0-unit": f"{name}委政法委", "authors-0-phone": phone,
            "authors-0-email": f"author-{city}-{k}@example.org", "contact": "0", "presenter": "0",
        }
        response = await self.expect(client.post_form(self.url("submissions:new"), values), 303, "create a paper")
        created = re.search(r"/papers/(\d+)$", response.headers["location"])
        if bool(created) != self.model.is_open(city):
            self.fail(f"{city} {'created' if created else 'could not create'} a paper, the model says {self.model.is_open(city)}")
        if created is None:
            self.created[city] -= 1
            return False
        number = int(created.group(1))
        paper = await Paper.get(seminar_id=self.seminar.id, number=number)
        self.model.papers[number] = PaperModel(number, paper.id, city, topic.position, title, author, phone,
                                               f"author-{city}-{k}@example.org")
        return True

    async def edit_paper(self, number: int) -> bool:
        paper = self.paper_of(number)
        client = self.people[paper.city].client
        self.log.append(f"{paper.city} edits #{number}")
        page = await client.get(self.url("submissions:edit", number=number))
        if page.status_code != 200:  # decided or closed: sent back to the paper
            if self.model.may_change(number):
                self.fail(f"#{number}: the edit page refused ({page.status_code}), the model lets the city edit")
            return False
        values = {**form_values(page.text, ""), "abstract": f"本文总结基层治理的做法与经验（第{self.random.randrange(100)}稿）。"}
        response = await self.expect(client.post_form(self.url("submissions:edit", number=number), values),
                                     (303, 400, 409), "edit a paper")
        changed = response.status_code == 303 and "/edit" not in response.headers["location"]
        if changed != self.model.may_change(number):
            self.fail(f"#{number}: edit {'saved' if changed else 'refused'}, the model says {self.model.may_change(number)}")
        if changed:
            paper.dirty = True
        return changed

    async def upload(self, number: int) -> bool:
        paper = self.paper_of(number)
        client = self.people[paper.city].client
        self.log.append(f"{paper.city} uploads a manuscript for #{number}")
        document = make_docx(f"{paper.title}。坚持和发展新时代“枫桥经验”，推动矛盾纠纷多元化解。", title=paper.title)
        response = await self.expect(
            client.post_form(self.url("submissions:upload", number=number), files={"manuscript": ("论文.docx", document, DOCX)}),
            (303, 400), "upload a manuscript",
        )
        expected = self.model.may_upload(number)
        if (response.status_code == 303) != expected:
            self.fail(f"#{number}: upload answered {response.status_code}, the model says {expected}")
        if expected:
            paper.manuscripts += 1
            paper.dirty = True
        return expected

    async def submit(self, number: int) -> bool:
        paper = self.paper_of(number)
        expected = self.model.may_submit(number)
        self.log.append(f"{paper.city} submits #{number}")
        await self.expect(self.people[paper.city].client.post_form(self.url("submissions:submit", number=number)),
                          303, "submit a paper")
        if expected:
            paper.status, paper.dirty = SUBMITTED, False
        return expected

    async def withdraw(self, number: int) -> bool:
        paper = self.paper_of(number)
        client = self.people[paper.city].client
        expected = self.model.may_withdraw(number)
        self.log.append(f"{paper.city} withdraws #{number}")
        page = await client.get(self.url("submissions:withdraw", number=number))
        if page.status_code != 200:
            if expected:
                self.fail(f"#{number}: the withdrawal page refused ({page.status_code}), the model lets the city withdraw")
            return False
        await self.expect(client.post_form(self.url("submissions:withdraw", number=number), {"confirm": "yes"}),
                          303, "withdraw a paper")
        if expected:  # its assignments stay, read-only, to go on should the city send it in again
            paper.status, paper.dirty = WITHDRAWN, True
        return expected

    async def send_final(self, number: int) -> bool:
        """The city sends a final version (定稿) of its accepted paper; a waiting one it supersedes."""
        paper = self.paper_of(number)
        expected = self.model.may_send_final(number)
        self.log.append(f"{paper.city} sends a final version of #{number}")
        document = make_docx(f"{paper.title}（定稿）。坚持和发展新时代“枫桥经验”。", title=paper.title)
        await self.expect(self.people[paper.city].client.post_form(
            self.url("submissions:upload_final", number=number), files={"manuscript": ("定稿.docx", document, DOCX)}),
            303, "send a final version")
        if expected:
            paper.finals = {v: ("superseded" if status == "pending" else status) for v, status in paper.finals.items()}
            paper.manuscripts += 1
            paper.finals[paper.manuscripts] = "pending"
        return expected

    # ---------- the organizer ----------

    async def review_final(self, number: int, version: int, accept: bool) -> bool:
        """The organizer accepts a waiting final version for the book, or returns it to the city with a reason."""
        self.log.append(f"organizer {'accepts' if accept else 'returns'} version {version} of #{number} as the final version")
        data = {"action": "accept"} if accept else {"action": "return", "reason": "请按评审意见修改摘要。"}
        await self.expect(self.people["organizer"].client.post_form(
            self.url("submissions:review_final", number=number, version=version), data), 303, "review a final version")
        paper = self.paper_of(number)
        if paper.finals.get(version) != "pending":
            return False
        paper.finals[version] = "accepted" if accept else "returned"
        return True

    async def toggle_deadline(self) -> bool:
        client = self.people["organizer"].client
        closing = self.model.seminar_open
        self.log.append("organizer closes submissions" if closing else "organizer reopens submissions")
        page = await client.get(self.url("seminars:settings"))
        now = dt.datetime.now(dt.UTC)
        deadline = now - dt.timedelta(days=1) if closing else now + dt.timedelta(days=30)
        values = {**form_values(page.text, "/manage/settings"), "submission_deadline": local(deadline)}
        await self.expect(client.post_form(self.url("seminars:settings"), values), 303, "change the deadline")
        self.model.seminar_open = not closing
        return True

    async def extend(self, city: str) -> bool:
        self.log.append(f"organizer extends {city}'s deadline")
        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
        await self.expect(self.people["organizer"].client.post_form(
            self.url("submissions:extensions"), {"city": str(self.units[city]), "until": local(until)}), 303, "extend")
        self.model.extended.add(city)
        return True

    async def set_reviewer_bounds(self, reviewer: str) -> bool:
        """The organizer sets a reviewer's own minimum and maximum papers (empty: the seminar's)."""
        maximum = self.random.choice((None, None, 1, 2, 3, 4))
        minimum = self.random.choice((None, None, None, 0, 1, 2))
        self.log.append(f"organizer sets {reviewer}'s papers to between {minimum} and {maximum}")
        url = self.url("reviews:reviewer", user_id=self.reviewer_id(reviewer))
        page = await self.people["organizer"].client.get(url)
        values = {**form_values(page.text, f"/reviewers/{self.reviewer_id(reviewer)}"),
                  "max_load": "" if maximum is None else str(maximum), "min_load": "" if minimum is None else str(minimum)}
        response = await self.expect(self.people["organizer"].client.post_form(url, values), (303, 400), "save a profile")
        expected = minimum is None or maximum is None or minimum <= maximum
        if (response.status_code == 303) != expected:
            self.fail(f"{reviewer}'s bounds {minimum}–{maximum}: answered {response.status_code}, the model says {expected}")
        if not expected:
            return False
        for bounds, value in ((self.model.max_load, maximum), (self.model.min_load, minimum)):
            if value is None:
                bounds.pop(reviewer, None)
            else:
                bounds[reviewer] = value
        return True

    async def set_seminar_bounds(self) -> bool:
        """The organizer sets the seminar's minimum and maximum papers per reviewer (on the automatic assignment page)."""
        minimum = self.random.choice((0, 0, 0, 1, 2))
        maximum = self.random.choice((None, None, 2, 3, 5))
        self.log.append(f"organizer sets every reviewer's papers to between {minimum} and {maximum}")
        data = {"min_load": str(minimum), "max_load": "" if maximum is None else str(maximum)}
        response = await self.expect(self.people["organizer"].client.post_form(self.url("reviews:loads"), data),
                                     (303, 200, 400), "save the papers per reviewer")
        expected = maximum is None or minimum <= maximum
        if (response.status_code == 303) != expected:
            self.fail(f"the seminar's bounds {minimum}–{maximum}: answered {response.status_code}, the model says {expected}")
        if expected:
            self.model.seminar_min, self.model.seminar_max = minimum, maximum
        return expected

    async def assign(self, number: int, reviewer: str, force: bool) -> bool:
        expected = self.model.may_assign(number, reviewer, force)
        self.log.append(f"organizer assigns {reviewer} to #{number}{' (beyond the maximum)' if force else ''}")
        data = {"paper": str(self.paper_of(number).id), "reviewer": str(self.reviewer_id(reviewer)), **({"force": "yes"} if force else {})}
        await self.expect(self.people["organizer"].client.post_form(self.url("reviews:assign"), data), 303, "assign")
        if expected:
            found = self.model.assignments.setdefault((number, reviewer), AssignmentModel())
            found.active = True
        return expected

    async def unassign(self, number: int, reviewer: str) -> bool:
        found = self.model.assignments.get((number, reviewer))
        expected = found is not None and found.review != SUBMITTED
        self.log.append(f"organizer removes {reviewer} from #{number}")
        data = {"paper": str(self.paper_of(number).id), "reviewer": str(self.reviewer_id(reviewer))}
        await self.expect(self.people["organizer"].client.post_form(self.url("reviews:unassign"), data),
                          303 if found is not None else 404, "unassign")
        if expected:
            del self.model.assignments[(number, reviewer)]
        return expected

    async def auto_assign(self) -> bool:
        client = self.people["organizer"].client
        self.log.append("organizer assigns automatically")
        page = await client.get(self.url("reviews:auto"))
        match = re.search(r'name="proposal" value="([^"]+)"', page.text)
        refused = "无法完成分配：" in page.text  # the refusal, not a flash left from an earlier step
        if refused:  # no assignment exists: the page names a cause the organizer can act on
            self.coverage.tried["(solver refusals)"] = self.coverage.tried.get("(solver refusals)", 0) + 1
            if self.model.completion_exists():
                said = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', page.text, re.S)
                self.fail(f"the solver refuses although an assignment within every bound exists: {said}")
            names = [name for name, *_rest in REVIEWERS.values()]
            numbers = [f"#{n}" for n, p in self.model.papers.items() if p.status == SUBMITTED]
            section = page.text[page.text.index("无法完成分配："):page.text.index('<h2 id="loads"')]
            if not any(name in section for name in names) and not any(re.search(rf"{n}\b", section) for n in numbers):
                self.fail(f"the solver refuses and names neither a paper nor a reviewer: {section[:400]}")
        if match is None:  # nothing to add, or no assignment exists (the page says why)
            wanted = any(sum(1 for (m, _r), a in self.model.assignments.items() if m == n and a.active) < 2
                         for n, p in self.model.papers.items() if p.status == SUBMITTED)
            if wanted and not refused and self.model.completion_exists():
                self.fail("the solver proposes nothing although every paper can get its reviewers, and says nothing")
            return False
        if not self.model.completion_exists():
            self.fail("the solver proposes an assignment, the model says none keeps every reviewer within their bounds")
        before = {key: a.active for key, a in self.model.assignments.items()}
        loads = {key: sum(1 for (n, r), a in self.model.assignments.items()
                          if r == key and a.active and self.paper_of(n).status == SUBMITTED) for key in REVIEWERS}
        await self.expect(client.post_form(self.url("reviews:auto"), {"proposal": match.group(1)}), 303, "apply a proposal")
        rows = await Assignment.filter(seminar_id=self.seminar.id, declined_at__isnull=True).values_list("paper_id", "reviewer_id")
        numbers = self.numbers_by_id()
        added = {(numbers[p], self.reviewer_key(r)) for p, r in rows} - {key for key, active in before.items() if active}
        for number, reviewer in sorted(added):
            if self.paper_of(number).status != SUBMITTED or self.model.is_conflicted(number, reviewer):
                self.fail(f"the solver assigned {reviewer} to #{number}, which is not submitted or is conflicted")
            self.model.assignments.setdefault((number, reviewer), AssignmentModel()).active = True
        for reviewer in REVIEWERS:
            # Counted as the solver counts them: papers under review (a withdrawn paper's assignment stays, read-only).
            load = self.model.load(reviewer)
            low, high = self.model.bounds(reviewer)
            new = sum(1 for _n, r in added if r == reviewer)
            if new and high is not None and load > high:
                self.fail(f"the solver took {reviewer} from {loads[reviewer]} to {load} papers, over their maximum of {high}")
            if load < low:
                self.fail(f"after automatic assignment {reviewer} has {load} papers, under their minimum of {low}")
        return bool(added)

    async def decide(self, numbers: list[int], outcome: str, award: str) -> bool:
        expected = self.model.may_decide(numbers, outcome)
        self.log.append(f"organizer decides {', '.join(f'#{n}' for n in numbers)}: {outcome} {award}".rstrip())
        data = {"paper": [str(self.paper_of(n).id) for n in numbers], "outcome": outcome, "award": award}
        await self.confirmed(self.people["organizer"].client, self.url("reviews:decide"), data, (303, 400), "decide")
        if not expected:
            return False
        for number in numbers:
            before = self.model.decisions.get(number)
            if before is not None and before.outcome != outcome:  # leaving out was for the old decision
                self.model.left_out.discard(number)
            if outcome == "undecided":
                self.model.decisions.pop(number, None)
            elif number in self.model.decisions:
                self.model.decisions[number].outcome, self.model.decisions[number].award = outcome, award
            else:
                self.model.decisions[number] = DecisionModel(outcome, award)
                self.paper_of(number).reviewed = self.paper_of(number).manuscripts  # the version it was decided in
        return True

    async def send_decisions(self) -> bool:
        expected = self.model.unmailed()
        self.log.append(f"organizer mails the decisions on {', '.join(f'#{n}' for n in expected) or 'nothing'}")
        await self.confirmed(self.people["organizer"].client, self.url("reviews:send_decisions"), {}, (303,), "send decisions")
        for number in expected:
            decision = self.model.decisions[number]
            decision.mailed = (decision.outcome, decision.award)
        return bool(expected)

    async def _draft_version(self) -> int:
        return (await load_draft(self.seminar)).version

    async def draft_agenda(self) -> bool:
        self.log.append("organizer drafts the agenda from the decisions")
        client, version = self.people["organizer"].client, str(await self._draft_version())
        response = await self.expect(client.post_form(self.url("agenda:draft"), {"version": version}), (303, 409),
                                     "draft the agenda")
        mode = "replace"
        if response.status_code == 409 and 'name="mode"' in response.text:  # over a draft: merge or replace, it asks
            mode = self.random.choice(("merge", "replace"))
            self.log[-1] += f" ({mode})"
            response = await self.expect(client.post_form(self.url("agenda:draft"), {"version": version, "mode": mode}),
                                         (303, 409), "draft the agenda")
        draft = await load_draft(self.seminar)
        held = agenda_paper_numbers(draft.agenda, self.numbers_by_id())
        wanted = self.model.agenda_papers() - self.model.left_out  # drafting passes over what is left out on purpose
        if mode == "replace" and response.status_code == 303 and draft.version and held != wanted:
            if not (await self.people["organizer"].client.get(self.url("agenda:editor"))).text.count("flash-error"):
                self.fail(f"the new draft holds papers {sorted(held)}, the decisions (less those left out) say {sorted(wanted)}")
        changed = held != self.model.draft_papers
        self.model.draft_papers = held
        return changed

    async def edit_agenda(self) -> bool:
        draft = await load_draft(self.seminar)
        slots = [slot for _session, slot in draft.agenda.slots() if slot.paper_id is not None or slot.contributions]
        if not slots:
            return False
        slot = self.pick(sorted(slots, key=lambda s: s.key))
        how = self.random.choice(("up", "down", "delete"))
        self.log.append(f"organizer {'deletes' if how == 'delete' else f'moves {how}'} the slot {slot.key}")
        client = self.people["organizer"].client
        if how == "delete":
            sent = client.post_form(self.url("agenda:slot_delete", key=slot.key), {"version": str(draft.version)})
        else:
            sent = client.post_form(self.url("agenda:slot_move", key=slot.key), {"version": str(draft.version), "direction": how})
        await self.expect(sent, (303, 400, 409), "edit the agenda")
        held = agenda_paper_numbers((await load_draft(self.seminar)).agenda, self.numbers_by_id())
        changed = held != self.model.draft_papers or how != "delete"
        self.model.draft_papers = held
        return changed

    async def publish_agenda(self) -> bool:
        draft = await load_draft(self.seminar)
        if not draft.agenda.sessions:
            return False
        notify = self.random.random() < 0.5
        self.log.append(f"organizer publishes the agenda{' and writes to the speakers' if notify else ''}")
        data = {"version": str(draft.version), **({"notify_speakers": "y"} if notify else {})}
        response = await self.expect(self.people["organizer"].client.post_form(self.url("agenda:publish"), data),
                                     (303, 400), "publish the agenda")
        if response.status_code == 400:  # the same as the version published before
            return False
        release = await AgendaRelease.filter(seminar_id=self.seminar.id).order_by("-number").first()
        assert release is not None
        held = agenda_paper_numbers(agenda_from_data(release.data), self.numbers_by_id())
        if held != self.model.draft_papers:
            self.fail(f"the published agenda holds {sorted(held)}, the draft held {sorted(self.model.draft_papers)}")
        self.model.published_papers = held
        return True

    async def build_book(self) -> bool:
        self.log.append("organizer builds the book (and a worker typesets it)")
        await self.expect(self.people["organizer"].client.post_form(self.url("proceedings:build"), {"volume": ""}),
                          303, "build the book")
        built = False
        while (claimed := await proceedings_actions.claim_build("simulation")) is not None:
            done = await proceedings_actions.run_build(claimed)
            if done.status != BuildStatus.DONE:
                self.fail(f"build {done.id} {done.status}: {done.error}")
            built = True
        return built

    async def publish_book(self) -> bool:
        build = await ProceedingsBuild.filter(seminar_id=self.seminar.id, status=BuildStatus.DONE, published=False,
                                              volume__isnull=True).order_by("-id").first()
        if build is None:
            return False
        self.log.append(f"organizer publishes book build {build.id}")
        await self.expect(self.people["organizer"].client.post_form(self.url("proceedings:publish", build_id=build.id)),
                          303, "publish the book")
        self.model.books_published += 1
        return True

    async def leave_out(self, number: int) -> bool:
        """The organizer leaves a paper out of the agenda on purpose (or, if it is left out, takes that back)."""
        client, paper_id = self.people["organizer"].client, self.paper_of(number).id
        if number in self.model.left_out:
            self.log.append(f"organizer puts #{number} back among the papers the agenda should hold")
            await self.expect(client.post_form(self.url("agenda:paper_put_back", paper_id=paper_id)), 303, "put back")
            self.model.left_out.discard(number)
            return True
        expected = self.model.may_leave_out(number)
        self.log.append(f"organizer leaves #{number} out of the agenda")
        response = await self.expect(client.post_form(self.url("agenda:paper_leave_out", paper_id=paper_id),
                                                      {"reason": "作者无法到会"}), (303, 400), "leave a paper out")
        if (response.status_code == 303) != expected:
            self.fail(f"leaving #{number} out of the agenda answered {response.status_code}, the model says {expected}")
        if expected:
            self.model.left_out.add(number)
        return expected

    async def set_registration(self) -> bool:
        """The organizer turns approving each registration on or off (registration stays open)."""
        approval = not self.model.registration_approval
        self.log.append(f"organizer {'approves registrations from now on' if approval else 'lets registrations in at once'}")
        await self.expect(self.people["organizer"].client.post_form(
            self.url("registration:participants"), {"is_open": "y", **({"requires_approval": "y"} if approval else {})}),
            303, "registration settings")
        self.model.registration_approval = approval
        return True

    async def decide_registration(self, guest: str, approve: bool) -> bool:
        """The organizer approves or rejects a guest's registration (a rejected one may be approved later)."""
        registration = await Registration.get(seminar_id=self.seminar.id, user_id=self.people[guest].user.id)
        self.log.append(f"organizer {'approves' if approve else 'rejects'} {guest}'s registration")
        name = "registration:approve" if approve else "registration:reject"
        await self.expect(self.people["organizer"].client.post_form(self.url(name, registration_id=registration.id)),
                          303, "decide a registration")
        after = "approved" if approve else "rejected"
        changed = self.model.registrations[guest] != after
        self.model.registrations[guest] = after
        return changed

    # ---------- guests ----------

    async def register(self, guest: str) -> bool:
        client = self.people[guest].client
        self.log.append(f"{guest} registers to attend")
        page = await self.expect(client.get(self.url("registration:register")), 200, "the registration page")
        if guest in self.model.registrations:
            if 'name="phone"' in page.text:
                self.fail(f"{guest} is offered the registration form again after registering")
            return False
        values = {**form_values(page.text, "/register"), "position": "科员", "phone": "13800138000",
                  "unit_text": "佛山市司法局"}
        await self.expect(client.post_form(self.url("registration:register"), values), 303, "register")
        self.model.registrations[guest] = "pending" if self.model.registration_approval else "approved"
        return True

    # ---------- reviewers ----------

    async def bid(self, reviewer: str) -> bool:
        client = self.people[reviewer].client
        page = await self.expect(client.get(self.url("reviews:bids")), 200, "the bids page")
        shown = {int(n) for n in re.findall(r'name="paper-(\d+)"', page.text)}
        numbers = self.numbers_by_id()
        visible = {numbers[i] for i in shown}
        if visible != self.model.visible_for_bids(reviewer):
            self.fail(f"{reviewer}'s bids page lists {sorted(visible)}, the model says {sorted(self.model.visible_for_bids(reviewer))}")
        if not visible:
            return False
        chosen = sorted(self.random.sample(sorted(visible), min(len(visible), 2)))
        choices = {n: self.random.choice(("want", "willing", "unwilling", "want", "conflict")) for n in chosen}
        self.log.append(f"{reviewer} bids " + ", ".join(f"#{n} {c}" for n, c in choices.items()))
        data = {f"paper-{self.paper_of(n).id}": choice for n, choice in choices.items()}
        await self.expect(client.post_form(self.url("reviews:bids"), data), 303, "bid")
        for number, choice in choices.items():
            if choice == "conflict":
                if (number, reviewer) not in self.model.declared:
                    self.model.declared.add((number, reviewer))
                    if (found := self.model.assignments.get((number, reviewer))) is not None:
                        found.active = False
            else:
                self.model.declared.discard((number, reviewer))
        return True

    def _review_data(self, number: int, reviewer: str, complete: bool) -> dict[str, str]:
        scores = {f"score-{c.id}": str(self.random.randrange(c.max_points + 1)) for c in self.criteria}
        if not complete:
            scores = dict(list(scores.items())[: self.random.randrange(len(scores))])
        return {
            **scores, "comment_to_authors": "选题紧扣专题，经验做法具体。", "confidential_note": f"机密意见{reviewer}{number:03d}",
            "recommendation": self.random.choice(("keynote", "discussion", "proceedings", "decline")) if complete else "",
            "confidence": str(self.random.randrange(1, 4)) if complete else "",
        }

    async def review(self, number: int, reviewer: str, action: str) -> bool:
        client = self.people[reviewer].client
        assignment = self.model.assignments[(number, reviewer)]
        complete = action == "submit" or self.random.random() < 0.5
        self.log.append(f"{reviewer} {'submits' if action == 'submit' else 'saves'} a {'complete' if complete else 'partial'} review of #{number}")
        page = await self.expect(client.get(self.url("reviews:review", number=number)), 200, "the review page")
        data = {**form_values(page.text, f"/reviews/{number}"), **self._review_data(number, reviewer, complete), "action": action}
        data.pop("decline", None)
        response = await self.expect(client.post_form(self.url("reviews:review", number=number), data), (303, 400, 403),
                                     "save a review")
        expected = self.model.may_write(number, reviewer) and (complete or assignment.review != SUBMITTED)
        if (response.status_code == 303) != expected:
            self.fail(f"{reviewer}'s review of #{number}: answered {response.status_code}, the model says {expected}")
        if expected:
            assignment.review = SUBMITTED if action == "submit" or assignment.review == SUBMITTED else DRAFT
            assignment.note = data["confidential_note"]
        return expected

    async def autosave(self, number: int, reviewer: str) -> bool:
        client = self.people[reviewer].client
        assignment = self.model.assignments[(number, reviewer)]
        self.log.append(f"{reviewer}'s review of #{number} autosaves")
        page = await self.expect(client.get(self.url("reviews:review", number=number)), 200, "the review page")
        data = {**form_values(page.text, f"/reviews/{number}"), **self._review_data(number, reviewer, False)}
        response = await self.expect(client.post(self.url("reviews:autosave", number=number), data=data,
                                                 headers={"X-CSRF-Token": await client.csrf()}), (200, 400, 403), "autosave")
        expected = self.model.may_write(number, reviewer) and assignment.review != SUBMITTED
        if (response.status_code == 200) != expected:
            self.fail(f"{reviewer}'s autosave of #{number}: answered {response.status_code}, the model says {expected}")
        if expected:
            assignment.review, assignment.note = DRAFT, data["confidential_note"]
        return expected

    async def decline(self, number: int, reviewer: str) -> bool:
        assignment = self.model.assignments[(number, reviewer)]
        self.log.append(f"{reviewer} declines #{number}")
        response = await self.expect(self.people[reviewer].client.post_form(
            self.url("reviews:decline", number=number), {"reason": "与作者系同事"}), (303, 400), "decline")
        expected = assignment.review != SUBMITTED
        if (response.status_code == 303) != expected:
            self.fail(f"{reviewer} declining #{number}: answered {response.status_code}, the model says {expected}")
        if expected:
            assignment.active = False
        return expected

    # ---------- looking at pages ----------

    def _secrets_for(self, person: Person) -> dict[str, str]:
        """What this person must not read on their own pages: text → what it is."""
        m = self.model
        found: dict[str, str] = {}
        for number, paper in m.papers.items():
            if person.role == "city" and paper.city != person.city:
                found |= {paper.title: f"the title of #{number} of another city", paper.author: f"an author of #{number}",
                          paper.phone: f"the phone of #{number}'s author"}
            if person.role == "reviewer":
                found |= {paper.author: f"an author of #{number} (blind review)", paper.phone: f"the phone of #{number}'s author"}
            if person.role in ("attendee", "guest"):
                found[paper.phone] = f"the phone of #{number}'s author"
        for (number, reviewer), assignment in m.assignments.items():
            if assignment.note and person.role != "organizer" and person.key != reviewer:
                found[assignment.note] = f"{reviewer}'s confidential note on #{number}"
        if person.role == "reviewer":
            own_city = m.reviewer_cities.get(person.key)
            found |= {name: f"the city {name} (blind review)" for key, name in CITIES.items() if key != own_city}
        return found

    async def look(self, key: str) -> None:
        """The person opens their own pages; nothing there may be what the policy keeps from them."""
        person, m = self.people[key], self.model
        pages: list[httpx.Response] = []
        if person.role == "city":
            listing = await self.expect(person.client.get(self.url("submissions:mine")), 200, "a city's papers")
            own = [p for p in m.papers.values() if p.city == person.city]
            missing = [p.number for p in own if p.title not in listing.text]
            if missing:
                self.fail(f"{key}'s list of papers lacks {missing}")
            pages.append(listing)
            if own:
                pages.append(await self.expect(person.client.get(self.url("submissions:detail", number=self.pick(own).number)),
                                               200, "a city's paper"))
        elif person.role == "reviewer":
            queue_page = await self.expect(person.client.get(self.url("reviews:mine")), 200, "a reviewer's queue")
            listed = {int(n) for n in re.findall(rf'/{SLUG}/reviews/(\d+)"', queue_page.text)}
            if listed != m.queue(key):
                self.fail(f"{key}'s queue lists {sorted(listed)}, the model says {sorted(m.queue(key))}")
            withdrawn = sorted(n for n in listed if m.papers[n].status == WITHDRAWN)
            # A withdrawn paper stays listed for its draft to be read, marked so: it is no work to do.
            rows = queue_rows(queue_page.text)
            unmarked = [n for n in withdrawn if "badge muted" not in rows.get(n, "")]
            marked = [n for n in sorted(listed) if n not in withdrawn and "badge muted" in rows.get(n, "")]
            if unmarked or marked:
                self.fail(f"{key}'s queue lists the withdrawn papers {unmarked} as work to do, or marks {marked} withdrawn")
            pages.append(queue_page)
            for number in sorted(listed)[:1]:
                pages.append(await self.expect(person.client.get(self.url("reviews:review", number=number)), 200, "a review"))
            if listed:  # the book's page of a paper: its authors only once nobody's blind review of it is open
                number = self.pick(sorted(listed))
                book_page = await self.expect(person.client.get(self.url("proceedings:paper", number=number)),
                                              (200, 404), "a paper's page in the book")
                authors = [p.author for n, p in m.papers.items() if m.under_blind_review(n) and p.author in book_page.text]
                if authors:
                    self.fail(f"{key} reads the book's page of #{number} and finds {authors}, under blind review")
        elif person.role == "attendee":
            pages.append(await self.expect(person.client.get(self.url("registration:me")), 200, "my seminar"))
            pages.append(await self.expect(person.client.get(self.url("agenda:public")), (200, 404), "the agenda"))
            if m.papers:
                number = self.pick(sorted(m.papers))
                decision = m.decisions.get(number)
                readable = bool(m.books_published) and m.papers[number].status == SUBMITTED and (
                    decision is not None and decision.outcome in BOOK_OUTCOMES)
                page = await self.expect(person.client.get(self.url("proceedings:paper", number=number)), (200, 404),
                                         "a paper's page in the book")
                if (page.status_code == 200) != readable:
                    self.fail(f"#{number}'s page in the book answers the attendee {page.status_code}, the model says "
                              f"{'readable' if readable else 'not there'}")
        elif person.role == "guest":  # an attendee once approved, else someone with no role in the seminar
            pages.append(await self.expect(person.client.get(self.url("registration:me")), (200, 403, 404), "my seminar"))
            if m.papers:
                number = self.pick(sorted(m.papers))
                decision = m.decisions.get(number)
                readable = m.is_attendee(key) and bool(m.books_published) and m.papers[number].status == SUBMITTED and (
                    decision is not None and decision.outcome in BOOK_OUTCOMES)
                page = await self.expect(person.client.get(self.url("proceedings:paper", number=number)), (200, 403, 404),
                                         "a paper's page in the book")
                if (page.status_code == 200) != readable:
                    self.fail(f"#{number}'s page in the book answers {key} ({m.registrations.get(key, 'not registered')}) "
                              f"{page.status_code}, the model says {'readable' if readable else 'not there'}")
            book = await self.expect(person.client.get(self.url("proceedings:download")), (200, 403, 404), "the book")
            if book.status_code == 200 and not m.is_attendee(key):
                self.fail(f"{key} ({m.registrations.get(key, 'not registered')}) downloads the book without a role")
        else:
            pages.append(await self.expect(person.client.get(self.url("agenda:editor")), 200, "the agenda editor"))
            pages.append(await self.expect(person.client.get(self.url("reviews:ranking")), 200, "the ranking"))
        secrets = self._secrets_for(person)
        for page in pages:
            leaked = [what for text, what in secrets.items() if text in page.text]
            if leaked:
                self.fail(f"{key} reads {page.request.url.path} and finds {', '.join(sorted(leaked))}")

    # ---------- invariants ----------

    async def check_all(self) -> None:
        if self.server_errors:
            self.fail("server errors: " + "; ".join(self.server_errors))
        await self.check_model_matches_app()
        await self.check_book_inputs()
        await self.check_mail_recipients()
        await self.check_agenda_findings()

    async def check_model_matches_app(self) -> None:
        m = self.model
        numbers = self.numbers_by_id()
        rows = await Paper.filter(seminar_id=self.seminar.id).values_list("number", "status", "version", "submitted_version")
        papers = {int(n): (str(s), str(s) == SUBMITTED and v != sv) for n, s, v, sv in rows}
        want = {n: (p.status, p.status == SUBMITTED and p.dirty) for n, p in m.papers.items()}
        if papers != want:
            self.fail(f"paper statuses (and changed since submitted) {papers}, the model says {want}")
        counts: dict[int, int] = {}
        for paper_id in await Manuscript.filter(paper__seminar_id=self.seminar.id).values_list("paper_id", flat=True):
            counts[numbers[int(paper_id)]] = counts.get(numbers[int(paper_id)], 0) + 1  # type: ignore[call-overload]
        if counts != {n: p.manuscripts for n, p in m.papers.items() if p.manuscripts}:
            self.fail(f"manuscripts per paper {counts}, the model says {({n: p.manuscripts for n, p in m.papers.items()})}")
        decisions = {
            numbers[int(paper_id)]: (str(outcome), str(award or ""), (str(n_outcome), str(n_award or "")) if notified else None)
            for paper_id, outcome, award, notified, n_outcome, n_award in await Decision.filter(seminar_id=self.seminar.id)
            .values_list("paper_id", "outcome", "award", "notified_at", "notified_outcome", "notified_award")
        }
        want_decisions = {n: (d.outcome, d.award, d.mailed) for n, d in m.decisions.items()}
        if decisions != want_decisions:
            self.fail(f"decisions {decisions}, the model says {want_decisions}")
        reviews = {int(a): str(s) for a, s in await Review.filter(assignment__seminar_id=self.seminar.id).values_list("assignment_id", "status")}
        assignments = {
            (numbers[int(p)], self.reviewer_key(int(r))): (declined is None, reviews.get(int(a), ""))
            for a, p, r, declined in await Assignment.filter(seminar_id=self.seminar.id)
            .values_list("id", "paper_id", "reviewer_id", "declined_at")
        }
        want_assignments = {key: (a.active, a.review) for key, a in m.assignments.items()}
        if assignments != want_assignments:
            self.fail(f"assignments {sorted(assignments.items())}, the model says {sorted(want_assignments.items())}")
        finals = {(numbers[int(p)], int(v)): str(status) for p, v, status in await FinalVersion.filter(
            paper__seminar_id=self.seminar.id).values_list("paper_id", "manuscript__version", "status")}
        want_finals = {(n, v): status for n, p in m.papers.items() for v, status in p.finals.items()}
        if finals != want_finals:
            self.fail(f"final versions {sorted(finals.items())}, the model says {sorted(want_finals.items())}")
        registrations = {self.reviewer_key(int(u)): str(status) for u, status in await Registration.filter(
            seminar_id=self.seminar.id, user_id__in=[self.people[g].user.id for g in GUESTS]).values_list("user_id", "status")}
        attending = {self.reviewer_key(int(u)) for u in await Role.filter(
            seminar_id=self.seminar.id, name=RoleName.ATTENDEE, user_id__in=[self.people[g].user.id for g in GUESTS]
        ).values_list("user_id", flat=True)}
        if registrations != m.registrations or attending != {g for g in GUESTS if m.is_attendee(g)}:
            self.fail(f"registrations {registrations} (attendees {sorted(attending)}), the model says {m.registrations}")
        declared = {(numbers[int(p)], self.reviewer_key(int(r))) for p, r in await Conflict.filter(
            seminar_id=self.seminar.id, source=ConflictSource.DECLARED, lifted_at__isnull=True).values_list("paper_id", "reviewer_id")}
        if declared != m.declared:
            self.fail(f"declared conflicts {sorted(declared)}, the model says {sorted(m.declared)}")

    def _spec_papers(self, spec: BookSpec) -> list[tuple[int, list[tuple[str, list[int]]]]]:
        return [
            (topic.position, [(placement, [p.number for p in topic.papers if p.placement.value == placement])
                            for placement in BOOK_OUTCOMES])
            for topic in spec.topics
        ]

    async def check_book_inputs(self) -> None:
        """The book's inputs are exactly the accepted papers, each topic's keynotes, discussion and proceedings-only
        papers in turn (and, once the book follows the agenda, in agenda order)."""
        spec = await book_spec(self.seminar)
        got = self._spec_papers(spec)
        want = self.model.book_papers()
        if [(t, [(o, sorted(ns)) for o, ns in groups]) for t, groups in got] != want:
            self.fail(f"the book's inputs are {got}, the model says {want}")
        # Each paper in the version the book prints: the accepted final version, else the version that was reviewed.
        versions = {p.number: p.manuscript_version for topic in spec.topics for p in topic.papers}
        want_versions = {n: self.paper_of(n).book_version() for n in versions}
        if versions != want_versions:
            self.fail(f"the book's inputs are the versions {versions}, the model says {want_versions}")
        for built in self.typeset_specs:
            if any(p.number not in self.model.papers for topic in built.topics for p in topic.papers):
                self.fail("a build typeset a paper the seminar does not have")
            built_versions = {p.number: p.manuscript_version for topic in built.topics for p in topic.papers}
            if built_versions != want_versions and set(built_versions) == set(want_versions):
                self.fail(f"a build typeset the versions {built_versions}, the model says {want_versions}")
        self.typeset_specs.clear()
        if self.checks("the book prints each topic's papers in agenda order"):
            release = await AgendaRelease.filter(seminar_id=self.seminar.id).order_by("-number").first()
            if release is not None:
                order = agenda_order(agenda_from_data(release.data), self.numbers_by_id())
                for topic, groups in got:
                    for placement, numbers in groups:
                        placed = [n for n in numbers if n in order]
                        if placed != sorted(placed, key=order.index):
                            self.fail(f"topic {topic}'s {placement} papers are printed as {placed}, the agenda has them as "
                                      f"{sorted(placed, key=order.index)}")

    async def check_mail_recipients(self) -> None:
        """Every mail goes to someone with a role in the seminar or an author of one of its papers, and no
        mail to a reviewer names an author or a city (blind review)."""
        mails = await OutboxMail.filter(id__gt=self.mail_seen).order_by("id")
        if not mails:
            return
        self.mail_seen = mails[-1].id
        authors = {p.email for p in self.model.papers.values()}
        reviewers = {self.people[key].user.email for key in REVIEWERS}
        # Who has a role in the seminar now (a guest once approved), and who registered (told of their registration).
        holders = set(await User.filter(roles__seminar_id=self.seminar.id).values_list("email", flat=True))
        registered = set(await Registration.filter(seminar_id=self.seminar.id).values_list("email", flat=True))
        for mail in mails:
            if mail.to_address not in holders | authors | registered:
                self.fail(f"a “{mail.template}” mail went to {mail.to_address}, who has no role in the seminar")
            if mail.to_address in registered - holders - authors and not mail.template.startswith(("registration/", "accounts/")):
                self.fail(f"a “{mail.template}” mail went to {mail.to_address}, whose registration is not approved")
            if mail.to_address in reviewers:
                secrets = [p.author for p in self.model.papers.values()] + list(CITIES.values())
                named = [s for s in secrets if s in mail.body_text or s in mail.subject]
                if named:
                    self.fail(f"a “{mail.template}” mail to reviewer {mail.to_address} names {named}")
            if mail.template.startswith("reviews/") and mail.template != "reviews/decision" and mail.to_address not in reviewers:
                self.fail(f"a “{mail.template}” mail went to {mail.to_address}, who is no reviewer")

    async def check_agenda_findings(self) -> None:
        """A withdrawn paper in the draft or the published agenda, a paper in the draft no longer decided for it,
        and a decided paper missing from the draft are named by the editor's checks."""
        wants_withdrawn = wants_missing = True
        if not (self.model.draft_papers or self.model.published_papers or self.model.unplaced()):
            return
        view = await editor_view(self.seminar)
        draft = view.draft.agenda
        named: set[int] = {p.paper_id for p in view.problems if p.paper_id is not None}
        slot_papers: dict[str, set[int]] = {}
        for _session, slot in draft.slots():
            slot_papers[slot.key] = {slot.paper_id} if slot.paper_id else set()
            slot_papers[slot.key] |= {c.paper_id for c in slot.contributions}
        for problem in view.problems:
            for key in problem.slot_keys:
                named |= slot_papers.get(key, set())
        numbers = self.numbers_by_id()
        named_numbers = {numbers[i] for i in named if i in numbers}
        wanted = self.model.agenda_papers()
        if wants_withdrawn:
            # The published version is checked for withdrawn papers; one whose decision changed since is named
            # while the draft holds it, and after a new draft only the next version publishes the change.
            withdrawn = {n for n in self.model.published_papers or () if self.paper_of(n).status == WITHDRAWN}
            held = set(self.model.draft_papers) | withdrawn
            stale = sorted(n for n in held if n not in wanted and n not in named_numbers)
            if stale:
                self.fail(f"the agenda holds {stale}, withdrawn or no longer decided for it, and the checks say nothing")
        if wants_missing:  # until placed or left out on purpose, with or without a draft
            missing = sorted(n for n in self.model.unplaced() if n not in named_numbers)
            if missing:
                self.fail(f"the decided papers {missing} are not in the agenda draft, and the checks say nothing")
        left_out = {numbers[s.paper_id] for s, _reason in view.left_out if s.paper_id in numbers}
        if left_out != self.model.left_out:
            self.fail(f"the editor lists {sorted(left_out)} as left out of the agenda, the model says {sorted(self.model.left_out)}")


EPISODE_STEPS = 500  # a seminar's life in this many steps; a longer run plays several, each afresh


def episode_seed(seed: int, episode: int) -> int:
    """Episode 0 plays `seed` itself, so a failing episode replays alone with its own seed."""
    return seed + episode * 1_000_003


async def simulate(
    app: Starlette, empty_database: Callable[[], Awaitable[None]], seed: int, steps: int, **options: Any
) -> Coverage:
    """Play `steps` steps in episodes of EPISODE_STEPS, each a new seminar in an emptied database."""
    total = Coverage()
    episode = 0
    while total.steps < steps:
        async with Simulation(app, episode_seed(seed, episode), **options) as running:
            coverage = await running.run(min(EPISODE_STEPS, steps - total.steps))
        await empty_database()
        published.forget_all()  # release ids come back in an emptied database: no cached agenda may outlive it
        total.steps += coverage.steps
        total.seconds += coverage.seconds
        total.states |= coverage.states
        for mine, theirs in ((total.tried, coverage.tried), (total.actions, coverage.actions), (total.timing, coverage.timing)):
            for name, count in theirs.items():
                mine[name] = mine.get(name, 0) + count  # type: ignore[assignment]
        episode += 1
        print(f"episode {episode} (seed {episode_seed(seed, episode - 1)}): {total.steps} steps, "
              f"{len(total.states)} distinct states, {total.seconds:.0f} s", flush=True)
    return total
