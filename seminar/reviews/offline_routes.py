"""Offline review: a reviewer's review sheet (.xlsx) and forms (.docx) to fill in Excel, WPS or Word, and their upload.

The reviewer reaches it from "my reviews"; an organizer does the same for a reviewer from the reviewer's page
(an expert who reviews on paper, or sends the sheet by mail). Uploading saves the valid rows as drafts; rows that
would change a submitted review wait for a second, explicit confirmation (`replace`), which is refused for a
review changed since the upload.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.errors import UserError
from seminar.files import bytes_response
from seminar.i18n import _
from seminar.isolation import ChildFailed, LimitExceeded, run_limited_async
from seminar.permissions import can_review_offline, can_review_offline_for, can_write_review
from seminar.reviews import actions, queries, rules, sheets
from seminar.spreadsheets import XLSX_TYPE
from seminar.web import actor, flash, form, redirect, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.reviews.models import Assignment, Review
    from seminar.seminars.models import Seminar

REPLACE_SALT = "offline-review-replace"
# A confirmation waits this long for its yes; an upload is seldom confirmed the next day.
REPLACE_MAX_AGE = 24 * 3600


async def _own(request: Request) -> tuple[Seminar, User]:
    seminar = await seminar_page(request, can_review_offline, refused=404)
    return seminar, signed_in_user(request)


async def _on_behalf(request: Request) -> tuple[Seminar, User]:
    seminar = await seminar_page(request, can_review_offline_for)
    return seminar, await queries.reviewer_or_404(seminar, request.path_params["user_id"])


async def _target(request: Request) -> tuple[Seminar, User, bool]:
    """The seminar, whose sheet it is, and whether it is the asker's own."""
    if "user_id" in request.path_params:
        return (*await _on_behalf(request), False)
    return (*await _own(request), True)


def _urls(request: Request, seminar: Seminar, person: User, own: bool) -> dict[str, str]:
    if own:
        return {
            "page": str(request.url_for("reviews:offline", slug=seminar.slug)),
            "sheet": str(request.url_for("reviews:offline_sheet", slug=seminar.slug)),
            "replace": str(request.url_for("reviews:offline_replace", slug=seminar.slug)),
        }
    return {
        "page": str(request.url_for("reviews:offline_for", slug=seminar.slug, user_id=person.id)),
        "sheet": str(request.url_for("reviews:offline_sheet_for", slug=seminar.slug, user_id=person.id)),
        "replace": str(request.url_for("reviews:offline_replace_for", slug=seminar.slug, user_id=person.id)),
    }


def _form_url(request: Request, seminar: Seminar, person: User, own: bool, number: int) -> str:
    if own:
        return str(request.url_for("reviews:offline_form", slug=seminar.slug, number=number))
    return str(request.url_for("reviews:offline_form_for", slug=seminar.slug, user_id=person.id, number=number))


async def _current(request: Request, seminar: Seminar, person: User, own: bool) -> list[tuple[Assignment, Review | None]]:
    rows = await queries.offline_assignments(seminar, person)
    if own:  # the same papers "my reviews" lets its reviewer write
        rows = [(a, r) for a, r in rows if can_write_review(actor(request), a.paper)]
    return rows


def _owner(seminar: Seminar, person: User) -> sheets.SheetOwner:
    return sheets.SheetOwner(seminar.id, seminar.title, person.id, person.name)


def _sheet_paper(assignment: Assignment, review: Review | None) -> sheets.SheetPaper:
    paper = assignment.paper
    scores = {key: str(value) for key, value in review.scores.items()} | dict(review.typed_scores) if review else {}
    return sheets.SheetPaper(
        paper.id, paper.number, paper.title, paper.topic.title if paper.topic else "", scores,
        review.comment_to_authors if review else "", review.status.value if review else None,
        review.recommendation.value if review and review.recommendation else "", review.confidence if review else None,
        review.confidential_note if review else "",
    )


def _sign(request: Request, seminar: Seminar, person: User, replacements: list[actions.Replacement]) -> str:
    serializer = URLSafeTimedSerializer(request.app.state.settings.secret_key, salt=REPLACE_SALT)
    return serializer.dumps({"seminar": seminar.id, "reviewer": person.id, "items": [asdict(r) for r in replacements]})


def _signed(request: Request, seminar: Seminar, person: User, token: str) -> list[actions.Replacement] | None:
    serializer = URLSafeTimedSerializer(request.app.state.settings.secret_key, salt=REPLACE_SALT)
    try:
        payload = serializer.loads(token, max_age=REPLACE_MAX_AGE)
        if payload["seminar"] != seminar.id or payload["reviewer"] != person.id:
            return None
        return [actions.Replacement(**item) for item in payload["items"]]
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


async def _page(request: Request, seminar: Seminar, person: User, own: bool, status_code: int = 200,
                outcome: actions.UploadOutcome | None = None, refusal: str = "") -> Response:
    rows = await _current(request, seminar, person, own)
    return render(request, "reviews/offline.html", {
        "seminar": seminar, "person": person, "own": own, "urls": _urls(request, seminar, person, own),
        "paper_forms": [(a.paper, review, _form_url(request, seminar, person, own, a.paper.number)) for a, review in rows],
        "criteria": await actions.ensure_criteria(seminar),
        "is_open": rules.is_review_open(i18n.local_now(), seminar.review_deadline),
        "deadline": seminar.review_deadline,
        "outcome": outcome, "refusal": refusal, "max_mb": sheets.MAX_BYTES // (1024 * 1024),
        "token": _sign(request, seminar, person, outcome.replacements) if outcome and outcome.replacements else "",
    }, status_code=status_code)


async def _uploaded(request: Request) -> tuple[str, bytes]:
    upload = (await form(request)).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UserError(_("Choose the filled review sheet (.xlsx) or form (.docx) to upload."), field="file")
    data = await upload.read(sheets.MAX_BYTES + 1)
    if len(data) > sheets.MAX_BYTES:
        raise UserError(_("The file is larger than %(size)s MB.", size=sheets.MAX_BYTES // (1024 * 1024)), field="file")
    return upload.filename, data


async def _read(request: Request, seminar: Seminar, person: User, filename: str, data: bytes) -> sheets.ParsedUpload:
    """`sheets.read_review_upload` in a child process under the conversion limits."""
    specs = queries.criterion_specs(await actions.ensure_criteria(seminar))
    try:
        return await run_limited_async(sheets.read_review_upload, filename, data, specs, seminar.id, person.id,
                                       limits=request.app.state.settings.conversion_limits)
    except LimitExceeded:
        raise sheets.SheetError(_("Reading this file took too long or too much memory and was stopped. Upload the "
                                  "review sheet or form as downloaded, with only the scores and 点评 filled in.")) from None
    except ChildFailed:
        raise sheets.SheetError(_("The file is damaged and cannot be read. Open it in Excel, WPS or Word, save it "
                                  "again and upload it.")) from None


async def offline(request: Request) -> Response:
    """GET: the downloads and the upload form. POST: an upload, and what it did, row by row."""
    seminar, person, own = await _target(request)
    if request.method == "GET":
        return await _page(request, seminar, person, own)
    try:
        filename, data = await _uploaded(request)
        parsed = await _read(request, seminar, person, filename, data)
        outcome = await actions.apply_review_upload(seminar, person, parsed.rows, own)
    except UserError as error:
        return await _page(request, seminar, person, own, 400, refusal=error.message)
    changed = bool(outcome.saved or outcome.replacements)
    return await _page(request, seminar, person, own, 200 if changed or not outcome.problems else 400, outcome=outcome)


async def sheet(request: Request) -> Response:
    seminar, person, own = await _target(request)
    rows = await _current(request, seminar, person, own)
    specs = queries.criterion_specs(await actions.ensure_criteria(seminar))
    content = sheets.review_sheet_xlsx(_owner(seminar, person), specs, [_sheet_paper(a, r) for a, r in rows])
    return bytes_response(request, content, XLSX_TYPE, filename=f"评审表-{seminar.slug}-{person.name}.xlsx")


async def paper_form(request: Request) -> Response:
    seminar, person, own = await _target(request)
    found = next(((a, r) for a, r in await _current(request, seminar, person, own)
                  if a.paper.number == request.path_params["number"]), None)
    if found is None:
        raise HTTPException(status_code=404)
    criteria = await actions.ensure_criteria(seminar)
    specs = queries.criterion_specs(criteria)
    content = sheets.review_form_docx(_owner(seminar, person), specs, _sheet_paper(*found),
                                      {str(c.id): c.description for c in criteria})
    return bytes_response(request, content, sheets.DOCX_TYPE, filename=f"评审表-{found[0].paper.number}.docx")


async def replace(request: Request) -> Response:
    """The user's yes to replacing submitted reviews with the rows of an upload: those ticked, if unchanged since."""
    seminar, person, own = await _target(request)
    data = await form(request)
    replacements = _signed(request, seminar, person, str(data.get("token", "")))
    back = ("reviews:offline", {"slug": seminar.slug}) if own else ("reviews:offline_for", {"slug": seminar.slug, "user_id": person.id})
    if replacements is None:
        flash(request, _("This confirmation has expired or is not valid. Upload the file again."), "error")
        return redirect(request, back[0], **back[1])
    chosen = {value for value in data.getlist("paper") if isinstance(value, str)}
    picked = [r for r in replacements if str(r.paper_id) in chosen]
    if not picked:
        flash(request, _("No review was chosen: nothing is replaced."), "warning")
        return redirect(request, back[0], **back[1])
    try:
        replaced, problems = await actions.replace_submitted(seminar, person, picked)
    except UserError as error:
        flash(request, error.message, "error")
        return redirect(request, back[0], **back[1])
    if replaced:
        flash(request, _("Submitted reviews replaced: %(numbers)s.", numbers="、".join(f"#{n}" for n in replaced)))
    for problem in problems:
        flash(request, problem, "error")
    return redirect(request, back[0], **back[1])


routes: list[BaseRoute] = [
    Route("/{slug}/reviews/offline", offline, methods=["GET", "POST"], name="reviews:offline"),
    Route("/{slug}/reviews/offline/sheet.xlsx", sheet, name="reviews:offline_sheet"),
    Route("/{slug}/reviews/offline/replace", replace, methods=["POST"], name="reviews:offline_replace"),
    Route("/{slug}/reviews/{number:int}/form.docx", paper_form, name="reviews:offline_form"),
    Route("/{slug}/manage/reviewers/{user_id:int}/offline", offline, methods=["GET", "POST"], name="reviews:offline_for"),
    Route("/{slug}/manage/reviewers/{user_id:int}/offline/sheet.xlsx", sheet, name="reviews:offline_sheet_for"),
    Route("/{slug}/manage/reviewers/{user_id:int}/offline/replace", replace, methods=["POST"],
          name="reviews:offline_replace_for"),
    Route("/{slug}/manage/reviewers/{user_id:int}/offline/forms/{number:int}", paper_form, name="reviews:offline_form_for"),
]
