"""Decision letters: placeholders read, unknown ones refused by name, values filled in, 点评 only when allowed."""

from __future__ import annotations

import pytest

from seminar import i18n
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


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("outcome", list(letters.DECISION_NAMES))
def test_every_default_wording_uses_only_known_placeholders_in_each_language(outcome: str, locale: str) -> None:
    with i18n.use_locale(locale):
        subject, body = letters.default_wording(outcome)
    letters.check_template(subject, body)
    assert {"recipient", "paper_title", "paper_number", "seminar", "comments"} <= set(letters.placeholders(body))
    assert ("Dear {recipient}," in body) is (locale == "en")


def test_the_simplified_chinese_default_is_the_wording_the_letters_always_had() -> None:
    with i18n.use_locale("zh_Hans"):
        assert letters.default_wording("keynote") == (
            "{seminar}：论文评审结果通知（第{paper_number}号）",
            "{recipient}：\n\n您好！经专家评审，贵单位报送的论文《{paper_title}》（{topic}专题，第{paper_number}号）"
            "入选研讨班重点发言。{award}\n\n请做好发言准备，具体安排另行通知。\n\n{comments}\n\n{seminar}组委会",
        )
        assert letters.default_wording("decline")[1] == (
            "{recipient}：\n\n您好！感谢贵单位报送论文《{paper_title}》（{topic}专题，第{paper_number}号）。"
            "经专家评审，该论文本次未予采用。\n\n{comments}\n\n{seminar}组委会"
        )


@pytest.mark.parametrize(("locale", "award", "expected"), [
    ("zh_Hans", "second", "论文荣获二等奖。"),
    ("zh_Hant", "excellence", "論文榮獲優秀獎。"),
    ("en", "first", " The paper is awarded the first prize."),
    ("en", None, ""),
])
def test_the_award_is_told_in_the_readers_language(locale: str, award: str | None, expected: str) -> None:
    with i18n.use_locale(locale):
        assert letters.award_text(award) == expected


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
