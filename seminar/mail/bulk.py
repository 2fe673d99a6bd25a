"""Mail an organizer writes to a group of the seminar's people: who is in each group, and the mails.

The groups are the ones a 会务组 writes to: the cities that have not sent a paper yet, those whose
papers were chosen, reviewers with reviews outstanding, attendees, registrations waiting, or
everyone holding a role — optionally only one unit's people. The wording is the organizer's, with
placeholders checked as in decision mails (`mail.wording`); each recipient gets their own mail
in the outbox, all of them one batch the page follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tortoise.transactions import in_transaction

from seminar.accounts.models import Role, RoleName, User
from seminar.accounts.units import people_order_of
from seminar.db import column
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.models import OutboxMail
from seminar.mail.outbox import compose_mail, new_batch
from seminar.registration.models import Registration, RegistrationStatus
from seminar.mail.wording import Letter, render_letter
from seminar.reviews.models import Decision, Outcome
from seminar.reviews.overview import review_progress
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper, PaperStatus

PLACEHOLDERS = ("recipient", "unit", "seminar", "link")
TEMPLATE = "bulk"


class Group(StrEnum):
    CITIES_WITHOUT_PAPERS = "cities_without_papers"
    CITIES_WITH_PAPERS = "cities_with_papers"
    CITIES_CHOSEN = "cities_chosen"
    SUBMITTERS = "submitters"
    REVIEWERS_OUTSTANDING = "reviewers_outstanding"
    REVIEWERS = "reviewers"
    ATTENDEES = "attendees"
    REGISTRATIONS_WAITING = "registrations_waiting"
    ORGANIZERS = "organizers"
    EVERYONE = "everyone"


def group_label(group: Group) -> str:
    return {
        Group.CITIES_WITHOUT_PAPERS: _("Submitters of cities that have not sent a paper"),
        Group.CITIES_WITH_PAPERS: _("Submitters of cities that have sent papers"),
        Group.CITIES_CHOSEN: _("Submitters of cities with a paper chosen for a keynote or the discussion"),
        Group.SUBMITTERS: _("All submitters"),
        Group.REVIEWERS_OUTSTANDING: _("Reviewers with reviews outstanding"),
        Group.REVIEWERS: _("All reviewers"),
        Group.ATTENDEES: _("Approved attendees"),
        Group.REGISTRATIONS_WAITING: _("People whose registration waits for approval"),
        Group.ORGANIZERS: _("Organizers"),
        Group.EVERYONE: _("Everyone with a role in the seminar"),
    }[group]


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    unit: str
    locale: str


async def _with_role(seminar: Seminar, *roles: RoleName) -> list[User]:
    user_ids = await column(Role.filter(seminar_id=seminar.id, name__in=list(roles)), "user_id")
    users = await User.filter(id__in=user_ids, is_active=True).select_related("unit")
    return sorted(users, key=lambda user: (people_order_of(user.unit), user.unit_id or 0, user.name, user.id))


async def _cities_with(seminar: Seminar, chosen: bool) -> set[int]:
    """The units that have a submitted paper (or one decided for a keynote or the discussion)."""
    papers = Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED)
    if chosen:
        decided = await column(
            Decision.filter(paper__seminar_id=seminar.id, outcome__in=[Outcome.KEYNOTE, Outcome.DISCUSSION]), "paper_id"
        )
        papers = papers.filter(id__in=decided)
    return {int(city_id) for city_id in await column(papers, "city_id")}


async def recipients(seminar: Seminar, group: Group, unit_id: int | None = None) -> list[Recipient]:
    """The group's people, each once, in the official order of their units; a fixed number of queries."""
    users: list[User]
    if group in (Group.CITIES_WITHOUT_PAPERS, Group.CITIES_WITH_PAPERS, Group.CITIES_CHOSEN, Group.SUBMITTERS):
        users = await _with_role(seminar, RoleName.SUBMITTER)
        if group is not Group.SUBMITTERS:
            cities = await _cities_with(seminar, chosen=group is Group.CITIES_CHOSEN)
            keep = group is not Group.CITIES_WITHOUT_PAPERS
            users = [user for user in users if (user.unit_id in cities) == keep]
    elif group is Group.REVIEWERS_OUTSTANDING:
        outstanding = {row.reviewer.id for row in (await review_progress(seminar)).reviewers if row.outstanding}
        users = [user for user in await _with_role(seminar, RoleName.REVIEWER) if user.id in outstanding]
    elif group is Group.REVIEWERS:
        users = await _with_role(seminar, RoleName.REVIEWER)
    elif group is Group.ATTENDEES:
        users = await _with_role(seminar, RoleName.ATTENDEE)
    elif group is Group.ORGANIZERS:
        users = await _with_role(seminar, RoleName.ORGANIZER)
    elif group is Group.EVERYONE:
        users = await _with_role(seminar, *RoleName)
    else:  # registrations waiting: their own name and address, which may not be an account's yet
        rows = await Registration.filter(seminar_id=seminar.id, status=RegistrationStatus.PENDING).select_related("unit", "user")
        rows.sort(key=lambda row: (people_order_of(row.unit), row.unit_id or 0, row.id))
        return [
            Recipient(row.name, row.email or row.user.email, row.unit.name if row.unit else row.unit_text, row.user.locale)
            for row in rows
            if unit_id is None or row.unit_id == unit_id
        ]
    return [
        Recipient(user.name, user.email, user.unit.name if user.unit else "", user.locale)
        for user in users
        if unit_id is None or user.unit_id == unit_id
    ]


def letter_for(seminar: Seminar, recipient: Recipient, subject: str, body: str, link: str) -> Letter:
    """One recipient's mail (LetterError for an unknown placeholder or a stray brace)."""
    values = {"recipient": recipient.name, "unit": recipient.unit, "seminar": seminar.title, "link": link}
    return render_letter(subject, body, values, PLACEHOLDERS)


async def send_bulk(seminar: Seminar, group: Group, unit_id: int | None, subject: str, body: str, link: str) -> int:
    """Queue one mail per recipient as one batch; returns how many. LetterError changes nothing."""
    people = await recipients(seminar, group, unit_id)
    letters = [letter_for(seminar, person, subject, body, link) for person in people]
    if not people:
        return 0
    async with in_transaction():
        batch = await new_batch(seminar.id, MailBatchKind.BULK)
        await OutboxMail.bulk_create([
            compose_mail(
                template=TEMPLATE, to_address=person.email, to_name=person.name, locale=person.locale,
                seminar_id=seminar.id, batch_id=batch, context={"letter_subject": letter.subject, "letter_body": letter.body},
            )
            for person, letter in zip(people, letters, strict=True)
        ])
    return len(people)


def groups() -> Sequence[Group]:
    return list(Group)
