"""The read API through HTTP: tokens made, listed and revoked on the account page; what a token reads, and what it does not."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from seminar.accounts.models import Role, RoleName
from seminar.api.models import ApiToken
from seminar.api.tokens import secret_hash
from seminar.audit.models import AuditEntry
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.actions import ensure_criteria
from seminar.seminars.models import Seminar
from tests.conftest import Client, flashes
from tests.factories import (
    grant,
    make_api_token,
    make_assignment,
    make_attendee,
    make_decision,
    make_organizer,
    make_paper,
    make_review,
    make_reviewer,
    make_seminar,
    make_submitter,
    make_user,
)

SLUG = "gd-2021"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def _seminar() -> Seminar:
    return await make_seminar(SLUG)


# ---------- the account page ----------


async def test_a_token_is_made_shown_once_stored_hashed_listed_and_revoked(client: Client) -> None:
    seminar = await _seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    page = await client.get("/profile/api-tokens")
    assert page.status_code == 200 and seminar.title in page.text
    made = await client.post_form("/profile/api-tokens", {"name": "省厅办公系统", "seminar": str(seminar.id), "expires_on": ""})

    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'id="new-token">(smn_[^<]+)<', made.text)
    assert secret, "the new token is shown"
    token = await ApiToken.get(user_id=organizer.id)
    assert token.token_hash == secret_hash(secret.group(1)) and secret.group(1) not in str(token.__dict__)
    listed = await client.get("/profile/api-tokens")
    assert secret.group(1) not in listed.text, "shown only once"
    assert "省厅办公系统" in listed.text and token.prefix in listed.text
    audit = await AuditEntry.filter(action="api:tokens").values_list("field_names", flat=True)
    assert audit == [["expires_on", "name", "seminar"]], "making a token is in the audit log, without the secret"

    assert (await client.get(f"/api/v1/seminars/{SLUG}", headers=bearer(secret.group(1)))).status_code == 200
    assert (await ApiToken.get(id=token.id)).last_used_at is not None

    revoked = await client.post_form(f"/profile/api-tokens/{token.id}/revoke", follow_redirects=True)
    assert any("省厅办公系统" in message for message in flashes(revoked))
    answer = await client.get(f"/api/v1/seminars/{SLUG}", headers=bearer(secret.group(1)))
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert await AuditEntry.filter(action="api:revoke_token").count() == 1


async def test_an_expiry_in_the_past_or_a_seminar_not_ones_own_is_refused_and_nothing_is_made(client: Client) -> None:
    seminar = await _seminar()
    other = await make_seminar("sz-2022", title="深圳研讨班")
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    past = await client.post_form("/profile/api-tokens", {"name": "x", "seminar": str(seminar.id), "expires_on": "2020-01-01"})
    foreign = await client.post_form("/profile/api-tokens", {"name": "x", "seminar": str(other.id), "expires_on": ""})

    assert past.status_code == 400 and foreign.status_code == 400
    assert await ApiToken.all().count() == 0
    assert other.title not in (await client.get("/profile/api-tokens")).text


async def test_the_header_and_profile_offer_tokens_to_reviewers_and_not_to_staff_who_could_read_nothing(client: Client) -> None:
    seminar = await _seminar()
    staff = await grant(await make_user(email="staff@example.org", name="周工"), seminar, RoleName.STAFF)
    reviewer = await make_reviewer(seminar, "reviewer@example.org")

    await client.login(staff.email)
    staff_profile = await client.get("/profile")
    staff_tokens_page = await client.get("/profile/api-tokens")
    await client.post_form("/logout")
    await client.login(reviewer.email)
    reviewer_profile = await client.get("/profile")

    assert staff_profile.status_code == 200 and "周工" in staff_profile.text
    assert "/profile/api-tokens" not in staff_profile.text and "API 令牌" not in staff_profile.text
    assert "签到工作人员不能通过 API 读取任何内容" in staff_tokens_page.text and "生成令牌" not in staff_tokens_page.text
    assert '/profile/api-tokens">API 令牌</a>' in reviewer_profile.text
    assert "管理 API 令牌" in reviewer_profile.text


async def test_someone_elses_token_cannot_be_revoked(client: Client) -> None:
    seminar = await _seminar()
    organizer = await make_organizer(seminar)
    submitter = await make_submitter(seminar, email="gz@example.org")
    await make_api_token(organizer, seminar)
    token = await ApiToken.get(user_id=organizer.id)
    await client.login(submitter.email)

    answer = await client.post_form(f"/profile/api-tokens/{token.id}/revoke")

    assert answer.status_code == 404
    assert (await ApiToken.get(id=token.id)).revoked_at is None


# ---------- authentication ----------


async def test_without_a_usable_token_the_api_answers_401_in_json(client: Client) -> None:
    seminar = await _seminar()
    organizer = await make_organizer(seminar)
    good = await make_api_token(organizer, seminar)
    revoked = await make_api_token(organizer, seminar, revoked_at=dt.datetime.now(dt.UTC))
    expired = await make_api_token(organizer, seminar, expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    url = f"/api/v1/seminars/{SLUG}/papers"

    cases = {
        "no header": {},
        "wrong scheme": {"Authorization": f"Token {good}"},
        "basic": {"Authorization": "Basic b3JnYW5pemVyOmRlbW8tcGFzc3dvcmQ="},
        "unknown": bearer("smn_not-a-token"),
        "revoked": bearer(revoked),
        "expired": bearer(expired),
    }
    for case, headers in cases.items():
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 401, case
        assert answer.headers["content-type"] == "application/json", case
        assert answer.json()["message"] and "Bearer" in answer.headers["www-authenticate"], case
    assert (await client.get(url, headers=bearer(good))).status_code == 200


async def test_a_signed_in_session_counts_for_nothing_on_the_api(client: Client) -> None:
    seminar = await _seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    answer = await client.get(f"/api/v1/seminars/{SLUG}")
    post = await client.post(f"/api/v1/seminars/{SLUG}", json={})

    assert answer.status_code == 401
    assert post.status_code == 405 and post.json()["error"] == "method_not_allowed"


async def test_a_token_of_one_seminar_reads_nothing_of_another(client: Client) -> None:
    seminar = await _seminar()
    other = await make_seminar("sz-2022", title="深圳研讨班")
    organizer = await make_organizer(seminar)
    await Role.create(user=organizer, seminar=other, name=RoleName.ORGANIZER)  # organizes both
    await make_paper(other, "深圳市", status="submitted")
    secret = await make_api_token(organizer, seminar)

    listed = await client.get("/api/v1/seminars", headers=bearer(secret))
    assert [s["slug"] for s in listed.json()["items"]] == [SLUG]
    for path in ("", "/topics", "/papers", "/papers/1", "/reviews", "/decisions", "/agenda", "/registrations"):
        answer = await client.get(f"/api/v1/seminars/sz-2022{path}", headers=bearer(secret))
        assert answer.status_code == 404, path
        assert answer.json()["error"] == "not_found"


async def test_a_token_stops_when_its_owner_loses_their_roles(client: Client) -> None:
    seminar = await _seminar()
    submitter = await make_submitter(seminar, email="gz@example.org")
    secret = await make_api_token(submitter, seminar)
    await Role.filter(user_id=submitter.id).delete()

    answer = await client.get(f"/api/v1/seminars/{SLUG}", headers=bearer(secret))

    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"


# ---------- what each person reads ----------


async def _world() -> dict[str, str]:
    seminar = await _seminar()
    await ensure_criteria(seminar)
    organizer = await make_organizer(seminar)
    submitter = await make_submitter(seminar, "广州市", "gz@example.org")
    reviewer = await make_reviewer(seminar, "reviewer@example.org", name="王芳")
    attendee = await make_attendee(seminar, "attendee@example.org")
    own = await make_paper(seminar, "广州市", "广州市的经验", status="submitted")
    other = await make_paper(seminar, "深圳市", "深圳市的做法", status="submitted")
    await make_review(own, reviewer, confidential_note="机密意见")
    await make_assignment(other, reviewer)
    await make_decision(own, "keynote", award="first", notified_at=dt.datetime.now(dt.UTC), notified_outcome="keynote",
                        notified_award="first")
    await make_decision(other, "discussion")  # not told yet
    visitor = await make_user(email="visitor@example.org", name="周敏")
    await Registration.create(seminar=seminar, user=visitor, name="周敏", email=visitor.email,
                              status=RegistrationStatus.PENDING, unit_text="省社科联")
    return {
        "organizer": await make_api_token(organizer, seminar),
        "submitter": await make_api_token(submitter, seminar),
        "reviewer": await make_api_token(reviewer, seminar),
        "attendee": await make_api_token(attendee, seminar),
    }


async def _get(client: httpx.AsyncClient, secret: str, path: str) -> httpx.Response:
    return await client.get(f"/api/v1/seminars/{SLUG}{path}", headers=bearer(secret))


async def test_papers_are_read_as_the_pages_show_them(client: Client) -> None:
    tokens = await _world()

    organizer = (await _get(client, tokens["organizer"], "/papers")).json()
    submitter = (await _get(client, tokens["submitter"], "/papers")).json()
    reviewer = (await _get(client, tokens["reviewer"], "/papers")).json()
    attendee = (await _get(client, tokens["attendee"], "/papers")).json()

    assert [(p["title"], p["city"]) for p in organizer["items"]] == [("广州市的经验", "广州市"), ("深圳市的做法", "深圳市")]
    assert organizer["items"][0]["authors"][0]["name"]
    assert [p["title"] for p in submitter["items"]] == ["广州市的经验"]
    assert [(p["title"], p["city"], p["authors"]) for p in reviewer["items"]] == [
        ("广州市的经验", None, None), ("深圳市的做法", None, None)
    ], "a reviewer reads the papers assigned to them, blind"
    assert attendee["items"] == [] and attendee["total"] == 0, "no book published: nothing for an attendee"
    assert (await _get(client, tokens["submitter"], "/papers/2")).status_code == 404
    assert (await _get(client, tokens["submitter"], "/papers/1")).json()["city"] == "广州市"
    assert "13800138000" not in str(organizer), "no phone numbers through the API"


async def test_reviews_are_counted_for_organizers_only_and_never_name_the_reviewer(client: Client) -> None:
    tokens = await _world()

    summary = await _get(client, tokens["organizer"], "/reviews")
    refused = [(await _get(client, tokens[who], "/reviews")).status_code for who in ("submitter", "reviewer", "attendee")]

    assert summary.status_code == 200
    first = summary.json()["items"][0]
    assert (first["paper_number"], first["reviews_submitted"], first["reviews_in_progress"], first["mean_total"]) == (1, 1, 0, 80.0)
    assert summary.json()["items"][1]["reviews_in_progress"] == 0 and summary.json()["items"][1]["mean_total"] is None
    assert "王芳" not in summary.text and "机密意见" not in summary.text and "选题紧扣专题" not in summary.text
    assert refused == [403, 403, 403]


async def test_decisions_for_organizers_and_the_released_ones_for_their_city(client: Client) -> None:
    tokens = await _world()

    organizer = (await _get(client, tokens["organizer"], "/decisions")).json()["items"]
    city = (await _get(client, tokens["submitter"], "/decisions")).json()["items"]

    assert [(d["paper_number"], d["outcome"]) for d in organizer] == [(1, "keynote"), (2, "discussion")]
    assert [(d["paper_number"], d["outcome"], d["award"]) for d in city] == [(1, "keynote", "first")]
    assert (await _get(client, tokens["reviewer"], "/decisions")).status_code == 403


async def test_registrations_are_the_organizers(client: Client) -> None:
    tokens = await _world()

    organizer = await _get(client, tokens["organizer"], "/registrations")

    assert {(r["name"], r["status"]) for r in organizer.json()["items"]} >= {("周敏", "pending")}
    for who in ("submitter", "reviewer", "attendee"):
        answer = await _get(client, tokens[who], "/registrations")
        assert answer.status_code == 403 and "visitor@example.org" not in answer.text


async def test_lists_are_paged_and_a_bad_page_is_a_400_in_json(client: Client) -> None:
    tokens = await _world()

    first = (await _get(client, tokens["organizer"], "/papers?per_page=1")).json()
    second = (await _get(client, tokens["organizer"], "/papers?per_page=1&page=2")).json()
    bad = await _get(client, tokens["organizer"], "/papers?per_page=1000")

    assert (first["total"], first["pages"], first["page"]) == (2, 2, 1)
    assert [p["number"] for p in first["items"] + second["items"]] == [1, 2]
    assert bad.status_code == 400 and "per_page" in bad.json()["message"]


async def test_the_agenda_is_the_published_one(client: Client) -> None:
    tokens = await _world()

    answer = (await _get(client, tokens["attendee"], "/agenda")).json()

    assert answer == {"published": False, "release": None, "published_at": None, "sessions": []}


async def test_the_openapi_document_describes_every_endpoint(client: Client) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) >= {"/api/v1/seminars", "/api/v1/seminars/{slug}/papers/{number}"}
    assert document["components"]["schemas"]["Paper"]["required"]
