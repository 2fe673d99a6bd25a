"""Certificate pages: the organizers' page, a holder's downloads, and the public /verify/<编号>."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.certificates import actions, queries
from seminar.certificates.document import render_async, zip_of
from seminar.certificates.wording import GRADE_NAMES
from seminar.errors import UserError
from seminar.files import bytes_response
from seminar.i18n import _
from seminar.permissions import can_download_certificate, can_manage_certificates, require
from seminar.web import actor, flash, form, redirect, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.certificates.models import Certificate
    from seminar.seminars.models import Seminar

PDF = "application/pdf"


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


async def _managed_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_manage_certificates)


async def manage(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    return render(request, "certificates/manage.html", await queries.manage_page(seminar))


async def save_settings(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    data = await form(request)
    upload = data.get("seal")
    seal = await upload.read() if isinstance(upload, UploadFile) and upload.filename else None
    try:
        issued_on = dt.date.fromisoformat(str(data.get("issued_on"))) if data.get("issued_on") else None
    except ValueError:
        flash(request, _("Enter the date as YYYY-MM-DD."), "error")
        return redirect(request, "certificates:manage", slug=seminar.slug)
    try:
        await actions.save_settings(
            seminar, issuer=str(data.get("issuer", "")), issued_on=issued_on, seal=seal,
            remove_seal=data.get("remove_seal") == "y",
        )
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Certificate settings saved."))
    return redirect(request, "certificates:manage", slug=seminar.slug)


async def issue(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    count = await actions.issue_certificates(seminar, signed_in_user(request))
    flash(request, _("%(count)s certificates issued.", count=count))
    return redirect(request, "certificates:manage", slug=seminar.slug)


async def organization_award(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    data = await form(request)
    try:
        unit_id = int(str(data.get("unit", "")))
        certificate = await actions.issue_organization_award(seminar, unit_id, signed_in_user(request))
    except ValueError:
        flash(request, _("Choose a unit from the list."), "error")
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Certificate %(number)s issued.", number=certificate.number))
    return redirect(request, "certificates:manage", slug=seminar.slug)


async def revoke(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    certificate = await queries.certificate_or_404(seminar, request.path_params["certificate_id"])
    try:
        await actions.revoke(certificate, signed_in_user(request))
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Certificate %(number)s revoked.", number=certificate.number))
    return redirect(request, "certificates:manage", slug=seminar.slug)


async def bulk(request: Request) -> Response:
    """Every valid certificate of the seminar in one zip, typeset now in a child process."""
    seminar = await _managed_seminar(request)
    certificates = [c for c in await queries.certificates_of(seminar) if c.is_valid]
    pdfs = await render_async(await queries.specs_for(seminar, certificates, _base_url(request)))
    files = [(queries.file_name(c), pdf) for c, pdf in zip(certificates, pdfs, strict=True)]
    return bytes_response(request, zip_of(files), "application/zip", filename=f"{seminar.title}-证书.zip")


async def _downloadable(request: Request) -> tuple[Seminar, Certificate]:
    """The certificate if this person may have it: 404 otherwise, and for its holders once it is revoked."""
    seminar = await seminar_page(request)
    certificate = await queries.certificate_or_404(seminar, request.path_params["certificate_id"])
    who = actor(request)
    require(can_download_certificate(who, certificate), 404)
    require(certificate.is_valid or can_manage_certificates(who, seminar), 404)
    return seminar, certificate


async def download(request: Request) -> Response:
    seminar, certificate = await _downloadable(request)
    [pdf] = await render_async(await queries.specs_for(seminar, [certificate], _base_url(request)))
    return bytes_response(request, pdf, PDF, filename=queries.file_name(certificate))


async def mail(request: Request) -> Response:
    seminar, certificate = await _downloadable(request)
    url = str(request.url_for("certificates:download", slug=seminar.slug, certificate_id=certificate.id))
    await actions.mail_certificate(certificate, seminar, signed_in_user(request), url)
    flash(request, _("We have sent you an e-mail with the link to this certificate."))
    return redirect(request, "certificates:mine", slug=seminar.slug)


async def mine(request: Request) -> Response:
    seminar = await seminar_page(request)
    return render(request, "certificates/mine.html", {
        "seminar": seminar, "certificates": await queries.my_certificates(actor(request), seminar),
        "grade_names": GRADE_NAMES,
    })


async def verify(request: Request) -> Response:
    """Public: confirms a certificate (holder, award, seminar, date) and nothing else; 404 for unknown or revoked numbers."""
    certificate = await queries.verified(request.path_params["number"])
    if certificate is None or not certificate.is_valid:
        return render(request, "certificates/verify.html",
                      {"certificate": None, "revoked": certificate is not None}, status_code=404)
    settings = await queries.settings_of(certificate.seminar)
    return render(request, "certificates/verify.html", {
        "certificate": certificate, "seminar": certificate.seminar, "issuer": settings.issuer,
        "issued_on": settings.issued_on or certificate.seminar.ends_on, "grade_names": GRADE_NAMES,
    })


routes: list[BaseRoute] = [
    Route("/verify/{number}", verify, name="certificates:verify"),
    Route("/{slug}/certificates", mine, name="certificates:mine"),
    Route("/{slug}/certificates/{certificate_id:int}.pdf", download, name="certificates:download"),
    Route("/{slug}/certificates/{certificate_id:int}/mail", mail, methods=["POST"], name="certificates:mail"),
    Route("/{slug}/manage/certificates", manage, name="certificates:manage"),
    Route("/{slug}/manage/certificates/settings", save_settings, methods=["POST"], name="certificates:settings"),
    Route("/{slug}/manage/certificates/issue", issue, methods=["POST"], name="certificates:issue"),
    Route("/{slug}/manage/certificates/organization", organization_award, methods=["POST"],
          name="certificates:organization"),
    Route("/{slug}/manage/certificates/{certificate_id:int}/revoke", revoke, methods=["POST"],
          name="certificates:revoke"),
    Route("/{slug}/manage/certificates.zip", bulk, name="certificates:zip"),
]
