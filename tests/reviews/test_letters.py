"""Decision letters: placeholders read, unknown ones refused by name, values filled in, 点评 only when allowed."""

from __future__ import annotations

import pytest

from seminar.reviews import letters


@pytest.mark.parametrize(("text", "expected"), [
    ("第{paper_number}号《{paper_title}》", ["paper_number", "paper_title"]),
    ("{recipient}：{recipient}", ["recipient"]),
    ("花括号本身：{{不是占位符}}", []),
    ("", []),
])
def test_placeholders_in_order_of_first_use(text: str, expected: list[str]) -> None:
    assert letters.placeholders(text) == expected


@pytest.mark.parametrize(("subject", "body", "named"), [
    ("{seminar}", "{foo}", "{foo}"),
    ("{paper_titel}", "正文", "{paper_titel}"),
    ("主题", "{paper_title.upper}", "{paper_title.upper}"),
])
def test_unknown_placeholders_are_refused_by_name(subject: str, body: str, named: str) -> None:
    with pytest.raises(letters.LetterError) as refused:
        letters.check_template(subject, body)

    assert named in refused.value.message


@pytest.mark.parametrize("body", ["{paper_title", "paper_title}", "{}", "{0}", "{paper_number:03d}", "{city!r}"])
def test_malformed_placeholders_are_refused(body: str) -> None:
    with pytest.raises(letters.LetterError):
        letters.check_template("主题", body)


def test_every_default_template_uses_only_known_placeholders() -> None:
    for subject, body in letters.DEFAULT_TEMPLATES.values():
        letters.check_template(subject, body)
    assert set(letters.DEFAULT_TEMPLATES) == set(letters.OUTCOME_NAMES)


def test_render_fills_in_values_and_leaves_no_stack_of_blank_lines() -> None:
    letter = letters.render_letter("{seminar}：第{paper_number}号", "{recipient}：\n\n{award}\n\n{comments}\n\n此致", {
        "seminar": "研讨班", "paper_number": 7, "recipient": "陈静", "award": "", "comments": "",
    })

    assert letter == letters.Letter("研讨班：第7号", "陈静：\n\n此致\n")


@pytest.mark.parametrize(("allowed", "expected"), [
    (True, "专家点评：\n\n1. 选题好。\n\n2. 论证扎实。"),
    (False, ""),
])
def test_comments_are_numbered_without_names_and_only_when_allowed(allowed: bool, expected: str) -> None:
    assert letters.comments_text(["选题好。", "  ", "论证扎实。"], allowed) == expected
