"""A paper's contact authors as mail reaches them, each with the language their mail is written in.

A contact author is typed in with the paper and often has no account, so no language of their own. Their
mail (receipts, the decision letter, the final version's fate) is then written in the language of the account
that entered the paper, else in that of the first of the city's submitters who chose one: the people who
know them. Only when nobody did does the site's default (`i18n.DEFAULT_LOCALE`) decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.expressions import Q

from seminar import i18n
from seminar.accounts.models import Role, RoleName, User
from seminar.submissions.models import Author, Paper


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    locale: str  # in i18n.LOCALES, or "" when nobody who knows them chose a language


def contact_language(own: str, entered_by: str, city_accounts: Iterable[str]) -> str:
    """The first language known of: the author's own account's, the account's that entered the paper, the
    city's submitters' in turn; "" when none is (the mail is then in the site's default)."""
    return next((locale for locale in (own, entered_by, *city_accounts) if locale in i18n.LOCALES), "")


async def contact_authors(papers: Sequence[Paper]) -> dict[int, list[Contact]]:
    """paper id → its contact authors with an address, in the paper's order, each with their mail's language
    (`contact_language`); three queries however many papers."""
    authors = await Author.filter(paper_id__in=[p.id for p in papers], is_contact=True).exclude(email="") \
        .order_by("paper_id", "position", "id")
    if not authors:
        return {}
    emails = {author.email.strip().lower() for author in authors}
    creators = {p.created_by_id for p in papers if p.created_by_id is not None}
    accounts = await User.filter(Q(email__in=list(emails)) | Q(id__in=list(creators))).values_list("id", "email", "locale")
    locale_of_email = {str(email).lower(): str(locale) for _id, email, locale in accounts}
    locale_of_user = {int(user_id): str(locale) for user_id, _email, locale in accounts}
    submitters = await Role.filter(
        seminar_id__in=list({p.seminar_id for p in papers}), name=RoleName.SUBMITTER, user__is_active=True,
        user__unit_id__in=list({p.city_id for p in papers}),
    ).order_by("user__name", "user_id").values_list("seminar_id", "user__unit_id", "user__locale")
    city_locales: dict[tuple[int, int], list[str]] = defaultdict(list)
    for seminar_id, unit_id, locale in submitters:
        city_locales[(int(seminar_id), int(unit_id))].append(str(locale))
    by_id = {p.id: p for p in papers}
    found: dict[int, list[Contact]] = defaultdict(list)
    for author in authors:
        paper = by_id[author.paper_id]
        locale = contact_language(
            locale_of_email.get(author.email.strip().lower(), ""),
            locale_of_user.get(paper.created_by_id, "") if paper.created_by_id is not None else "",
            city_locales.get((paper.seminar_id, paper.city_id), []),
        )
        found[author.paper_id].append(Contact(author.name, author.email, locale))
    return dict(found)
