"""What a certificate says, and its number: plain data in, plain text out (no ORM, no web).

The wording is the one Chinese offices print (荣誉证书: "××同志撰写的《题目》在××论文评选中荣获
一等奖。特发此证，以资鼓励。"), in Simplified Chinese whatever language the reader's pages use:
a certificate is an official document of a mainland body.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from seminar.proceedings.numerals import chinese_year_month

GRADE_NAMES = {
    "first": "一等奖",
    "second": "二等奖",
    "third": "三等奖",
    "excellence": "优秀奖",
    "organization": "优秀组织奖",
}
# The paper awards in the order they rank; "organization" is a unit's.
PAPER_GRADES = ("first", "second", "third", "excellence")
ORGANIZATION = "organization"

# Digits and capitals a reader cannot confuse when typing a number from paper (no 0/O, 1/I/L).
CHECK_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_LENGTH = 6
_NUMBER = re.compile(rf"^\d{{4}}-\d{{4,}}-[{CHECK_ALPHABET}]{{{CHECK_LENGTH}}}$")


def certificate_number(year: int, serial: int, check: str | None = None) -> str:
    """2021-0007-K3XQ7M: the seminar's year, its serial, and six random characters.

    The year and serial make it readable and sortable; the random part (31⁶ ≈ 9×10⁸ per serial)
    keeps anyone from finding other certificates by counting through numbers on /verify/.
    """
    if check is None:
        check = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))
    return f"{year:04d}-{serial:04d}-{check}"


def normalise_number(typed: str) -> str | None:
    """A number as typed or scanned (spaces, lower case), or None when it cannot be one."""
    cleaned = re.sub(r"\s+", "", typed).upper()
    return cleaned if _NUMBER.match(cleaned) else None


def authors_line(names: list[str]) -> str:
    return "、".join(name for name in names if name)


@dataclass(frozen=True)
class Wording:
    title: str  # 荣誉证书 / 参会证明
    salutation: str  # the first line, or ""
    body: str


def award_wording(holder: str, paper_title: str, seminar_title: str, grade: str) -> Wording:
    """The 获奖证书 of a paper, or (grade "organization") the 优秀组织奖 of a unit."""
    award = GRADE_NAMES[grade]
    if grade == ORGANIZATION:
        body = f"{holder}在{seminar_title}组织工作中表现突出，荣获{award}。特发此证，以资鼓励。"
        return Wording("荣誉证书", "", body)
    body = f"{holder}同志撰写的《{paper_title}》在{seminar_title}论文评选中荣获{award}。特发此证，以资鼓励。"
    return Wording("荣誉证书", "", body)


def attendance_wording(holder: str, unit: str, seminar_title: str, starts_on: dt.date, ends_on: dt.date) -> Wording:
    """The 参会证明: one paragraph stating who attended what, when."""
    who = f"{holder}同志（{unit}）" if unit else f"{holder}同志"
    body = f"兹证明{who}于{date_span(starts_on, ends_on)}参加{seminar_title}。特此证明。"
    return Wording("参会证明", "", body)


def date_span(starts_on: dt.date, ends_on: dt.date) -> str:
    """2021年11月25日至26日; the month and year are repeated only when they change."""
    first = f"{starts_on.year}年{starts_on.month}月{starts_on.day}日"
    if ends_on <= starts_on:
        return first
    if ends_on.year != starts_on.year:
        return f"{first}至{ends_on.year}年{ends_on.month}月{ends_on.day}日"
    if ends_on.month != starts_on.month:
        return f"{first}至{ends_on.month}月{ends_on.day}日"
    return f"{first}至{ends_on.day}日"


def signature_date(issued_on: dt.date) -> str:
    """二〇二一年十一月: the date under the issuer's name, in Chinese numerals as offices sign."""
    return chinese_year_month(issued_on)
