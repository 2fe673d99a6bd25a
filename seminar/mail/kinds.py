"""Every kind of mail the system sends, with what an organizer may write in its own wording.

Each kind is one outbox template (`templates/mail/<template>.*`), or one variant of it picked by the
mail's context (a final version accepted or returned). For each: the stage of the seminar it belongs
to, its placeholders (name, meaning, example), how their values come from the context the sending
code passes to `queue_mail`, and its default wording as placeholders, in the current language, built
from the same messages as the template (so the translations are the catalogs').

A seminar's own wording of a kind (`MailWording`) replaces the template for that seminar's mails in
that language (`seminar.mail.outbox`). Mails not sent in a seminar's name (a password reset) keep the
site's wording; the decision letters have their own page (`seminar.reviews.letters`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from seminar.accounts.roles import role_labels
from seminar.i18n import _, format_datetime, get_locale, lazy_gettext as _l, translations

Context = Mapping[str, Any]


class Stage(StrEnum):
    ACCOUNTS = "accounts"
    SUBMISSIONS = "submissions"
    REVIEWS = "reviews"
    DECISIONS = "decisions"
    AGENDA = "agenda"
    PROCEEDINGS = "proceedings"
    REGISTRATION = "registration"
    ONSITE = "onsite"


STAGE_LABELS: dict[Stage, str] = {
    Stage.ACCOUNTS: _l("Accounts and roles"),
    Stage.SUBMISSIONS: _l("Submissions"),
    Stage.REVIEWS: _l("Reviews"),
    Stage.DECISIONS: _l("Decisions"),
    Stage.AGENDA: _l("Agenda"),
    Stage.PROCEEDINGS: _l("Proceedings"),
    Stage.REGISTRATION: _l("Registration"),
    Stage.ONSITE: _l("On site and certificates"),
}


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str
    example: str


@dataclass(frozen=True)
class MailKind:
    key: str
    template: str
    stage: Stage
    title: str
    recipients: str
    placeholders: tuple[Placeholder, ...] = ()
    values: Callable[[Context], dict[str, str]] = lambda context: {}
    default: Callable[[], tuple[str, str]] = lambda: ("", "")
    # The variant of `template` this kind is, when the template has several (else every mail of it).
    when: Callable[[Context], bool] = lambda context: True
    # False: sent in no seminar's name (site accounts), so only the site's wording exists.
    per_seminar: bool = True
    # The page where this kind is worded instead (decision letters), as a route name.
    edited_at: str = ""
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(p.name for p in self.placeholders))

    @property
    def editable(self) -> bool:
        return self.per_seminar and not self.edited_at


def _get(value: Any, name: str) -> Any:
    """`value.name` or `value[name]`: contexts hold models and plain dicts alike."""
    if isinstance(value, Mapping):
        return value.get(name, "")
    return getattr(value, name, "")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _when(value: Any) -> str:
    return format_datetime(value) if isinstance(value, dt.datetime) else _text(value)


def _tokens(*names: str) -> dict[str, str]:
    return {name: "{" + name + "}" for name in names}


def _hello() -> str:
    return _("Hello %(name)s,", name="{recipient}")


RECIPIENT = Placeholder("recipient", _l("the recipient's name"), "王芳")
SEMINAR = Placeholder("seminar", _l("the seminar's title"), "2026年全省政法理论研讨班")
PAPER_NUMBER = Placeholder("paper_number", _l("the paper's number"), "12")
PAPER_TITLE = Placeholder("paper_title", _l("the paper's title"), "新时代“枫桥经验”的基层实践")
TOPIC = Placeholder("topic", _l("the paper's topic"), "基层社会治理")
CITY = Placeholder("city", _l("the city that sent the paper"), "广州市")
PAPER_URL = Placeholder("paper_url", _l("the address of the paper's page"), "https://example.org/gd-2026/papers/12")
DEADLINE = Placeholder("deadline", _l("the review deadline (empty when none is set)"), "2026年10月31日 18:00")
PAPERS = Placeholder("papers", _l("the papers, one per line: number and title"), "#12 新时代“枫桥经验”的基层实践")
PAPER_COUNT = Placeholder("paper_count", _l("how many papers"), "3")
MY_REVIEWS_URL = Placeholder("my_reviews_url", _l("the address of the reviewer's list of reviews"), "https://example.org/gd-2026/reviews/mine")
VERSION = Placeholder("version", _l("the manuscript's version number"), "2")


def _seminar_title(context: Context) -> str:
    return _text(context.get("seminar_title") or _get(context.get("seminar"), "title"))


def _common(context: Context) -> dict[str, str]:
    return {"recipient": _text(context.get("recipient_name")), "seminar": _seminar_title(context)}


def _paper(context: Context) -> dict[str, str]:
    paper = context.get("paper")
    title = _text(_get(paper, "title"))
    if subtitle := _text(_get(paper, "subtitle")):
        title = f"{title} ——{subtitle}"
    return {"paper_number": _text(_get(paper, "number")), "paper_title": title}


# --- accounts -------------------------------------------------------------------------------


def invitation_purpose(roles: Sequence[str]) -> str:
    """What the invitation asks of the person, by their most demanding role (as templates/accounts/mail/_invitation_purpose.txt)."""
    if "organizer" in roles:
        return _("As an organizer you will run the seminar on the site: the people, the papers, the reviewing, the agenda and the proceedings.")
    if "reviewer" in roles:
        return _("As a reviewer you will read the papers assigned to you on the site, score them and write your comments before the review deadline.")
    if "submitter" in roles:
        return _("With this account you submit your unit's papers to the seminar on the site, and follow them until the decision.")
    return _("You will find the agenda on the site, register your attendance and download the proceedings.")


INVITER = Placeholder("inviter", _l("the organizer who invited them (may be empty)"), "李明")
ROLES = Placeholder("roles", _l("the roles given"), "评审专家")
LINK = Placeholder("link", _l("the link to choose a password and log in"), "https://example.org/invitation/…")


def _invitation_values(context: Context) -> dict[str, str]:
    roles = list(context.get("roles") or [])
    return {
        **_common(context), "inviter": _text(context.get("inviter")), "roles": role_labels(roles),
        "purpose": invitation_purpose(roles), "link": _text(context.get("link")), "expires": _when(context.get("expires_at")),
    }


def _invitation_default() -> tuple[str, str]:
    t = _tokens("seminar", "roles", "link", "expires")
    return _("Invitation to the seminar “%(title)s”", title=t["seminar"]), "\n\n".join([
        _hello(),
        _("You have been invited to the seminar “%(title)s” as %(roles)s.", title=t["seminar"], roles=t["roles"]),
        "{purpose}",
        _("Open this link to choose your password and log in:") + "\n{link}",
        _("The link can be used once and works until %(date)s.", date=t["expires"]) + "\n"
        + _("If you did not expect this invitation, you can ignore this mail."),
    ])


def _role_granted_values(context: Context) -> dict[str, str]:
    return {
        **_common(context), "inviter": _text(context.get("inviter")), "roles": role_labels(list(context.get("roles") or [])),
        "link": _text(context.get("link")), "seminar_link": _text(context.get("seminar_link")),
    }


def _role_granted_default() -> tuple[str, str]:
    t = _tokens("seminar", "roles")
    return _("New role in the seminar “%(title)s”", title=t["seminar"]), "\n\n".join([
        _hello(),
        _("You have been given the role %(roles)s in the seminar “%(title)s”.", title=t["seminar"], roles=t["roles"]),
        _("Log in with your existing password:") + "\n{link}",
        _("The seminar's page:") + "\n{seminar_link}",
    ])


# --- registration ---------------------------------------------------------------------------


def _account_exists_default() -> tuple[str, str]:
    return _("Registration for %(title)s", title="{seminar}"), "\n\n".join([
        _hello(),
        _("Someone registered for the seminar “%(title)s” with this e-mail address. You already have an account, so nothing was changed.", title="{seminar}"),
        _("If it was you, log in and register on the seminar's page:") + "\n{register_link}\n"
        + _("If you have forgotten your password, set a new one here:") + "\n{reset_link}",
        _("If it was not you, ignore this mail."),
    ])


# --- submissions ----------------------------------------------------------------------------


def event_label(event: str) -> str:
    return {"submitted": _("submitted"), "resubmitted": _("submitted again")}.get(event, _("withdrawn"))


def _receipt_values(context: Context) -> dict[str, str]:
    manuscript = context.get("manuscript")
    file = ""
    if manuscript:
        file = f"{_get(manuscript, 'original_filename')} ({_('version %(version)s', version=_get(manuscript, 'version'))})"
    return {
        **_common(context), **_paper(context), "topic": _text(context.get("topic")), "city": _text(context.get("city")),
        "event": event_label(_text(context.get("event"))), "moment": _when(context.get("moment")),
        "manuscript": file, "paper_url": _text(context.get("paper_url")),
    }


def _receipt_default() -> tuple[str, str]:
    t = _tokens("paper_number", "seminar", "event", "moment")
    return _("Receipt: paper #%(number)s %(event)s", number=t["paper_number"], event=t["event"]), "\n\n".join([
        _hello(),
        _("Paper #%(number)s for the seminar “%(seminar)s” was %(event)s on %(moment)s.", number=t["paper_number"],
          seminar=t["seminar"], event=t["event"], moment=t["moment"]),
        _("Paper title") + ": {paper_title}",
        _("Topic") + ": {topic}\n" + _("City") + ": {city}\n" + _("Manuscript") + ": {manuscript}",
        _("The paper's page:") + "\n{paper_url}",
    ])


def _final_version_values(context: Context) -> dict[str, str]:
    return {
        **_common(context), **_paper(context), "version": _text(_get(context.get("manuscript"), "version")),
        "reason": _text(context.get("reason")), "paper_url": _text(context.get("paper_url")),
    }


def _final_accepted_default() -> tuple[str, str]:
    t = _tokens("paper_number", "seminar", "version")
    return _("Final version of paper #%(number)s accepted", number=t["paper_number"]), "\n\n".join([
        _hello(),
        _("The organizers of the seminar “%(seminar)s” accepted version %(version)s of paper #%(number)s as its final version. The proceedings will print it from their next edition.",
          seminar=t["seminar"], version=t["version"], number=t["paper_number"]),
        _("Paper title") + ": {paper_title}",
        _("The paper's page:") + "\n{paper_url}",
    ])


def _final_returned_default() -> tuple[str, str]:
    t = _tokens("paper_number", "seminar", "version")
    return _("Final version of paper #%(number)s returned", number=t["paper_number"]), "\n\n".join([
        _hello(),
        _("The organizers of the seminar “%(seminar)s” returned version %(version)s of paper #%(number)s, sent as its final version.",
          seminar=t["seminar"], version=t["version"], number=t["paper_number"]),
        _("Their reason:") + " {reason}",
        _("Please send a corrected final version on the paper's page."),
        _("Paper title") + ": {paper_title}",
        _("The paper's page:") + "\n{paper_url}",
    ])


def _final_sent_values(context: Context) -> dict[str, str]:
    return {**_common(context), **_paper(context), "city": _text(context.get("city")), "version": _text(context.get("version")),
            "final_versions_url": _text(context.get("final_versions_url"))}


def _final_sent_default() -> tuple[str, str]:
    t = _tokens("city", "version", "paper_number", "paper_title", "seminar")
    return _("Paper #%(number)s has a final version waiting for you", number=t["paper_number"]), "\n\n".join([
        _hello(),
        _("%(city)s has sent version %(version)s of paper #%(number)s “%(title)s” as its final version (定稿) for the seminar “%(seminar)s”. The proceedings print the version that was reviewed until you accept it.",
          city=t["city"], version=t["version"], number=t["paper_number"], title=t["paper_title"], seminar=t["seminar"]),
        _("Accept it for the book, or return it to the city with a reason:") + "\n{final_versions_url}",
    ])


def _late_paper_values(context: Context) -> dict[str, str]:
    return {**_common(context), **_paper(context), "city": _text(context.get("city")), "topic": _text(context.get("topic")) or "—",
            "assignments_url": _text(context.get("assignments_url"))}


def _late_paper_default() -> tuple[str, str]:
    t = _tokens("city", "paper_number", "paper_title", "topic", "seminar")
    return _("Paper #%(number)s arrived after reviewing began: it needs reviewers", number=t["paper_number"]), "\n\n".join([
        _hello(),
        _("%(city)s has submitted paper #%(number)s “%(title)s” (%(topic)s) for the seminar “%(seminar)s” after reviewers were assigned to the other papers. No reviewer is assigned to it yet.",
          city=t["city"], number=t["paper_number"], title=t["paper_title"], topic=t["topic"], seminar=t["seminar"]),
        _("Assign its reviewers (by hand or automatically):") + "\n{assignments_url}",
    ])


# --- reviews --------------------------------------------------------------------------------


def _papers_values(context: Context) -> dict[str, str]:
    papers = list(context.get("papers") or [])
    return {
        **_common(context), "papers": "\n".join(f"#{_get(p, 'number')} {_get(p, 'title')}" for p in papers),
        "paper_count": str(len(papers)), "deadline": _when(context.get("review_deadline")),
        "my_reviews_url": _text(context.get("my_reviews_url")),
    }


def _plural(singular: str, plural: str) -> str:
    """A subject counting papers, with {paper_count} for the number (the plural form: the count is rarely one)."""
    return translations(get_locale()).ngettext(singular, plural, 2) % {"num": "{paper_count}", "seminar": "{seminar}"}


def _assigned_default() -> tuple[str, str]:
    return _plural("Review request: %(num)s paper for “%(seminar)s”", "Review request: %(num)s papers for “%(seminar)s”"), "\n\n".join([
        _hello(),
        _("You are asked to review these papers for the seminar “%(seminar)s”:", seminar="{seminar}"),
        "{papers}",
        _("Please submit your reviews by %(deadline)s.", deadline="{deadline}"),
        _("Your reviews:") + "\n{my_reviews_url}",
    ])


def _reminder_default() -> tuple[str, str]:
    return _plural("Reminder: %(num)s review outstanding for “%(seminar)s”", "Reminder: %(num)s reviews outstanding for “%(seminar)s”"), "\n\n".join([
        _hello(),
        _("Your reviews of these papers for the seminar “%(seminar)s” are not submitted yet:", seminar="{seminar}"),
        "{papers}",
        _("Please submit your reviews by %(deadline)s.", deadline="{deadline}"),
        _("Your reviews:") + "\n{my_reviews_url}",
    ])


def _paper_status_values(context: Context) -> dict[str, str]:
    draft = ""
    if context.get("has_draft"):
        draft = (_("Your draft is kept and you can still read it, but it cannot be changed. If the city sends the paper in again, you can go on where you stopped.")
                 if context.get("event") == "withdrawn" else _("Your draft is as you left it."))
    return {**_common(context), **_paper(context), "draft": draft, "deadline": _when(context.get("review_deadline")),
            "my_reviews_url": _text(context.get("my_reviews_url"))}


def _withdrawn_default() -> tuple[str, str]:
    t = _tokens("paper_number", "paper_title", "seminar")
    return _("Paper #%(number)s was withdrawn: no review needed for now", number=t["paper_number"]), "\n\n".join([
        _hello(),
        _("The city has withdrawn paper #%(number)s “%(title)s” of the seminar “%(seminar)s”. Your review of it is no longer needed.",
          number=t["paper_number"], title=t["paper_title"], seminar=t["seminar"]),
        "{draft}",
        _("Your reviews:") + "\n{my_reviews_url}",
    ])


def _resubmitted_default() -> tuple[str, str]:
    t = _tokens("paper_number", "paper_title", "seminar")
    return _("Paper #%(number)s was sent in again: your review continues", number=t["paper_number"]), "\n\n".join([
        _hello(),
        _("The city has sent in paper #%(number)s “%(title)s” of the seminar “%(seminar)s” again, after withdrawing it. Please review it as before.",
          number=t["paper_number"], title=t["paper_title"], seminar=t["seminar"]),
        "{draft}",
        _("Please submit your reviews by %(deadline)s.", deadline="{deadline}"),
        _("Your reviews:") + "\n{my_reviews_url}",
    ])


# --- agenda, certificates ---------------------------------------------------------------------


def _agenda_values(context: Context) -> dict[str, str]:
    slots = [f"- {_get(s, 'time')} · {_get(s, 'room')} · {_get(s, 'title')}" for s in context.get("own_slots") or []]
    changes = [f"- {line}" for line in context.get("changes") or []]
    return {
        **_common(context), "number": _text(context.get("number")),
        "own_slots": (_("Your slots:") + "\n" + "\n".join(slots)) if slots else "",
        "changes": (_("What changed:") + "\n" + "\n".join(changes)) if changes else "",
        "agenda_url": _text(context.get("agenda_url")),
    }


def _agenda_default() -> tuple[str, str]:
    return _("Agenda of “%(seminar)s”: version %(number)s", seminar="{seminar}", number="{number}"), "\n\n".join([
        _hello(),
        _("Version %(number)s of the agenda of “%(seminar)s” is published.", number="{number}", seminar="{seminar}"),
        "{own_slots}",
        "{changes}",
        _("The agenda:") + "\n{agenda_url}",
    ])


def _certificate_values(context: Context) -> dict[str, str]:
    return {"recipient": _text(context.get("name") or context.get("recipient_name")), "seminar": _seminar_title(context),
            "certificate_number": _text(_get(context.get("certificate"), "number")), "url": _text(context.get("url"))}


def _certificate_default() -> tuple[str, str]:
    return _("Certificate %(number)s", number="{certificate_number}") + " · {seminar}", "\n\n".join([
        _hello(),
        _("Your certificate %(number)s from the seminar “%(title)s” can be downloaded here:", number="{certificate_number}",
          title="{seminar}") + "\n{url}",
    ])


# --- the registry -------------------------------------------------------------------------------

KINDS: tuple[MailKind, ...] = (
    MailKind(
        "invitation", "invitation", Stage.ACCOUNTS, _l("Invitation to a new account"),
        _l("A person an organizer adds who has no account yet"),
        (RECIPIENT, SEMINAR, INVITER, ROLES,
         Placeholder("purpose", _l("a sentence on what the roles ask of them"), "作为评审专家，您将在网站上阅读分配给您的论文……"),
         LINK, Placeholder("expires", _l("until when the link works"), "2026年11月25日 14:30")),
        _invitation_values, _invitation_default,
    ),
    MailKind(
        "role_granted", "role_granted", Stage.ACCOUNTS, _l("New role for an existing account"),
        _l("A person an organizer adds who already has an account"),
        (RECIPIENT, SEMINAR, INVITER, ROLES, Placeholder("link", _l("the address of the login page"), "https://example.org/login"),
         Placeholder("seminar_link", _l("the address of the seminar's page"), "https://example.org/gd-2026")),
        _role_granted_values, _role_granted_default,
    ),
    MailKind("password_reset", "password_reset", Stage.ACCOUNTS, _l("Password reset"),
             _l("Anyone who asks for a new password"), per_seminar=False),
    MailKind("two_factor_reset", "two_factor_reset", Stage.ACCOUNTS, _l("Two-step verification turned off"),
             _l("A person whose two-step verification an organizer turned off"), per_seminar=False),
    MailKind(
        "submissions-receipt", "submissions/receipt", Stage.SUBMISSIONS, _l("Receipt of a paper submitted, sent again or withdrawn"),
        _l("The submitter who acted and the paper's contact author"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE, TOPIC, CITY,
         Placeholder("event", _l("what happened: submitted, submitted again or withdrawn"), "报送"),
         Placeholder("moment", _l("when it happened"), "2026年9月30日 16:05"),
         Placeholder("manuscript", _l("the manuscript's file and version"), "枫桥经验.docx (第 2 版)"), PAPER_URL),
        _receipt_values, _receipt_default,
    ),
    MailKind(
        "reviews-assigned", "reviews/assigned", Stage.REVIEWS, _l("Review request"), _l("A reviewer given papers to review"),
        (RECIPIENT, SEMINAR, PAPERS, PAPER_COUNT, DEADLINE, MY_REVIEWS_URL), _papers_values, _assigned_default,
    ),
    MailKind(
        "reviews-reminder", "reviews/reminder", Stage.REVIEWS, _l("Reminder of outstanding reviews"),
        _l("Reviewers with reviews outstanding, when an organizer reminds them"),
        (RECIPIENT, SEMINAR, PAPERS, PAPER_COUNT, DEADLINE, MY_REVIEWS_URL), _papers_values, _reminder_default,
    ),
    MailKind(
        "reviews-withdrawn", "reviews/paper_status", Stage.REVIEWS, _l("A paper under review was withdrawn"),
        _l("Its reviewers whose review was still to do"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE,
         Placeholder("draft", _l("a sentence about their draft, when they have one"), "您的草稿已保留……"), MY_REVIEWS_URL),
        _paper_status_values, _withdrawn_default, when=lambda context: context.get("event") == "withdrawn",
    ),
    MailKind(
        "reviews-resubmitted", "reviews/paper_status", Stage.REVIEWS, _l("A withdrawn paper was sent in again"),
        _l("Its reviewers whose review was still to do"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE,
         Placeholder("draft", _l("a sentence about their draft, when they have one"), "您的草稿保持原样。"), DEADLINE, MY_REVIEWS_URL),
        _paper_status_values, _resubmitted_default, when=lambda context: context.get("event") != "withdrawn",
    ),
    MailKind(
        "submissions-late_paper", "submissions/late_paper", Stage.REVIEWS, _l("A paper arrived after reviewing began"),
        _l("The seminar's organizers"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE, TOPIC, CITY,
         Placeholder("assignments_url", _l("the address of the assignments page"), "https://example.org/gd-2026/manage/assignments")),
        _late_paper_values, _late_paper_default,
    ),
    MailKind("reviews-decision", "reviews/decision", Stage.DECISIONS, _l("Decision letters"),
             _l("The submitters and contact authors of decided papers"), edited_at="reviews:decision_mail"),
    MailKind(
        "agenda-published", "agenda/published", Stage.AGENDA, _l("Agenda published"),
        _l("Everyone with a role in the seminar, when an organizer publishes a version of the agenda"),
        (RECIPIENT, SEMINAR, Placeholder("number", _l("the agenda's version number"), "3"),
         Placeholder("own_slots", _l("the recipient's own slots, when they speak"), "您的安排：\n- 2026-11-25 09:00–09:20 · 第一会议室 · …"),
         Placeholder("changes", _l("what changed since the last version"), "变更：\n- …"),
         Placeholder("agenda_url", _l("the address of the agenda"), "https://example.org/gd-2026/agenda")),
        _agenda_values, _agenda_default,
    ),
    MailKind(
        "submissions-final_version_sent", "submissions/final_version_sent", Stage.PROCEEDINGS, _l("A final version (定稿) is waiting"),
        _l("The seminar's organizers"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE, CITY, VERSION,
         Placeholder("final_versions_url", _l("the address of the final versions page"), "https://example.org/gd-2026/manage/final-versions")),
        _final_sent_values, _final_sent_default,
    ),
    MailKind(
        "submissions-final_accepted", "submissions/final_version", Stage.PROCEEDINGS, _l("Final version accepted"),
        _l("The city's submitter who sent it and the contact author"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE, VERSION, PAPER_URL),
        _final_version_values, _final_accepted_default, when=lambda context: bool(context.get("accepted")),
    ),
    MailKind(
        "submissions-final_returned", "submissions/final_version", Stage.PROCEEDINGS, _l("Final version returned"),
        _l("The city's submitter who sent it and the contact author"),
        (RECIPIENT, SEMINAR, PAPER_NUMBER, PAPER_TITLE, VERSION,
         Placeholder("reason", _l("the organizers' reason"), "请按模板调整格式。"), PAPER_URL),
        _final_version_values, _final_returned_default, when=lambda context: not context.get("accepted"),
    ),
    MailKind(
        "registration_account_exists", "registration_account_exists", Stage.REGISTRATION,
        _l("Registration with an address that has an account"), _l("The holder of the account"),
        (RECIPIENT, SEMINAR,
         Placeholder("register_link", _l("the link to log in and register"), "https://example.org/login?next=…"),
         Placeholder("reset_link", _l("the link to set a new password"), "https://example.org/forgot-password")),
        lambda context: {**_common(context), "register_link": _text(context.get("register_link")),
                         "reset_link": _text(context.get("reset_link"))},
        _account_exists_default,
    ),
    MailKind(
        "certificates-certificate", "certificates/certificate", Stage.ONSITE, _l("Certificate download"),
        _l("A person who asks for their certificate by mail"),
        (RECIPIENT, SEMINAR, Placeholder("certificate_number", _l("the certificate's number"), "GD2026-0012"),
         Placeholder("url", _l("the address to download it"), "https://example.org/gd-2026/certificates/…")),
        _certificate_values, _certificate_default,
    ),
)

BY_KEY: dict[str, MailKind] = {kind.key: kind for kind in KINDS}


def kind_of(template: str, context: Context) -> MailKind | None:
    """The kind of a mail about to be queued; None for mails with no registry entry (bulk, test)."""
    return next((kind for kind in KINDS if kind.template == template and kind.when(context)), None)


def editable_kinds() -> list[MailKind]:
    return [kind for kind in KINDS if kind.editable]


def by_stage() -> list[tuple[Stage, str, list[MailKind]]]:
    return [(stage, STAGE_LABELS[stage], [kind for kind in KINDS if kind.stage is stage]) for stage in Stage]
