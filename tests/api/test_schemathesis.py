"""schemathesis against the API: no answer is a 500, and every answer matches the OpenAPI document.

The data is the route matrix's seminar, built like the demo's but in seconds (the demo itself takes
minutes to build): papers of several cities submitted, reviewed, conflicted and decided, a published
agenda and book, registrations waiting for approval. The cases are drawn by schemathesis from the
document the app serves (a few per endpoint, so this stays quick), then sent through the ASGI app on the test's own event loop — the database's
connections belong to it — each with the token of an organizer, city submitter, reviewer or
attendee, half of them with the seminar's real slug and paper numbers so the answers carry data.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from seminar.accounts.models import Role, RoleName, User
from seminar.config import Settings
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper
from tests.conftest import Client
from tests.factories import make_api_token
from tests.test_route_matrix import SLUG, build_world

EXAMPLES_PER_ENDPOINT = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _draw(strategy: Any, count: int) -> list[Case]:
    """`count` cases from a schemathesis strategy (no shrinking: each case is sent and checked apart)."""
    drawn: list[Case] = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case: Case) -> None:
        drawn.append(case)

    collect()
    return drawn


async def _tokens(seminar: Seminar) -> list[str]:
    """A token of one person per role."""
    tokens = []
    for role in (RoleName.ORGANIZER, RoleName.SUBMITTER, RoleName.REVIEWER, RoleName.ATTENDEE):
        holder = await Role.filter(seminar_id=seminar.id, name=role).order_by("id").first()
        assert holder is not None, role
        tokens.append(await make_api_token(await User.get(id=holder.user_id), seminar, name=f"schemathesis {role}"))
    return tokens


async def test_no_answer_is_a_server_error_or_breaks_the_schema(client: Client, settings: Settings) -> None:
    await build_world(settings)
    seminar = await Seminar.get(slug=SLUG)
    tokens = await _tokens(seminar)
    numbers = await Paper.filter(seminar_id=seminar.id).order_by("number").values_list("number", flat=True)
    document = (await client.get("/api/v1/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)

    failures: list[str] = []
    sent = 0
    statuses: set[int] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        for index, case in enumerate(_draw(operation.as_strategy(), EXAMPLES_PER_ENDPOINT)):
            if index % 2 == 0 and "slug" in (case.path_parameters or {}):
                case.path_parameters = {**case.path_parameters, "slug": seminar.slug}
                if "number" in case.path_parameters and numbers:
                    case.path_parameters["number"] = numbers[index % len(numbers)]
            token = tokens[index % len(tokens)]
            headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = await client.get(case.formatted_path, params=case.query or {}, headers=headers)
            sent += 1
            statuses.add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as error:  # noqa: BLE001  # every failing case is reported, not only the first
                failures.append(f"GET {case.formatted_path} {case.query} → {response.status_code}: {str(error)[:500]}")

    assert sent >= EXAMPLES_PER_ENDPOINT * len(document["paths"]) // 2
    assert {200, 403, 404} <= statuses, f"the cases reached data, refusals and absences: {statuses}"
    assert not failures, "\n".join(failures)
