"""The organizers' pages for running reviewing: the review form, reviewer profiles, the assignment matrix and
the solver's proposal, and one paper's reviews and conflicts (set, lift; by unit: lift, re-impose).

Everything here is for the seminar's organizers: other signed-in people get 403 (the seminar is public).
What follows the reviews (progress, ranking, decisions, decision mails, export) is in `decision_routes`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.queries import latest_batch
from seminar.permissions import can_manage_reviews
from seminar.reviews import actions, overview, queries
from seminar.reviews.affinity import BID_WEIGHTS
from seminar.reviews.access import form_status, mail_links
from seminar.reviews.forms import (
    EXTRA_CRITERION_ROWS,
    ConflictForm,
    LiftConflictForm,
    LoadSettingsForm,
    ProfileForm,
    ReviewFormSettingsForm,
    UnitConflictForm,
)
from seminar.reviews.proposals import (
    DEFAULT_SEED,
    ProposalRefused,
    proposal_token,
    propose_assignments,
    proposed_pairs,
)
from seminar.seminars.queries import topics_of
from seminar.text import whole_number
from seminar.web import flash, form, redirect, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.reviews.models import Criterion, ReviewerProfile, ReviewSettings
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


def _criterion_rows(page_form: ReviewFormSettingsForm) -> list[actions.CriterionRow]:
    return [
        actions.CriterionRow(
            id=whole_number(entry.form.id.data),
            name=entry.form.name.data or "",
            description=entry.form.description.data or "",
            max_points=entry.form.max_points.data,
        )
        for entry in page_form.criteria
    ]


def _review_form_data(criteria: list[Criterion], settings: ReviewSettings) -> dict[str, Any]:
    return {
        "criteria": [
            {"id": str(c.id), "name": c.name, "description": c.description, "max_points": c.max_points} for c in criteria
        ] + [{} for _row in range(EXTRA_CRITERION_ROWS)],
        "reviews_visible_after_own": settings.reviews_visible_after_own,
        "authors_see_comments": settings.authors_see_comments,
        "disagreement_points": settings.disagreement_points,
    }


async def review_form_page(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    criteria = await actions.ensure_criteria(seminar)
    settings = await queries.settings_of(seminar)
    if request.method == "POST":
        page_form = await bind(ReviewFormSettingsForm, request)
        if page_form.validate():
            try:
                await actions.save_review_form(
                    seminar, _criterion_rows(page_form), bool(page_form.reviews_visible_after_own.data),
                    bool(page_form.authors_see_comments.data), page_form.disagreement_points.data,
                )
            except UserError as error:
                page_form.form_errors.append(error.message)
            else:
                flash(request, _("The review form is saved."))
                return redirect(request, "reviews:form", slug=seminar.slug)
    else:
        page_form = ReviewFormSettingsForm(data=_review_form_data(criteria, settings))
    return render(request, "reviews/review_form.html", {
        "seminar": seminar, "form": page_form, "total": sum(c.max_points for c in criteria),
    }, status_code=form_status(request))


async def reviewers(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    return render(request, "reviews/reviewers.html", {
        "seminar": seminar,
        "reviewers": await queries.reviewers_of(seminar),
        "profiles": await queries.profiles_of(seminar),
        "topics": {t.id: t for t in await topics_of(seminar)},
        "loads": await overview.reviewer_loads(seminar),
    })


def _profile_form_data(profile: ReviewerProfile | None) -> dict[str, Any]:
    return {
        "topics": profile.topic_ids if profile else [],
        "min_load": profile.min_load if profile else None,
        "max_load": profile.max_load if profile else None,
        "note": profile.note if profile else "",
        "keywords": profile.keywords if profile else "",
        "description": profile.description if profile else "",
    }


async def reviewer(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    person = await queries.reviewer_or_404(seminar, request.path_params["user_id"])
    profile = (await queries.profiles_of(seminar)).get(person.id)
    topics = await topics_of(seminar)
    is_post = request.method == "POST"
    profile_form = await bind(ProfileForm, request) if is_post else ProfileForm(data=_profile_form_data(profile))
    profile_form.topics.choices = [(t.id, t.title) for t in topics]
    if is_post and profile_form.validate():
        try:
            await actions.save_profile(seminar, person, profile_form.topics.data or [], profile_form.max_load.data,
                                       profile_form.note.data or "", min_load=profile_form.min_load.data,
                                       keywords=profile_form.keywords.data or "",
                                       description=profile_form.description.data or "")
        except UserError as error:
            profile_form.form_errors.append(error.message)
        else:
            flash(request, _("The profile of %(name)s is saved.", name=person.name))
            return redirect(request, "reviews:reviewers", slug=seminar.slug)
    return render(request, "reviews/reviewer.html", {
        "seminar": seminar, "person": person, "form": profile_form, "settings": await queries.settings_of(seminar),
    }, status_code=form_status(request))


async def assignments(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    return render(request, "reviews/assignments.html", {
        "seminar": seminar, **await overview.assignment_matrix(seminar),
        "mail_batch": await latest_batch(seminar, MailBatchKind.ASSIGNMENTS, request.app.state.settings.smtp_configured),
    })


async def _pair(request: Request, seminar: Seminar) -> tuple[Paper, User, bool]:
    data = await form(request)
    paper_id, reviewer_id = str(data.get("paper", "")), str(data.get("reviewer", ""))
    if not paper_id.isdigit() or not reviewer_id.isdigit():
        raise HTTPException(status_code=400)
    paper, person = await queries.pair_or_404(seminar, int(paper_id), int(reviewer_id))
    return paper, person, data.get("force") == "yes"


def _back(request: Request, seminar: Seminar, paper: Paper) -> Response:
    """Back where the button was: the paper's review page or the matrix."""
    if (request.scope.get("seminar.form") or {}).get("next") == "paper":
        return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)
    return redirect(request, "reviews:assignments", slug=seminar.slug)


async def assign(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    paper, person, force = await _pair(request, seminar)
    try:
        await actions.assign(seminar, paper, person, by=signed_in_user(request), links=mail_links(request, seminar), force=force)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("%(name)s now reviews paper #%(number)s. An e-mail is on its way.", name=person.name, number=paper.number))
    return _back(request, seminar, paper)


async def unassign(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    paper, person, _force = await _pair(request, seminar)
    found = await queries.assignment_or_404(paper, person)
    try:
        await actions.unassign(found)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("%(name)s no longer reviews paper #%(number)s.", name=person.name, number=paper.number))
    return _back(request, seminar, paper)


async def _apply_proposal(request: Request, seminar: Seminar) -> Response:
    """Exactly the previewed pairs, carried signed in the page."""
    pairs = proposed_pairs(request.app.state.settings.secret_key, seminar, str((await form(request)).get("proposal", "")))
    if pairs is None:
        flash(request, _("The proposal could not be read. Here is a new one."), "error")
        return redirect(request, "reviews:auto", slug=seminar.slug)
    try:
        count = await actions.apply_assignments(seminar, pairs, by=signed_in_user(request), links=mail_links(request, seminar))
    except UserError as error:
        flash(request, error.message, "error")
        return redirect(request, "reviews:auto", slug=seminar.slug)
    flash(request, _("%(count)s assignments made. The reviewers are told by e-mail.", count=count))
    return redirect(request, "reviews:assignments", slug=seminar.slug)


async def auto_assign(request: Request) -> Response:
    """Preview the solver's proposal, or why there is none (GET); apply exactly the previewed pairs (POST)."""
    seminar = await seminar_page(request, can_manage_reviews)
    if request.method == "POST":
        return await _apply_proposal(request, seminar)
    settings = await queries.settings_of(seminar)
    return await _auto_page(request, seminar, LoadSettingsForm(data={
        "min_load": settings.min_load, "max_load": settings.max_load,
        "topic_weight": settings.topic_weight, "text_weight": settings.text_weight,
    }))


async def _auto_page(request: Request, seminar: Seminar, loads_form: LoadSettingsForm) -> Response:
    seed_text = request.query_params.get("seed", "")
    context: dict[str, Any] = {"seminar": seminar, "loads_form": loads_form, "proposal": None, "refusal": None,
                               "settings": await queries.settings_of(seminar), "bid_weights": BID_WEIGHTS}
    try:
        proposal = await propose_assignments(seminar, int(seed_text) if seed_text.isdigit() else DEFAULT_SEED)
    except ProposalRefused as refused:
        context["refusal"] = refused.refusal
    else:
        context["proposal"] = proposal
        context["token"] = proposal_token(request.app.state.settings.secret_key, seminar, proposal)
    return render(request, "reviews/auto.html", context, status_code=form_status(request))


async def load_settings(request: Request) -> Response:
    """The seminar's bounds on each reviewer's papers, set on the automatic assignment page."""
    seminar = await seminar_page(request, can_manage_reviews)
    loads_form = await bind(LoadSettingsForm, request)
    if loads_form.validate():
        try:
            await actions.save_load_settings(seminar, loads_form.min_load.data or 0, loads_form.max_load.data,
                                             loads_form.topic_weight.data, loads_form.text_weight.data)
        except UserError as error:
            loads_form.form_errors.append(error.message)
        else:
            flash(request, _("The papers per reviewer are saved."))
            return redirect(request, "reviews:auto", slug=seminar.slug)
    return await _auto_page(request, seminar, loads_form)


async def _paper_page(request: Request, seminar: Seminar, paper: Paper, conflict_form: ConflictForm | None = None,
                      lift_errors: dict[int, str] | None = None, unit_errors: dict[int, str] | None = None) -> Response:
    """The paper's review page; after a refused change with the form or error to show, and 400."""
    people = await queries.reviewers_of(seminar)
    conflict_form = conflict_form or ConflictForm()
    conflict_form.reviewer.choices = [(u.id, u.name) for u in people]
    context = await overview.paper_page(seminar, paper, await actions.ensure_criteria(seminar), people)
    unit_rows = {u.id for u, _reason, _lift in context["unit_conflicts"]}
    return render(request, "reviews/paper.html", {
        **context,
        "unit_errors": unit_errors or {},
        # An error about a reviewer without a row in the table (no conflict by unit) is shown above it.
        "unit_other_errors": [m for rid, m in (unit_errors or {}).items() if rid not in unit_rows],
        "conflict_form": conflict_form,
        "lift_form": LiftConflictForm(),
        "lift_errors": lift_errors or {},
    }, status_code=400 if request.method == "POST" else 200)


async def paper_reviews(request: Request) -> Response:
    """One paper for organizers: its reviewers, conflicts (set and lift, with history) and submitted reviews."""
    seminar = await seminar_page(request, can_manage_reviews)
    return await _paper_page(request, seminar, await queries.get_paper_or_404(seminar, request.path_params["number"]))


async def set_conflict(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    paper = await queries.get_paper_or_404(seminar, request.path_params["number"])
    conflict_form = await bind(ConflictForm, request)
    conflict_form.reviewer.choices = [(u.id, u.name) for u in await queries.reviewers_of(seminar)]
    if conflict_form.validate():
        person = await queries.person(conflict_form.reviewer.data)
        try:
            await actions.set_conflict(seminar, paper, person, conflict_form.reason.data or "", by=signed_in_user(request))
        except UserError as error:
            conflict_form.form_errors.append(error.message)
        else:
            flash(request, _("Conflict of %(name)s with paper #%(number)s recorded.", name=person.name, number=paper.number))
            return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)
    return await _paper_page(request, seminar, paper, conflict_form)


async def lift_conflict(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    paper = await queries.get_paper_or_404(seminar, request.path_params["number"])
    conflict = await queries.conflict_or_404(paper, request.path_params["conflict_id"])
    lift_form = await bind(LiftConflictForm, request)
    if not lift_form.validate():
        return await _paper_page(request, seminar, paper, lift_errors={conflict.id: _("Give a reason for lifting the conflict.")})
    try:
        await actions.lift_conflict(conflict, lift_form.lift_reason.data or "", by=signed_in_user(request))
    except UserError as error:
        return await _paper_page(request, seminar, paper, lift_errors={conflict.id: error.message})
    flash(request, _("Conflict lifted."))
    return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)


async def _change_unit_conflict(
    request: Request,
    change: Callable[[Seminar, Paper, User, str, User], Awaitable[object]],
    done: str,
) -> Response:
    """Lift or re-impose one reviewer's conflict by unit with this paper, with its reason kept in the history."""
    seminar = await seminar_page(request, can_manage_reviews)
    paper = await queries.get_paper_or_404(seminar, request.path_params["number"])
    person = await queries.reviewer_or_404(seminar, request.path_params["user_id"])
    reason_form = await bind(UnitConflictForm, request)
    try:
        if not reason_form.validate():
            raise UserError(reason_form.first_error or _("Check the form."))
        await change(seminar, paper, person, reason_form.reason.data or "", signed_in_user(request))
    except UserError as error:
        return await _paper_page(request, seminar, paper, unit_errors={person.id: error.message})
    flash(request, done % {"name": person.name, "number": paper.number})
    return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)


async def lift_unit_conflict(request: Request) -> Response:
    return await _change_unit_conflict(
        request,
        lambda seminar, paper, person, reason, by: actions.lift_unit_conflict(seminar, paper, person, reason, by=by),
        _("The conflict by unit of %(name)s with paper #%(number)s is lifted."),
    )


async def reimpose_unit_conflict(request: Request) -> Response:
    """An assignment of the pair ends with the re-imposed conflict."""
    return await _change_unit_conflict(
        request,
        lambda _seminar, paper, person, reason, by: actions.reimpose_unit_conflict(paper, person, reason, by=by),
        _("The conflict by unit of %(name)s with paper #%(number)s is in force again."),
    )


routes: list[BaseRoute] = [
    Route("/{slug}/manage/review-form", review_form_page, methods=["GET", "POST"], name="reviews:form"),
    Route("/{slug}/manage/reviewers", reviewers, name="reviews:reviewers"),
    Route("/{slug}/manage/reviewers/{user_id:int}", reviewer, methods=["GET", "POST"], name="reviews:reviewer"),
    Route("/{slug}/manage/assignments", assignments, name="reviews:assignments"),
    Route("/{slug}/manage/assignments/assign", assign, methods=["POST"], name="reviews:assign"),
    Route("/{slug}/manage/assignments/remove", unassign, methods=["POST"], name="reviews:unassign"),
    Route("/{slug}/manage/assignments/auto", auto_assign, methods=["GET", "POST"], name="reviews:auto"),
    Route("/{slug}/manage/assignments/loads", load_settings, methods=["POST"], name="reviews:loads"),
    Route("/{slug}/manage/reviews/{number:int}", paper_reviews, name="reviews:paper"),
    Route("/{slug}/manage/reviews/{number:int}/conflicts", set_conflict, methods=["POST"], name="reviews:set_conflict"),
    Route("/{slug}/manage/reviews/{number:int}/conflicts/{conflict_id:int}/lift", lift_conflict, methods=["POST"],
          name="reviews:lift_conflict"),
    Route("/{slug}/manage/reviews/{number:int}/unit-conflicts/{user_id:int}/lift", lift_unit_conflict, methods=["POST"],
          name="reviews:lift_unit_conflict"),
    Route("/{slug}/manage/reviews/{number:int}/unit-conflicts/{user_id:int}/reimpose", reimpose_unit_conflict,
          methods=["POST"], name="reviews:reimpose_unit_conflict"),
]
