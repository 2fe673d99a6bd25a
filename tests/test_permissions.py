"""The policy's answers for the foundation's questions, as a table of actors × predicates."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from seminar import permissions
from seminar.accounts.models import User
from seminar.permissions import Actor


@dataclass
class FakeSeminar:
    id: int


THIS, OTHER = FakeSeminar(1), FakeSeminar(2)


def _actor(roles: dict[int, set[str]] | None = None, admin: bool = False, unit_id: int | None = None) -> Actor:
    user = User(id=7, email="x@example.org", name="x", is_admin=admin)
    return Actor(user=user, roles={k: frozenset(v) for k, v in (roles or {}).items()}, unit_id=unit_id)


ACTORS = {
    "anonymous": permissions.ANONYMOUS,
    "attendee": _actor({1: {"attendee"}}),
    "submitter": _actor({1: {"submitter"}}, unit_id=10),
    "reviewer": _actor({1: {"reviewer"}}),
    "organizer": _actor({1: {"organizer"}}),
    "organizer_elsewhere": _actor({2: {"organizer"}}),
    "admin": _actor(admin=True),
}

EXPECTED = {
    # predicate:               anonymous attendee submitter reviewer organizer organizer_elsewhere admin
    "can_create_seminar":      (False, False, False, False, True, True, True),
    "can_manage_seminar":      (False, False, False, False, True, False, True),
    "can_copy_seminar":        (False, False, False, False, True, False, True),
    "can_export_seminar":      (False, False, False, False, True, False, True),
    "can_import_seminar":      (False, False, False, False, False, False, True),
    "can_manage_people":       (False, False, False, False, True, False, True),
    "can_read_outbox":         (False, False, False, False, True, False, True),
    "can_see_statistics":      (False, False, False, False, True, False, True),
    "can_send_bulk_mail":      (False, False, False, False, True, False, True),
    "can_edit_mail_wording":   (False, False, False, False, True, False, True),
    "can_administer_site":     (False, False, False, False, False, False, True),
    "can_accept_final_versions": (False, False, False, False, True, False, True),
    "can_manage_overlap":      (False, False, False, False, True, False, True),
    "can_manage_certificates": (False, False, False, False, True, False, True),
    "can_print_badges":        (False, False, False, False, True, False, True),
    "can_arrange_seats":       (False, False, False, False, True, False, True),
    "can_review_offline":      (False, False, False, True, False, False, False),
    "can_review_offline_for":  (False, False, False, False, True, False, True),
    "can_make_api_token":      (False, True, True, True, True, False, True),
    "can_make_any_api_token":  (False, True, True, True, True, True, True),
    "can_read_through_api":    (False, True, True, True, True, False, True),
    "can_check_in":            (False, False, False, False, True, False, True),
    "can_follow_checkin":      (False, False, False, False, True, False, True),
    "can_manage_handbook":     (False, False, False, False, True, False, True),
    "can_download_handbook":   (False, True, True, True, True, False, True),
}

# Predicates about the account, not one seminar: asked with the actor alone.
ACCOUNT_WIDE = {"can_create_seminar", "can_import_seminar", "can_administer_site", "can_make_any_api_token"}


def test_staff_check_people_in_of_their_own_seminar_and_see_nothing_else_of_it() -> None:
    staff = _actor({1: {"staff"}})

    assert permissions.can_check_in(staff, THIS)
    assert not permissions.can_check_in(staff, OTHER)
    for predicate in sorted(set(EXPECTED) - {"can_check_in"}):
        function = getattr(permissions, predicate)
        answer = function(staff) if predicate in ACCOUNT_WIDE else function(staff, THIS)
        assert answer is False, predicate


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_policy_matrix(predicate: str, actor_name: str) -> None:
    function = getattr(permissions, predicate)
    expected = EXPECTED[predicate][list(ACTORS).index(actor_name)]

    answer = function(ACTORS[actor_name]) if predicate in ACCOUNT_WIDE else function(ACTORS[actor_name], THIS)

    assert answer is expected


def test_site_mail_outside_any_seminar_is_for_admins_only() -> None:
    assert permissions.can_read_outbox(ACTORS["admin"], None)
    assert not permissions.can_read_outbox(ACTORS["organizer"], None)


def test_submitter_submits_only_for_own_city_in_own_seminar() -> None:
    submitter = ACTORS["submitter"]

    assert submitter.submits_for(1, 10)
    assert not submitter.submits_for(1, 11)
    assert not submitter.submits_for(2, 10)


def test_account_wide_actions_are_for_admins_and_organizers_of_every_seminar_the_person_belongs_to() -> None:
    organizer, admin = ACTORS["organizer"], ACTORS["admin"]
    organizer_of_both = _actor({1: {"organizer"}, 2: {"organizer"}})
    attendee = User(id=8, email="a@example.org", name="a")
    other_admin = User(id=9, email="b@example.org", name="b", is_admin=True)

    assert permissions.can_manage_account(organizer, THIS, attendee, seminars={1})
    # In any role elsewhere (a reviewer or a city's submitter of seminar 2, invited here): not this organizer's to lock out.
    assert not permissions.can_manage_account(organizer, THIS, attendee, seminars={1, 2})
    assert permissions.can_manage_account(organizer_of_both, THIS, attendee, seminars={1, 2})
    assert not permissions.can_manage_account(organizer, THIS, other_admin, seminars={1})
    assert not permissions.can_manage_account(ACTORS["organizer_elsewhere"], THIS, attendee, seminars={1})
    assert not permissions.can_manage_account(ACTORS["reviewer"], THIS, attendee, seminars={1})
    assert permissions.can_manage_account(admin, THIS, other_admin, seminars={1, 2})
    assert permissions.can_deactivate_person(organizer, THIS, attendee, seminars={1})
    assert not permissions.can_deactivate_person(organizer, THIS, attendee, seminars={1, 2})
    assert not permissions.can_deactivate_person(admin, THIS, admin.user, seminars={1})  # never oneself
    assert not permissions.can_reset_two_factor(organizer, THIS, attendee, seminars={1, 2})
    assert permissions.can_reset_two_factor(organizer_of_both, THIS, attendee, seminars={1, 2})


REMOVERS = {"anonymous": False, "attendee": False, "submitter": False, "reviewer": False, "organizer": True,
            "organizer_elsewhere": False, "admin": True}


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_taking_away_the_roles_in_this_seminar_is_for_its_organizers(actor_name: str) -> None:
    """Whatever other seminars the person belongs to: their account and those seminars are untouched."""
    person = User(id=8, email="a@example.org", name="a", is_admin=True)

    assert permissions.can_remove_from_seminar(ACTORS[actor_name], THIS, person) is REMOVERS[actor_name]


def test_nobody_takes_away_their_own_roles() -> None:
    organizer = ACTORS["organizer"]
    assert organizer.user is not None

    assert not permissions.can_remove_from_seminar(organizer, THIS, organizer.user)


@dataclass
class FakePaper:
    id: int
    seminar_id: int


def test_a_reviewer_bids_on_papers_free_of_conflict_and_sees_those_they_declared_to_take_it_back() -> None:
    reviewer = Actor(user=User(id=7, email="r@example.org", name="r"), roles={1: frozenset({"reviewer"})},
                     conflicted_paper_ids=frozenset({21}))
    free, conflicted, elsewhere = FakePaper(20, 1), FakePaper(21, 1), FakePaper(22, 2)

    assert permissions.can_bid_on(reviewer, free, declared_by_self=False)
    assert not permissions.can_bid_on(reviewer, conflicted, declared_by_self=False)  # by unit or by an organizer
    assert permissions.can_bid_on(reviewer, conflicted, declared_by_self=True)
    assert not permissions.can_bid_on(reviewer, elsewhere, declared_by_self=False)
    assert not permissions.can_bid_on(ACTORS["organizer"], free, declared_by_self=False)


@dataclass
class FakeCityPaper:
    seminar_id: int
    city_id: int


# actor → may change (own city's paper undecided, own city's paper decided, another city's paper)
CHANGERS = {
    "anonymous": (False, False, False),
    "attendee": (False, False, False),
    "submitter": (True, False, False),
    "reviewer": (False, False, False),
    "organizer": (False, False, False),  # organizers decide; the city's details stay the city's
    "organizer_elsewhere": (False, False, False),
    "admin": (False, False, False),
}


@pytest.mark.parametrize("actor_name", list(CHANGERS))
def test_a_city_changes_its_paper_only_until_it_is_decided(actor_name: str) -> None:
    own, other = FakeCityPaper(1, 10), FakeCityPaper(1, 11)
    actor = ACTORS[actor_name]

    answers = (
        permissions.can_change_paper(actor, own, decided=False),
        permissions.can_change_paper(actor, own, decided=True),
        permissions.can_change_paper(actor, other, decided=False),
    )

    assert answers == CHANGERS[actor_name]


@dataclass
class FakeReviewedPaper:
    id: int
    seminar_id: int
    status: str


ASSIGNED_REVIEWER = Actor(user=User(id=7, email="r@example.org", name="r"), roles={1: frozenset({"reviewer"})},
                          assigned_paper_ids=frozenset({20, 21, 23}), conflicted_paper_ids=frozenset({23}))


@pytest.mark.parametrize(("actor", "paper", "sees", "writes"), [
    (ASSIGNED_REVIEWER, FakeReviewedPaper(20, 1, "submitted"), True, True),
    # Withdrawn by its city: the page stays, read-only, with the reviewer's draft.
    (ASSIGNED_REVIEWER, FakeReviewedPaper(21, 1, "withdrawn"), True, False),
    (ASSIGNED_REVIEWER, FakeReviewedPaper(22, 1, "submitted"), False, False),  # not assigned
    (ASSIGNED_REVIEWER, FakeReviewedPaper(23, 1, "submitted"), False, False),  # conflicted
    (ACTORS["organizer"], FakeReviewedPaper(20, 1, "submitted"), False, False),
    (ACTORS["submitter"], FakeReviewedPaper(20, 1, "submitted"), False, False),
])
def test_a_review_is_written_by_its_reviewer_while_the_paper_is_submitted(
    actor: Actor, paper: FakeReviewedPaper, sees: bool, writes: bool
) -> None:
    assert permissions.can_review_paper(actor, paper) is sees
    assert permissions.can_write_review(actor, paper) is writes


@dataclass
class FakeCityPaper:
    seminar_id: int
    city_id: int


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_only_the_paper_s_own_city_sends_its_final_version(actor_name: str) -> None:
    own, other_city = FakeCityPaper(1, 10), FakeCityPaper(1, 11)

    sends = permissions.can_send_final_version(ACTORS[actor_name], own)

    assert sends is (actor_name == "submitter")
    assert not permissions.can_send_final_version(ACTORS[actor_name], other_city)


@pytest.mark.parametrize(("actor", "paper_id", "allowed", "reads"), [
    (ASSIGNED_REVIEWER, 20, True, True),
    (ASSIGNED_REVIEWER, 20, False, False),  # the organizers did not let reviewers read reports
    (ASSIGNED_REVIEWER, 22, True, False),  # not assigned
    (ASSIGNED_REVIEWER, 23, True, False),  # conflicted
    (ACTORS["organizer"], 20, False, True),
    (ACTORS["organizer_elsewhere"], 20, True, False),
    (ACTORS["submitter"], 20, True, False),
    (ACTORS["attendee"], 20, True, False),
])
def test_a_papers_overlap_report_is_for_organizers_and_if_allowed_its_reviewers(
    actor: Actor, paper_id: int, allowed: bool, reads: bool
) -> None:
    assert permissions.can_read_overlap_report(actor, FakeReviewedPaper(paper_id, 1, "submitted"), allowed) is reads
@dataclass
class FakeCertificate:
    seminar_id: int
    kind: str
    unit_id: int | None = None
    user_id: int | None = None


# Whose certificate each actor downloads: the city's award (unit 10), another city's (11), a unit's
# 优秀组织奖 (10), the actor's own 参会证明 (user 7) and someone else's (user 8).
CERTIFICATES = {
    "own_city_award": FakeCertificate(1, "award", unit_id=10),
    "other_city_award": FakeCertificate(1, "award", unit_id=11),
    "own_unit_organization": FakeCertificate(1, "organization", unit_id=10),
    "own_attendance": FakeCertificate(1, "attendance", user_id=7),
    "other_attendance": FakeCertificate(1, "attendance", user_id=8),
}
DOWNLOADS = {
    #                        own_city other_city own_unit own_att other_att
    "anonymous":            (False, False, False, False, False),
    "attendee":             (False, False, False, True,  False),
    "submitter":            (True,  False, True,  True,  False),
    "reviewer":             (False, False, False, True,  False),
    "organizer":            (True,  True,  True,  True,  True),
    "organizer_elsewhere":  (False, False, False, True,  False),
    "admin":                (True,  True,  True,  True,  True),
}


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_a_certificate_is_downloaded_by_its_holders_and_the_organizers(actor_name: str) -> None:
    answers = tuple(permissions.can_download_certificate(ACTORS[actor_name], c) for c in CERTIFICATES.values())

    assert answers == DOWNLOADS[actor_name]


@dataclass
class FakeCommentary:
    seminar_id: int
    commentator_id: int | None


@pytest.mark.parametrize(
    ("actor_name", "named", "allowed"),
    [
        # actor     the 点评人 named is the actor (user 7)?   may write
        ("anonymous", False, False),
        ("attendee", False, False),
        ("attendee", True, True),  # the named 点评人 writes through their own login
        ("reviewer", True, True),
        ("submitter", False, False),
        ("organizer", False, True),  # organizers write any 点评 of their seminar
        ("organizer_elsewhere", True, False),  # named, but without a role in this seminar any more
        ("admin", False, True),
    ],
)
def test_a_topic_commentary_is_written_by_the_organizers_or_the_named_commentator(
    actor_name: str, named: bool, allowed: bool
) -> None:
    commentary = FakeCommentary(seminar_id=1, commentator_id=7 if named else 99)
    assert permissions.can_write_commentary(ACTORS[actor_name], commentary) is allowed


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_a_receipt_is_changed_only_by_the_person_registered_while_the_registration_stands(actor_name: str) -> None:
    actor = ACTORS[actor_name]
    own = SimpleNamespace(seminar_id=1, user_id=7, status="approved")  # every signed-in actor here is user 7
    pending = SimpleNamespace(seminar_id=1, user_id=7, status="pending")
    refused = SimpleNamespace(seminar_id=1, user_id=7, status="rejected")
    someone_elses = SimpleNamespace(seminar_id=1, user_id=8, status="approved")
    other_seminars = SimpleNamespace(seminar_id=2, user_id=7, status="approved")
    signed_in = actor_name != "anonymous"

    assert permissions.can_change_receipt(actor, THIS, own) is signed_in
    assert permissions.can_change_receipt(actor, THIS, pending) is signed_in
    assert permissions.can_change_receipt(actor, THIS, refused) is False
    assert permissions.can_change_receipt(actor, THIS, someone_elses) is False
    assert permissions.can_change_receipt(actor, THIS, other_seminars) is False
    assert permissions.can_change_receipt(actor, THIS, None) is False
