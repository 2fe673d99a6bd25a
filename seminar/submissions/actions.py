"""Changing papers: create, update, upload a manuscript, submit, withdraw, extend a city's deadline.

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
from seminar.seminars.models import Seminar, Topic
from seminar.submissions import consequences, rules
from seminar.submissions.consequences import PaperLinks
from seminar.submissions.intake import Intake
from seminar.blobs import store_blob
from seminar.submissions.models import Author, DeadlineExtension, Manuscript, Paper, PaperStatus


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def city_deadline(seminar: Seminar, city_id: int) -> dt.datetime | None:
    extension = await DeadlineExtension.get_or_none(seminar_id=seminar.id, city_id=city_id)
    return rules.effective_deadline(seminar.submission_deadline, extension.until if extension else None)


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
            problems = rules.missing_for_submission(await _draft(updated, connection))
            if problems:
                raise UserError(" ".join(problems))
    return updated


async def upload_manuscript(paper: Paper, filename: str, data: bytes, intake: Intake, by: User) -> Manuscript:
    """Store the file (once per content) and a new manuscript version, while the city's window is open."""
    seminar = await Seminar.get(id=paper.seminar_id)
    await ensure_open(seminar, paper.city_id)
    return await store_manuscript(paper, filename, data, intake, by)


async def store_manuscript(paper: Paper, filename: str, data: bytes, intake: Intake, by: User) -> Manuscript:
    """Store the file (once per content) and a new manuscript version in one transaction, whatever the date.

    The demo files its papers through here so that it works on any day.
    """
    async with in_transaction() as connection:
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
        await Paper.filter(id=paper.id).using_db(connection).update(version=locked.version + 1, updated_at=now())
    return manuscript


def _display_name(filename: str) -> str:
    """Only the last path part a browser might send (old IE sends C:\\…), trimmed to fit."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "manuscript"
    return name[-255:]


async def _draft(paper: Paper, connection: Any = None) -> rules.PaperDraft:
    authors = await Author.filter(paper_id=paper.id).using_db(connection).order_by("position")
    return rules.PaperDraft(
        title=paper.title,
        has_topic=paper.topic_id is not None,
        abstract=paper.abstract,
        keywords=paper.keywords,
        originality_confirmed=paper.originality_confirmed,
        authors=[rules.AuthorDraft(a.name, a.unit, a.is_contact) for a in authors],
        has_manuscript=await Manuscript.filter(paper_id=paper.id).using_db(connection).exists(),
    )


async def missing_for_submission(paper: Paper) -> list[str]:
    return rules.missing_for_submission(await _draft(paper))


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
        if problems := rules.missing_for_submission(await _draft(current, connection)):
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
    contact = await Author.filter(paper_id=paper.id, is_contact=True).first()
    recipients: dict[str, tuple[str, str]] = {by.email.lower(): (by.name, by.locale)}
    if contact is not None and contact.email:
        recipients.setdefault(contact.email.lower(), (contact.name, ""))
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
