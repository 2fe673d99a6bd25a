"""The outbox: every mail is a row written in the same transaction as the change causing it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from seminar.mail.batches import MailBatchKind

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for a worker (or for SMTP to be configured)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; an organizer may retry
    DISCARDED = "discarded"


class MailBatch(Model):
    """Mails queued together by one action, so its page can say how many of them are sent."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="mail_batches", on_delete=fields.CASCADE
    )
    seminar_id: int
    kind = fields.CharEnumField(MailBatchKind, max_length=30)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mail_batch"
        ordering = ["-id"]


class OutboxMail(Model):
    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyNullableRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="mails", null=True, on_delete=fields.SET_NULL
    )
    seminar_id: int | None
    batch: fields.ForeignKeyNullableRelation[MailBatch] = fields.ForeignKeyField(
        "models.MailBatch", related_name="mails", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    batch_id: int | None
    template = fields.CharField(max_length=100)
    locale = fields.CharField(max_length=10)
    to_address = fields.CharField(max_length=254)
    to_name = fields.CharField(max_length=100, default="")
    subject = fields.CharField(max_length=300)
    body_text = fields.TextField()
    body_html = fields.TextField(default="")
    # Stable Message-ID: should a send be repeated after a crash, receivers see one message.
    message_id = fields.CharField(max_length=200, unique=True)
    status = fields.CharEnumField(MailStatus, max_length=20, default=MailStatus.PENDING, db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    claimed_by = fields.CharField(max_length=100, default="")
    claimed_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The request that queued the mail: the worker's lines about sending it carry the same id.
    request_id = fields.CharField(max_length=64, default="")

    class Meta:
        table = "outbox_mail"
        ordering = ["-id"]

    @property
    def is_sent(self) -> bool:
        return self.status == MailStatus.SENT


class MailAttempt(Model):
    """One try at sending: when, by which worker, and the SMTP error if it failed."""

    id = fields.IntField(primary_key=True)
    mail: fields.ForeignKeyRelation[OutboxMail] = fields.ForeignKeyField(
        "models.OutboxMail", related_name="attempt_log", on_delete=fields.CASCADE
    )
    mail_id: int
    at = fields.DatetimeField(auto_now_add=True)
    worker = fields.CharField(max_length=100, default="")
    error = fields.TextField(default="")

    class Meta:
        table = "mail_attempt"
        ordering = ["id"]


class MailWording(Model):
    """A seminar's own wording of one kind of mail (`seminar.mail.kinds`) in one language: it replaces
    the site's default for the mails of this seminar to readers of that language."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="mail_wordings", on_delete=fields.CASCADE
    )
    seminar_id: int
    kind = fields.CharField(max_length=60)
    locale = fields.CharField(max_length=10)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mail_wording"
        unique_together = (("seminar", "kind", "locale"),)
