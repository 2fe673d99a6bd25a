"""Which session cookies `PublishedFilesMiddleware` answers from memory: a stranger's, read as
SessionMiddleware reads them."""

from __future__ import annotations

import json
import time
from base64 import b64encode
from typing import Any

import itsdangerous
import pytest

from seminar.middleware import PublishedFilesMiddleware

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
