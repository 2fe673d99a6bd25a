"""Writing mail to the outbox. Call `queue_mail` inside the transaction of the change that causes it."""

from __future__ import annotations

import secrets
from typing import Any

from jinja2 import TemplateNotFound

from seminar import i18n
from seminar.mail import kinds
from seminar.mail.batches import MailBatchKind
from seminar.mail.models import MailBatch, MailWording, OutboxMail
from seminar.mail.wording import LetterError, render_letter
from seminar.operations.logs import current_request_id
from seminar.web import templates

# Subjects and text parts are plain text: escaping them would put "&#39;" and "&amp;" in the
# reader's mail. Only the HTML part is autoescaped.
_plain_env = templates.env.overlay(autoescape=False)


def render_mail(template: str, locale: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML parts of `templates/mail/<template>.{subject.txt,txt,html}`.

    The text is rendered in the recipient's language, whoever caused the mail.
    """
    with i18n.use_locale(locale):
        subject = _plain_env.get_template(f"mail/{template}.subject.txt").render(context)
        text = _plain_env.get_template(f"mail/{template}.txt").render(context)
        try:
            html = templates.env.get_template(f"mail/{template}.html").render(context)
        except TemplateNotFound:
            html = ""
    return " ".join(subject.split()), text.strip() + "\n", html


# A seminar's wordings of the kinds of one template, by (kind key, locale): what `compose_mail` needs.
Wordings = dict[tuple[str, str], MailWording]


async def wordings_for(seminar_id: int | None, *templates: str) -> Wordings:
    """The seminar's own wordings of the mails of these templates, in every language (one query)."""
    if seminar_id is None:
        return {}
    keys = [kind.key for kind in kinds.KINDS if kind.template in templates and kind.editable]
    rows = await MailWording.filter(seminar_id=seminar_id, kind__in=keys) if keys else []
    return {(row.kind, row.locale): row for row in rows}


def render_own_wording(kind: kinds.MailKind, wording: MailWording | tuple[str, str], locale: str,
                       context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML parts of a mail in the seminar's own wording; LetterError if it cannot be filled.

    The wording is plain text: the text part is it, filled in; the HTML part is the same text, autoescaped,
    one paragraph per blank line.
    """
    subject, body = (wording.subject, wording.body) if isinstance(wording, MailWording) else wording
    with i18n.use_locale(locale):
        letter = render_letter(subject, body, kind.values(context), kind.names)
        html = templates.env.get_template("mail/own_wording.html").render(
            {**context, "letter_subject": letter.subject, "letter_body": letter.body}
        )
    return letter.subject, letter.body, html


def _render(template: str, locale: str, context: dict[str, Any], seminar_id: int | None,
            wordings: Wordings | None) -> tuple[str, str, str]:
    if seminar_id is not None and wordings:
        kind = kinds.kind_of(template, context)
        own = wordings.get((kind.key, locale)) if kind is not None and kind.editable else None
        if kind is not None and own is not None:
            try:
                return render_own_wording(kind, own, locale, context)
            except LetterError:
                pass  # checked when saved; should a placeholder have gone since, the site's wording is sent
    return render_mail(template, locale, context)


def compose_mail(
    *,
    template: str,
    to_address: str,
    to_name: str = "",
    locale: str = "",
    context: dict[str, Any] | None = None,
    seminar_id: int | None = None,
    domain: str = "seminar.local",
    batch_id: int | None = None,
    wordings: Wordings | None = None,
) -> OutboxMail:
    """The outbox row of one mail, rendered but not yet saved: `queue_mail` saves one, and many are
    saved at once with `OutboxMail.bulk_create`.

    `wordings` (from `wordings_for`) are the seminar's own: the one of this mail's kind in the
    recipient's language replaces the site's template.
    """
    locale = locale if locale in i18n.LOCALES else i18n.DEFAULT_LOCALE
    subject, text, html = _render(template, locale, {"recipient_name": to_name, **(context or {})}, seminar_id, wordings)
    return OutboxMail(
        seminar_id=seminar_id,
        batch_id=batch_id,
        template=template,
        locale=locale,
        to_address=to_address,
        to_name=to_name,
        subject=subject,
        body_text=text,
        body_html=html,
        message_id=f"<{secrets.token_hex(16)}@{domain}>",
        request_id=current_request_id(),
    )


async def queue_mail(
    *,
    template: str,
    to_address: str,
    to_name: str = "",
    locale: str = "",
    context: dict[str, Any] | None = None,
    seminar_id: int | None = None,
    domain: str = "seminar.local",
    batch_id: int | None = None,
    wordings: Wordings | None = None,
) -> OutboxMail:
    """Render the mail now (so what organizers preview is what is sent) and store it as pending.

    Mails queued together by one action share a `batch_id` (`new_batch`): the page the organizer
    returns to follows their sending. The seminar's own wording of the mail's kind, if it has one in
    the recipient's language, replaces the site's. An action queueing many mails of one template
    reads the wordings once (`wordings_for`) and passes them; otherwise each mail reads them.
    """
    if wordings is None:
        wordings = await wordings_for(seminar_id, template)
    row = compose_mail(
        template=template, to_address=to_address, to_name=to_name, locale=locale, context=context,
        seminar_id=seminar_id, domain=domain, batch_id=batch_id, wordings=wordings,
    )
    await row.save()
    return row


async def new_batch(seminar_id: int, kind: MailBatchKind) -> int:
    """A batch for the mails one action is about to queue; call it in the action's transaction."""
    return (await MailBatch.create(seminar_id=seminar_id, kind=kind)).id
