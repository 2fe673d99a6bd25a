from __future__ import annotations

import aiosmtplib
import pytest

from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.sender import build_message, describe_failure


def outbox_row(**fields: object) -> OutboxMail:
    values: dict[str, object] = {
        "to_address": "wangfang@example.org",
        "to_name": "王芳",
        "subject": "论文提交回执：关于“枫桥经验”的实践 (receipt)",
        "body_text": "王芳，您好：\n\n已收到。\n",
        "body_html": "<p>已收到。</p>",
        "message_id": "<abc123@seminar.example.org>",
        **fields,
    }
    return OutboxMail(**values)


def test_build_message_has_chinese_display_names_subject_and_both_parts() -> None:
    message = build_message(outbox_row(), Settings())

    assert message["To"].addresses[0].display_name == "王芳"
    assert message["To"].addresses[0].addr_spec == "wangfang@example.org"
    assert message["From"].addresses[0].display_name == "研讨班"
    assert message["Subject"] == "论文提交回执：关于“枫桥经验”的实践 (receipt)"
    assert message["Message-ID"] == "<abc123@seminar.example.org>"
    assert message["Date"] is not None
    assert message.get_body(("plain",)).get_content() == "王芳，您好：\n\n已收到。\n"
    assert message.get_body(("html",)).get_content() == "<p>已收到。</p>\n"


def test_build_message_without_html_is_text_only() -> None:
    message = build_message(outbox_row(body_html=""), Settings())

    assert message.get_content_type() == "text/plain"


def test_build_message_refuses_a_malformed_address() -> None:
    with pytest.raises(ValueError):
        build_message(outbox_row(to_address="wangfang"), Settings())


@pytest.mark.parametrize(
    ("error", "text", "permanent"),
    [
        (aiosmtplib.SMTPDataError(451, "4.3.0 Try again later"), "451 4.3.0 Try again later", False),
        (aiosmtplib.SMTPDataError(554, "5.7.1 Rejected"), "554 5.7.1 Rejected", True),
        (
            aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "no such user", "x@example.org")]),
            "550 x@example.org: no such user",
            True,
        ),
        (aiosmtplib.SMTPConnectError("Error connecting to 127.0.0.1 on port 1"), "SMTPConnectError: Error connecting to 127.0.0.1 on port 1", False),
        (TimeoutError(), "no answer from the SMTP server within 60 s", False),
    ],
)
def test_describe_failure(error: Exception, text: str, permanent: bool) -> None:
    failure = describe_failure(error)

    assert (failure.error, failure.permanent) == (text, permanent)
