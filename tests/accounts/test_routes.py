from __future__ import annotations

import datetime as dt

import pytest

from seminar.accounts.models import AccountToken, LoginFailure, TokenPurpose, User
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from tests.conftest import Client, SmtpServer, autofill_hints, flashes, link_in
from tests.factories import PASSWORD, make_unit, make_user

WRONG = "not-the-password"


async def failed_login(client: Client, email: str, password: str = WRONG) -> str:
    response = await client.post_form("/login", {"email": email, "password": password})
    assert response.status_code == 400
    return response.text


# --- login, logout, throttling -------------------------------------------------------------


async def test_login_rotates_to_a_session_for_the_user_and_logout_ends_it(client: Client) -> None:
    await make_user("wangfang@example.org", name="王芳")

    response = await client.login("wangfang@example.org")
    page = await client.get(response.headers["location"])

    assert flashes(page) == ["欢迎，王芳。"]
    assert (await client.get("/profile")).status_code == 200
    await client.logout()
    assert (await client.get("/profile")).headers["location"] == "http://testserver/login?next=%2Fprofile"


async def test_wrong_password_and_unknown_email_get_the_same_message(client: Client) -> None:
    await make_user("wangfang@example.org")

    wrong_password = await failed_login(client, "wangfang@example.org")
    unknown_email = await failed_login(client, "nobody@example.org")

    assert "电子邮箱或密码不正确。" in wrong_password
    assert wrong_password.replace("wangfang@example.org", "X") == unknown_email.replace("nobody@example.org", "X")
    assert await LoginFailure.filter(email="wangfang@example.org").count() == 1


async def test_too_many_failures_lock_the_account_even_with_the_right_password(client: Client) -> None:
    await make_user("wangfang@example.org")
    for _attempt in range(5):
        await failed_login(client, "wangfang@example.org")

    page = await failed_login(client, "wangfang@example.org", PASSWORD)

    assert "登录失败次数过多，请等待 15 分钟后再试。" in page
    assert (await client.get("/profile")).status_code == 303
    assert await LoginFailure.filter(email="wangfang@example.org").count() == 5  # refused attempts are not counted


async def test_an_unknown_email_is_locked_the_same_way(client: Client) -> None:
    for _attempt in range(5):
        await failed_login(client, "nobody@example.org")

    assert "请等待 15 分钟" in await failed_login(client, "nobody@example.org")


async def test_lockout_counts_down_and_ends_with_the_window(client: Client) -> None:
    await make_user("wangfang@example.org")
    for _attempt in range(5):
        await LoginFailure.create(email="wangfang@example.org", ip="10.0.0.9")
    ten_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    await LoginFailure.all().update(at=ten_minutes_ago)

    assert "请等待 5 分钟" in await failed_login(client, "wangfang@example.org", PASSWORD)

    await LoginFailure.all().update(at=ten_minutes_ago - dt.timedelta(minutes=6))
    response = await client.login("wangfang@example.org")
    assert response.status_code == 303


async def test_too_many_failures_from_one_address_lock_every_account_from_it(client: Client) -> None:
    await make_user("wangfang@example.org")
    for number in range(20):
        await LoginFailure.create(email=f"guess{number}@example.org", ip="127.0.0.1")

    page = await failed_login(client, "wangfang@example.org", PASSWORD)

    assert "登录失败次数过多" in page
    assert await LoginFailure.filter(email="wangfang@example.org").count() == 0


async def test_success_clears_the_accounts_failures(client: Client) -> None:
    await make_user("wangfang@example.org")
    for _attempt in range(3):
        await failed_login(client, "wangfang@example.org")

    await client.login("wangfang@example.org")

    assert await LoginFailure.filter(email="wangfang@example.org").count() == 0


async def test_a_deactivated_person_cannot_log_in(client: Client) -> None:
    await make_user("wangfang@example.org", is_active=False)

    page = await failed_login(client, "wangfang@example.org", PASSWORD)

    assert "该账号已停用，请与研讨班组织者联系。" in page
    assert (await client.get("/profile")).status_code == 303


async def test_an_invited_person_without_password_cannot_log_in(client: Client) -> None:
    await User.create(email="new@example.org", name="新人")

    assert "电子邮箱或密码不正确。" in await failed_login(client, "new@example.org", "any password at all")


# --- profile ---------------------------------------------------------------------------------


async def test_profile_edit_saves_details_and_language(client: Client) -> None:
    user = await make_user("wangfang@example.org", name="王芳")
    await client.login("wangfang@example.org")

    response = await client.post_form(
        "/profile", {"name": "王芳芳", "phone": "13800138000", "position": "副主任", "locale": "en"}
    )
    page = await client.get(response.headers["location"])

    assert flashes(page) == ["Your profile has been saved."]
    await user.refresh_from_db()
    assert (user.name, user.phone, user.position, user.locale) == ("王芳芳", "13800138000", "副主任", "en")


async def test_profile_with_a_bad_phone_changes_nothing(client: Client) -> None:
    user = await make_user("wangfang@example.org", name="王芳")
    await client.login("wangfang@example.org")

    response = await client.post_form("/profile", {"name": "王芳芳", "phone": "12345", "position": "", "locale": ""})

    assert response.status_code == 400
    assert "“12345”不是有效的电话号码" in response.text
    assert 'value="王芳芳"' in response.text  # what was typed is kept
    await user.refresh_from_db()
    assert user.name == "王芳"


async def test_password_change_needs_the_current_password(client: Client) -> None:
    user = await make_user("wangfang@example.org")
    await client.login("wangfang@example.org")
    old_hash = user.password_hash

    response = await client.post_form(
        "/profile/password", {"current_password": WRONG, "password": "a new password", "confirm": "a new password"}
    )

    assert response.status_code == 400
    assert "当前密码不正确。" in response.text
    await user.refresh_from_db()
    assert user.password_hash == old_hash


async def test_guessing_the_current_password_is_throttled_like_the_login(client: Client, second_client: Client, settings: Settings) -> None:
    user = await make_user("wangfang@example.org")
    await client.login("wangfang@example.org")
    old_hash = user.password_hash
    change = {"password": "a new password", "confirm": "a new password"}
    for _attempt in range(settings.login_attempts_per_account):
        await client.post_form("/profile/password", {"current_password": WRONG, **change})

    right = await client.post_form("/profile/password", {"current_password": PASSWORD, **change})

    assert right.status_code == 400
    assert "登录失败次数过多，请等待 15 分钟后再试。" in right.text
    await user.refresh_from_db()
    assert user.password_hash == old_hash
    # The guesses count against the account everywhere: the login is locked too.
    assert "登录失败次数过多" in await failed_login(second_client, "wangfang@example.org", PASSWORD)


async def test_password_change_ends_other_sessions_but_keeps_this_one(client: Client, second_client: Client) -> None:
    await make_user("wangfang@example.org")
    await client.login("wangfang@example.org")
    await second_client.login("wangfang@example.org")

    response = await client.post_form(
        "/profile/password", {"current_password": PASSWORD, "password": "a new password", "confirm": "a new password"}
    )

    assert response.status_code == 303
    assert (await client.get("/profile")).status_code == 200
    assert (await second_client.get("/profile")).status_code == 303
    await client.logout()
    assert (await client.login("wangfang@example.org", "a new password")).status_code == 303


async def test_password_change_refuses_a_short_or_mismatched_password(client: Client) -> None:
    await make_user("wangfang@example.org")
    await client.login("wangfang@example.org")

    short = await client.post_form("/profile/password", {"current_password": PASSWORD, "password": "short", "confirm": "short"})
    mismatch = await client.post_form(
        "/profile/password", {"current_password": PASSWORD, "password": "a new password", "confirm": "another password"}
    )

    assert "密码至少须有 10 个字符。" in short.text
    assert "两次输入的密码不一致。" in mismatch.text
    assert (await client.login("wangfang@example.org")).status_code == 303


@pytest.mark.parametrize(
    ("weak", "says"),
    [
        ("wangfang1990", "它包含您的姓名、电子邮箱、单位或电话号码，或本网站的名称。"),  # her name in pinyin and a year
        ("shenzhen2026!", "它包含您的姓名、电子邮箱、单位或电话号码，或本网站的名称。"),  # her unit
        ("woaini1314520", "它由中文密码中常见的词或数字组成，如 woaini、5201314。"),
        ("Lily19900101", "日期往往很容易被猜中。"),
        ("1qaz2wsx3edc", "这是非常常用的密码。"),
    ],
)
async def test_password_change_refuses_an_easy_password_saying_why(client: Client, weak: str, says: str) -> None:
    unit = await make_unit("深圳市", pinyin="shenzhen")
    await make_user("fw.sz@example.org", name="王芳", unit=unit, phone="13800138000")
    await client.login("fw.sz@example.org")

    response = await client.post_form("/profile/password", {"current_password": PASSWORD, "password": weak, "confirm": weak})

    assert response.status_code == 400
    assert "密码太容易被猜中。" + says in response.text
    assert (await client.login("fw.sz@example.org")).status_code == 303  # the old password still works


# --- what browsers fill in --------------------------------------------------------------------


async def test_browsers_offer_the_saved_login_and_a_new_password_where_one_is_chosen(client: Client) -> None:
    await make_user("wangfang@example.org")
    login = await client.get("/login")
    forgot = await client.get("/password/forgot")
    await client.post_form("/password/forgot", {"email": "wangfang@example.org"})
    reset = await client.get(link_in((await OutboxMail.get(to_address="wangfang@example.org")).body_text))
    await client.login("wangfang@example.org")
    profile = await client.get("/profile")

    assert autofill_hints(login) == [("电子邮箱", "username", ""), ("密码", "current-password", "")]
    assert autofill_hints(forgot) == [("电子邮箱", "username", "")]
    # The account's name rides along, hidden, so the password manager saves the pair.
    assert autofill_hints(reset) == [
        ("wangfang@example.org", "username", ""), ("新密码", "new-password", ""), ("再次输入新密码", "new-password", ""),
    ]
    assert autofill_hints(profile) == [
        ("wangfang@example.org", "username", ""), ("当前密码", "current-password", ""),
        ("新密码", "new-password", ""), ("再次输入新密码", "new-password", ""),
    ]


# --- password reset ----------------------------------------------------------------------------


async def test_password_reset_end_to_end_through_smtp(
    client: Client, second_client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await make_user("wangfang@example.org", name="王芳")
    await second_client.login("wangfang@example.org")

    response = await client.post_form("/password/forgot", {"email": "WangFang@example.org"})
    confirmation = await client.get(response.headers["location"])
    assert await send_pending(smtp_settings) == 1
    [body] = smtp_server.bodies_to("wangfang@example.org")
    link = link_in(body)
    form_page = await client.get(link)
    reset = await client.post_form(link, {"password": "a brand new pw", "confirm": "a brand new pw"})

    assert flashes(confirmation) == ["如该邮箱已注册账号，我们已向其发送重设密码的链接。"]
    assert smtp_server.messages[0]["Subject"] == "设置新密码"
    assert "该链接仅可使用一次，有效期至" in body
    assert "wangfang@example.org" in form_page.text
    assert reset.status_code == 303
    assert (await client.get("/profile")).status_code == 200  # logged in
    assert (await second_client.get("/profile")).status_code == 303  # the other session ended
    again = await client.get(link)
    assert again.status_code == 400 and "该链接已使用过" in again.text


async def test_a_reset_refuses_an_easy_password_in_the_browsers_chinese_and_the_link_stays_usable(client: Client) -> None:
    user = await make_user("fw.sz@example.org", name="王芳")
    await client.post_form("/password/forgot", {"email": "fw.sz@example.org"})
    link = link_in((await OutboxMail.get(to_address="fw.sz@example.org")).body_text)
    traditional = {"Accept-Language": "zh-TW,zh;q=0.8"}

    refused = await client.post_form(link, {"password": "Fang.Wang.1990", "confirm": "Fang.Wang.1990"}, headers=traditional)
    accepted = await client.post_form(link, {"password": "qing-shan-liu-shui-42", "confirm": "qing-shan-liu-shui-42"})

    assert refused.status_code == 400
    assert "密碼太容易被猜中。它包含您的姓名、電子信箱、單位或電話號碼，或本網站的名稱。" in refused.text
    assert accepted.status_code == 303
    old_hash = user.password_hash
    await user.refresh_from_db()
    assert user.password_hash != old_hash


async def test_forgot_password_says_the_same_for_unknown_addresses_and_sends_nothing(client: Client) -> None:
    await make_user("wangfang@example.org")

    known = await client.post_form("/password/forgot", {"email": "wangfang@example.org"})
    known_page = await client.get(known.headers["location"])
    unknown = await client.post_form("/password/forgot", {"email": "nobody@example.org"})
    unknown_page = await client.get(unknown.headers["location"])

    assert flashes(known_page) == flashes(unknown_page) == ["如该邮箱已注册账号，我们已向其发送重设密码的链接。"]
    assert await OutboxMail.filter(to_address="nobody@example.org").count() == 0
    assert await OutboxMail.filter(to_address="wangfang@example.org").count() == 1


async def test_an_expired_reset_link_is_refused_and_changes_nothing(client: Client) -> None:
    user = await make_user("wangfang@example.org")
    await client.post_form("/password/forgot", {"email": "wangfang@example.org"})
    mail = await OutboxMail.get(to_address="wangfang@example.org")
    await AccountToken.filter(purpose=TokenPurpose.PASSWORD_RESET).update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    link = link_in(mail.body_text)

    response = await client.post_form(link, {"password": "a brand new pw", "confirm": "a brand new pw"})

    assert response.status_code == 400
    assert "该链接已过期" in response.text
    old_hash = user.password_hash
    await user.refresh_from_db()
    assert user.password_hash == old_hash


async def test_a_made_up_reset_link_is_refused(client: Client) -> None:
    response = await client.get("/password/reset/made-up-token")

    assert response.status_code == 400
    assert "该链接无效。" in response.text
