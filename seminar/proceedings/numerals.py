"""Chinese numerals for covers and headings: 二〇二一年四月, 专题三, 附录二.

GB/T 9704 writes the 成文日期 of a document in Arabic numerals, but the cover of a book keeps
the traditional form: the year digit by digit with 〇 for zero, month and day as counted
numbers (十一月, 二十一日).
"""

from __future__ import annotations

import datetime as dt

DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A counted number below 100 as written in headings: 3 → 三, 10 → 十, 21 → 二十一."""
    if not 0 <= n < 100:
        raise ValueError(f"chinese_number handles 0–99, not {n}")
    if n < 10:
        return "零" if n == 0 else DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


def chinese_year(year: int) -> str:
    """2021 → 二〇二一: each digit on its own, zero written 〇."""
    return "".join(DIGITS[int(digit)] for digit in str(year))


def chinese_year_month(date: dt.date) -> str:
    """The date line of a cover: 二〇二一年四月."""
    return f"{chinese_year(date.year)}年{chinese_number(date.month)}月"


def chinese_date(date: dt.date) -> str:
    """A full date in Chinese numerals: 二〇二一年四月二十一日."""
    return f"{chinese_year_month(date)}{chinese_number(date.day)}日"
