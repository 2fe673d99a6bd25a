"""THE policy: every "may this person see or do this?" question is answered here.

Predicates are synchronous and query nothing: the actor's roles are loaded once per
request (`seminar.web.ActorMiddleware`). A predicate answers *who* may act; whether the
action is still possible (deadline, state) is a domain rule with its own message.
Routes call `require(...)`; templates call the same predicates through the `can` global.
When someone may not even see an object, routes answer 404, not 403, so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from starlette.exceptions import HTTPException

from seminar.accounts.models import RoleName

if TYPE_CHECKING:
    from seminar.accounts.models import User


class SeminarScoped(Protocol):
    id: int


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user with roles per seminar, or an anonymous visitor."""

    user: User | None = None
    roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    unit_id: int | None = None
    # Only for reviewers: papers they are assigned (not declined) and papers they are conflicted with.
    assigned_paper_ids: frozenset[int] = frozenset()
    conflicted_paper_ids: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.is_admin

    def has_role(self, seminar_id: int, role: RoleName) -> bool:
        return role.value in self.roles.get(seminar_id, frozenset())

    def is_organizer(self, seminar_id: int) -> bool:
        return self.is_admin or self.has_role(seminar_id, RoleName.ORGANIZER)

    def organizes_any(self) -> bool:
        return self.is_admin or any(RoleName.ORGANIZER.value in r for r in self.roles.values())

    def submits_for(self, seminar_id: int, city_id: int | None) -> bool:
        return (
            city_id is not None
            and self.unit_id == city_id
            and self.has_role(seminar_id, RoleName.SUBMITTER)
        )


    def is_reviewer(self, seminar_id: int) -> bool:
        return self.has_role(seminar_id, RoleName.REVIEWER)

    def is_assigned(self, paper_id: int) -> bool:
        return paper_id in self.assigned_paper_ids

    def has_conflict(self, paper_id: int) -> bool:
        return paper_id in self.conflicted_paper_ids


ANONYMOUS = Actor()


def require(allowed: bool, status_code: int = 403) -> None:
    """Stop the request unless `allowed`; use 404 where existence itself must not leak."""
    if not allowed:
        raise HTTPException(status_code=status_code)


def is_signed_in(actor: Actor) -> bool:
    return actor.is_authenticated


def can_create_seminar(actor: Actor) -> bool:
    """Site admins and organizers of any seminar (the provincial body's staff) open new ones."""
    return actor.organizes_any()


def can_import_seminar(actor: Actor) -> bool:
    """Importing another installation's seminar archive: site admins only. An import creates accounts
    and units for the whole site and gives the roles the archive names to existing accounts matched
    by e-mail, which no seminar's organizer may decide for the site."""
    return actor.is_admin


def can_manage_seminar(actor: Actor, seminar: SeminarScoped) -> bool:
    """Settings, topics, people and mail of one seminar."""
    return actor.is_organizer(seminar.id)


def can_copy_seminar(actor: Actor, seminar: SeminarScoped) -> bool:
    """Starting a new seminar from this one's topics, review form and people: whoever runs this one."""
    return can_create_seminar(actor) and actor.is_organizer(seminar.id)


def can_export_seminar(actor: Actor, seminar: SeminarScoped) -> bool:
    """Downloading the whole seminar as one archive (every paper, review, confidential note and
    person's details): its organizers and site admins."""
    return actor.is_organizer(seminar.id)


def can_manage_people(actor: Actor, seminar: SeminarScoped) -> bool:
    return actor.is_organizer(seminar.id)


class Account(Protocol):
    """A person's account, as far as actions on the whole account care."""

    id: int
    is_admin: bool


def can_manage_account(actor: Actor, seminar: SeminarScoped, person: Account, seminars: Collection[int]) -> bool:
    """Unlocking, deactivating, reactivating and turning off the second step act on the whole account, not only on this seminar.

    Only an administrator, or an organizer of every seminar the person belongs to (`seminars`:
    those where they hold any role): else inviting a reviewer or city submitter of another seminar
    into one's own would be enough to lock them out of theirs. Never an administrator's account
    but by another administrator. Everyone else may only take away the person's roles here
    (`can_remove_from_seminar`).
    """
    if actor.is_admin:
        return True
    return (
        actor.is_organizer(seminar.id)
        and not person.is_admin
        and all(actor.is_organizer(seminar_id) for seminar_id in seminars)
    )


def can_deactivate_person(actor: Actor, seminar: SeminarScoped, person: Account, seminars: Collection[int]) -> bool:
    """As `can_manage_account`, but never one's own account: they would lock themselves out."""
    return actor.user is not None and actor.user.id != person.id and can_manage_account(actor, seminar, person, seminars)


def can_reset_two_factor(actor: Actor, seminar: SeminarScoped, person: Account, seminars: Collection[int]) -> bool:
    """Organizers turn off the second step of someone who lost their phone, on the terms of
    `can_deactivate_person`: never their own (that takes their password and a code), never an
    administrator's unless they are one too, nor that of anyone who also belongs to a seminar they do not organize."""
    return can_deactivate_person(actor, seminar, person, seminars)


def can_remove_from_seminar(actor: Actor, seminar: SeminarScoped, person: Account) -> bool:
    """An organizer takes away every role a person holds in this seminar; their account and
    their other seminars stay as they are. Never one's own roles: they would lose the seminar."""
    return actor.user is not None and actor.user.id != person.id and actor.is_organizer(seminar.id)


def must_set_up_two_factor(actor: Actor, required_for_organizers: bool) -> bool:
    """With REQUIRE_TOTP_FOR_ORGANIZERS, organizers and administrators go nowhere before setting it up."""
    return (
        required_for_organizers and actor.user is not None and actor.organizes_any()
        and not actor.user.two_factor_enabled
    )


def can_read_outbox(actor: Actor, seminar: SeminarScoped | None) -> bool:
    """A seminar's mail is its organizers' business; mail tied to no seminar is the admins'."""
    if seminar is None:
        return actor.is_admin
    return actor.is_organizer(seminar.id)


def can_see_seminar_mail(actor: Actor, seminar_id: int | None) -> bool:
    """One mail (preview, attempt log, retry, discard, send now), by the seminar it belongs to."""
    if seminar_id is None:
        return actor.is_admin
    return actor.is_organizer(seminar_id)


def can_read_all_mail(actor: Actor) -> bool:
    """The site-wide outbox: every seminar's mail and mail tied to none."""
    return actor.is_admin


def can_see_statistics(actor: Actor, seminar: SeminarScoped) -> bool:
    """Figures across every city and reviewer (who scores low, who has not started) are the organizers'."""
    return actor.is_organizer(seminar.id)


def can_send_bulk_mail(actor: Actor, seminar: SeminarScoped) -> bool:
    """Writing to a group of the seminar's people in the seminar's name."""
    return actor.is_organizer(seminar.id)


def can_edit_mail_wording(actor: Actor, seminar: SeminarScoped) -> bool:
    """Changing the wording of the mails the system sends in the seminar's name."""
    return actor.is_organizer(seminar.id)


def can_read_audit_log(actor: Actor, seminar: SeminarScoped | None) -> bool:
    """The whole log is the administrators'; a seminar's entries are also its organizers'."""
    if seminar is None:
        return actor.is_admin
    return actor.is_organizer(seminar.id)


def can_administer_site(actor: Actor) -> bool:
    return actor.is_admin


def has_seminar_role(actor: Actor, seminar: SeminarScoped) -> bool:
    return actor.is_admin or bool(actor.roles.get(seminar.id))


def _reads_the_seminar(actor: Actor, seminar: SeminarScoped) -> bool:
    """A role that reads something of the seminar: 工作人员 alone only check people in and read nothing else."""
    return _reads_seminar_id(actor, seminar.id)


def _reads_seminar_id(actor: Actor, seminar_id: int) -> bool:
    return actor.is_admin or bool(actor.roles.get(seminar_id, frozenset()) - {RoleName.STAFF.value})


def can_make_api_token(actor: Actor, seminar: SeminarScoped) -> bool:
    """A person makes a read-only API token for a seminar they hold a role in (administrators: any) that
    reads something of it; the token then reads only what they may read through the pages."""
    return _reads_the_seminar(actor, seminar)


def can_make_any_api_token(actor: Actor) -> bool:
    """Whether the account offers API tokens at all (the header's and the profile's links): some seminar the person
    holds a role in is one they may make a token for. 工作人员 alone read nothing a token could read."""
    return actor.is_admin or any(_reads_seminar_id(actor, seminar_id) for seminar_id in actor.roles)


def can_read_through_api(actor: Actor, seminar: SeminarScoped) -> bool:
    """A token works while its owner still holds such a role in its seminar: taking their roles away stops it too."""
    return _reads_the_seminar(actor, seminar)


class ProceedingsScoped(Protocol):
    """A seminar, as far as its proceedings care: whether everyone may read them."""

    id: int
    proceedings_public: bool


def can_manage_proceedings(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers set up, build, preview and publish the 论文集."""
    return actor.is_organizer(seminar.id)


class CommentaryScoped(Protocol):
    """A 专题点评 of a seminar, and the account the organizers named to write it (None: a name only)."""

    seminar_id: int
    commentator_id: int | None


def can_write_commentary(actor: Actor, commentary: CommentaryScoped) -> bool:
    """A 专题点评 is written by the seminar's organizers, or by the 点评人 they named, through their own login —
    as long as that person still holds a role in the seminar."""
    if actor.is_organizer(commentary.seminar_id):
        return True
    return (
        actor.user is not None and commentary.commentator_id == actor.user.id and bool(actor.roles.get(commentary.seminar_id))
    )


def can_download_proceedings(actor: Actor, seminar: ProceedingsScoped) -> bool:
    """The published book: anyone holding a role in the seminar (attendees included), everyone if it is public."""
    return seminar.proceedings_public or has_seminar_role(actor, seminar)


def can_manage_handbook(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers write the 会议手册's 须知 and contacts, build, preview and publish it."""
    return actor.is_organizer(seminar.id)


def can_download_handbook(actor: Actor, seminar: SeminarScoped) -> bool:
    """The published 会议手册: anyone holding a role in the seminar that reads it (attendees, submitters, reviewers,
    organizers; 工作人员 alone check people in and read nothing else).

    Never public, even with public proceedings: it lists the participants and the 会务组's phone numbers.
    """
    return _reads_the_seminar(actor, seminar)


def can_read_paper_page(actor: Actor, seminar: ProceedingsScoped, book_published: bool) -> bool:
    """A paper's public page names its authors: before the book is out (or public), only organizers.

    Under blind review, reviewers and other cities must not learn authors from these pages
    while the seminar's work is still going on.
    """
    if seminar.proceedings_public or actor.is_organizer(seminar.id):
        return True
    return book_published and has_seminar_role(actor, seminar)


def can_see_authors_in_book(actor: Actor, seminar: SeminarScoped, under_blind_review: bool) -> bool:
    """A book's paper page names the authors, unless the paper is still under blind review: then only organizers see them."""
    return actor.is_organizer(seminar.id) or not under_blind_review


def can_manage_registrations(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers approve or reject registrations and export the participants list."""
    return actor.is_organizer(seminar.id)


class RegistrationScoped(Protocol):
    """A registration, as far as the policy cares: whose, for which seminar, and its status."""

    seminar_id: int
    user_id: int

    @property
    def status(self) -> str: ...  # RegistrationStatus: "pending", "approved", "rejected"


def can_change_receipt(actor: Actor, seminar: SeminarScoped, registration: RegistrationScoped | None) -> bool:
    """A person opens their own 参会回执 while their registration stands (pending or approved); the
    deadline is not a permission: after it the page still shows what was given."""
    return (
        registration is not None and actor.user is not None and registration.user_id == actor.user.id
        and registration.seminar_id == seminar.id and registration.status != "rejected"
    )


class CityScoped(Protocol):
    """A paper, as far as the policy cares: the seminar and the city it belongs to."""

    seminar_id: int
    city_id: int


def can_submit_papers(actor: Actor, seminar: SeminarScoped) -> bool:
    """A city's submitters write papers for their own unit."""
    return actor.submits_for(seminar.id, actor.unit_id)


def can_see_all_papers(actor: Actor, seminar: SeminarScoped) -> bool:
    return actor.is_organizer(seminar.id)


def can_see_submissions(actor: Actor, seminar: SeminarScoped) -> bool:
    """Whether the seminar's paper pages are there at all for this person (reviewers and attendees: no)."""
    return can_submit_papers(actor, seminar) or can_see_all_papers(actor, seminar)


def can_see_paper(actor: Actor, paper: CityScoped) -> bool:
    return actor.is_organizer(paper.seminar_id) or actor.submits_for(paper.seminar_id, paper.city_id)


def can_edit_paper(actor: Actor, paper: CityScoped) -> bool:
    """Only the city edits, uploads, submits and withdraws its paper; deadlines are checked apart."""
    return actor.submits_for(paper.seminar_id, paper.city_id)


def can_change_paper(actor: Actor, paper: CityScoped, decided: bool) -> bool:
    """The city edits the details of its paper and withdraws it until the organizers decide on it;
    after that the agenda and the book are built on it, and only the organizers change it."""
    return can_edit_paper(actor, paper) and not decided


def can_send_final_version(actor: Actor, paper: CityScoped) -> bool:
    """The city sends the final version (定稿) of its paper; whether the decision and the deadline allow it is checked apart."""
    return can_edit_paper(actor, paper)


def can_accept_final_versions(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers accept a final version for the book, or return it to the city with a reason."""
    return actor.is_organizer(seminar.id)


def can_extend_deadline(actor: Actor, seminar: SeminarScoped) -> bool:
    return actor.is_organizer(seminar.id)


class PaperScoped(Protocol):
    """A paper, as far as reviewing cares: its id and seminar."""

    id: int
    seminar_id: int


def can_manage_reviews(actor: Actor, seminar: SeminarScoped) -> bool:
    """Review form, reviewer profiles, conflicts and assignments of one seminar."""
    return actor.is_organizer(seminar.id)


def can_bid(actor: Actor, seminar: SeminarScoped) -> bool:
    """Reviewers state their preferences (想审 / 可以 / 不想审) and declare conflicts."""
    return actor.is_reviewer(seminar.id)


def can_bid_on(actor: Actor, paper: PaperScoped, declared_by_self: bool) -> bool:
    """A reviewer bids on papers free of conflict. A conflict they declared themselves leaves the paper
    listed, to take it back; one by unit or set by an organizer hides it altogether."""
    return actor.is_reviewer(paper.seminar_id) and (not actor.has_conflict(paper.id) or declared_by_self)


def can_review(actor: Actor, seminar: SeminarScoped) -> bool:
    """Whether the seminar has a "my reviews" page for this person."""
    return actor.is_reviewer(seminar.id)


def can_review_offline(actor: Actor, seminar: SeminarScoped) -> bool:
    """A reviewer's own review sheet (.xlsx) and forms (.docx): downloaded, filled in offline, uploaded.
    The rows it saves are only the reviewer's current papers; the upload checks each."""
    return actor.is_reviewer(seminar.id)


def can_review_offline_for(actor: Actor, seminar: SeminarScoped) -> bool:
    """An organizer downloads and uploads a reviewer's sheet on their behalf (an expert who reviews on paper)."""
    return actor.is_organizer(seminar.id)


def can_review_paper(actor: Actor, paper: PaperScoped) -> bool:
    """A reviewer sees a paper only while assigned to it and free of conflict; otherwise it does not exist."""
    return (
        actor.is_reviewer(paper.seminar_id)
        and actor.is_assigned(paper.id)
        and not actor.has_conflict(paper.id)
    )


def can_manage_overlap(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers read every 查重 report, keep the reference library, set the threshold and mark matches acceptable."""
    return actor.is_organizer(seminar.id)


def can_read_overlap_report(actor: Actor, paper: PaperScoped, reviewers_see_reports: bool) -> bool:
    """A paper's 查重 report: organizers; a reviewer of the paper too if the organizers let reviewers read reports."""
    return actor.is_organizer(paper.seminar_id) or (reviewers_see_reports and can_review_paper(actor, paper))


class ReviewedPaper(Protocol):
    """A paper, as far as writing its review cares: its id, seminar and whether its city still sends it in."""

    id: int
    seminar_id: int

    @property
    def status(self) -> str:  # PaperStatus: "submitted", "withdrawn" …
        ...


def can_write_review(actor: Actor, paper: ReviewedPaper) -> bool:
    """The score form takes posts from the paper's reviewer while the paper is submitted.

    A withdrawn paper's page stays open to its reviewers (`can_review_paper`), read-only, with
    their draft: the city may send it in again, and their work then goes on where it stopped.
    """
    return can_review_paper(actor, paper) and paper.status == "submitted"


def can_see_reviews_of(actor: Actor, paper: PaperScoped, own_review_submitted: bool, after_own: bool = True) -> bool:
    """Organizers read every review; a fellow reviewer once their own is in (or at once, if the seminar says so)."""
    if actor.is_organizer(paper.seminar_id):
        return True
    return can_review_paper(actor, paper) and (own_review_submitted or not after_own)


def can_decide(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers rank the papers, decide them, award them and send the decision mails."""
    return actor.is_organizer(seminar.id)


def can_read_released_decision(actor: Actor, paper: CityScoped, released: bool) -> bool:
    """The city reads its paper's decision once the decision mail is out; organizers at any time."""
    return actor.is_organizer(paper.seminar_id) or (released and actor.submits_for(paper.seminar_id, paper.city_id))


def can_read_comments(actor: Actor, paper: CityScoped, released: bool, authors_see_comments: bool) -> bool:
    """The city reads the reviewers' 点评 (anonymous) with the released decision, if the seminar allows it."""
    return authors_see_comments and released and actor.submits_for(paper.seminar_id, paper.city_id)


def can_edit_agenda(actor: Actor, seminar: SeminarScoped) -> bool:
    """Rooms, the draft agenda, its checks and publishing releases; the public agenda needs no permission."""
    return actor.is_organizer(seminar.id)


class CertificateScoped(Protocol):
    """A certificate, as far as the policy cares: whose it is."""

    seminar_id: int
    unit_id: int | None  # the paper's city, or the unit given 优秀组织奖
    user_id: int | None  # the attendee of a 参会证明

    @property
    def kind(self) -> str: ...  # award / organization / attendance


def can_manage_certificates(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers issue and revoke certificates, set the seal, and download them all."""
    return actor.is_organizer(seminar.id)


def can_download_certificate(actor: Actor, certificate: CertificateScoped) -> bool:
    """A paper's or a unit's award goes to that unit's submitters; a 参会证明 to its attendee; all to organizers."""
    if actor.is_organizer(certificate.seminar_id):
        return True
    if certificate.kind == "attendance":
        return actor.user is not None and certificate.user_id == actor.user.id
    return actor.submits_for(certificate.seminar_id, certificate.unit_id)


def can_print_badges(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers print the 参会证 (whose QR codes check people in) and the 桌签."""
    return actor.is_organizer(seminar.id)


def can_arrange_seats(actor: Actor, seminar: SeminarScoped) -> bool:
    """Organizers lay out the hall, choose the 主席台, generate and edit the 座次表, and print it."""
    return actor.is_organizer(seminar.id)


def can_check_in(actor: Actor, seminar: SeminarScoped) -> bool:
    """签到: the seminar's 工作人员 (staff) and its organizers check people in, on the phone or at the desk."""
    return actor.is_organizer(seminar.id) or actor.has_role(seminar.id, RoleName.STAFF)


def can_follow_checkin(actor: Actor, seminar: SeminarScoped) -> bool:
    """The live counts, who is missing by unit, and the printed 签到表: the organizers'."""
    return actor.is_organizer(seminar.id)
