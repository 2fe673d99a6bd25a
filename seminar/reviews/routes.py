"""Review pages: a reviewer's bids and reviews under /{slug}/reviews/, the organizers' under /{slug}/manage/.

A reviewer sees a paper only while assigned to it and free of conflict: any other paper number
answers 404, as if it did not exist. People without the reviewer role get 404 on reviewer pages;
the organizer pages answer 403 to other signed-in people (the seminar itself is public).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts.models import User
from seminar.config import Settings
from seminar.errors import UserError
from seminar.files import content_disposition
from seminar.forms import bind
from seminar.i18n import _
from seminar.permissions import (
    can_bid,
    can_manage_reviews,
    can_review,
    can_see_reviews_of,
    require,
)
from seminar.reviews import actions, rules
from seminar.reviews.assign import AssignmentInfeasible
from seminar.reviews.forms import (
    EXTRA_CRITERION_ROWS,
    ConflictForm,
    DeclineForm,
    LiftConflictForm,
    ProfileForm,
    ReviewForm,
    ReviewFormSettingsForm,
    UnitConflictForm,
)
from seminar.reviews.models import Assignment, Bid, Conflict, Review, ReviewStatus, UnitConflictLift
from seminar.reviews.queries import (
    conflict_map,
    criterion_specs,
    get_paper_or_404,
    get_review_paper_or_404,
    profiles_of,
    propose_assignments,
    reviewable_papers,
    reviewers_of,
    settings_of,
)
from seminar.seminars.models import Seminar, Topic
from seminar.seminars.rules import countdown
from seminar.submissions.models import Author, Blob, Manuscript, Paper
from seminar.web import actor, flash, form, redirect, render, signed_in_user, seminar_page

PROPOSAL_SALT = "reviews-proposal"
DEFAULT_SEED = 2024


async def _reviewer_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_review, refused=404)


async def _managed_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_manage_reviews)


def _links(request: Request, seminar: Seminar) -> actions.MailLinks:
    settings: Settings = request.app.state.settings
    return actions.MailLinks(settings.base_url + request.url_for("reviews:mine", slug=seminar.slug).path)


def _status(request: Request) -> int:
    return 400 if request.method == "POST" else 200


# --- reviewers ---------------------------------------------------------------------------


async def mine(request: Request) -> Response:
    seminar = await _reviewer_seminar(request)
    current = actor(request)
    user = signed_in_user(request)
    assignments = await Assignment.filter(
        seminar_id=seminar.id, reviewer_id=user.id, declined_at__isnull=True, paper_id__in=list(current.assigned_paper_ids)
    ).select_related("paper").order_by("paper__number")
    visible = [a for a in assignments if not current.has_conflict(a.paper.id)]
    reviews = {r.assignment_id: r for r in await Review.filter(assignment_id__in=[a.id for a in visible])}  # type: ignore[attr-defined]
    statuses = [reviews[a.id].status.value if a.id in reviews else None for a in visible]
    now = i18n.local_now()
    return render(request, "reviews/mine.html", {
        "seminar": seminar,
        "rows": [(a, reviews.get(a.id)) for a in visible],
        "progress": rules.progress(statuses),
        "deadline": seminar.review_deadline,
        "is_open": rules.is_review_open(now, seminar.review_deadline),
        "countdown": countdown(seminar.review_deadline, now) if seminar.review_deadline else "",
    })


async def _bid_papers(seminar: Seminar, user: User) -> list[Paper]:
    """Submitted papers in the reviewer's topics (all topics if none chosen), without any paper they are conflicted with."""
    profile = (await profiles_of(seminar)).get(user.id)
    papers = reviewable_papers(seminar)
    if profile is not None and profile.topic_ids:
        papers = papers.filter(topic_id__in=profile.topic_ids)
    return await papers.select_related("topic", "city").order_by("topic__position", "number")


async def bids(request: Request) -> Response:
    seminar = await _reviewer_seminar(request)
    current = actor(request)
    require(can_bid(current, seminar), 404)
    user = signed_in_user(request)
    papers = await _bid_papers(seminar, user)
    declared = set(await Conflict.filter(
        seminar_id=seminar.id, reviewer_id=user.id, source="declared", lifted_at__isnull=True
    ).values_list("paper_id", flat=True))
    # A paper conflicted by unit or by an organizer is not shown at all; one's own declaration is, to take it back.
    papers = [p for p in papers if not current.has_conflict(p.id) or p.id in declared]
    if request.method == "POST":
        data = await form(request)
        choices = {p.id: str(data.get(f"paper-{p.id}", "")) for p in papers if data.get(f"paper-{p.id}")}
        count = await actions.save_bids(seminar, user, choices, {p.id for p in papers})
        flash(request, _("Your preferences for %(count)s papers are saved.", count=count))
        return redirect(request, "reviews:bids", slug=seminar.slug)
    chosen = dict(await Bid.filter(seminar_id=seminar.id, reviewer_id=user.id).values_list("paper_id", "preference"))
    chosen.update({paper_id: actions.DECLARE_CONFLICT for paper_id in declared})
    return render(request, "reviews/bids.html", {
        "seminar": seminar,
        "papers": papers,
        "chosen": {k: str(v) for k, v in chosen.items()},
        "show_identity": rules.shows_identity(seminar.blind_review, False),
        "choices": [
            ("want", _("Want to review (想审)")),
            ("willing", _("Willing (可以)")),
            ("unwilling", _("Rather not (不想审)")),
            (actions.DECLARE_CONFLICT, _("Conflict of interest (有利益冲突)")),
        ],
    })


async def _reviewer_paper(request: Request) -> tuple[Seminar, Paper, Assignment]:
    seminar = await _reviewer_seminar(request)
    paper = await get_review_paper_or_404(actor(request), seminar, request.path_params["number"])
    assignment = await Assignment.get(paper_id=paper.id, reviewer_id=signed_in_user(request).id)
    return seminar, paper, assignment


async def _review_context(
    request: Request, seminar: Seminar, paper: Paper, assignment: Assignment, review: Review | None
) -> dict[str, Any]:
    criteria = await actions.ensure_criteria(seminar)
    settings = await settings_of(seminar)
    own_submitted = review is not None and review.status is ReviewStatus.SUBMITTED
    others: list[Review] = []
    if can_see_reviews_of(actor(request), paper, own_submitted, settings.reviews_visible_after_own):
        others = await Review.filter(
            assignment__paper_id=paper.id, status=ReviewStatus.SUBMITTED, assignment__declined_at__isnull=True
        ).exclude(assignment_id=assignment.id).order_by("submitted_at", "id")
    show_identity = rules.shows_identity(seminar.blind_review, False)
    manuscript = await Manuscript.filter(paper_id=paper.id).order_by("-version").first()
    return {
        "seminar": seminar,
        "paper": paper,
        "assignment": assignment,
        "review": review,
        "criteria": criteria,
        "others": others,
        "others_hidden": not others and settings.reviews_visible_after_own and not own_submitted,
        "show_identity": show_identity,
        "authors": await Author.filter(paper_id=paper.id).order_by("position") if show_identity else [],
        "manuscript": manuscript,
        "is_open": rules.is_review_open(i18n.local_now(), seminar.review_deadline),
        "deadline": seminar.review_deadline,
    }


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


async def _read_review_post(request: Request, seminar: Seminar) -> tuple[ReviewForm, actions.ReviewInput, dict[str, str], dict[str, str]]:
    review_form = await bind(ReviewForm, request)
    data = await form(request)
    criteria = criterion_specs(await actions.ensure_criteria(seminar))
    typed = {c.key: str(data.get(f"score-{c.key}", "")) for c in criteria}
    scores, problems = rules.read_scores(typed, criteria)
    values = actions.ReviewInput(
        scores=scores,
        comment_to_authors=review_form.comment_to_authors.data or "",
        confidential_note=review_form.confidential_note.data or "",
        recommendation=review_form.recommendation.data or "",
        confidence=review_form.confidence_value,
    )
    return review_form, values, typed, problems


async def review_page(request: Request) -> Response:
    seminar, paper, assignment = await _reviewer_paper(request)
    review = await Review.get_or_none(assignment_id=assignment.id)
    if request.method == "GET":
        context = await _review_context(request, seminar, paper, assignment, review)
        typed = {k: str(v) for k, v in (review.scores if review else {}).items()}
        return render(request, "reviews/review.html", {
            **context, "form": ReviewForm(data=_review_form_data(review)), "typed": typed, "score_problems": {},
        })
    review_form, values, typed, problems = await _read_review_post(request, seminar)
    submit = (await form(request)).get("action") == "submit"
    status = 400
    if review_form.validate() and not problems:
        try:
            saved = await actions.save_review(seminar, assignment, values, review_form.opened_version, submit=submit)
        except actions.StaleReview as error:
            review_form.form_errors.append(error.message)
            status = 409
        except UserError as error:
            review_form.form_errors.append(error.message)
        else:
            if saved.status is ReviewStatus.SUBMITTED:
                flash(request, _("Your review of paper #%(number)s is submitted. You may change it until the deadline.", number=paper.number))
            else:
                flash(request, _("Draft saved."))
            return redirect(request, "reviews:review", slug=seminar.slug, number=paper.number)
    context = await _review_context(request, seminar, paper, assignment, review)
    return render(request, "reviews/review.html", {
        **context, "form": review_form, "typed": typed, "score_problems": problems,
    }, status_code=status)


async def autosave(request: Request) -> Response:
    """The page's script saves a draft here every half minute and when a field is left (JSON answer)."""
    seminar, paper, assignment = await _reviewer_paper(request)
    review_form, values, _typed, problems = await _read_review_post(request, seminar)
    if not review_form.validate() or problems:
        message = next(iter(problems.values()), None) or review_form.first_error or _("Check the form.")
        return JSONResponse({"error": message}, status_code=400)
    review = await Review.get_or_none(assignment_id=assignment.id)
    if review is not None and review.status is ReviewStatus.SUBMITTED:
        return JSONResponse({"error": _("This review is submitted: save changes with the button.")}, status_code=400)
    try:
        saved = await actions.save_review(seminar, assignment, values, review_form.opened_version, submit=False)
    except actions.StaleReview as error:
        return JSONResponse({"error": error.message}, status_code=409)
    except UserError as error:
        return JSONResponse({"error": error.message}, status_code=400)
    moment = saved.updated_at or dt.datetime.now(dt.UTC)
    return JSONResponse({
        "version": saved.version,
        "saved_at": moment.isoformat(),
        "message": _("Draft saved at %(time)s.", time=i18n.format_time(moment)),
    })


async def decline(request: Request) -> Response:
    seminar, paper, assignment = await _reviewer_paper(request)
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
                  status_code=_status(request))


async def manuscript(request: Request) -> Response:
    """The latest manuscript for its reviewer; in blind review under a neutral name (file names carry cities)."""
    seminar, paper, _assignment = await _reviewer_paper(request)
    latest = await Manuscript.filter(paper_id=paper.id).order_by("-version").first()
    if latest is None:
        raise HTTPException(status_code=404)
    blob = await Blob.get(sha256=latest.blob_id)  # type: ignore[attr-defined]
    extension = latest.original_filename.rsplit(".", 1)[-1] if "." in latest.original_filename else latest.kind.value
    name = latest.original_filename if rules.shows_identity(seminar.blind_review, False) else f"paper-{paper.number}.{extension}"
    return Response(bytes(blob.content), media_type=latest.content_type,
                    headers={"Content-Disposition": content_disposition(name)})


# --- organizers --------------------------------------------------------------------------


async def review_form_page(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    criteria = await actions.ensure_criteria(seminar)
    settings = await settings_of(seminar)
    if request.method == "POST":
        page_form = await bind(ReviewFormSettingsForm, request)
        if page_form.validate():
            rows = [
                actions.CriterionRow(
                    id=int(entry.form.id.data) if str(entry.form.id.data or "").isdigit() else None,
                    name=entry.form.name.data or "",
                    description=entry.form.description.data or "",
                    max_points=entry.form.max_points.data,
                )
                for entry in page_form.criteria
            ]
            try:
                await actions.save_review_form(
                    seminar, rows, bool(page_form.reviews_visible_after_own.data), bool(page_form.authors_see_comments.data),
                    page_form.disagreement_points.data,
                )
            except UserError as error:
                page_form.form_errors.append(error.message)
            else:
                flash(request, _("The review form is saved."))
                return redirect(request, "reviews:form", slug=seminar.slug)
    else:
        page_form = ReviewFormSettingsForm(data={
            "criteria": [
                {"id": str(c.id), "name": c.name, "description": c.description, "max_points": c.max_points} for c in criteria
            ] + [{} for _row in range(EXTRA_CRITERION_ROWS)],
            "reviews_visible_after_own": settings.reviews_visible_after_own,
            "authors_see_comments": settings.authors_see_comments,
            "disagreement_points": settings.disagreement_points,
        })
    return render(request, "reviews/review_form.html", {
        "seminar": seminar, "form": page_form, "total": sum(c.max_points for c in criteria),
    }, status_code=_status(request))


async def reviewers(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    people = await reviewers_of(seminar)
    profiles = await profiles_of(seminar)
    topics = {t.id: t for t in await Topic.filter(seminar_id=seminar.id)}
    loads: dict[int, int] = {}
    for reviewer_id in await Assignment.filter(seminar_id=seminar.id, declined_at__isnull=True).values_list("reviewer_id", flat=True):
        loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    return render(request, "reviews/reviewers.html", {
        "seminar": seminar, "reviewers": people, "profiles": profiles, "topics": topics, "loads": loads,
    })


async def reviewer(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    person = next((u for u in await reviewers_of(seminar) if u.id == request.path_params["user_id"]), None)
    if person is None:
        raise HTTPException(status_code=404)
    profile = (await profiles_of(seminar)).get(person.id)
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    if request.method == "POST":
        profile_form = await bind(ProfileForm, request)
    else:
        profile_form = ProfileForm(data={
            "topics": profile.topic_ids if profile else [],
            "max_load": profile.max_load if profile else None,
            "note": profile.note if profile else "",
        })
    profile_form.topics.choices = [(t.id, t.title) for t in topics]
    if request.method == "POST" and profile_form.validate():
        try:
            await actions.save_profile(seminar, person, profile_form.topics.data or [], profile_form.max_load.data,
                                       profile_form.note.data or "")
        except UserError as error:
            profile_form.form_errors.append(error.message)
        else:
            flash(request, _("The profile of %(name)s is saved.", name=person.name))
            return redirect(request, "reviews:reviewers", slug=seminar.slug)
    return render(request, "reviews/reviewer.html", {"seminar": seminar, "person": person, "form": profile_form},
                  status_code=_status(request))


async def assignments(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    papers = await reviewable_papers(seminar).select_related("topic", "city").order_by("number")
    people = await reviewers_of(seminar)
    conflicts = await conflict_map(seminar, people, papers)
    rows = await Assignment.filter(seminar_id=seminar.id).values_list("paper_id", "reviewer_id", "declined_at")
    assigned = {(p, r) for p, r, declined in rows if declined is None}
    declined = {(p, r) for p, r, declined_at in rows if declined_at is not None}
    bid_rows = await Bid.filter(seminar_id=seminar.id).values_list("paper_id", "reviewer_id", "preference")
    profiles = await profiles_of(seminar)
    return render(request, "reviews/assignments.html", {
        "seminar": seminar,
        "papers": papers,
        "reviewers": people,
        "conflicts": conflicts,
        "assigned": assigned,
        "declined": declined,
        "bids": {(p, r): str(pref) for p, r, pref in bid_rows},
        "loads": {u.id: sum(1 for _p, r in assigned if r == u.id) for u in people},
        "counts": {p.id: sum(1 for q, _r in assigned if q == p.id) for p in papers},
        "profiles": profiles,
    })


async def _pair(request: Request, seminar: Seminar) -> tuple[Paper, User, bool]:
    data = await form(request)
    paper_id, reviewer_id = str(data.get("paper", "")), str(data.get("reviewer", ""))
    if not paper_id.isdigit() or not reviewer_id.isdigit():
        raise HTTPException(status_code=400)
    paper = await Paper.get_or_none(id=int(paper_id), seminar_id=seminar.id)
    person = await User.get_or_none(id=int(reviewer_id))
    if paper is None or person is None:
        raise HTTPException(status_code=404)
    return paper, person, data.get("force") == "yes"


def _back(request: Request, seminar: Seminar, paper: Paper) -> Response:
    """Back where the button was: the paper's review page or the matrix."""
    if (request.scope.get("seminar.form") or {}).get("next") == "paper":
        return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)
    return redirect(request, "reviews:assignments", slug=seminar.slug)


async def assign(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    paper, person, force = await _pair(request, seminar)
    try:
        await actions.assign(seminar, paper, person, by=signed_in_user(request), links=_links(request, seminar), force=force)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("%(name)s now reviews paper #%(number)s. An e-mail is on its way.", name=person.name, number=paper.number))
    return _back(request, seminar, paper)


async def unassign(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    paper, person, _force = await _pair(request, seminar)
    found = await Assignment.get_or_none(paper_id=paper.id, reviewer_id=person.id)
    if found is None:
        raise HTTPException(status_code=404)
    try:
        await actions.unassign(found)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("%(name)s no longer reviews paper #%(number)s.", name=person.name, number=paper.number))
    return _back(request, seminar, paper)


def _serializer(request: Request) -> URLSafeSerializer:
    settings: Settings = request.app.state.settings
    return URLSafeSerializer(settings.secret_key, salt=PROPOSAL_SALT)


async def auto_assign(request: Request) -> Response:
    """Preview the solver's proposal (GET); apply exactly the previewed pairs, carried signed (POST)."""
    seminar = await _managed_seminar(request)
    if request.method == "POST":
        token = str((await form(request)).get("proposal", ""))
        try:
            payload = _serializer(request).loads(token)
            pairs = [(int(p), int(r)) for p, r in payload["pairs"]]
            if payload["seminar"] != seminar.id:
                raise BadSignature("another seminar")
        except (BadSignature, KeyError, TypeError, ValueError):
            flash(request, _("The proposal could not be read. Here is a new one."), "error")
            return redirect(request, "reviews:auto", slug=seminar.slug)
        try:
            count = await actions.apply_assignments(seminar, pairs, by=signed_in_user(request), links=_links(request, seminar))
        except UserError as error:
            flash(request, error.message, "error")
            return redirect(request, "reviews:auto", slug=seminar.slug)
        flash(request, _("%(count)s assignments made. The reviewers are told by e-mail.", count=count))
        return redirect(request, "reviews:assignments", slug=seminar.slug)
    seed_text = request.query_params.get("seed", "")
    seed = int(seed_text) if seed_text.isdigit() else DEFAULT_SEED
    try:
        proposal = await propose_assignments(seminar, seed)
    except AssignmentInfeasible as error:
        return render(request, "reviews/auto.html", {"seminar": seminar, "error": error.message, "proposal": None}, status_code=200)
    token = _serializer(request).dumps({"seminar": seminar.id, "pairs": proposal.pairs})
    return render(request, "reviews/auto.html", {"seminar": seminar, "proposal": proposal, "token": token, "error": None})


async def paper_reviews(request: Request) -> Response:
    """One paper for organizers: its reviewers, conflicts (set and lift, with history) and submitted reviews."""
    seminar = await _managed_seminar(request)
    paper = await get_paper_or_404(seminar, request.path_params["number"])
    return render(request, "reviews/paper.html", await _paper_context(seminar, paper, ConflictForm(), {}))


async def _paper_context(seminar: Seminar, paper: Paper, conflict_form: ConflictForm, lift_errors: dict[int, str],
                         unit_errors: dict[int, str] | None = None) -> dict[str, Any]:
    people = await reviewers_of(seminar)
    conflict_form.reviewer.choices = [(u.id, u.name) for u in people]
    conflicts = await conflict_map(seminar, people, [paper])
    assignments_ = await Assignment.filter(paper_id=paper.id).select_related("reviewer").order_by("created_at", "id")
    reviews = {r.assignment_id: r for r in await Review.filter(assignment_id__in=[a.id for a in assignments_])}  # type: ignore[attr-defined]
    history = await Conflict.filter(paper_id=paper.id).select_related("reviewer", "created_by", "lifted_by").order_by("created_at", "id")
    assigned_ids = {a.reviewer_id for a in assignments_ if a.declined_at is None}  # type: ignore[attr-defined]
    lifts = await UnitConflictLift.filter(paper_id=paper.id).select_related(
        "reviewer", "lifted_by", "reimposed_by").order_by("lifted_at", "id")
    in_force = {lift.reviewer_id: lift for lift in lifts if lift.reimposed_at is None}  # type: ignore[attr-defined]
    # Every reviewer whose unit is or belongs to the paper's city, with the lift in force if any.
    by_unit = [
        (u, _("The reviewer's unit %(unit)s is or belongs to the paper's city.", unit=u.unit.name), in_force.get(u.id))
        for u in people
        if u.unit is not None and rules.is_automatic_conflict(u.unit.id, u.unit.parent_id, paper.city_id)  # type: ignore[attr-defined]
    ]
    return {
        "seminar": seminar,
        "paper": paper,
        "assignments": assignments_,
        "reviews": reviews,
        "criteria": await actions.ensure_criteria(seminar),
        "history": history,
        "unit_conflicts": by_unit,
        "unit_lifts": lifts,
        "unit_errors": unit_errors or {},
        # An error about a reviewer without a row in the table (no conflict by unit) is shown above it.
        "unit_other_errors": [m for rid, m in (unit_errors or {}).items() if rid not in {u.id for u, _r, _l in by_unit}],
        "candidates": [u for u in people if u.id not in assigned_ids and (paper.id, u.id) not in conflicts],
        "conflict_form": conflict_form,
        "lift_form": LiftConflictForm(),
        "lift_errors": lift_errors,
    }


async def set_conflict(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    paper = await get_paper_or_404(seminar, request.path_params["number"])
    conflict_form = await bind(ConflictForm, request)
    conflict_form.reviewer.choices = [(u.id, u.name) for u in await reviewers_of(seminar)]
    if conflict_form.validate():
        person = await User.get(id=conflict_form.reviewer.data)
        try:
            await actions.set_conflict(seminar, paper, person, conflict_form.reason.data or "", by=signed_in_user(request))
        except UserError as error:
            conflict_form.form_errors.append(error.message)
        else:
            flash(request, _("Conflict of %(name)s with paper #%(number)s recorded.", name=person.name, number=paper.number))
            return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)
    return render(request, "reviews/paper.html", await _paper_context(seminar, paper, conflict_form, {}), status_code=400)


async def lift_conflict(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    paper = await get_paper_or_404(seminar, request.path_params["number"])
    conflict = await Conflict.get_or_none(id=request.path_params["conflict_id"], paper_id=paper.id)
    if conflict is None:
        raise HTTPException(status_code=404)
    lift_form = await bind(LiftConflictForm, request)
    message = None
    if lift_form.validate():
        try:
            await actions.lift_conflict(conflict, lift_form.lift_reason.data or "", by=signed_in_user(request))
        except UserError as error:
            message = error.message
        else:
            flash(request, _("Conflict lifted."))
            return redirect(request, "reviews:paper", slug=seminar.slug, number=paper.number)
    else:
        message = _("Give a reason for lifting the conflict.")
    return render(request, "reviews/paper.html", await _paper_context(seminar, paper, ConflictForm(), {conflict.id: message}),
                  status_code=400)


async def _unit_pair(request: Request) -> tuple[Seminar, Paper, User, UnitConflictForm]:
    seminar = await _managed_seminar(request)
    paper = await get_paper_or_404(seminar, request.path_params["number"])
    person = next((u for u in await reviewers_of(seminar) if u.id == request.path_params["user_id"]), None)
    if person is None:
        raise HTTPException(status_code=404)
    return seminar, paper, person, await bind(UnitConflictForm, request)


async def _change_unit_conflict(
    request: Request,
    change: Callable[[Seminar, Paper, User, str, User], Awaitable[None]],
    done: str,
) -> Response:
    """Lift or re-impose one reviewer's conflict by unit with this paper, with its reason kept in the history."""
    seminar, paper, person, reason_form = await _unit_pair(request)
    try:
        if not reason_form.validate():
            raise UserError(reason_form.first_error or _("Check the form."))
        await change(seminar, paper, person, reason_form.reason.data or "", signed_in_user(request))
    except UserError as error:
        context = await _paper_context(seminar, paper, ConflictForm(), {}, {person.id: error.message})
        return render(request, "reviews/paper.html", context, status_code=400)
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
    Route("/{slug}/reviews/", mine, name="reviews:mine"),
    Route("/{slug}/reviews/bids", bids, methods=["GET", "POST"], name="reviews:bids"),
    Route("/{slug}/reviews/{number:int}", review_page, methods=["GET", "POST"], name="reviews:review"),
    Route("/{slug}/reviews/{number:int}/autosave", autosave, methods=["POST"], name="reviews:autosave"),
    Route("/{slug}/reviews/{number:int}/decline", decline, methods=["GET", "POST"], name="reviews:decline"),
    Route("/{slug}/reviews/{number:int}/manuscript", manuscript, name="reviews:manuscript"),
    Route("/{slug}/manage/review-form", review_form_page, methods=["GET", "POST"], name="reviews:form"),
    Route("/{slug}/manage/reviewers", reviewers, name="reviews:reviewers"),
    Route("/{slug}/manage/reviewers/{user_id:int}", reviewer, methods=["GET", "POST"], name="reviews:reviewer"),
    Route("/{slug}/manage/assignments", assignments, name="reviews:assignments"),
    Route("/{slug}/manage/assignments/assign", assign, methods=["POST"], name="reviews:assign"),
    Route("/{slug}/manage/assignments/remove", unassign, methods=["POST"], name="reviews:unassign"),
    Route("/{slug}/manage/assignments/auto", auto_assign, methods=["GET", "POST"], name="reviews:auto"),
    Route("/{slug}/manage/reviews/{number:int}", paper_reviews, name="reviews:paper"),
    Route("/{slug}/manage/reviews/{number:int}/conflicts", set_conflict, methods=["POST"], name="reviews:set_conflict"),
    Route("/{slug}/manage/reviews/{number:int}/conflicts/{conflict_id:int}/lift", lift_conflict, methods=["POST"],
          name="reviews:lift_conflict"),
    Route("/{slug}/manage/reviews/{number:int}/unit-conflicts/{user_id:int}/lift", lift_unit_conflict, methods=["POST"],
          name="reviews:lift_unit_conflict"),
    Route("/{slug}/manage/reviews/{number:int}/unit-conflicts/{user_id:int}/reimpose", reimpose_unit_conflict,
          methods=["POST"], name="reviews:reimpose_unit_conflict"),
]
