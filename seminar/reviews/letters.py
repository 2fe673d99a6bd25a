"""Decision mails from the seminar's own wording: placeholders checked, then filled in.

Organizers write the subject and body with `{placeholder}`s (Python's format syntax, read by
`string.Formatter`). Anything but the names in PLACEHOLDERS is refused before a mail is shown
or sent, naming the offending placeholder; a literal brace is written twice ({{ or }}).
Pure: plain strings in, plain strings out (`letter_values` reads a loaded paper's attributes, and queries nothing).
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from typing import TYPE_CHECKING

from seminar.errors import UserError
from seminar.i18n import _

if TYPE_CHECKING:
    from seminar.reviews.models import Award, Outcome
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper

PLACEHOLDERS = (
    "paper_number", "paper_title", "topic", "decision", "award", "city", "comments", "seminar", "recipient",
)

# The seminar's letters are Chinese office documents, so the values filled in are Chinese too.
OUTCOME_NAMES = {"keynote": "重点发言", "discussion": "研讨交流", "proceedings": "仅收入论文集", "decline": "不采用"}
AWARD_NAMES = {"first": "一等奖", "second": "二等奖", "third": "三等奖", "excellence": "优秀奖"}

_SIGNATURE = "\n\n{seminar}组委会"
DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "keynote": (
        "{seminar}：论文评审结果通知（第{paper_number}号）",
        "{recipient}：\n\n您好！经专家评审，贵单位报送的论文《{paper_title}》（{topic}专题，第{paper_number}号）"
        "入选研讨班重点发言。{award}\n\n请做好发言准备，具体安排另行通知。\n\n{comments}" + _SIGNATURE,
    ),
    "discussion": (
        "{seminar}：论文评审结果通知（第{paper_number}号）",
        "{recipient}：\n\n您好！经专家评审，贵单位报送的论文《{paper_title}》（{topic}专题，第{paper_number}号）"
        "入选研讨交流。{award}\n\n请做好交流发言准备，具体安排另行通知。\n\n{comments}" + _SIGNATURE,
    ),
    "proceedings": (
        "{seminar}：论文评审结果通知（第{paper_number}号）",
        "{recipient}：\n\n您好！经专家评审，贵单位报送的论文《{paper_title}》（{topic}专题，第{paper_number}号）"
        "将收入研讨班论文集。{award}\n\n{comments}" + _SIGNATURE,
    ),
    "decline": (
        "{seminar}：论文评审结果通知（第{paper_number}号）",
        "{recipient}：\n\n您好！感谢贵单位报送论文《{paper_title}》（{topic}专题，第{paper_number}号）。"
        "经专家评审，该论文本次未予采用。\n\n{comments}" + _SIGNATURE,
    ),
}


class LetterError(UserError):
    """A template that cannot be filled in: an unknown placeholder or a stray brace."""


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


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders(text) if name not in PLACEHOLDERS]


def check_template(subject: str, body: str, allowed: Sequence[str] = PLACEHOLDERS) -> None:
    """Refuse a template using a placeholder not in `allowed` (a typo, {foo}, {paper_title.upper}) or a
    stray brace. Decision mails allow PLACEHOLDERS; other mails written by organizers (the bulk mail
    of `seminar.mail.bulk`) pass their own."""
    unknown = [name for name in dict.fromkeys(placeholders(subject) + placeholders(body)) if name not in allowed]
    if unknown:
        raise LetterError(_(
            "Unknown placeholder: %(names)s. Use only %(allowed)s.",
            names="、".join("{" + name + "}" for name in unknown),
            allowed=" ".join("{" + name + "}" for name in allowed),
        ))


def comments_text(comments: Sequence[str], allowed: bool) -> str:
    """The reviewers' 点评 for {comments}, numbered and anonymous; empty when the seminar keeps them from authors."""
    kept = [comment.strip() for comment in comments if comment.strip()]
    if not allowed or not kept:
        return ""
    return "专家点评：\n\n" + "\n\n".join(f"{index}. {comment}" for index, comment in enumerate(kept, start=1))


def award_text(award: str | None) -> str:
    return f"论文荣获{AWARD_NAMES[award]}。" if award else ""


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def render_letter(subject: str, body: str, values: Mapping[str, object], allowed: Sequence[str] = PLACEHOLDERS) -> Letter:
    """The mail with every placeholder filled; the template is checked first (LetterError)."""
    check_template(subject, body, allowed)
    filled = {name: str(values.get(name, "")) for name in allowed}
    text = body.format_map(filled)
    # Empty optional parts ({award}, {comments}) must not leave a stack of blank lines behind.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return Letter(" ".join(subject.format_map(filled).split()), text.strip() + "\n")


def letter_values(seminar: Seminar, paper: Paper, outcome: Outcome, award: Award | None, recipient: str,
                  comments: Sequence[str], comments_allowed: bool) -> dict[str, object]:
    """The placeholders' values for one paper and recipient (paper with topic and city loaded)."""
    return {
        "paper_number": paper.number,
        "paper_title": paper.title,
        "topic": paper.topic.title if paper.topic else "",
        "decision": OUTCOME_NAMES[outcome.value],
        "award": award_text(award.value if award else None),
        "city": paper.city.name,
        "comments": comments_text(comments, comments_allowed),
        "seminar": seminar.title,
        "recipient": recipient,
    }
