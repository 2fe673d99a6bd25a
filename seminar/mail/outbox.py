"""Writing mail to the outbox. Call `queue_mail` inside the transaction of the change that causes it."""

from __future__ import annotations

import secrets
from typing import Any

from jinja2 import TemplateNotFound

from seminar import i18n
from seminar.mail.batches import MailBatchKind
from seminar.mail.models import MailBatch, OutboxMail
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
) -> OutboxMail:
    """The outbox row of one mail, rendered but not yet saved: `queue_mail` saves one, and many are
    saved at once with `OutboxMail.bulk_create`."""
    locale = locale if locale in i18n.LOCALES else i18n.DEFAULT_LOCALE
    subject, text, html = render_mail(template, locale, {"recipient_name": to_name, **(context or {})})
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
) -> OutboxMail:
    """Render the mail now (so what organizers preview is what is sent) and store it as pending.

    Mails queued together by one action share a `batch_id` (`new_batch`): the page the organizer
    returns to follows their sending.
    """
    row = compose_mail(
        template=template, to_address=to_address, to_name=to_name, locale=locale, context=context,
        seminar_id=seminar_id, domain=domain, batch_id=batch_id,
    )
    await row.save()
    return row


async def new_batch(seminar_id: int, kind: MailBatchKind) -> int:
    """A batch for the mails one action is about to queue; call it in the action's transaction."""
    return (await MailBatch.create(seminar_id=seminar_id, kind=kind)).id
