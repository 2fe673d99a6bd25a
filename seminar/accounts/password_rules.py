"""Whether a new password will do: long enough, and not easy to guess for someone who knows the
person. Pure: no ORM, no web.

zxcvbn estimates how many guesses a password takes from the patterns guessers try first: common
passwords, dictionary words and names, dates and years, keyboard walks, repeats, sequences and
look-alike substitutions. Two things it does not know are added: what a guesser who targets this
person knows (their name as written and in pinyin, e-mail address, unit and phone number, and the
site's own name), and the words of Chinese passwords (common_passwords.py). Its hints are English;
every one of them is listed below, so the catalogs translate them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

from xpinyin import Pinyin
from zxcvbn import zxcvbn
from zxcvbn.matching import add_frequency_lists

from seminar.accounts.common_passwords import CHINESE_PASSWORD_WORDS
from seminar.i18n import N_, _, get_locale

MIN_PASSWORD_LENGTH = 10
# zxcvbn's score 3 stands for at least 10⁸ guesses: "safely unguessable" against guessing online
# (which the login throttle slows further) and costly offline against argon2id. Why not 2 or 4:
# docs/security.md#passwords.
MIN_SCORE = 3
# zxcvbn's time grows steeply with length (CPU time on the test machine: about 40 ms for 40
# characters, 0.13 s for 72, over 1 s for 200), so it sees only the first 40: a password whose
# first 40 characters are hard to guess is hard to guess.
JUDGED_LENGTH = 40
SITE_WORDS = ("研讨班", "yantaoban", "seminar")
# A character with several readings gives several pinyin spellings of a name; a guesser tries the
# usual one first, so a few are enough.
_READINGS = 4
_SEPARATORS = re.compile(r"[\W_]+")

_ADD_A_WORD = N_("Add another word or two. Uncommon words are better.")
# Every hint zxcvbn 4.5 can give (zxcvbn/feedback.py), so the catalogs translate them: a test reads
# that file and fails if one is missing here.
ZXCVBN_HINTS = (
    N_("Use a few words, avoid common phrases."),
    N_("No need for symbols, digits, or uppercase letters."),
    _ADD_A_WORD,
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_("Use a longer keyboard pattern with more turns."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Avoid repeated words and characters."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Avoid sequences."),
    N_("Recent years are easy to guess."),
    N_("Avoid recent years."),
    N_("Avoid years that are associated with you."),
    N_("Dates are often easy to guess."),
    N_("Avoid dates and years that are associated with you."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Capitalization doesn't help very much."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Reversed words aren't much harder to guess."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
)

# zxcvbn's dictionaries live in the module; this one is added once, when the rules are imported.
add_frequency_lists({"chinese_passwords": CHINESE_PASSWORD_WORDS})
# zxcvbn warns about its own dictionaries only; these are ours (user_inputs: the words about the person).
_OUR_WARNINGS = {
    "user_inputs": N_("It contains your name, e-mail address, unit or phone number, or the name of this site."),
    "chinese_passwords": N_("It is built on words or numbers common in Chinese passwords, such as woaini or 5201314."),
}

# zxcvbn keeps the words about the person in a module-level dictionary between building it and
# matching against it, so two estimates at once (in threads) could mix two people's words.
_estimating = threading.Lock()


@dataclass(frozen=True)
class PasswordOwner:
    """What someone guessing this person's password may know about them."""

    name: str = ""
    email: str = ""
    unit: str = ""
    unit_pinyin: str = ""
    phone: str = ""


@cache
def _pinyin() -> Pinyin:
    return Pinyin()  # reads its table of readings once


def _name_words(name: str) -> set[str]:
    """王芳 → wangfang, fangwang (given name first, as in a passport), fang, wang, yufang …"""
    words = {name}
    for reading in _pinyin().get_pinyins(name, " ", n=_READINGS):
        syllables = re.findall(r"[a-z]+", reading.lower())
        words.update({"".join(syllables), "".join(syllables[1:] + syllables[:1]), "".join(syllables[1:]), *syllables})
    return words


def _address_words(email: str) -> set[str]:
    """zhuhai.clerk@example.org → the address, zhuhai.clerk, zhuhai and clerk (runs of letters or digits)."""
    local_part = email.strip().lower().partition("@")[0]
    return {email, local_part, *re.findall(r"[^\W\d_]+|\d+", local_part)}


def _phone_words(phone: str) -> set[str]:
    """020-12345678 → 02012345678, 12345678 and 5678: people use a number's end as well as all of it."""
    digits = re.sub(r"\D", "", phone)
    return {digits, digits[-8:], digits[-4:]} if digits else set()


def guessable_words(owner: PasswordOwner) -> list[str]:
    """The words about this person (and this site) that a targeted guesser tries first."""
    words = {*_name_words(owner.name), *_address_words(owner.email), *_phone_words(owner.phone), *SITE_WORDS}
    words.update({owner.unit, owner.unit_pinyin.lower(), _pinyin().get_pinyin(owner.unit, "")})
    return sorted(word for word in words if len(word) >= 2)


@dataclass(frozen=True)
class _Estimate:
    score: int  # 0–4
    hints: list[str]  # zxcvbn's warning, then its suggestions
    dictionaries: frozenset[str]  # the names of the dictionaries it matched words of


def _zxcvbn(password: str, words: list[str]) -> _Estimate:
    with _estimating:
        result = zxcvbn(password, user_inputs=words)
    feedback = result["feedback"]
    return _Estimate(
        score=result["score"],
        hints=[hint for hint in (feedback["warning"], *feedback["suggestions"]) if hint],
        dictionaries=frozenset(match.get("dictionary_name", "") for match in result["sequence"]),
    )


def _estimate(password: str, owner: PasswordOwner) -> _Estimate:
    judged, words = password[:JUDGED_LENGTH], guessable_words(owner)
    estimate = _zxcvbn(judged, words)
    # zxcvbn takes a word between separators for random letters: for 陈刚, "Chen-Gang-1990" comes
    # out strong and "chengang1990" weak. Whoever knows the name tries it with separators too.
    bare = _SEPARATORS.sub("", judged)
    if bare != judged:
        without = _zxcvbn(bare, words)
        if "user_inputs" in without.dictionaries and without.score < estimate.score:
            return without
    return estimate


def _sentences(parts: list[str]) -> str:
    return ("" if get_locale().startswith("zh") else " ").join(parts)


def _too_easy(estimate: _Estimate) -> str:
    """Why, in the person's language: our warnings, then zxcvbn's warning and hints."""
    parts = [_("This password is too easy to guess.")]
    parts.extend(_(warning) for dictionary, warning in _OUR_WARNINGS.items() if dictionary in estimate.dictionaries)
    # zxcvbn gives hints up to score 2 only; a floor above that still owes the person a hint.
    parts.extend(_(hint) for hint in estimate.hints or [_ADD_A_WORD])
    return _sentences(parts)


def password_problem(password: str, confirmation: str, owner: PasswordOwner) -> str | None:
    """Why a new password cannot be used, in the user's language, or None if it can."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
    estimate = _estimate(password, owner)
    if estimate.score < MIN_SCORE:
        return _too_easy(estimate)
    if password != confirmation:
        return _("The two passwords do not match.")
    return None
