"""A reviewer's pages under /{slug}/reviews/: the papers to review, bids, the review form, declining, the manuscript.

A reviewer sees a paper only while assigned to it and free of conflict: any other paper number
answers 404, as if it did not exist. People without the reviewer role get 404 on these pages.
The organizers' pages of reviewing are in `organizer_routes` (assignments, conflicts, the review
form) and `decision_routes` (progress, ranking, decisions and their mails).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.errors import UserError
from seminar.files import bytes_response
from seminar.forms import bind
from seminar.i18n import _
from seminar.permissions import can_bid, can_review, can_write_review
from seminar.reviews import actions, queries, rules
from seminar.reviews.access import form_status
from seminar.reviews.forms import DeclineForm, ExpertiseForm, ReviewForm, read_posted_review
from seminar.seminars.rules import countdown
from seminar.web import actor, flash, form, redirect, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.reviews.models import Assignment, Criterion, Review
    from seminar.seminars.models import Seminar


async def mine(request: Request) -> Response:
    seminar = await seminar_page(request, can_review, refused=404)
    rows = await queries.reviews_to_write(actor(request), seminar)
    now = i18n.local_now()
    # A withdrawn paper stays listed, marked so, for the reviewer to read their draft; it is no work to do.
    current = [row for row in rows if can_write_review(actor(request), row)]
    return render(request, "reviews/mine.html", {
        "seminar": seminar,
        "rows": rows,
        "progress": rules.progress([row.review_status for row in current]),
        "deadline": seminar.review_deadline,
        "is_open": rules.is_review_open(now, seminar.review_deadline),
        "countdown": countdown(seminar.review_deadline, now) if seminar.review_deadline else "",
    })


def _bid_choices() -> list[tuple[str, str]]:
    return [
        ("want", _("Want to review (想审)")),
        ("willing", _("Willing (可以)")),
        ("unwilling", _("Rather not (不想审)")),
        (actions.DECLARE_CONFLICT, _("Conflict of interest (有利益冲突)")),
    ]


async def bids(request: Request) -> Response:
    """Preferences on papers, and (a second form on the page, `part=expertise`) the reviewer's expertise in words."""
    seminar = await seminar_page(request, can_bid, refused=404)
    user = signed_in_user(request)
    declared = await queries.declared_conflicts(seminar, user)
    papers = await queries.papers_to_bid_on(actor(request), seminar, declared)
    profile = (await queries.profiles_of(seminar)).get(user.id)
    expertise_form = ExpertiseForm(data={"keywords": profile.keywords if profile else "",
                                         "description": profile.description if profile else ""})
    if request.method == "POST" and (await form(request)).get("part") == "expertise":
        expertise_form = await bind(ExpertiseForm, request)
        if expertise_form.validate():
            await actions.save_expertise(seminar, user, expertise_form.keywords.data or "",
                                         expertise_form.description.data or "")
            flash(request, _("Your expertise is saved."))
            return redirect(request, "reviews:bids", slug=seminar.slug)
    elif request.method == "POST":
        data = await form(request)
        choices = {p.id: str(data.get(f"paper-{p.id}", "")) for p in papers if data.get(f"paper-{p.id}")}
        count = await actions.save_bids(seminar, user, choices, {p.id for p in papers})
        flash(request, _("Your preferences for %(count)s papers are saved.", count=count))
        return redirect(request, "reviews:bids", slug=seminar.slug)
    chosen = {**await queries.bids_of(seminar, user), **{paper_id: actions.DECLARE_CONFLICT for paper_id in declared}}
    return render(request, "reviews/bids.html", {
        "seminar": seminar,
        "papers": papers,
        "chosen": chosen,
        "show_identity": rules.shows_identity(seminar.blind_review, False),
        "choices": _bid_choices(),
        "expertise_form": expertise_form,
    }, status_code=form_status(request))


async def _reviewer_paper(request: Request, page: bool = False) -> tuple[Seminar, queries.ReviewerPaper]:
    """The seminar, the paper in the path (404 unless the reviewer may review it), their assignment,
    review and the criteria; with `page`, what the review page shows besides (`review_paper_or_404`)."""
    seminar = await seminar_page(request, can_review, refused=404)
    return seminar, await queries.review_paper_or_404(actor(request), seminar, request.path_params["number"], page)


async def _criteria(seminar: Seminar, loaded: queries.ReviewerPaper) -> list[Criterion]:
    """The seminar's criteria as loaded with the paper, created from the defaults the first time."""
    return loaded.criteria or await actions.ensure_criteria(seminar)


def _review_form_data(review: Review | None) -> dict[str, Any]:
    if review is None:
        return {"version": "0"}
    return {
        "comment_to_authors": review.comment_to_authors,
        "confidential_note": review.confidential_note,
        "recommendation": review.recommendation.value if review.recommendation else "",
        "confidence": str(review.confidence) if review.confidence else "",
        "version": str(review.version),
    }


def _typed(scores: dict[str, int], typed_scores: dict[str, str]) -> dict[str, str]:
    """The score inputs as the page shows them: valid scores, and what was typed where no valid score is."""
    return {**{key: str(value) for key, value in scores.items()}, **typed_scores}


@dataclass(frozen=True)
class ReviewPost:
    """A posted review form: what it says, per criterion key what is wrong with its score (kept as typed),
    the seminar's criteria it was read with, and the bound form (None when the fields were read without one)."""

    values: actions.ReviewInput
    opened_version: int
    problems: dict[str, str]
    criteria: list[Criterion]
    form: ReviewForm | None


async def _read_review_post(request: Request, seminar: Seminar, loaded: queries.ReviewerPaper,
                            review_form: ReviewForm | None = None) -> ReviewPost:
    """The post as `review_form` (bound and validated) read it; without one (the autosave, which shows no
    field) read without binding a form, unless a field is refused: then `form` is the bound form, with its
    messages."""
    data = await form(request)
    posted = review_form.posted() if review_form is not None else read_posted_review(data)
    if posted is None:
        review_form = ReviewForm(formdata=data)
        review_form.validate()
        posted = review_form.posted()
    criteria = await _criteria(seminar, loaded)
    specs = queries.criterion_specs(criteria)
    typed = {c.key: str(data.get(f"score-{c.key}", "")) for c in specs}
    scores, problems = rules.read_scores(typed, specs)
    values = actions.ReviewInput(
        scores=scores,
        comment_to_authors=posted.comment_to_authors,
        confidential_note=posted.confidential_note,
        recommendation=posted.recommendation,
        confidence=posted.confidence,
        typed_scores={key: typed[key].strip() for key in problems},
    )
    return ReviewPost(values, posted.opened_version, problems, criteria, review_form)


def _marks(review_form: ReviewForm | None, problems: dict[str, str]) -> dict[str, str]:
    """What is wrong, by the id of the input it belongs to (the page's script marks each where it is)."""
    marks = {f"score-{key}": message for key, message in problems.items()}
    if review_form is not None:
        marks.update({field.id: str(field.errors[0]) for field in review_form if field.errors and field.name != "version"})
    return marks


async def _render_review(
    request: Request, seminar: Seminar, loaded: queries.ReviewerPaper, review: Review | None,
    review_form: ReviewForm, typed: dict[str, str], status_code: int = 200,
) -> Response:
    """The review page (`review`: the one just stored, if any, else as loaded); scores that are no valid
    score are marked in their row and left out of the total."""
    criteria = await _criteria(seminar, loaded)
    context = await queries.review_page(actor(request), seminar, replace(loaded, review=review), criteria)
    scores, problems = rules.read_scores(typed, queries.criterion_specs(criteria))
    return render(request, "reviews/review.html", {
        **context, "form": review_form, "typed": typed, "score_problems": problems, "valid_total": sum(scores.values()),
    }, status_code=status_code)


async def _keep_as_draft(seminar: Seminar, assignment: Assignment, values: actions.ReviewInput,
                         review_form: ReviewForm) -> Review | None:
    """After a refused submission: what was typed, stored as the draft (None when even that is not possible)."""
    try:
        kept = await actions.save_review(seminar, assignment, values, review_form.opened_version, submit=False)
    except UserError:
        return None
    review_form.version.data = str(kept.version)
    review_form.form_errors.append(_("What you typed is saved as a draft."))
    return kept


async def review_page(request: Request) -> Response:
    """GET: the form as stored. POST "save": the draft is stored with the scores as typed, valid or not, and
    invalid ones are marked; "submit" is refused until every field is valid (the draft is stored meanwhile).
    A text over its length limit is never stored: it is marked, and the page keeps it."""
    seminar, loaded = await _reviewer_paper(request, page=True)
    paper, assignment, review = loaded.paper, loaded.assignment, loaded.review
    if request.method == "GET":
        typed = _typed(review.scores, review.typed_scores) if review else {}
        return await _render_review(request, seminar, loaded, review, ReviewForm(data=_review_form_data(review)), typed)
    review_form = await bind(ReviewForm, request)
    review_form.validate()
    post = await _read_review_post(request, seminar, loaded, review_form)
    values, problems = post.values, post.problems
    submit = (await form(request)).get("action") == "submit"
    is_draft = review is None or not review.is_submitted
    too_long = bool(review_form.errors)  # before any message is added to the form's own errors
    typed = _typed(values.scores, values.typed_scores)
    if not can_write_review(actor(request), paper):  # withdrawn since the page was opened: what was typed is shown again
        review_form.form_errors.append(actions.withdrawn_message())
        return await _render_review(request, seminar, loaded, review, review_form, typed, 403)
    status = 400
    try:
        if too_long:
            raise UserError(_("Correct the marked fields."))
        saved = await actions.save_review(seminar, assignment, values, post.opened_version, submit=submit,
                                          criteria=post.criteria, read=review)
    except actions.StaleReview as error:
        review_form.form_errors.append(error.message)
        status = 409
    except UserError as error:
        review_form.form_errors.append(error.message)
        if submit and is_draft and not too_long:
            review = await _keep_as_draft(seminar, assignment, values, review_form) or review
    else:
        if saved.is_submitted:
            flash(request, _("Your review of paper #%(number)s is submitted. You may change it until the deadline.", number=paper.number))
        elif problems:
            flash(request, _("Draft saved. Correct the marked fields before you submit."), "warning")
        else:
            flash(request, _("Draft saved."))
        return redirect(request, "reviews:review", slug=seminar.slug, number=paper.number)
    return await _render_review(request, seminar, loaded, review, review_form, typed, status)


async def autosave(request: Request) -> Response:
    """The page's script saves a draft here every half minute and when a field is left (JSON answer).

    Scores are stored as typed, valid or not; `marks` says, by input id, what is still wrong. A text over
    its length limit is refused (400, with its mark) and nothing is stored.
    """
    seminar, loaded = await _reviewer_paper(request)
    paper, assignment, review = loaded.paper, loaded.assignment, loaded.review
    if not can_write_review(actor(request), paper):
        return JSONResponse({"error": actions.withdrawn_message()}, status_code=403)
    post = await _read_review_post(request, seminar, loaded)
    review_form, values = post.form, post.values
    marks = _marks(review_form, post.problems)
    if review_form is not None and review_form.errors:
        return JSONResponse({"error": _("Correct the marked fields."), "marks": marks}, status_code=400)
    if review is not None and review.is_submitted:
        return JSONResponse({"error": _("This review is submitted: save changes with the button.")}, status_code=400)
    try:
        saved = await actions.save_review(seminar, assignment, values, post.opened_version, submit=False,
                                          criteria=post.criteria, read=review)
    except actions.StaleReview as error:
        return JSONResponse({"error": error.message}, status_code=409)
    except UserError as error:
        return JSONResponse({"error": error.message}, status_code=400)
    moment = saved.updated_at  # set by every save
    message = _("Draft saved at %(time)s.", time=i18n.format_time(moment))
    if marks:
        message += " " + _("The marked fields are kept as typed; correct them before you submit.")
    return JSONResponse({"version": saved.version, "saved_at": moment.isoformat(), "message": message, "marks": marks})


async def decline(request: Request) -> Response:
    seminar, loaded = await _reviewer_paper(request)
    paper, assignment = loaded.paper, loaded.assignment
    decline_form = await bind(DeclineForm, request)
    if request.method == "POST" and decline_form.validate():
        try:
            await actions.decline_assignment(assignment, decline_form.reason.data or "")
        except UserError as error:
            decline_form.form_errors.append(error.message)
        else:
            flash(request, _("You declined paper #%(number)s. The organizers are told why.", number=paper.number))
            return redirect(request, "reviews:mine", slug=seminar.slug)
    return render(request, "reviews/decline.html", {"seminar": seminar, "paper": paper, "form": decline_form},
                  status_code=form_status(request))


async def manuscript(request: Request) -> Response:
    """The latest manuscript for its reviewer; in blind review under a neutral name (file names carry cities)."""
    seminar, loaded = await _reviewer_paper(request)
    paper = loaded.paper
    found = await queries.latest_manuscript(paper)
    if found is None:
        raise HTTPException(status_code=404)
    latest, content = found
    extension = latest.original_filename.rsplit(".", 1)[-1] if "." in latest.original_filename else latest.kind.value
    name = latest.original_filename if rules.shows_identity(seminar.blind_review, False) else f"paper-{paper.number}.{extension}"
    return bytes_response(request, content, latest.content_type, filename=name)


routes: list[BaseRoute] = [
    Route("/{slug}/reviews/", mine, name="reviews:mine"),
    Route("/{slug}/reviews/bids", bids, methods=["GET", "POST"], name="reviews:bids"),
    Route("/{slug}/reviews/{number:int}", review_page, methods=["GET", "POST"], name="reviews:review"),
    Route("/{slug}/reviews/{number:int}/autosave", autosave, methods=["POST"], name="reviews:autosave"),
    Route("/{slug}/reviews/{number:int}/decline", decline, methods=["GET", "POST"], name="reviews:decline"),
    Route("/{slug}/reviews/{number:int}/manuscript", manuscript, name="reviews:manuscript"),
]
