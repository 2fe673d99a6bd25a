"""Decision mails from the seminar's own wording: placeholders checked, then filled in.

Organizers write the subject and body with `{placeholder}`s, checked and filled by
`seminar.mail.wording` (shared by every mail organizers word): anything but the names in
PLACEHOLDERS is refused before a mail is shown or sent, naming the offending placeholder.
Pure: plain strings in, plain strings out (`letter_values` reads a loaded paper's attributes, and queries nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from seminar.mail import wording
from seminar.mail.wording import Letter, LetterError, placeholders

__all__ = ["Letter", "LetterError", "placeholders"]

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


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders(text) if name not in PLACEHOLDERS]


def check_template(subject: str, body: str, allowed: Sequence[str] = PLACEHOLDERS) -> None:
    """Refuse a decision mail's wording using a placeholder not in PLACEHOLDERS, or a stray brace."""
    wording.check_template(subject, body, allowed)


def comments_text(comments: Sequence[str], allowed: bool) -> str:
    """The reviewers' 点评 for {comments}, numbered and anonymous; empty when the seminar keeps them from authors."""
    kept = [comment.strip() for comment in comments if comment.strip()]
    if not allowed or not kept:
        return ""
    return "专家点评：\n\n" + "\n\n".join(f"{index}. {comment}" for index, comment in enumerate(kept, start=1))


def award_text(award: str | None) -> str:
    return f"论文荣获{AWARD_NAMES[award]}。" if award else ""


def render_letter(subject: str, body: str, values: Mapping[str, object], allowed: Sequence[str] = PLACEHOLDERS) -> Letter:
    """The mail with every placeholder filled; the wording is checked first (LetterError)."""
    return wording.render_letter(subject, body, values, allowed)


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
