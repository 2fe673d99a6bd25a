"""Mail wording written by organizers: `{placeholder}`s checked, then filled in.

Organizers write a subject and a body with `{placeholder}`s (Python's format syntax, read by
`string.Formatter`). Anything but the names a mail allows is refused before a mail is shown,
saved or sent, naming the offending placeholder; a literal brace is written twice ({{ or }}).
Every organizer-written mail goes through here: decision letters (`seminar.reviews.letters`),
mail to a group (`seminar.mail.bulk`) and each seminar's own wording of the system's mails
(`seminar.mail.kinds`). Pure: plain strings in, plain strings out.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from seminar.errors import UserError
from seminar.i18n import _


class LetterError(UserError):
    """A wording that cannot be filled in: an unknown placeholder or a stray brace."""


def placeholders(text: str) -> list[str]:
    """The placeholder names used in `text`, in order of first use; raises LetterError on a stray brace.

    >>> placeholders("第{paper_number}号《{paper_title}》 {{不是占位符}}")
    ['paper_number', 'paper_title']
    """
    found: list[str] = []
    try:
        for _literal, field, spec, conversion in string.Formatter().parse(text):
            if field is None:
                continue
            if not field or field.isdigit():
                raise LetterError(_("Every placeholder needs a name between the braces, e.g. {paper_title}."))
            if spec or conversion:
                # The values are plain text: a format such as {paper_number:03d} would fail when sending.
                raise LetterError(_("Write placeholders without a format: {%(name)s}.", name=field))
            if field not in found:
                found.append(field)
    except ValueError as error:
        raise LetterError(_("A brace is not closed or not opened. Write {{ or }} for a brace itself.")) from error
    return found


def check_template(subject: str, body: str, allowed: Sequence[str]) -> None:
    """Refuse a wording using a placeholder not in `allowed` (a typo, {foo}, {paper_title.upper}) or a stray brace."""
    unknown = [name for name in dict.fromkeys(placeholders(subject) + placeholders(body)) if name not in allowed]
    if unknown:
        raise LetterError(_(
            "Unknown placeholder: %(names)s. Use only %(allowed)s.",
            names="、".join("{" + name + "}" for name in unknown),
            allowed=" ".join("{" + name + "}" for name in allowed),
        ))


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def render_letter(subject: str, body: str, values: Mapping[str, object], allowed: Sequence[str]) -> Letter:
    """The mail with every placeholder filled; the wording is checked first (LetterError)."""
    check_template(subject, body, allowed)
    filled = {name: str(values.get(name, "")) for name in allowed}
    text = body.format_map(filled)
    # Empty optional parts ({award}, {comments}) must not leave a stack of blank lines behind.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return Letter(" ".join(subject.format_map(filled).split()), text.strip() + "\n")
