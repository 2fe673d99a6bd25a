"""What a certificate says and how its number looks: tables, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from seminar.certificates.wording import (
    attendance_wording, award_wording, certificate_number, date_span, normalise_number, signature_date,
)


def test_award_wording_names_authors_title_seminar_and_grade() -> None:
    wording = award_wording("陈静、李明", "坚持党建引领", "市域社会治理研讨班", "second")

    assert (wording.title, wording.body) == (
        "荣誉证书", "陈静、李明同志撰写的《坚持党建引领》在市域社会治理研讨班论文评选中荣获二等奖。特发此证，以资鼓励。"
    )


def test_organization_award_names_the_unit_and_no_paper() -> None:
    assert award_wording("广州市", "", "研讨班", "organization").body == "广州市在研讨班组织工作中表现突出，荣获优秀组织奖。特发此证，以资鼓励。"


def test_attendance_wording_states_who_attended_when() -> None:
    wording = attendance_wording("黄颖", "省公安厅", "研讨班", dt.date(2021, 11, 25), dt.date(2021, 11, 26))

    assert (wording.title, wording.body) == ("参会证明", "兹证明黄颖同志（省公安厅）于2021年11月25日至26日参加研讨班。特此证明。")


@pytest.mark.parametrize(("starts", "ends", "expected"), [
    (dt.date(2021, 11, 25), dt.date(2021, 11, 25), "2021年11月25日"),
    (dt.date(2021, 11, 30), dt.date(2021, 12, 1), "2021年11月30日至12月1日"),
    (dt.date(2021, 12, 31), dt.date(2022, 1, 1), "2021年12月31日至2022年1月1日"),
])
def test_date_span(starts: dt.date, ends: dt.date, expected: str) -> None:
    assert date_span(starts, ends) == expected


@pytest.mark.parametrize(("date", "expected"), [
    (dt.date(2021, 11, 26), "二〇二一年十一月"),
    (dt.date(2030, 1, 2), "二〇三〇年一月"),
])
def test_signature_date_in_chinese_numerals(date: dt.date, expected: str) -> None:
    assert signature_date(date) == expected


def test_numbers_are_year_serial_and_a_random_part_that_differs() -> None:
    numbers = {certificate_number(2021, 7) for _ in range(50)}

    assert all(n.startswith("2021-0007-") and len(n) == 16 for n in numbers)
    assert len(numbers) == 50


@pytest.mark.parametrize(("typed", "expected"), [
    ("2021-0007-K3XQ7M", "2021-0007-K3XQ7M"),
    (" 2021-0007-k3xq7m ", "2021-0007-K3XQ7M"),
    ("2021-0007-K3XQ7", None),
    ("2021-0007-K3XQ0M", None),  # 0 is not in the alphabet
    ("../../etc", None),
])
def test_normalise_number(typed: str, expected: str | None) -> None:
    assert normalise_number(typed) == expected
