"""Decision mails from the seminar's own wording: placeholders checked, then filled in.

Organizers write the subject and body with `{placeholder}`s, checked and filled by
`seminar.mail.wording` (shared by every mail organizers word): anything but the names in
PLACEHOLDERS is refused before a mail is shown or sent, naming the offending placeholder.
A seminar words each outcome's letter in each language (a `MailWording` of kind `wording_kind(outcome)`);
each recipient reads the wording, and the values filled in, in their own language, and where the seminar has
no wording of its own in that language, the site's (`default_wording`).
Pure: plain strings in, plain strings out (`letter_values` reads a loaded paper's attributes, and queries nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from seminar.i18n import _, lazy_gettext as _l
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

# The decisions' names as the xlsx export of the reviews writes them: a Chinese office document.
OUTCOME_NAMES = {"keynote": "重点发言", "discussion": "研讨交流", "proceedings": "仅收入论文集", "decline": "不采用"}

# A letter fills {decision} and {award} in its reader's language.
DECISION_NAMES = {
    "keynote": _l("Keynote speech"), "discussion": _l("Discussion and exchange"),
    "proceedings": _l("Proceedings only"), "decline": _l("Not accepted"),
}
AWARD_LABELS = {
    "first": _l("first prize"), "second": _l("second prize"), "third": _l("third prize"),
    "excellence": _l("excellence award"),
}

# A seminar's own wording of the letter for one outcome is a `MailWording` of this kind, one per language.
KIND_PREFIX = "reviews-decision-"


def wording_kind(outcome: str) -> str:
    """The `MailWording.kind` of the decision letter for `outcome` ("reviews-decision-keynote")."""
    return KIND_PREFIX + outcome


def _about_paper() -> dict[str, str]:
    return {"title": "{paper_title}", "topic": "{topic}", "number": "{paper_number}"}


def default_wording(outcome: str) -> tuple[str, str]:
    """The site's subject and body of the letter for `outcome`, as placeholders, in the current language."""
    subject = _("%(seminar)s: result of the review of paper #%(number)s", seminar="{seminar}", number="{paper_number}")
    result = {
        "keynote": _("After review by the experts, the paper “%(title)s” (topic %(topic)s, #%(number)s) sent by "
                     "your unit has been selected for a keynote speech at the seminar.", **_about_paper()),
        "discussion": _("After review by the experts, the paper “%(title)s” (topic %(topic)s, #%(number)s) sent by "
                        "your unit has been selected for discussion and exchange at the seminar.", **_about_paper()),
        "proceedings": _("After review by the experts, the paper “%(title)s” (topic %(topic)s, #%(number)s) sent by "
                         "your unit will be included in the seminar's proceedings.", **_about_paper()),
        "decline": _("Thank you for the paper “%(title)s” (topic %(topic)s, #%(number)s) sent by your unit. After "
                     "review by the experts, it was not accepted this time.", **_about_paper()),
    }[outcome]
    paragraphs = [_("Dear %(recipient)s,", recipient="{recipient}"), result + ("" if outcome == "decline" else "{award}")]
    if outcome == "keynote":
        paragraphs.append(_("Please prepare your speech; the arrangements will follow."))
    elif outcome == "discussion":
        paragraphs.append(_("Please prepare your contribution to the discussion; the arrangements will follow."))
    paragraphs += ["{comments}", _("The organizing committee of %(seminar)s", seminar="{seminar}")]
    return subject, "\n\n".join(paragraphs)


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
    return _("The experts' comments:") + "\n\n" + "\n\n".join(f"{index}. {comment}" for index, comment in enumerate(kept, start=1))


def award_text(award: str | None) -> str:
    # It follows the sentence of the result in the same paragraph: English puts a space between them, Chinese none.
    return _(" The paper is awarded the %(award)s.", award=str(AWARD_LABELS[award])) if award else ""


def render_letter(subject: str, body: str, values: Mapping[str, object], allowed: Sequence[str] = PLACEHOLDERS) -> Letter:
    """The mail with every placeholder filled; the wording is checked first (LetterError)."""
    return wording.render_letter(subject, body, values, allowed)


def letter_values(seminar: Seminar, paper: Paper, outcome: Outcome, award: Award | None, recipient: str,
                  comments: Sequence[str], comments_allowed: bool) -> dict[str, object]:
    """The placeholders' values for one paper and recipient (paper with topic and city loaded), in the current language."""
    return {
        "paper_number": paper.number,
        "paper_title": paper.title,
        "topic": paper.topic.title if paper.topic else "",
        "decision": str(DECISION_NAMES[outcome.value]),
        "award": award_text(award.value if award else None),
        "city": paper.city.name,
        "comments": comments_text(comments, comments_allowed),
        "seminar": seminar.title,
        "recipient": recipient,
    }
