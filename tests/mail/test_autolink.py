"""The http(s) addresses in an organizer's plain text become links in a mail's HTML part; nothing else does."""

from __future__ import annotations

import pytest

from seminar.mail.autolink import autolink


@pytest.mark.parametrize(("text", "expected"), [
    ("没有链接", "没有链接"),
    ("见https://example.org/a。", '见<a href="https://example.org/a">https://example.org/a</a>。'),
    ("http://example.org/x?a=1&b=2, then", '<a href="http://example.org/x?a=1&amp;b=2">http://example.org/x?a=1&amp;b=2</a>, then'),
    ("(see https://w.org/A_(b)).", '(see <a href="https://w.org/A_(b)">https://w.org/A_(b)</a>).'),
    ("（https://example.org/p）", '（<a href="https://example.org/p">https://example.org/p</a>）'),
    ("<b>粗</b> & 'x'", "&lt;b&gt;粗&lt;/b&gt; &amp; &#39;x&#39;"),
    ('https://a.org/"onclick="x', '<a href="https://a.org/">https://a.org/</a>&#34;onclick=&#34;x'),
    ("javascript:alert(1) ftp://a.org http://", "javascript:alert(1) ftp://a.org http://"),
])
def test_autolink(text: str, expected: str) -> None:
    assert str(autolink(text)) == expected
