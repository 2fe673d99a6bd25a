"""Clickable addresses in the HTML part of a mail whose text an organizer wrote (their own wording, decision
letters, mail to a group).

The text is plain: every character of it is escaped, and only the http(s) addresses in it become links, so
nothing an organizer writes can put markup into a mail. An address ends at a space, at a character that cannot
stand unescaped in one (a quote, an angle bracket, a full-width Chinese character or punctuation), or before
a final full stop, comma or closing bracket that belongs to the sentence. Pure: a string in, Markup out.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_URL = re.compile(r"https?://[!#-&(-;=?-~]+", re.IGNORECASE)  # printable ASCII but space, " ' < >
_TRAILING = ".,;:!?"
_CLOSING = {")": "(", "]": "[", "}": "{"}


def _trimmed(url: str) -> str:
    """The address without the sentence's punctuation after it (a closing bracket stays when the address opened it)."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _CLOSING and url.count(_CLOSING[last]) < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


def autolink(text: str) -> Markup:
    """`text` escaped, its http(s) addresses as links.

    >>> str(autolink("见 https://example.org/a?b=1&c=2。<b>谢谢</b>"))
    '见 <a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>。&lt;b&gt;谢谢&lt;/b&gt;'
    """
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = _trimmed(match.group())
        if len(url) <= len("https://"):
            continue
        start = match.start()
        parts.append(str(escape(text[position:start])))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = start + len(url)
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))
