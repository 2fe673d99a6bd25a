"""What should be true of the simulated seminar, as plain data: the model the simulation checks the app against.

No ORM and no HTTP here. Each `may_…` answers whether the README's rules let an action succeed now;
the runner then asks the app, and compares what the app stored with what the model expects.
`fingerprint()` is the abstract state, hashed to count the distinct states a run visits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SUBMITTED, DRAFT, WITHDRAWN = "submitted", "draft", "withdrawn"
OUTCOMES = ("keynote", "discussion", "proceedings", "decline")
AGENDA_OUTCOMES = ("keynote", "discussion")  # what the agenda draft places
BOOK_OUTCOMES = ("keynote", "discussion", "proceedings")  # what the book prints, in this order per topic
AWARDS = ("", "first", "second", "third", "excellence")


@dataclass
class PaperModel:
    number: int
    id: int
    city: str  # the city's key, e.g. "c1"
    topic: int  # the topic's position
    title: str
    author: str  # the one author's name: secret from reviewers (blind review) and from other cities
    phone: str  # the author's phone: for the city and the organizers only
    email: str
    status: str = DRAFT
    manuscripts: int = 0
    dirty: bool = True  # changed since it was last submitted (a new paper was never submitted)
    finals: dict[int, str] = field(default_factory=dict)  # version sent as final (定稿) → pending/accepted/returned/superseded
    reviewed: int | None = None  # the version current when the paper was decided: the book's until a final is accepted

    def book_version(self) -> int | None:
        """The version the book prints: the newest accepted final version, else the reviewed one, else the newest
        ordinary upload."""
        accepted = [v for v, status in self.finals.items() if status == "accepted"]
        ordinary = [v for v in range(1, self.manuscripts + 1) if v not in self.finals]
        if accepted:
            return max(accepted)
        if self.reviewed in ordinary:
            return self.reviewed
        return max(ordinary, default=None)


@dataclass
class DecisionModel:
    outcome: str
    award: str
    mailed: tuple[str, str] | None = None  # (outcome, award) as last mailed to the city


@dataclass
class AssignmentModel:
    active: bool = True  # False once declined or ended by a conflict
    review: str = ""  # "", "draft" or "submitted"
    note: str = ""  # the review's confidential note, for the organizers alone


@dataclass
class Model:
    quota: int
    cities: dict[str, str]  # key → city name
    reviewer_cities: dict[str, str]  # reviewer key → the city key their unit belongs to (conflict by unit)
    topics: int  # positions 1 … topics
    reviewers: tuple[str, ...]  # reviewer keys
    reviews_per_paper: int
    seminar_open: bool = True
    extended: set[str] = field(default_factory=set)
    papers: dict[int, PaperModel] = field(default_factory=dict)
    decisions: dict[int, DecisionModel] = field(default_factory=dict)
    assignments: dict[tuple[int, str], AssignmentModel] = field(default_factory=dict)
    declared: set[tuple[int, str]] = field(default_factory=set)  # conflicts reviewers declared, in force
    max_load: dict[str, int] = field(default_factory=dict)  # a reviewer's own maximum, if set
    min_load: dict[str, int] = field(default_factory=dict)  # … and own minimum
    seminar_min: int = 0  # the seminar's bounds for every reviewer without their own
    seminar_max: int | None = None
    draft_papers: frozenset[int] = frozenset()  # paper numbers the agenda draft holds
    published_papers: frozenset[int] | None = None  # … and the latest published version
    left_out: set[int] = field(default_factory=set)  # decided papers the organizer leaves out of the agenda on purpose
    books_published: int = 0
    registration_approval: bool = False  # whether organizers approve each registration
    registrations: dict[str, str] = field(default_factory=dict)  # guest key → pending/approved/rejected

    def is_attendee(self, guest: str) -> bool:
        return self.registrations.get(guest) == "approved"

    # --- submissions -------------------------------------------------------------------

    def is_open(self, city: str) -> bool:
        return self.seminar_open or city in self.extended

    def submitted_of(self, city: str) -> int:
        return sum(1 for p in self.papers.values() if p.city == city and p.status == SUBMITTED)

    def may_change(self, number: int) -> bool:
        """Edit details or withdraw: while open and undecided."""
        return self.is_open(self.papers[number].city) and number not in self.decisions

    def may_upload(self, number: int) -> bool:
        """A new manuscript version while open and undecided (after that only a final version, 定稿)."""
        return self.is_open(self.papers[number].city) and number not in self.decisions

    def may_submit(self, number: int) -> bool:
        paper = self.papers[number]
        if not self.is_open(paper.city) or paper.manuscripts == 0:
            return False
        if paper.status == SUBMITTED:
            return paper.dirty
        return self.submitted_of(paper.city) < self.quota

    def may_withdraw(self, number: int) -> bool:
        return self.may_change(number) and self.papers[number].status == SUBMITTED

    # --- reviewing ---------------------------------------------------------------------

    def is_conflicted(self, number: int, reviewer: str) -> bool:
        return (number, reviewer) in self.declared or self.reviewer_cities.get(reviewer) == self.papers[number].city

    def bounds(self, reviewer: str) -> tuple[int, int | None]:
        """(minimum, maximum) papers for the reviewer: their own, else the seminar's; a seminar minimum above the
        reviewer's maximum gives way to it (an own minimum does not: that contradiction is the organizer's to fix)."""
        maximum = self.max_load.get(reviewer, self.seminar_max)
        if reviewer in self.min_load:
            return self.min_load[reviewer], maximum
        return (self.seminar_min if maximum is None else min(self.seminar_min, maximum)), maximum

    def load(self, reviewer: str) -> int:
        """Papers the reviewer has to review: a withdrawn paper's assignment stays, but counts in no load."""
        return sum(1 for (n, r), a in self.assignments.items()
                   if r == reviewer and a.active and self.papers[n].status == SUBMITTED)

    def may_assign(self, number: int, reviewer: str, force: bool) -> bool:
        existing = self.assignments.get((number, reviewer))
        if self.papers[number].status != SUBMITTED or self.is_conflicted(number, reviewer):
            return False
        if existing is not None and existing.active:
            return False
        bound = self.bounds(reviewer)[1]
        return force or bound is None or self.load(reviewer) < bound

    def may_review(self, number: int, reviewer: str) -> bool:
        """Whether the paper is in the reviewer's queue at all (else its pages are a 404)."""
        found = self.assignments.get((number, reviewer))
        return found is not None and found.active and not self.is_conflicted(number, reviewer)

    def may_write(self, number: int, reviewer: str) -> bool:
        """Whether the score form takes the reviewer's posts: a withdrawn paper's stays listed, read-only."""
        return self.may_review(number, reviewer) and self.papers[number].status == SUBMITTED

    def under_blind_review(self, number: int) -> bool:
        """A reviewer asked (and not declined) has not submitted: the authors stay hidden from reviewers."""
        return any(n == number and a.active and a.review != SUBMITTED for (n, _r), a in self.assignments.items())

    def queue(self, reviewer: str) -> set[int]:
        """The papers on the reviewer's "my reviews" page."""
        return {n for (n, r) in self.assignments if r == reviewer and self.may_review(n, r)}

    def visible_for_bids(self, reviewer: str) -> set[int]:
        return {
            n for n, p in self.papers.items()
            if p.status == SUBMITTED and (not self.is_conflicted(n, reviewer) or (n, reviewer) in self.declared)
        }

    def completion_exists(self) -> bool:
        """Whether reviewers can be added so that every submitted paper has `reviews_per_paper` of them (or keeps the
        more it has), keeping every assignment made, asking nobody again who declined, no conflict, and every
        reviewer's load within their bounds (the maximum never below what they already have): a flow with lower
        bounds, solved by augmenting paths on its standard reduction (the instances are small)."""
        submitted = sorted(n for n, p in self.papers.items() if p.status == SUBMITTED)
        active = {key for key, a in self.assignments.items() if a.active and key[0] in submitted}
        kept_paper = {n: sum(1 for m, _r in active if m == n) for n in submitted}
        kept_reviewer = {r: sum(1 for _n, s in active if s == r) for r in self.reviewers}
        need = {n: max(self.reviews_per_paper, kept_paper[n]) - kept_paper[n] for n in submitted}
        big = sum(need.values()) + 1
        edges: list[tuple[str, str, int, int]] = [("T", "S", 0, big)]  # (from, to, lower, upper)
        for n in submitted:
            edges.append(("S", f"p{n}", need[n], need[n]))
            edges += [(f"p{n}", f"r{r}", 0, 1) for r in self.reviewers
                      if (n, r) not in self.assignments and not self.is_conflicted(n, r)]
        for r in self.reviewers:
            low, high = self.bounds(r)
            if high is not None and low > high:
                return False  # a contradiction in the settings
            room = big if high is None else max(high, kept_reviewer[r]) - kept_reviewer[r]
            edges.append((f"r{r}", "T", max(0, low - kept_reviewer[r]), room))
        return feasible_circulation(edges)

    # --- final versions (定稿) ------------------------------------------------------------

    def may_send_final(self, number: int) -> bool:
        """Once the city was mailed a positive decision (no deadline for final versions is set here)."""
        decision = self.decisions.get(number)
        return (self.papers[number].status == SUBMITTED and decision is not None and decision.mailed is not None
                and decision.mailed[0] in BOOK_OUTCOMES)

    def pending_finals(self) -> list[tuple[int, int]]:
        return sorted((n, v) for n, p in self.papers.items() for v, status in p.finals.items() if status == "pending")

    # --- decisions and the book ---------------------------------------------------------

    def may_decide(self, numbers: list[int], outcome: str) -> bool:
        if not numbers:
            return False
        if outcome == "undecided":
            return not any(self.decisions[n].mailed for n in numbers if n in self.decisions)
        return all(self.papers[n].status == SUBMITTED for n in numbers)

    def unmailed(self) -> list[int]:
        return sorted(n for n, d in self.decisions.items() if d.mailed != (d.outcome, d.award))

    def book_papers(self) -> list[tuple[int, list[tuple[str, list[int]]]]]:
        """The book's papers: per topic, keynotes, discussion and proceedings-only papers, each by number.
        Before any decision, every submitted paper (a preview), as discussion papers."""
        submitted = {n: p for n, p in self.papers.items() if p.status == SUBMITTED}
        if not self.decisions:
            placed = {n: "discussion" for n in submitted}
        else:
            placed = {n: d.outcome for n, d in self.decisions.items() if n in submitted and d.outcome in BOOK_OUTCOMES}
        topics = range(1, self.topics + 1)
        return [
            (topic, [(outcome, sorted(n for n, o in placed.items() if o == outcome and submitted[n].topic == topic))
                     for outcome in BOOK_OUTCOMES])
            for topic in topics
        ]

    def agenda_papers(self) -> frozenset[int]:
        """What a fresh draft holds: the submitted papers decided as keynote or discussion."""
        return frozenset(
            n for n, d in self.decisions.items() if d.outcome in AGENDA_OUTCOMES and self.papers[n].status == SUBMITTED
        )

    def may_leave_out(self, number: int) -> bool:
        """Leaving a paper out of the agenda (with a reason) is for a submitted paper decided for the agenda."""
        return number in self.agenda_papers()

    def unplaced(self) -> set[int]:
        """Papers decided for the agenda that the draft lacks and the organizer has not left out: each must be
        among the agenda checks' findings, whether or not a draft exists yet."""
        return set(self.agenda_papers() - self.draft_papers) - self.left_out

    # --- counting states ------------------------------------------------------------------

    def fingerprint(self) -> str:
        """The abstract state (what the invariants depend on), hashed: two runs in the same state share it."""
        state = (
            self.seminar_open,
            tuple(sorted(self.extended)),
            tuple((n, p.status, p.manuscripts > 0, p.dirty, tuple(sorted(p.finals.values()))) for n, p in sorted(self.papers.items())),
            tuple((n, d.outcome, d.award, d.mailed) for n, d in sorted(self.decisions.items())),
            tuple((k, a.active, a.review) for k, a in sorted(self.assignments.items())),
            tuple(sorted(self.declared)),
            tuple(sorted(self.max_load.items())),
            tuple(sorted(self.min_load.items())),
            (self.seminar_min, self.seminar_max),
            tuple(sorted(self.draft_papers)),
            tuple(sorted(self.published_papers)) if self.published_papers is not None else None,
            self.books_published > 0,
            tuple(sorted(self.left_out)),
            self.registration_approval,
            tuple(sorted(self.registrations.items())),
        )
        return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def feasible_circulation(edges: list[tuple[str, str, int, int]]) -> bool:
    """Whether flows between the lower and upper bound of every edge (from, to, lower, upper) can balance at every
    node: a maximum flow from a new source to a new sink must carry every lower bound (Edmonds–Karp)."""
    capacity: dict[str, dict[str, int]] = {}
    excess: dict[str, int] = {}

    def add(u: str, v: str, amount: int) -> None:
        capacity.setdefault(u, {})[v] = capacity.setdefault(u, {}).get(v, 0) + amount
        capacity.setdefault(v, {}).setdefault(u, 0)

    for u, v, low, high in edges:
        if low > high:
            return False
        add(u, v, high - low)
        excess[v] = excess.get(v, 0) + low
        excess[u] = excess.get(u, 0) - low
    wanted = 0
    for node, amount in excess.items():
        if amount > 0:
            add("source", node, amount)
            wanted += amount
        elif amount < 0:
            add(node, "sink", -amount)
    flow = 0
    while True:
        parent: dict[str, str] = {"source": "source"}
        frontier = ["source"]
        while frontier and "sink" not in parent:
            following = []
            for u in frontier:
                for v, room in capacity.get(u, {}).items():
                    if room > 0 and v not in parent:
                        parent[v] = u
                        following.append(v)
            frontier = following
        if "sink" not in parent:
            return flow == wanted
        path, node = [], "sink"
        while node != "source":
            path.append((parent[node], node))
            node = parent[node]
        pushed = min(capacity[u][v] for u, v in path)
        for u, v in path:
            capacity[u][v] -= pushed
            capacity[v][u] += pushed
        flow += pushed
