"""Issuing and revoking certificates, and a seminar's signing details (全称, date, seal)."""

from __future__ import annotations

import datetime as dt
import io

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from seminar.accounts.models import Unit, User
from seminar.blobs import store_blob
from seminar.certificates.models import Certificate, CertificateKind, CertificateSettings
from seminar.certificates.wording import ORGANIZATION, authors_line, certificate_number
from seminar.checkin.models import CheckIn
from seminar.db import column
from seminar.errors import UserError
from seminar.i18n import _
from seminar.mail.outbox import queue_mail
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.models import Decision, Outcome
from seminar.seminars.models import Seminar
from seminar.submissions.models import Author, PaperStatus

MAX_SEAL_BYTES = 2 * 2**20
MAX_SEAL_PIXELS = 3000


def checked_seal(data: bytes) -> bytes:
    """The uploaded seal if it is a PNG that Pillow reads and of a sensible size; else UserError."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise UserError(_("The seal must be a PNG image."), field="seal")
    if len(data) > MAX_SEAL_BYTES:
        raise UserError(_("The seal image is larger than 2 MB."), field="seal")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if max(width, height) > MAX_SEAL_PIXELS:
                raise UserError(_("The seal image is larger than 3000 pixels."), field="seal")
            image.load()  # decodes every pixel: a truncated or corrupt file fails here, not in the PDF
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise UserError(_("The seal must be a PNG image."), field="seal") from error
    return data


async def save_settings(seminar: Seminar, *, issuer: str, issued_on: dt.date | None, seal: bytes | None,
                        remove_seal: bool = False) -> CertificateSettings:
    """Store the issuer's 全称, the printed date and (if given) a new seal; `remove_seal` drops the seal."""
    if seal is not None:
        seal = checked_seal(seal)
    async with in_transaction() as connection:
        settings, _created = await CertificateSettings.get_or_create(seminar_id=seminar.id, using_db=connection)
        settings.issuer = issuer.strip()
        settings.issued_on = issued_on
        if seal is not None:
            settings.seal_sha256 = await store_blob(seal, connection)
        elif remove_seal:
            settings.seal_sha256 = None
        await settings.save(using_db=connection)
    return settings


async def _next_serial(seminar: Seminar, connection: BaseDBAsyncClient) -> int:
    last = await Certificate.filter(seminar_id=seminar.id).using_db(connection).order_by("-serial").first()
    return (last.serial if last else 0) + 1


async def issue_certificates(seminar: Seminar, by: User | None) -> int:
    """A certificate for every awarded paper and every approved attendee who has no valid one yet; how many were issued.

    Once anyone has checked in (签到) for the seminar, a 参会证明 goes only to the approved attendees who
    checked in, for any day or session: it certifies attendance, and the check-ins are the record of it.
    Run again after later decisions, approvals or check-ins: those already holding one are skipped, so
    numbers never change. A paper withdrawn or declined since its award gets none.
    """
    async with in_transaction() as connection:
        covered = await Certificate.filter(seminar_id=seminar.id, revoked_at=None).using_db(connection)
        papers_done = {c.paper_id for c in covered if c.kind == CertificateKind.AWARD}
        people_done = {c.registration_id for c in covered if c.kind == CertificateKind.ATTENDANCE}
        decisions = (
            await Decision.filter(seminar_id=seminar.id, award__not_isnull=True)
            .exclude(outcome=Outcome.DECLINE)
            .exclude(paper__status=PaperStatus.WITHDRAWN)
            .using_db(connection)
            .select_related("paper")
            .order_by("paper__number")
        )
        paper_ids = [decision.paper_id for decision in decisions]
        cities = {u.id: u.name for u in await Unit.filter(papers__id__in=paper_ids).using_db(connection)}
        authors: dict[int, list[str]] = {}
        for author in await Author.filter(paper_id__in=paper_ids).using_db(connection).order_by("position", "id"):
            authors.setdefault(author.paper_id, []).append(author.name)
        registrations = (
            await Registration.filter(seminar_id=seminar.id, status=RegistrationStatus.APPROVED)
            .using_db(connection)
            .select_related("unit")
            .order_by("created_at", "id")
        )
        checked_in = set(await column(CheckIn.filter(seminar_id=seminar.id).using_db(connection), "user_id"))
        if checked_in:
            registrations = [r for r in registrations if r.user_id in checked_in]
        serial = await _next_serial(seminar, connection)
        year = seminar.starts_on.year
        new: list[Certificate] = []
        for decision in decisions:
            paper = decision.paper
            if paper.id in papers_done or decision.award is None:
                continue
            new.append(Certificate(
                seminar_id=seminar.id, serial=serial, number=certificate_number(year, serial),
                kind=CertificateKind.AWARD, grade=decision.award.value, paper_id=paper.id, unit_id=paper.city_id,
                holder=authors_line(authors.get(paper.id, [])) or cities.get(paper.city_id, ""),
                title=paper.title, unit_name=cities.get(paper.city_id, ""), issued_by_id=by.id if by else None,
            ))
            serial += 1
        for registration in registrations:
            if registration.id in people_done:
                continue
            new.append(Certificate(
                seminar_id=seminar.id, serial=serial, number=certificate_number(year, serial),
                kind=CertificateKind.ATTENDANCE, registration_id=registration.id, user_id=registration.user_id,
                holder=registration.name,
                unit_name=registration.unit.name if registration.unit else registration.unit_text,
                issued_by_id=by.id if by else None,
            ))
            serial += 1
        if new:
            await Certificate.bulk_create(new, using_db=connection)
    return len(new)


async def issue_organization_award(seminar: Seminar, unit_id: int, by: User | None) -> Certificate:
    """优秀组织奖 for a unit (a city); a unit holds at most one valid one."""
    unit = await Unit.get_or_none(id=unit_id)
    if unit is None:
        raise UserError(_("Choose a unit from the list."), field="unit")
    async with in_transaction() as connection:
        if await Certificate.filter(
            seminar_id=seminar.id, kind=CertificateKind.ORGANIZATION, unit_id=unit.id, revoked_at=None
        ).using_db(connection).exists():
            raise UserError(_("%(unit)s already holds this award.", unit=unit.name), field="unit")
        serial = await _next_serial(seminar, connection)
        return await Certificate.create(
            seminar_id=seminar.id, serial=serial, number=certificate_number(seminar.starts_on.year, serial),
            kind=CertificateKind.ORGANIZATION, grade=ORGANIZATION, unit_id=unit.id, holder=unit.name,
            unit_name=unit.name, issued_by_id=by.id if by else None, using_db=connection,
        )


async def revoke(certificate: Certificate, by: User) -> None:
    """Its number no longer verifies and its holders no longer download it; issuing again gives a new number."""
    if certificate.revoked_at is not None:
        raise UserError(_("This certificate is already revoked."))
    certificate.revoked_at = dt.datetime.now(dt.UTC)
    certificate.revoked_by_id = by.id
    await certificate.save(update_fields=["revoked_at", "revoked_by_id"])


async def mail_certificate(certificate: Certificate, seminar: Seminar, user: User, download_url: str) -> None:
    """Mail the person who asks the address where the certificate is downloaded (mails carry no attachments)."""
    await queue_mail(
        template="certificates/certificate", to_address=user.email, to_name=user.name,
        locale=user.locale, seminar_id=seminar.id,
        context={"seminar": seminar, "certificate": certificate, "url": download_url, "name": user.name},
    )
