"""The review form, read with and without binding it."""

from __future__ import annotations

import io

import pytest
from starlette.datastructures import FormData, Headers, UploadFile

from seminar.reviews.forms import REVIEW_TEXT_LIMITS, ReviewForm, read_posted_review

COMMENT_LIMIT = REVIEW_TEXT_LIMITS["comment_to_authors"]
NOTE_LIMIT = REVIEW_TEXT_LIMITS["confidential_note"]
TYPED = [("comment_to_authors", "  选题紧扣专题。\r\n经验具体。  "), ("confidential_note", "可作重点发言"),
         ("recommendation", "keynote"), ("confidence", "3"), ("version", "4")]


def upload() -> UploadFile:
    return UploadFile(io.BytesIO(b"x"), filename="x.txt", headers=Headers({"content-type": "text/plain"}))


@pytest.mark.parametrize("posted", [
    TYPED,
    [],  # a script that sends nothing: every field empty, version 0
    [("comment_to_authors", ""), ("confidential_note", "   "), ("recommendation", ""), ("confidence", ""), ("version", "")],
    [("recommendation", "no such choice"), ("confidence", "high"), ("version", "v2")],
    [("version", "7\r\n"), ("confidence", "2\n")],  # the version is one line; a radio's value is taken as sent
    [("version", "-1"), ("confidence", "0")],
    [*TYPED, ("comment_to_authors", "第二个值"), ("version", "9")],  # a name sent twice: the first value counts
    [("comment_to_authors", "长" * COMMENT_LIMIT), ("confidential_note", "密" * NOTE_LIMIT)],
    [("comment_to_authors", " " + "长" * COMMENT_LIMIT + " ")],  # the limit counts after the spaces go
])
def test_posted_review_read_without_the_form_is_what_the_bound_form_reads(posted: list[tuple[str, str]]) -> None:
    data = FormData(posted)

    read = read_posted_review(data)

    form = ReviewForm(formdata=data)
    assert form.validate()
    assert read == form.posted()


@pytest.mark.parametrize(("posted", "refused"), [
    ([("comment_to_authors", "长" * (COMMENT_LIMIT + 1))], ["comment_to_authors"]),
    ([("confidential_note", "密" * (NOTE_LIMIT + 1)), ("confidence", "x")], ["confidential_note"]),
])
def test_posted_review_over_a_limit_is_left_to_the_form_and_its_message(posted: list[tuple[str, str]], refused: list[str]) -> None:
    data = FormData(posted)

    read = read_posted_review(data)

    form = ReviewForm(formdata=data)
    assert read is None
    assert not form.validate()
    assert list(form.errors) == refused


@pytest.mark.parametrize("name", ["comment_to_authors", "version"])
def test_posted_review_with_a_file_for_a_field_is_left_to_the_form(name: str) -> None:
    assert read_posted_review(FormData([(name, upload()), *TYPED])) is None
