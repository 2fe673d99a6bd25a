from __future__ import annotations

from tests.conftest import Client, flashes
from tests.factories import make_organizer, make_seminar


async def test_healthz_reports_database_ok(client: Client) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_favicon_ico_is_the_sites_icon_not_a_404(client: Client) -> None:
    """What a browser asks for when a PDF or a spreadsheet, which name no icon, is open in a tab."""
    response = await client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith(("<svg", "<?xml"))


async def test_home_lists_seminars_in_simplified_chinese_by_default(client: Client) -> None:
    await make_seminar()

    response = await client.get("/")

    assert response.status_code == 200
    assert "全省市域社会治理现代化试点创新研讨班" in response.text
    assert '<html lang="zh-Hans">' in response.text
    assert "2026年12月10日" in response.text


async def test_landing_page_shows_topics(client: Client) -> None:
    await make_seminar()

    response = await client.get("/gd-2021/")

    assert "完成政治任务" in response.text and "压实政治责任" in response.text


async def test_unknown_seminar_is_404_page_in_user_language(client: Client) -> None:
    response = await client.get("/nope/", headers={"Accept-Language": "zh-TW"})

    assert response.status_code == 404
    assert "頁面不存在" in response.text


async def test_post_without_csrf_token_is_refused_and_changes_nothing(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)

    response = await client.post("/login", data={"email": "organizer@example.org", "password": "demo-password"})

    assert response.status_code == 403
    assert "seminar_session" not in response.cookies or "user_id" not in response.text


async def test_post_with_wrong_csrf_token_is_refused(client: Client) -> None:
    await client.csrf()

    response = await client.post("/login", data={"csrf_token": "forged", "email": "a@example.org", "password": "x"})

    assert response.status_code == 403


async def test_login_and_logout(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)

    response = await client.login("organizer@example.org")
    page = await client.get(response.headers["location"])

    assert "李明" in page.text
    assert flashes(page) == ["欢迎，李明。"] or flashes(page) == ["Welcome, 李明."]
    await client.logout()
    assert "李明" not in (await client.get("/")).text


async def test_security_headers_are_set(client: Client) -> None:
    response = await client.get("/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


async def test_language_switcher_changes_the_interface_language(client: Client) -> None:
    await make_seminar()

    response = await client.post_form("/language", {"locale": "en", "next": "/gd-2021/"})
    page = await client.get(response.headers["location"])

    assert response.headers["location"] == "/gd-2021/"
    assert '<html lang="en">' in page.text
    assert "December 10, 2026" in page.text


async def test_language_switcher_refuses_an_offsite_next(client: Client) -> None:
    response = await client.post_form("/language", {"locale": "zh_Hant", "next": "//evil.example/"})

    assert response.headers["location"] == "/"
    assert '<html lang="zh-Hant">' in (await client.get("/")).text


async def test_unexpected_error_shows_a_500_page_in_the_users_language(settings) -> None:  # type: ignore[no-untyped-def]
    import httpx
    from starlette.routing import Route

    from seminar.app import create_app

    async def boom(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    app = create_app(settings)
    app.router.routes.insert(0, Route("/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom", headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 500
    assert "服务器错误" in response.text
    assert "RuntimeError" not in response.text  # no traceback shown


async def test_session_cookie_is_httponly_lax_and_secure_when_configured(settings) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    import httpx

    from seminar.app import create_app

    app = create_app(replace(settings, secure_cookies=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
        response = await client.get("/login")

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")
