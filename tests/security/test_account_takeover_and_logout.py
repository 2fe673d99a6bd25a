"""Issue 11, items 5 and 7: what one organizer may do to an account others rely on, and what
logging out ends.

- An organizer of seminar B who invites a reviewer or city submitter of seminar A into B may
  not deactivate, unlock or turn off the two-step verification of their account: only a site
  administrator or an organizer of every seminar the person belongs to may. B's organizer may
  take away the person's roles in B, and the person goes on working in A, signed in.
- A copy of the session cookie taken before logout is refused afterwards (sent to log in),
  while the same person's session on another device stays signed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from starlette.applications import Starlette

from seminar.accounts.models import LoginFailure, LoginSession, Role, RoleName, User
from seminar.app import SESSION_COOKIE
from seminar.config import Settings
from seminar.seminars.models import Seminar
from tests.conftest import Client, flashes
from tests.factories import (
    grant,
    make_organizer,
    make_reviewer,
    make_seminar,
    make_submitter,
    make_two_factor,
    make_user,
)

A, B = "gd-2021", "gd-2022"
PEOPLE_B = f"/{B}/manage/people"
# Where each kind of person works in seminar A: the page their session there opens.
HOME_IN_A = {"reviewer": f"/{A}/reviews/", "submitter": f"/{A}/papers/"}
ACCOUNT_WIDE = ["deactivate", "unlock", "two-factor/reset"]


@pytest.fixture
async def browsers(app: Starlette) -> AsyncIterator[Callable[[], Client]]:
    """As many separate browsers (cookie jars) as a test needs, all on the same app."""
    opened: list[Client] = []

    def new() -> Client:
        browser = Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(browser)
        return browser

    yield new
    for browser in opened:
        await browser.aclose()


async def _person_of_a(kind: str, seminar_a: Seminar) -> User:
    if kind == "reviewer":
        return await make_reviewer(seminar_a, "reviewer@example.org")
    return await make_submitter(seminar_a, "广州市", "guangzhou@example.org")


async def _invited_into_b(organizer_b: Client, person: User) -> None:
    """Through B's own invitation form, as an organizer of B would."""
    response = await organizer_b.post_form(
        f"{PEOPLE_B}/invite", {"name": person.name, "email": person.email, "unit": "", "roles": ["attendee"]}
    )
    assert response.status_code == 303, response.text
    await organizer_b.get(response.headers["location"])  # where its confirmation is shown


async def _locked_out_with_two_factor(person: User) -> None:
    for _attempt in range(5):
        await LoginFailure.create(email=person.email, ip="192.0.2.7")
    await make_two_factor(person)


async def _assert_account_untouched(person: User, failures: int) -> None:
    await person.refresh_from_db()
    assert person.is_active
    assert person.two_factor_enabled
    assert await LoginFailure.filter(email=person.email).count() == failures


@pytest.fixture
async def seminars() -> tuple[Seminar, Seminar]:
    return await make_seminar(A), await make_seminar(B, title="第二届研讨班")


# --- item 5: account-wide actions ---------------------------------------------------------------


@pytest.mark.parametrize("action", ACCOUNT_WIDE)
@pytest.mark.parametrize("kind", ["reviewer", "submitter"])
async def test_an_organizer_of_b_cannot_act_on_the_account_of_someone_from_a_they_invited(
    browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar], kind: str, action: str
) -> None:
    seminar_a, seminar_b = seminars
    person = await _person_of_a(kind, seminar_a)
    in_a = browsers()
    await in_a.login(person.email)  # signed in before the second step was set up: the session goes on
    await _locked_out_with_two_factor(person)
    await make_organizer(seminar_b, "organizer-b@example.org")
    organizer_b = browsers()
    await organizer_b.login("organizer-b@example.org")
    await _invited_into_b(organizer_b, person)

    refused = await organizer_b.post_form(f"{PEOPLE_B}/{person.id}/{action}")
    page = await organizer_b.get(PEOPLE_B)

    assert refused.status_code == 403
    await _assert_account_untouched(person, failures=5)
    assert (await in_a.get(HOME_IN_A[kind])).status_code == 200  # still signed in, still working in A
    # B's people page offers only what B's organizer may do, and says why the rest is missing.
    assert f"/people/{person.id}/{action}" not in page.text
    assert f"/people/{person.id}/remove" in page.text
    assert "只有系统管理员才能停用或解锁该账号" in page.text


@pytest.mark.parametrize("kind", ["reviewer", "submitter"])
async def test_an_organizer_of_b_may_take_away_the_roles_in_b_and_the_person_carries_on_in_a(
    browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar], kind: str
) -> None:
    seminar_a, seminar_b = seminars
    person = await _person_of_a(kind, seminar_a)
    in_a = browsers()
    await in_a.login(person.email)
    await make_organizer(seminar_b, "organizer-b@example.org")
    organizer_b = browsers()
    await organizer_b.login("organizer-b@example.org")
    await _invited_into_b(organizer_b, person)
    assert (await in_a.get(f"/{B}/")).status_code == 200

    response = await organizer_b.post_form(f"{PEOPLE_B}/{person.id}/remove")
    page = await organizer_b.get(response.headers["location"])

    assert response.status_code == 303
    assert flashes(page) == [f"{person.name} 在本研讨班已不再担任参会人员。"]
    assert person.email not in page.text
    assert await Role.filter(user_id=person.id, seminar_id=seminar_b.id).count() == 0
    assert [role.name for role in await Role.filter(user_id=person.id)] == [RoleName(kind)]
    assert (await in_a.get(HOME_IN_A[kind])).status_code == 200
    # No longer in B: the organizer may not even reach them there now.
    again = await organizer_b.post_form(f"{PEOPLE_B}/{person.id}/remove")
    assert again.status_code == 404


async def test_an_organizer_cannot_remove_their_own_roles(browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar]) -> None:
    _seminar_a, seminar_b = seminars
    me = await make_organizer(seminar_b, "organizer-b@example.org")
    organizer_b = browsers()
    await organizer_b.login(me.email)

    response = await organizer_b.post_form(f"{PEOPLE_B}/{me.id}/remove")

    assert response.status_code == 403
    assert await Role.filter(user_id=me.id, seminar_id=seminar_b.id).count() == 1


@pytest.mark.parametrize("action", ACCOUNT_WIDE)
async def test_an_organizer_of_every_seminar_of_the_person_still_may(
    browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar], action: str
) -> None:
    seminar_a, seminar_b = seminars
    person = await _person_of_a("reviewer", seminar_a)
    await _locked_out_with_two_factor(person)
    organizer = await make_organizer(seminar_a, "organizer-ab@example.org")
    await grant(organizer, seminar_b, RoleName.ORGANIZER)
    browser = browsers()
    await browser.login(organizer.email)
    await _invited_into_b(browser, person)

    page = await browser.get(PEOPLE_B)
    response = await browser.post_form(f"{PEOPLE_B}/{person.id}/{action}")

    assert f"/people/{person.id}/{action}" in page.text
    assert "只有系统管理员" not in page.text
    assert response.status_code == 303
    await person.refresh_from_db()
    changed = {
        "deactivate": not person.is_active,
        "unlock": await LoginFailure.filter(email=person.email).count() == 0,
        "two-factor/reset": not person.two_factor_enabled,
    }
    assert changed[action]


@pytest.mark.parametrize("action", ACCOUNT_WIDE)
async def test_an_administrator_may(browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar], action: str) -> None:
    seminar_a, seminar_b = seminars
    person = await _person_of_a("submitter", seminar_a)
    await grant(person, seminar_b, RoleName.ATTENDEE)
    await _locked_out_with_two_factor(person)
    await make_user("admin@example.org", name="系统管理员", is_admin=True)
    admin = browsers()
    await admin.login("admin@example.org")

    response = await admin.post_form(f"{PEOPLE_B}/{person.id}/{action}")

    assert response.status_code == 303
    await person.refresh_from_db()
    changed = {
        "deactivate": not person.is_active,
        "unlock": await LoginFailure.filter(email=person.email).count() == 0,
        "two-factor/reset": not person.two_factor_enabled,
    }
    assert changed[action]


# --- item 7: logging out ends the session on the server ------------------------------------------


def _cookie(browser: Client) -> str:
    value = browser.cookies.get(SESSION_COOKIE)
    assert value, "signed in: the browser holds a session cookie"
    return value


async def _sent_with(browsers: Callable[[], Client], cookie: str, url: str) -> httpx.Response:
    """A request from another machine carrying nothing but the copied cookie."""
    return await browsers().get(url, headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})


async def test_a_copy_of_the_cookie_taken_before_logout_is_refused_after_it(
    browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar]
) -> None:
    seminar_a, _seminar_b = seminars
    person = await _person_of_a("submitter", seminar_a)
    laptop, phone = browsers(), browsers()
    await laptop.login(person.email)
    await phone.login(person.email)
    copied = _cookie(laptop)
    assert (await _sent_with(browsers, copied, "/profile")).status_code == 200  # the copy works until logout

    await laptop.logout()
    refused = await _sent_with(browsers, copied, HOME_IN_A["submitter"])

    assert refused.status_code == 303
    assert refused.headers["location"] == f"http://testserver/login?next=%2F{A}%2Fpapers%2F"
    assert (await _sent_with(browsers, copied, "/profile")).status_code == 303
    # Logging out on the laptop ended the laptop's session only: the phone is still signed in.
    assert (await phone.get(HOME_IN_A["submitter"])).status_code == 200
    assert person.name in (await phone.get("/profile")).text


async def test_changing_the_password_still_ends_the_other_sessions_and_keeps_this_one(
    browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar]
) -> None:
    seminar_a, _seminar_b = seminars
    person = await _person_of_a("reviewer", seminar_a)
    laptop, phone = browsers(), browsers()
    await laptop.login(person.email)
    await phone.login(person.email)

    response = await laptop.post_form(
        "/profile/password",
        {"current_password": "demo-password", "password": "a-long-passphrase-1", "confirm": "a-long-passphrase-1"},
    )

    assert response.status_code == 303
    assert (await laptop.get("/profile")).status_code == 200
    assert (await phone.get("/profile")).status_code == 303


async def test_sessions_past_their_longest_life_are_forgotten_at_the_next_login(
    browsers: Callable[[], Client], seminars: tuple[Seminar, Seminar], settings: Settings
) -> None:
    seminar_a, _seminar_b = seminars
    person = await _person_of_a("reviewer", seminar_a)
    earlier = browsers()
    await earlier.login(person.email)
    await LoginSession.filter(user_id=person.id).update(
        started_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=settings.session_max_seconds + 60)
    )

    await browsers().login(person.email)

    assert await LoginSession.filter(user_id=person.id).count() == 1
    assert (await earlier.get("/profile")).status_code == 303
