"""Changing papers: create, update, upload a manuscript, submit, withdraw, extend a city's deadline,
send a final version (定稿) and accept or return it.

Each function runs in one transaction; receipts go to the mail outbox inside it, so a paper
is never submitted without its receipt queued, and never receipted without being submitted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from seminar.accounts.models import Unit, User
from seminar.errors import UserError
from seminar.i18n import _
from seminar.mail.outbox import queue_mail
from seminar.overlap.actions import queue_submitted
from seminar.seminars.models import Seminar, Topic
from seminar.submissions import consequences, rules
from seminar.submissions.consequences import PaperLinks
from seminar.submissions.contacts import contact_authors
from seminar.submissions.intake import Intake
from seminar.submissions.queries import city_deadline, final_version_problem, paper_draft
from seminar.blobs import store_blob
from seminar.reviews.models import Decision
from seminar.submissions.models import (
    Author,
    DeadlineExtension,
    FinalVersion,
    FinalVersionStatus,
    Manuscript,
    Paper,
    PaperStatus,
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def ensure_open(seminar: Seminar, city_id: int) -> None:
    """Refuse any change by a city outside its submission window."""
    moment = now()
    if not rules.is_open(moment, seminar.submission_opens_at, await city_deadline(seminar, city_id)):
        raise UserError(rules.closed_message(moment, seminar.submission_opens_at))


async def _check_topic(seminar: Seminar, topic_id: int) -> None:
    if not await Topic.exists(id=topic_id, seminar_id=seminar.id):
        raise UserError(_("Choose one of the seminar's topics."), field="topic")


async def _replace_authors(paper: Paper, authors: list[dict[str, Any]], connection: Any) -> None:
    await Author.filter(paper_id=paper.id).using_db(connection).delete()
    for position, author in enumerate(authors, start=1):
        await Author.create(paper_id=paper.id, position=position, using_db=connection, **author)


async def create_paper(seminar: Seminar, city: Unit, values: dict[str, Any], by: User) -> Paper:
    """A new draft with the next free number of the seminar (numbers are never reused)."""
    await ensure_open(seminar, city.id)
    await _check_topic(seminar, values["topic_id"])
    for _attempt in range(3):
        try:
            async with in_transaction() as connection:
                # Lock the seminar row so two cities creating at once get different numbers on PostgreSQL.
                await Seminar.filter(id=seminar.id).select_for_update().using_db(connection).first()
                latest = await Paper.filter(seminar_id=seminar.id).using_db(connection).order_by("-number").first()
                paper = await Paper.create(
                    seminar_id=seminar.id,
                    city_id=city.id,
                    number=(latest.number if latest else 0) + 1,
                    created_by_id=by.id,
                    using_db=connection,
                    **{key: value for key, value in values.items() if key != "authors"},
                )
                await _replace_authors(paper, values["authors"], connection)
                return paper
        except IntegrityError:  # SQLite has no row lock: another draft took the number, take the next
            continue
    raise UserError(_("Many papers are being created at once. Please try again."))


async def update_paper(paper: Paper, values: dict[str, Any], opened_version: int) -> Paper:
    """Save the form, unless the paper changed since the form was opened."""
    seminar = await Seminar.get(id=paper.seminar_id)
    await ensure_open(seminar, paper.city_id)
    await _check_topic(seminar, values["topic_id"])
    async with in_transaction() as connection:
        fields = {key: value for key, value in values.items() if key != "authors"}
        changed = (
            await Paper.filter(id=paper.id, version=opened_version)
            .using_db(connection)
            .update(version=opened_version + 1, updated_at=now(), **fields)
        )
        if not changed:
            raise UserError(
                _("This paper was changed since you opened the form. Reload the page to see the changes, then edit again."),
                field="version",
            )
        await _replace_authors(paper, values["authors"], connection)
        updated = await Paper.get(id=paper.id, using_db=connection)
        if updated.status is PaperStatus.SUBMITTED:
            # A submitted paper stays complete: an edit that breaks it is refused as a whole.
            problems = rules.missing_for_submission(await paper_draft(updated, connection))
            if problems:
                raise UserError(" ".join(problems))
    return updated


async def ensure_uploadable(paper: Paper) -> None:
    """Refuse a manuscript outside the city's window, or once the paper is decided: the version that
    was reviewed stays the paper's manuscript, and only a final version the organizers accept
    replaces it in the book (`upload_final_version`).

    The upload route asks before it converts the file, so a refused upload costs no conversion.
    """
    if await Decision.exists(paper_id=paper.id):
        raise UserError(
            _("The organizers have decided on this paper, so its manuscript no longer changes here. "
              "Once they tell you it is accepted, send the final version on this page."),
            field="manuscript",
        )
    seminar = await Seminar.get(id=paper.seminar_id)
    await ensure_open(seminar, paper.city_id)


async def upload_manuscript(paper: Paper, filename: str, data: bytes, intake: Intake, by: User) -> Manuscript:
    """Store the file (once per content) and a new manuscript version, if `ensure_uploadable` still
    allows it (the window may have closed while the file was converted)."""
    await ensure_uploadable(paper)
    return await store_manuscript(paper, filename, data, intake, by)


async def store_manuscript(paper: Paper, filename: str, data: bytes, intake: Intake, by: User) -> Manuscript:
    """Store the file (once per content) and a new manuscript version in one transaction, whatever the date.

    The demo files its papers through here so that it works on any day.
    """
    async with in_transaction() as connection:
        return await _store_manuscript(paper, filename, data, intake, by, connection)


async def _store_manuscript(
    paper: Paper, filename: str, data: bytes, intake: Intake, by: User, connection: Any, revises: bool = True
) -> Manuscript:
    """The new version; `revises` bumps the paper's version, so a submitted paper asks to be submitted again
    (a final version does not: it goes to the organizers on its own way)."""
    locked = await Paper.filter(id=paper.id).select_for_update().using_db(connection).first()
    assert locked is not None, "the route loaded this paper a moment ago"
    digest = await store_blob(data, connection)
    latest = await Manuscript.filter(paper_id=paper.id).using_db(connection).order_by("-version").first()
    manuscript = await Manuscript.create(
        paper_id=paper.id,
        version=(latest.version if latest else 0) + 1,
        blob_id=digest,
        original_filename=_display_name(filename),
        content_type=intake.content_type,
        kind=intake.kind,
        html=intake.html,
        word_count=intake.word_count,
        author_in_properties="、".join(intake.property_names)[:300],
        uploaded_by_id=by.id,
        using_db=connection,
    )
    if revises:
        await Paper.filter(id=paper.id).using_db(connection).update(version=locked.version + 1, updated_at=now())
    return manuscript


async def ensure_final_version_allowed(paper: Paper) -> Seminar:
    """Refuse a final version before the city was told of a positive decision, or after the deadline for
    final versions; the paper's seminar otherwise. Asked before the file is converted, as `ensure_uploadable`."""
    seminar = await Seminar.get(id=paper.seminar_id)
    if problem := await final_version_problem(paper, seminar):
        raise UserError(problem, field="manuscript")
    return seminar


async def upload_final_version(
    paper: Paper, filename: str, data: bytes, intake: Intake, by: User, final_versions_url: str
) -> Manuscript:
    """Store a new manuscript version as the paper's final version (定稿), waiting for the organizers,
    and, in the same transaction, mail them that it waits (`consequences.final_version_sent`).

    A final version still waiting is superseded by the new one: the organizers look at the newest.
    The book does not change until they accept it.
    """
    seminar = await ensure_final_version_allowed(paper)
    async with in_transaction() as connection:
        manuscript = await _store_manuscript(paper, filename, data, intake, by, connection, revises=False)
        await FinalVersion.filter(paper_id=paper.id, status=FinalVersionStatus.PENDING).using_db(connection).update(
            status=FinalVersionStatus.SUPERSEDED
        )
        await FinalVersion.create(manuscript_id=manuscript.id, paper_id=paper.id, using_db=connection)
        await consequences.final_version_sent(paper, seminar, manuscript.version, final_versions_url)
    return manuscript


async def review_final_version(final: FinalVersion, accept: bool, reason: str, by: User, paper_url: str) -> None:
    """Accept a waiting final version for the book, or return it to the city with `reason`; tell the city by mail.

    The mail goes in the same transaction, in each recipient's language.
    """
    reason = reason.strip()
    if not accept and not reason:
        raise UserError(_("Say why the final version is returned: the city reads it."), field="reason")
    async with in_transaction() as connection:
        changed = await FinalVersion.filter(id=final.id, status=FinalVersionStatus.PENDING).using_db(connection).update(
            status=FinalVersionStatus.ACCEPTED if accept else FinalVersionStatus.RETURNED,
            return_reason="" if accept else reason[:500],
            reviewed_by_id=by.id,
            reviewed_at=now(),
        )
        if not changed:
            raise UserError(_("This final version is no longer waiting: someone dealt with it, or the city sent a newer one."))
        manuscript = await Manuscript.get(id=final.manuscript_id, using_db=connection).select_related("uploaded_by")
        paper = await Paper.get(id=final.paper_id, using_db=connection)
        seminar = await Seminar.get(id=paper.seminar_id, using_db=connection)
        context = {
            "seminar": seminar, "paper": paper, "manuscript": manuscript, "accepted": accept, "reason": reason,
            "paper_url": paper_url,
        }
        for address, (name, locale) in (await _recipients(paper, manuscript.uploaded_by)).items():
            await queue_mail(
                template="submissions/final_version", to_address=address, to_name=name, locale=locale,
                context=context, seminar_id=seminar.id,
            )


def _display_name(filename: str) -> str:
    """Only the last path part a browser might send (old IE sends C:\\…), trimmed to fit."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "manuscript"
    return name[-255:]


async def submit_paper(paper: Paper, by: User, links: PaperLinks) -> Paper:
    """Send the paper in (or again, after a withdrawal or a revision) and queue the receipts.

    Checked in order: the city's deadline, completeness, the city's quota. In the same transaction
    what sending it in sets off (`consequences.paper_sent_in`): a withdrawn paper's reviewers are
    told their work resumes, a paper arriving after reviewing began is announced to the organizers.
    """
    seminar = await Seminar.get(id=paper.seminar_id)
    city_id: int = paper.city_id
    await ensure_open(seminar, city_id)
    async with in_transaction() as connection:
        # The seminar row serialises submissions, so two last papers cannot both squeeze under the quota.
        await Seminar.filter(id=seminar.id).select_for_update().using_db(connection).first()
        current = await Paper.get(id=paper.id, using_db=connection)
        if current.status is PaperStatus.SUBMITTED and current.submitted_version == current.version:
            raise UserError(_("This paper is already submitted and has not changed since."))
        if problems := rules.missing_for_submission(await paper_draft(current, connection)):
            raise UserError(_("The paper cannot be submitted yet:") + " " + " ".join(problems))
        if current.status is not PaperStatus.SUBMITTED:
            submitted = (
                await Paper.filter(seminar_id=seminar.id, city_id=city_id, status=PaperStatus.SUBMITTED)
                .using_db(connection)
                .count()
            )
            if rules.over_quota(submitted, seminar.city_quota):
                raise UserError(
                    _("Your city has already submitted %(count)s papers, the most this seminar accepts from one city. "
                      "Withdraw one first, or keep this one as a draft.", count=submitted)
                )
        event = "resubmitted" if current.submitted_at is not None else "submitted"
        previous_status, sent_in_before = current.status.value, current.submitted_at is not None
        moment = now()
        await Paper.filter(id=paper.id).using_db(connection).update(
            status=PaperStatus.SUBMITTED, submitted_at=moment, submitted_version=current.version, withdrawn_at=None
        )
        current = await Paper.get(id=paper.id, using_db=connection)
        await _queue_receipts(current, seminar, by, event, moment, links.paper_url)
        await consequences.paper_sent_in(current, seminar, previous_status, sent_in_before, links)
        await queue_submitted(current, connection)
    return current


async def withdraw_paper(paper: Paper, by: User, links: PaperLinks) -> Paper:
    """Withdraw a submitted paper, queue the receipts and, in the same transaction, what withdrawing
    sets off (`consequences.paper_withdrawn`): its reviewers are told their review is no longer needed."""
    seminar = await Seminar.get(id=paper.seminar_id)
    await ensure_open(seminar, paper.city_id)
    moment = now()
    async with in_transaction() as connection:
        changed = (
            await Paper.filter(id=paper.id, status=PaperStatus.SUBMITTED)
            .using_db(connection)
            .update(status=PaperStatus.WITHDRAWN, withdrawn_at=moment, version=paper.version + 1)
        )
        if not changed:
            raise UserError(_("Only a submitted paper can be withdrawn."))
        current = await Paper.get(id=paper.id, using_db=connection)
        await _queue_receipts(current, seminar, by, "withdrawn", moment, links.paper_url)
        await consequences.paper_withdrawn(current, seminar, links)
    return current


async def _queue_receipts(
    paper: Paper, seminar: Seminar, by: User, event: str, moment: dt.datetime, paper_url: str
) -> None:
    """One receipt each to the contact author and the person who acted (once if they are the same)."""
    await paper.fetch_related("topic", "city")
    manuscript = await Manuscript.filter(paper_id=paper.id).order_by("-version").first()
    recipients = await _recipients(paper, by)
    context = {
        "seminar": seminar,
        "paper": paper,
        "topic": paper.topic.title if paper.topic else "",
        "city": paper.city.name,
        "event": event,
        "moment": moment,
        "manuscript": manuscript,
        "paper_url": paper_url,
    }
    for address, (name, locale) in recipients.items():
        await queue_mail(
            template="submissions/receipt",
            to_address=address,
            to_name=name,
            locale=locale,
            context=context,
            seminar_id=seminar.id,
        )


async def _recipients(paper: Paper, person: User | None) -> dict[str, tuple[str, str]]:
    """Address → (name, locale) of `person` (who acted, or who uploaded) and the contact author, once each."""
    recipients: dict[str, tuple[str, str]] = {}
    if person is not None and person.email:
        recipients[person.email.lower()] = (person.name, person.locale)
    contacts = (await contact_authors([paper])).get(paper.id, [])
    if contacts:
        recipients.setdefault(contacts[0].email.lower(), (contacts[0].name, contacts[0].locale))
    return recipients


async def extend_deadline(seminar: Seminar, city_id: int, until: dt.datetime, by: User) -> DeadlineExtension:
    if seminar.submission_deadline is not None and until <= seminar.submission_deadline:
        raise UserError(_("An extension must end after the seminar's deadline."), field="until")
    if not await Unit.exists(id=city_id):
        raise UserError(_("Choose a city."), field="city")
    async with in_transaction():
        extension, _created = await DeadlineExtension.update_or_create(
            seminar_id=seminar.id, city_id=city_id, defaults={"until": until, "granted_by_id": by.id}
        )
    return extension
