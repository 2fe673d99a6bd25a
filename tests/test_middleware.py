"""Which session cookies `PublishedFilesMiddleware` answers from memory: a stranger's, read as
SessionMiddleware reads them; and our SessionMiddleware's headers, Starlette's."""

from __future__ import annotations

import json
import time
from base64 import b64encode
from typing import Any

import itsdangerous
import pytest
from starlette.middleware.sessions import SessionMiddleware as StarletteSessionMiddleware

from seminar.middleware import PublishedFilesMiddleware, SessionCookie, SessionMiddleware

SECRET = "test-secret"
MAX_AGE = 3600


def _cookie(session: Any, secret: str = SECRET, signed_at: float | None = None) -> bytes:
    signer = itsdangerous.TimestampSigner(secret)
    if signed_at is not None:
        signer.get_timestamp = lambda: int(signed_at)  # type: ignore[method-assign]  # a cookie signed long ago
    value = signer.sign(b64encode(json.dumps(session).encode())).decode()
    return f"other=1; seminar_session={value}".encode()


async def _nothing(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("not called")


@pytest.mark.parametrize(
    ("cookie", "language"),
    [
        (_cookie({"csrf_token": "t"}), ""),  # the language switcher's or a form page's token
        (_cookie({"csrf_token": "t", "locale": "en"}), "en"),  # and the language chosen
        (_cookie({"locale": "zh_Hant"}), "zh_Hant"),  # a logout keeps the language only
        (_cookie({}), ""),
        (b"not_seminar_session=x", ""),  # another cookie whose name ends with ours
        (_cookie({"csrf_token": "t", "user_id": 1, "key": "k"}), None),  # signed in
        (_cookie({"csrf_token": "t", "flashes": [["success", "您已退出登录。"]]}), None),  # a message to show
        (_cookie({"expired": True}), None),  # "your session has expired", to show
        (_cookie({"locale": ["en"]}), None),
        (_cookie(["csrf_token"]), None),
        (_cookie({"csrf_token": "t"}, secret="another"), None),  # not ours: the whole way ignores it
        (_cookie({"csrf_token": "t"}, signed_at=time.time() - MAX_AGE - 10), None),  # too old, likewise
        (b"seminar_session=garbage", None),
    ],
)
def test_a_strangers_session_holds_a_form_token_and_a_language_at_most(cookie: bytes, language: str | None) -> None:
    middleware = PublishedFilesMiddleware(_nothing, "seminar_session", SECRET, MAX_AGE)

    assert middleware._strangers_language(cookie) == language
    assert middleware._strangers_language(cookie) == language  # read again from what was kept


def test_a_kept_cookie_that_grew_too_old_is_no_longer_a_strangers(monkeypatch: pytest.MonkeyPatch) -> None:
    middleware = PublishedFilesMiddleware(_nothing, "seminar_session", SECRET, MAX_AGE)
    cookie = _cookie({"csrf_token": "t"})
    assert middleware._strangers_language(cookie) == ""

    later = time.time() + MAX_AGE + 10
    monkeypatch.setattr(time, "time", lambda: later)

    assert middleware._strangers_language(cookie) is None


# ---------- The session cookie: Starlette's SessionMiddleware's, byte for byte ----------


def _session_app(change: str) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        session = scope["session"]
        if change == "read":
            session.mark_accessed()
        elif change == "set":
            session["seen"] = 1_700_000_000
        elif change == "same":  # a value set again unchanged still counts as a change
            session["a"] = session.get("a")
        elif change == "clear":
            session.clear()
        elif change == "pop-missing":
            session.pop("missing", None)
        headers = [(b"content-type", b"text/html"), (b"vary", b"Accept-Language")] if change != "none" else []
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return app


async def _start_message(middleware: Any, cookie: bytes | None) -> dict[str, Any]:
    headers = [(b"host", b"example.org")] + ([(b"cookie", cookie)] if cookie is not None else [])
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    sent: list[dict[str, Any]] = []

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        sent.append(message)

    await middleware(scope, receive, send)
    return sent[0]


@pytest.mark.parametrize("change", ["none", "read", "set", "same", "clear", "pop-missing"])
@pytest.mark.parametrize(
    "cookie",
    [
        None,
        _cookie({"a": 1, "user_id": 3}),
        _cookie({}),
        _cookie({"a": 1}, secret="another"),
        _cookie({"a": 1}, signed_at=time.time() - MAX_AGE - 10),
        b"seminar_session=garbage",
    ],
)
@pytest.mark.parametrize(("max_age", "https_only"), [(MAX_AGE, False), (None, True)])
async def test_the_session_cookie_is_starlettes(
    change: str, cookie: bytes | None, max_age: int | None, https_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # both sign in the same second
    theirs = StarletteSessionMiddleware(
        _session_app(change), SECRET, "seminar_session", max_age, same_site="lax", https_only=https_only
    )
    ours = SessionMiddleware(_session_app(change), SessionCookie("seminar_session", SECRET, max_age, "lax", https_only))

    expected = await _start_message(theirs, cookie)
    got = await _start_message(ours, cookie)

    assert got["headers"] == expected["headers"]
    if change in ("set", "same", "clear") and cookie == _cookie({"a": 1, "user_id": 3}):
        assert any(name == b"set-cookie" for name, _value in got["headers"])  # the cases compared do set it
