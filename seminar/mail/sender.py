"""Turning an outbox row into an RFC 5322 message and handing it to the SMTP server."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

import aiosmtplib
from email_validator import EmailNotValidError, validate_email

from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.schedule import is_permanent_code

# aiosmtplib's timeout is per command; this bounds one whole delivery (connect, TLS, login,
# envelope, data), so a hung server cannot hold a claimed batch past the stale-claim timeout.
SEND_TIMEOUT_SECONDS = 60.0
SMTP_TLS_MODES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SendFailure:
    """Why a delivery failed, as shown in the attempt log, and whether retrying can help."""

    error: str
    permanent: bool


def ascii_domain(address: str) -> str:
    """`address` with an internationalised domain in its IDNA form (user@例子.公司 →
    user@xn--fsqu00a.xn--55qx5d), as SMTP envelopes and headers carry it; ValueError if the
    domain cannot be written so. Addresses are stored with the readable domain."""
    local_part, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as error:
        raise ValueError(f"the domain of {address} cannot be written in IDNA: {error}") from error
    return f"{local_part}@{checked.ascii_domain}"


def _ascii_mailbox(mailbox: str) -> str | Address:
    """The MAIL_FROM setting ("Name <address>") with the address's domain in IDNA form."""
    name, address = email.utils.parseaddr(mailbox)
    if not address or ascii_domain(address) == address:
        return mailbox
    return Address(display_name=name, addr_spec=ascii_domain(address))


def build_message(mail: OutboxMail, settings: Settings) -> EmailMessage:
    """The message as sent: the stored Message-ID makes a repeated send recognisable as one mail.

    Raises ValueError (or an email.errors defect) when the stored address cannot be used.
    """
    message = EmailMessage()
    message["From"] = _ascii_mailbox(settings.mail_from)
    message["To"] = Address(display_name=mail.to_name, addr_spec=ascii_domain(mail.to_address))
    message["Subject"] = mail.subject
    message["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    return message


async def send_message(message: EmailMessage, settings: Settings) -> None:
    """Deliver one message to the configured SMTP server, or raise."""
    assert settings.smtp_tls in SMTP_TLS_MODES, f"SMTP_TLS must be one of {SMTP_TLS_MODES}"
    await asyncio.wait_for(
        aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=settings.smtp_password or None,
            use_tls=settings.smtp_tls == "tls",
            # "none" means none: no opportunistic upgrade behind the administrator's back.
            start_tls=settings.smtp_tls == "starttls",
        ),
        timeout=SEND_TIMEOUT_SECONDS,
    )


def describe_failure(error: Exception) -> SendFailure:
    """A one-line reason for the attempt log; 5xx replies and unusable addresses are permanent."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in error.recipients]
        text = "; ".join(f"{refused.code} {refused.recipient}: {refused.message}" for refused in error.recipients)
        return SendFailure(text, permanent=all(is_permanent_code(code) for code in codes))
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return SendFailure(f"{error.code} {error.message}", permanent=is_permanent_code(error.code))
    if isinstance(error, TimeoutError):
        return SendFailure(f"no answer from the SMTP server within {SEND_TIMEOUT_SECONDS:.0f} s", permanent=False)
    if isinstance(error, ValueError):  # includes email.errors.HeaderDefect: a malformed address
        return SendFailure(f"{type(error).__name__}: {error}", permanent=True)
    return SendFailure(f"{type(error).__name__}: {error}", permanent=False)
