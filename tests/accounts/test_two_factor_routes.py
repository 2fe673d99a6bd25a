"""Two-step verification through the browser: setting it up, logging in with a code, recovery
codes, throttling, turning it off, an organizer's reset, and the site setting that requires it.

Codes are made the way the phone makes them, from the secret and the clock. A code for the current
step or the next one is accepted however the step boundary falls while a test runs (±1 step).
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from dataclasses import replace

import httpx
import pytest

from seminar.accounts import totp
from seminar.accounts.models import LoginFailure, RecoveryCode, RoleName, User
from seminar.app import create_app
from seminar.audit.models import AuditEntry
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.seminars.models import Seminar
from tests.conftest import Client, autofill_hints, flashes
from tests.factories import PASSWORD, grant, make_organizer, make_seminar, make_submitter, make_two_factor, make_user
from tests.patience import patience

EMAIL = "wangfang@example.org"
PEOPLE = "/gd-2021/manage/people"


def code(secret: bytes, steps_ahead: int = 0) -> str:
    """What the authenticator app shows now (or `steps_ahead` × 30 s from now)."""
    return totp.hotp(secret, totp.time_step(time.time()) + steps_ahead)


def secret_on_page(page: str) -> bytes:
    key = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page)
    assert key, "the set-up page shows the key as text"
    text = key.group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def codes_on_page(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>", page)


async def password_step(client: Client, email: str = EMAIL, next_url: str = "") -> httpx.Response:
    response = await client.post_form("/login", {"email": email, "password": PASSWORD, "next": next_url})
    client._csrf = None  # the session was rotated
    return response


async def code_step(client: Client, typed: str) -> httpx.Response:
    return await client.post_form("/login/code", {"code": typed})


async def signed_in(client: Client) -> bool:
    return (await client.get("/profile")).status_code == 200


@pytest.fixture
async def person() -> User:
    return await make_user(EMAIL, name="王芳")


# --- setting it up ---------------------------------------------------------------------------


async def test_setting_up_shows_a_qr_code_and_the_key_and_turns_on_only_with_a_right_code(client: Client, person: User) -> None:
    await client.login(EMAIL)

    page = await client.get("/profile/two-factor")
    secret = secret_on_page(page.text)
    wrong = await client.post_form("/profile/two-factor/enable", {"code": "000000" if code(secret) != "000000" else "111111"})

    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert '<svg viewBox="0 0 ' in page.text and "<title>" in page.text
    assert secret_on_page((await client.get("/profile/two-factor")).text) == secret  # a reload keeps the key
    assert wrong.status_code == 400
    assert "验证码不正确" in wrong.text
    assert not (await User.get(id=person.id)).two_factor_enabled

    shown = await client.post_form("/profile/two-factor/enable", {"code": code(secret)})

    codes = codes_on_page(shown.text)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert flashes(shown) == ["两步验证已开启。今后登录时须输入密码和验证码。"]
    assert len(set(codes)) == 10
    stored = await RecoveryCode.filter(user_id=person.id).values_list("code_hash", flat=True)
    assert sorted(stored) == sorted(totp.recovery_code_hash(c) for c in codes)
    user = await User.get(id=person.id)
    assert user.two_factor_enabled
    assert totp.secret_text(secret) not in user.totp_secret  # sealed, not stored as typed
    assert await signed_in(client)  # this session goes on
    manage = await client.get("/profile/two-factor")
    assert "剩余恢复码" in manage.text and "<svg" not in manage.text


async def test_setting_it_up_ends_the_other_sessions(client: Client, second_client: Client, person: User) -> None:
    await client.login(EMAIL)
    await second_client.login(EMAIL)
    secret = secret_on_page((await client.get("/profile/two-factor")).text)

    await client.post_form("/profile/two-factor/enable", {"code": code(secret)})

    assert await signed_in(client)
    assert not await signed_in(second_client)


# --- logging in --------------------------------------------------------------------------------


async def test_after_the_password_a_code_is_asked_and_only_then_is_the_session_signed_in(client: Client, person: User) -> None:
    secret, _codes = await make_two_factor(person)

    first = await password_step(client, next_url="/profile")

    assert first.headers["location"] == "http://testserver/login/code"
    assert not await signed_in(client)
    page = await client.get("/login/code")
    assert "身份验证器" in page.text

    second = await code_step(client, code(secret))

    assert second.status_code == 303 and second.headers["location"] == "/profile"
    assert await signed_in(client)
    assert (await User.get(id=person.id)).last_login_at is not None


async def test_a_wrong_code_is_refused_and_counted_as_a_failed_login(client: Client, person: User) -> None:
    secret, _codes = await make_two_factor(person)
    await password_step(client)

    response = await code_step(client, "000000" if code(secret) != "000000" else "111111")

    assert response.status_code == 400
    assert "验证码不正确，请检查手机时间，或使用恢复码。" in response.text
    assert await LoginFailure.filter(email=EMAIL).count() == 1
    assert not await signed_in(client)


async def test_a_code_is_accepted_once_only(client: Client, second_client: Client, person: User) -> None:
    secret, _codes = await make_two_factor(person)
    typed = code(secret)
    await password_step(client)
    await code_step(client, typed)

    await password_step(second_client)
    replayed = await code_step(second_client, typed)

    assert replayed.status_code == 400
    assert "该验证码已使用过，请等待下一个。" in replayed.text
    assert not await signed_in(second_client)
    assert (await code_step(second_client, code(secret, 1))).status_code == 303


async def test_the_code_of_the_step_before_or_after_is_accepted_two_steps_away_is_not(
    client: Client, second_client: Client, person: User
) -> None:
    """A phone's clock a little off, or a code typed as it changed: one step either side will do."""
    secret, _codes = await make_two_factor(person)
    step_left = totp.STEP_SECONDS - time.time() % totp.STEP_SECONDS
    if step_left < patience(2):  # so that "now" stays one step while the codes are tried
        await asyncio.sleep(step_left)
    await password_step(client)

    too_old = await code_step(client, code(secret, -2))
    too_new = await code_step(client, code(secret, 2))
    a_step_behind = await code_step(client, code(secret, -1))
    await password_step(second_client)
    a_step_ahead = await code_step(second_client, code(secret, 1))

    assert too_old.status_code == too_new.status_code == 400
    assert "验证码不正确，请检查手机时间，或使用恢复码。" in too_new.text
    assert a_step_behind.status_code == 303 and a_step_ahead.status_code == 303
    assert await signed_in(client) and await signed_in(second_client)


async def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client: Client, second_client: Client, person: User) -> None:
    _secret, codes = await make_two_factor(person)
    await password_step(client)

    response = await code_step(client, codes[3].upper().replace("-", " "))
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert "您使用了一个恢复码，还剩 9 个。可在两步验证页面生成新的恢复码。" in flashes(page)
    await password_step(second_client)
    again = await code_step(second_client, codes[3])
    assert again.status_code == 400
    assert not await signed_in(second_client)


async def test_a_half_finished_login_expires(settings: Settings, person: User) -> None:
    secret, _codes = await make_two_factor(person)
    app = create_app(replace(settings, two_factor_pending_seconds=-1))
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await password_step(client)

        response = await code_step(client, code(secret))
        page = await client.get(response.headers["location"])

        assert response.headers["location"] == "http://testserver/login"
        assert "输入验证码的时间已过，请重新登录。" in flashes(page)
        assert not await signed_in(client)


async def test_the_code_page_without_a_password_first_leads_to_login(client: Client) -> None:
    response = await client.get("/login/code")

    assert response.headers["location"] == "http://testserver/login"


async def test_wrong_codes_are_throttled_and_a_right_password_does_not_reset_the_count(client: Client, person: User, settings: Settings) -> None:
    secret, _codes = await make_two_factor(person)
    wrong = "000000" if code(secret) != "000000" else "111111"
    await password_step(client)
    for _attempt in range(settings.login_attempts_per_account - 2):
        await code_step(client, wrong)
    await password_step(client)  # the right password again, in the hope of a fresh count
    for _attempt in range(2):
        await code_step(client, wrong)

    locked = await code_step(client, code(secret))

    assert locked.status_code == 400
    assert "登录失败次数过多，请等待 15 分钟后再试。" in locked.text
    assert not await signed_in(client)
    assert (await password_step(client)).status_code == 400  # the password step is locked too


async def test_a_password_change_in_between_ends_the_half_finished_login(client: Client, person: User) -> None:
    secret, _codes = await make_two_factor(person)
    await password_step(client)
    await User.filter(id=person.id).update(session_epoch=person.session_epoch + 1)

    response = await code_step(client, code(secret))

    assert response.status_code == 400
    assert "请重新登录。" in response.text
    assert not await signed_in(client)


async def test_after_secret_key_changes_a_recovery_code_still_signs_in(settings: Settings, person: User) -> None:
    secret, codes = await make_two_factor(person, secret_key=settings.secret_key)
    app = create_app(replace(settings, secret_key="a-new-secret-key"))
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await password_step(client)

        with_app_code = await code_step(client, code(secret))
        with_recovery_code = await code_step(client, codes[0])

        assert with_app_code.status_code == 400
        assert with_recovery_code.status_code == 303


# --- turning it off, new recovery codes -------------------------------------------------------


async def signed_in_with_two_factor(client: Client, person: User) -> tuple[bytes, list[str]]:
    secret, codes = await make_two_factor(person)
    await password_step(client)
    await code_step(client, codes[9])
    assert await signed_in(client)
    return secret, codes


async def test_turning_it_off_needs_the_password_and_a_code(client: Client, person: User) -> None:
    secret, codes = await signed_in_with_two_factor(client, person)

    wrong_password = await client.post_form("/profile/two-factor/disable", {"disable-password": "not the password", "disable-code": code(secret)})
    no_code = await client.post_form("/profile/two-factor/disable", {"disable-password": PASSWORD, "disable-code": ""})

    assert wrong_password.status_code == 400 and "当前密码不正确。" in wrong_password.text
    assert no_code.status_code == 400
    assert (await User.get(id=person.id)).two_factor_enabled

    response = await client.post_form("/profile/two-factor/disable", {"disable-password": PASSWORD, "disable-code": codes[0]})

    user = await User.get(id=person.id)
    assert response.headers["location"] == "http://testserver/profile"
    assert not user.two_factor_enabled and user.totp_secret == ""
    assert await RecoveryCode.filter(user_id=person.id).count() == 0
    await client.logout()
    assert (await password_step(client)).headers["location"] == "http://testserver/"


async def test_new_recovery_codes_replace_the_old_ones(client: Client, second_client: Client, person: User) -> None:
    secret, old = await signed_in_with_two_factor(client, person)

    shown = await client.post_form("/profile/two-factor/recovery-codes", {"renew-password": PASSWORD, "renew-code": code(secret)})

    new = codes_on_page(shown.text)
    assert shown.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    await password_step(second_client)
    assert (await code_step(second_client, old[0])).status_code == 400
    assert (await code_step(second_client, new[0])).status_code == 303


# --- what phones and browsers fill in --------------------------------------------------------


async def test_code_fields_take_the_code_from_the_phone_and_password_fields_the_saved_password(client: Client, person: User) -> None:
    await client.login(EMAIL)
    setting_up = await client.get("/profile/two-factor")
    _secret, codes = await make_two_factor(person)
    await client.logout()
    await password_step(client)
    code_page = await client.get("/login/code")
    await code_step(client, codes[0])
    manage = await client.get("/profile/two-factor")

    # Setting up takes only the app's digits: the phone shows its digit keyboard.
    assert autofill_hints(setting_up) == [("验证码", "one-time-code", "numeric")]
    # A recovery code has letters, so where one is accepted the keyboard stays a full one.
    assert autofill_hints(code_page) == [("验证码", "one-time-code", "")]
    assert autofill_hints(manage) == [
        (EMAIL, "username", ""), ("当前密码", "current-password", ""), ("验证码", "one-time-code", ""),
    ] * 2


# --- organizers ------------------------------------------------------------------------------


@pytest.fixture
async def seminar() -> Seminar:
    return await make_seminar()


async def test_organizers_see_who_has_it_and_turn_it_off_for_someone_who_lost_the_phone(
    client: Client, second_client: Client, seminar: Seminar
) -> None:
    await make_organizer(seminar)
    guangzhou = await make_submitter(seminar, email="guangzhou@example.org")
    shenzhen = await make_submitter(seminar, city="深圳市", email="shenzhen@example.org")
    _secret, codes = await make_two_factor(guangzhou)
    await password_step(second_client, "guangzhou@example.org")
    await code_step(second_client, codes[0])
    await client.login("organizer@example.org")

    before = await client.get(PEOPLE)
    response = await client.post_form(f"{PEOPLE}/{guangzhou.id}/two-factor/reset")
    after = await client.get(response.headers["location"])

    assert before.text.count("两步验证") == 2  # the badge and the button, for 广州 only
    assert f"{PEOPLE}/{shenzhen.id}/two-factor/reset" not in before.text
    assert flashes(after) == ["广州市联络员的两步验证已关闭，并已发邮件告知本人。"]
    assert f"{PEOPLE}/{guangzhou.id}/two-factor/reset" not in after.text
    user = await User.get(id=guangzhou.id)
    assert not user.two_factor_enabled and await RecoveryCode.filter(user_id=guangzhou.id).count() == 0
    assert not await signed_in(second_client)  # their sessions ended
    mail = await OutboxMail.get(to_address="guangzhou@example.org")
    assert mail.subject == "两步验证已关闭" and "李明" in mail.body_text
    entry = await AuditEntry.get(action="accounts:reset_two_factor")
    assert entry.user_email == "organizer@example.org" and entry.target == {"slug": "gd-2021", "user_id": str(guangzhou.id)}
    await password_step(second_client, "guangzhou@example.org")
    assert await signed_in(second_client)  # the password alone again


async def test_organizers_cannot_reset_their_own_or_an_administrators(client: Client, seminar: Seminar) -> None:
    organizer = await make_organizer(seminar)
    admin = await grant(await make_user("admin@example.org", is_admin=True), seminar, RoleName.ATTENDEE)
    await client.login("organizer@example.org")
    await make_two_factor(organizer)  # set up after logging in: the session goes on
    await make_two_factor(admin)

    own = await client.post_form(f"{PEOPLE}/{organizer.id}/two-factor/reset")
    administrator = await client.post_form(f"{PEOPLE}/{admin.id}/two-factor/reset")

    assert own.status_code == 403 and administrator.status_code == 403
    assert await User.filter(totp_enabled_at__isnull=False).count() == 2


async def test_a_submitter_cannot_reset_anyone(client: Client, seminar: Seminar) -> None:
    await make_submitter(seminar, email="guangzhou@example.org")
    shenzhen = await make_submitter(seminar, city="深圳市", email="shenzhen@example.org")
    await make_two_factor(shenzhen)
    await client.login("guangzhou@example.org")

    response = await client.post_form(f"{PEOPLE}/{shenzhen.id}/two-factor/reset")

    assert response.status_code == 403
    assert (await User.get(id=shenzhen.id)).two_factor_enabled


# --- required for organizers -----------------------------------------------------------------


async def test_when_required_an_organizer_is_sent_to_set_it_up_before_anything_else(settings: Settings, seminar: Seminar) -> None:
    await make_organizer(seminar)
    await make_submitter(seminar, email="guangzhou@example.org")
    app = create_app(replace(settings, require_totp_for_organizers=True))
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await client.login("organizer@example.org")

        blocked = await client.get("/gd-2021/manage/")
        page = await client.get(blocked.headers["location"])
        refused_post = await client.post_form(f"{PEOPLE}/invite", {"name": "陈刚"})
        secret = secret_on_page(page.text)
        await client.post_form("/profile/two-factor/enable", {"code": code(secret)})

        assert blocked.status_code == 303 and blocked.headers["location"] == "/profile/two-factor"
        assert "组织者须先设置两步验证，才能继续。" in flashes(page)
        assert "本站组织者登录时须输入密码和手机上的验证码。" in page.text
        assert refused_post.status_code == 303 and await User.filter(email__contains="chen").count() == 0
        assert (await client.get("/gd-2021/manage/")).status_code == 200

        await client.logout()
        await client.login("guangzhou@example.org")
        assert (await client.get("/gd-2021/papers/")).status_code == 200  # not an organizer: not required
