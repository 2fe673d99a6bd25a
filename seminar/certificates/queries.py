"""Reading certificates: the organizers' page, a holder's own, a number to verify, and what a PDF prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from seminar.accounts.models import Role, RoleName, Unit, UnitKind, User
from seminar.accounts.units import people_order_of
from seminar.certificates.badges import CATEGORIES, BadgePerson, category_of
from seminar.certificates.checkin import checkin_code, checkin_token, checkin_url
from seminar.certificates.document import CertificateSpec
from seminar.certificates.models import Certificate, CertificateKind, CertificateSettings
from seminar.certificates.wording import (
    GRADE_NAMES, attendance_wording, award_wording, normalise_number, signature_date,
)
from seminar.permissions import Actor, can_download_certificate
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.models import Decision, Outcome
from seminar.seminars.models import Seminar
from seminar.submissions.models import Blob, PaperStatus


async def settings_of(seminar: Seminar) -> CertificateSettings:
    """The seminar's signing details; the issuer defaults to the organizing unit's 全称."""
    found = await CertificateSettings.get_or_none(seminar_id=seminar.id)
    if found is None:
        await seminar.fetch_related("organizer_unit")
        unit = seminar.organizer_unit
        found = CertificateSettings(seminar_id=seminar.id, issuer=(unit.full_name or unit.name) if unit else "")
    return found


async def certificates_of(seminar: Seminar) -> list[Certificate]:
    return await Certificate.filter(seminar_id=seminar.id).order_by("serial")


async def manage_page(seminar: Seminar) -> dict[str, Any]:
    certificates = await certificates_of(seminar)
    valid_papers = {c.paper_id for c in certificates if c.is_valid and c.kind == CertificateKind.AWARD}
    awards: dict[int, str] = dict(await (
        Decision.filter(seminar_id=seminar.id, award__not_isnull=True)
        .exclude(outcome=Outcome.DECLINE)
        .exclude(paper__status=PaperStatus.WITHDRAWN)
        .values_list("paper_id", "award")
    ))
    return {
        "seminar": seminar,
        "certificates": certificates,
        "settings": await settings_of(seminar),
        "awarded_without": len(set(awards) - valid_papers),
        # A valid award certificate whose paper's award has changed (or gone) since it was issued.
        "outdated": {c.id for c in certificates if c.is_valid and c.kind == CertificateKind.AWARD
                     and awards.get(c.paper_id or 0) != c.grade},
        # 优秀组织奖 goes to the units that organize the submissions: cities and special zones.
        "units": await Unit.filter(kind__in=[UnitKind.CITY, UnitKind.SPECIAL_ZONE]).order_by("sort_order", "id"),
        "grade_names": GRADE_NAMES,
    }


async def certificate_or_404(seminar: Seminar, certificate_id: int) -> Certificate:
    found = await Certificate.get_or_none(id=certificate_id, seminar_id=seminar.id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


async def my_certificates(actor: Actor, seminar: Seminar) -> list[Certificate]:
    """The valid certificates this person may download: their city's, their unit's, their own 参会证明."""
    if actor.user is None:
        return []
    valid = await Certificate.filter(seminar_id=seminar.id, revoked_at=None).order_by("serial")
    # Organizers may download every certificate, but only those they hold are "theirs" here.
    return [
        c for c in valid
        if (c.user_id == actor.user.id if c.kind == CertificateKind.ATTENDANCE else actor.submits_for(seminar.id, c.unit_id))
        and can_download_certificate(actor, c)
    ]


async def verified(typed: str) -> Certificate | None:
    """The certificate with this number, with its seminar; None when there is none (revoked ones are returned)."""
    number = normalise_number(typed)
    if number is None:
        return None
    return await Certificate.get_or_none(number=number).select_related("seminar")


async def specs_for(seminar: Seminar, certificates: list[Certificate], base_url: str) -> list[CertificateSpec]:
    """What each PDF prints: the wording, the signing details and the verification address."""
    settings = await settings_of(seminar)
    seal = None
    if settings.seal_sha256:
        blob = await Blob.get_or_none(sha256=settings.seal_sha256)
        seal = bytes(blob.content) if blob else None
    issued_on = settings.issued_on or seminar.ends_on
    specs = []
    for certificate in certificates:
        if certificate.kind == CertificateKind.ATTENDANCE:
            wording = attendance_wording(
                certificate.holder, certificate.unit_name, seminar.title, seminar.starts_on, seminar.ends_on
            )
        else:
            wording = award_wording(certificate.holder, certificate.title, seminar.title, certificate.grade)
        specs.append(CertificateSpec(
            kind=certificate.kind.value, number=certificate.number, title=wording.title, body=wording.body,
            issuer=settings.issuer, date_text=signature_date(issued_on),
            verify_url=f"{base_url}/verify/{certificate.number}", seal_png=seal,
        ))
    return specs


def file_name(certificate: Certificate) -> str:
    kind = "参会证明" if certificate.kind == CertificateKind.ATTENDANCE else "荣誉证书"
    return f"{kind}-{certificate.holder[:30]}-{certificate.number}.pdf"


@dataclass(frozen=True)
class SitePerson:
    """Someone on the seminar's list for the day: who gets a badge, a table card and a line of the 签到表."""

    user_id: int
    name: str
    unit: str
    unit_order: tuple[int, int]  # accounts.units.people_unit_order
    position: str
    category: str  # a key of badges.CATEGORIES


async def site_people(seminar: Seminar) -> list[SitePerson]:
    """Approved attendees (and attendees invited without registering), reviewers, staff and organizers, once each.

    Sorted by category (工作人员, 点评专家, 嘉宾, 代表), then by unit as lists of people order them
    (`people_unit_order`: 省直单位, cities, institutions), then by name.
    Attendees' names, units and 职务 are as they registered; the others' as in their account.
    """
    roles: dict[int, set[str]] = {}
    users: dict[int, User] = {}
    for role in await Role.filter(seminar_id=seminar.id).select_related("user"):
        roles.setdefault(role.user_id, set()).add(role.name.value)
        users[role.user_id] = role.user
    units = {unit.id: unit for unit in await Unit.filter(id__in={u.unit_id for u in users.values() if u.unit_id})}
    # name, unit name, unit order, position per person
    people: dict[int, tuple[str, str, tuple[int, int], str]] = {}
    registrations = await Registration.filter(
        seminar_id=seminar.id, status=RegistrationStatus.APPROVED
    ).select_related("unit")
    for registration in registrations:
        unit = registration.unit
        people[registration.user_id] = (
            registration.name, unit.name if unit else registration.unit_text, people_order_of(unit),
            registration.position,
        )
    on_site = {RoleName.ORGANIZER.value, RoleName.STAFF.value, RoleName.REVIEWER.value, RoleName.ATTENDEE.value}
    for user_id, held in roles.items():
        if user_id in people or not held & on_site:
            continue
        user = users[user_id]
        unit = units.get(user.unit_id or 0)
        people[user_id] = (user.name, unit.name if unit else "", people_order_of(unit), user.position)
    order = list(CATEGORIES)
    rows = []
    for user_id, (name, unit_name, unit_order, position) in people.items():
        category = category_of(roles.get(user_id, set()))
        rows.append(((order.index(category), unit_order, unit_name, name, user_id),
                     SitePerson(user_id, name, unit_name, unit_order, position, category)))
    return [person for _key, person in sorted(rows, key=lambda row: row[0])]


async def badge_people(seminar: Seminar, secret_key: str, base_url: str) -> list[BadgePerson]:
    """Everyone on `site_people`, in its order, with the address their badge's QR code opens and the code to type."""
    return [
        BadgePerson(person.name, person.unit, person.category,
                    checkin_url(base_url, seminar.slug, checkin_token(secret_key, seminar.id, person.user_id)),
                    checkin_code(secret_key, seminar.id, person.user_id))
        for person in await site_people(seminar)
    ]
