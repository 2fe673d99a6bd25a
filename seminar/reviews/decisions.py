"""State changes once reviews are in: deciding papers (one by one or in bulk), the seminar's letter
wording, and the decision mails through the outbox. The changes of reviewing itself (criteria,
profiles, bids, conflicts, assignments, reviews) are in `actions`; what these pages read is in
`queries` and `overview`.

Each change runs in one transaction; the mails are queued in the same transaction that marks
the decisions notified, so a decision is never marked sent without its mail, nor mailed twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from tortoise.transactions import in_transaction

from seminar.accounts.models import User
from seminar.db import column
from seminar.errors import UserError
from seminar import i18n
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.outbox import new_batch, queue_mail
from seminar.reviews import letters
from seminar.mail.models import MailWording
from seminar.reviews.models import Award, Decision, Outcome
from seminar.reviews.overview import comments_for_authors
from seminar.reviews.queries import Shortfall, mail_plan, mail_wordings, settings_of, short_of_reviews
from seminar.seminars.models import Seminar
from seminar.submissions import consequences
from seminar.submissions.models import Manuscript, Paper, PaperStatus


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReviewsMissing(UserError):
    """Deciding, or mailing the decision of, papers with fewer submitted reviews than the seminar requires:
    the organizer is asked to confirm, paper by paper, and nothing changes until they do."""

    def __init__(self, shortfalls: Sequence[Shortfall], required: int) -> None:
        self.shortfalls = list(shortfalls)
        self.required = required
        super().__init__(i18n.ngettext(
            "%(num)s paper has fewer submitted reviews than the %(required)s this seminar requires.",
            "%(num)s papers have fewer submitted reviews than the %(required)s this seminar requires.",
            len(self.shortfalls), required=required,
        ))


# The choice on the ranking page that takes a decision back: the paper is undecided again.
UNDECIDED = "undecided"


def parse_choice(outcome: str, award: str) -> tuple[Outcome, Award | None]:
    """The outcome and award chosen on the page; a declined paper gets no award."""
    try:
        chosen = Outcome(outcome)
    except ValueError as error:
        raise UserError(_("Choose a decision."), field="outcome") from error
    if not award:
        return chosen, None
    try:
        grade = Award(award)
    except ValueError as error:
        raise UserError(_("Choose an award grade from the list."), field="award") from error
    if chosen is Outcome.DECLINE:
        raise UserError(_("A declined paper cannot receive an award."), field="award")
    return chosen, grade


async def decide(seminar: Seminar, paper_ids: Iterable[int], outcome: str, award: str, by: User,
                 confirmed: Collection[int] = ()) -> int:
    """Set the same decision on every paper given (submitted papers of the seminar); returns how many changed.

    A paper already decided so keeps its decision untouched, so it is not mailed again.
    A paper to be decided with fewer submitted reviews than the seminar requires raises `ReviewsMissing`
    (and nothing changes) unless its id is among `confirmed`.
    `UNDECIDED` removes the decisions instead (see `undecide`).
    """
    wanted = sorted(set(paper_ids))
    if outcome == UNDECIDED:
        if award:
            raise UserError(_("An undecided paper cannot receive an award."), field="award")
        if not wanted:
            raise UserError(_("Tick at least one paper."))
        return await undecide(seminar, wanted)
    chosen, grade = parse_choice(outcome, award)
    if not wanted:
        raise UserError(_("Tick at least one paper."))
    changed: dict[int, tuple[str | None, str | None]] = {}
    async with in_transaction():
        papers = await Paper.filter(seminar_id=seminar.id, id__in=wanted, status=PaperStatus.SUBMITTED)
        if len(papers) != len(wanted):
            raise UserError(_("Only submitted papers of this seminar can be decided."))
        existing = {d.paper_id: d for d in await Decision.filter(paper_id__in=wanted).select_for_update()}
        changing = [p for p in papers if p.id not in existing or (existing[p.id].outcome, existing[p.id].award) != (chosen, grade)]
        if shortfalls := await short_of_reviews(seminar, changing, confirmed):
            raise ReviewsMissing(shortfalls, seminar.reviews_per_paper)
        # The version each paper was reviewed in: what the book prints until a final version is accepted.
        reviewed: dict[int, int] = {}
        for paper_id, version in await Manuscript.filter(paper_id__in=wanted).values_list("paper_id", "version"):
            reviewed[int(paper_id)] = max(int(version), reviewed.get(int(paper_id), 0))
        for paper in papers:
            decision = existing.get(paper.id)
            if decision is None:
                await Decision.create(seminar_id=seminar.id, paper_id=paper.id, outcome=chosen, award=grade,
                                      decided_by_id=by.id, decided_at=now(), reviewed_version=reviewed.get(paper.id))
            elif (decision.outcome, decision.award) != (chosen, grade):
                await Decision.filter(id=decision.id).update(
                    outcome=chosen, award=grade, decided_by_id=by.id, decided_at=now(), version=decision.version + 1
                )
            else:
                continue
            changed[paper.id] = (decision.outcome.value if decision else None, chosen.value)
        await consequences.decisions_changed(changed)
    return len(changed)


async def undecide(seminar: Seminar, paper_ids: Sequence[int]) -> int:
    """Remove the decisions of these papers; returns how many were removed (undecided papers count none).

    A decision already mailed is never removed: the city has read it, and taking it back
    silently would leave them with a decision that no longer exists. It may still be changed,
    which is mailed again. One mailed paper among those given stops the whole removal.
    """
    async with in_transaction():
        # Locked without a join: PostgreSQL does not lock the nullable side of an outer join.
        decisions = await Decision.filter(seminar_id=seminar.id, paper_id__in=list(paper_ids)).select_for_update()
        mailed_ids = [d.paper_id for d in decisions if d.notified_at is not None]
        mailed = sorted(await column(Paper.filter(id__in=mailed_ids), "number")) if mailed_ids else []
        if mailed:
            raise UserError(_("The decision on %(papers)s was already mailed to the city: it can be changed, but not "
                              "removed.", papers="、".join(f"#{n}" for n in mailed)))
        await Decision.filter(id__in=[d.id for d in decisions]).delete()
        await consequences.decisions_changed({d.paper_id: (d.outcome.value, None) for d in decisions})
    return len(decisions)


async def save_mail_template(seminar: Seminar, outcome: Outcome, locale: str, subject: str, body: str) -> None:
    """Store the wording in one language after checking its placeholders (LetterError names any unknown one)."""
    letters.check_template(subject, body)
    if not subject.strip() or not body.strip():
        raise UserError(_("The mail needs a subject and a text."))
    assert locale in i18n.LOCALES, "the route passes a known locale"
    async with in_transaction():
        await MailWording.update_or_create(
            seminar_id=seminar.id, kind=letters.wording_kind(outcome.value), locale=locale,
            defaults={"subject": subject.strip(), "body": body.strip()},
        )


async def reset_mail_template(seminar: Seminar, outcome: Outcome, locale: str) -> bool:
    """Back to the site's wording of the outcome's letter in one language; False if the seminar had none of its own."""
    return bool(await MailWording.filter(seminar_id=seminar.id, kind=letters.wording_kind(outcome.value), locale=locale).delete())


def _wording(own: dict[tuple[Outcome, str], tuple[str, str]], outcome: Outcome, locale: str) -> tuple[str, str]:
    if (outcome, locale) in own:
        return own[(outcome, locale)]
    with i18n.use_locale(locale):
        return letters.default_wording(outcome.value)


async def send_decision_mails(seminar: Seminar, confirmed: Collection[int] = ()) -> tuple[int, int]:
    """Queue one mail per recipient for every decision not yet mailed (or changed since) and mark them notified.

    Returns (papers, mails). Each recipient's letter is in their language (the seminar's wording in it, else
    the site's). The seminar's wording of every outcome involved, in every language, is checked first: an unknown
    placeholder stops everything, and nothing is queued. So does a paper with fewer submitted reviews
    than the seminar requires whose id is not among `confirmed` (`ReviewsMissing`): its mail would
    announce the outcome of a review that did not take place.
    """
    async with in_transaction():
        await Seminar.filter(id=seminar.id).select_for_update().first()  # two clicks must not mail twice
        plan = await mail_plan(seminar)
        if shortfalls := await short_of_reviews(seminar, [d.paper for d in plan.decisions], confirmed):
            raise ReviewsMissing(shortfalls, seminar.reviews_per_paper)
        own = await mail_wordings(seminar)
        for (outcome, locale), (subject, body) in sorted(own.items()):
            if outcome not in {d.outcome for d in plan.decisions}:
                continue
            try:
                letters.check_template(subject, body)
            except letters.LetterError as error:
                raise UserError(_("The mail for “%(decision)s” in %(language)s cannot be sent: %(problem)s",
                                  decision=str(letters.DECISION_NAMES[outcome.value]), language=i18n.LOCALE_NAMES.get(locale, locale),
                                  problem=error.message)) from error
        settings = await settings_of(seminar)
        comments = await comments_for_authors([d.paper_id for d in plan.decisions]) if settings.authors_see_comments else {}
        mails = 0
        batch_id = await new_batch(seminar.id, MailBatchKind.DECISIONS) if plan.mail_count else None
        for decision in plan.decisions:
            for recipient in plan.recipients.get(decision.paper_id, []):
                # Each recipient reads the letter in their language: its wording, and the values filled in.
                locale = recipient.language
                subject, body = _wording(own, decision.outcome, locale)
                with i18n.use_locale(locale):
                    letter = letters.render_letter(subject, body, letters.letter_values(
                        seminar, decision.paper, decision.outcome, decision.award, recipient.name,
                        comments.get(decision.paper_id, []), settings.authors_see_comments,
                    ))
                await queue_mail(
                    template="reviews/decision", to_address=recipient.email, to_name=recipient.name,
                    locale=locale, seminar_id=seminar.id, batch_id=batch_id,
                    context={"seminar": seminar, "letter_subject": letter.subject, "letter_body": letter.body},
                )
                mails += 1
            await Decision.filter(id=decision.id).update(
                notified_at=now(), notified_outcome=decision.outcome, notified_award=decision.award
            )
    return len(plan.decisions), mails
