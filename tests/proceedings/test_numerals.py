import datetime as dt

import pytest

from seminar.proceedings.numerals import chinese_date, chinese_number, chinese_year_month


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2021, 4, 1), "二〇二一年四月"),
        (dt.date(2000, 10, 5), "二〇〇〇年十月"),
        (dt.date(2022, 11, 30), "二〇二二年十一月"),
        (dt.date(2019, 12, 31), "二〇一九年十二月"),
        (dt.date(2030, 1, 15), "二〇三〇年一月"),
    ],
)
def test_cover_dates_are_written_in_chinese_numerals(date: dt.date, expected: str) -> None:
    assert chinese_year_month(date) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "零"), (1, "一"), (6, "六"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九")],
)
def test_counted_numbers_for_topics_and_appendices(n: int, expected: str) -> None:
    assert chinese_number(n) == expected


def test_full_date_counts_the_day() -> None:
    assert chinese_date(dt.date(2021, 4, 21)) == "二〇二一年四月二十一日"
    assert chinese_date(dt.date(2021, 4, 10)) == "二〇二一年四月十日"


def test_numbers_beyond_the_headings_range_are_refused() -> None:
    with pytest.raises(ValueError):
        chinese_number(100)
