"""The password rules as tables: the length rule, zxcvbn's estimate with what is known about the
person, Chinese passwords, the translated hints (all of them, read from zxcvbn's source) and the cap
on what zxcvbn sees."""

from __future__ import annotations

import ast
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from seminar import i18n
from seminar.accounts.password_rules import (
    JUDGED_LENGTH,
    ZXCVBN_HINTS,
    PasswordOwner,
    guessable_words,
    password_problem,
)
from tests.patience import patience

WANG_FANG = PasswordOwner(name="王芳", email="fwang@gd.gov.cn", unit="广州市", unit_pinyin="guangzhou", phone="138 0013 8000")
TOO_EASY = "密码太容易被猜中。"
ABOUT_YOU = "它包含您的姓名、电子邮箱、单位或电话号码，或本网站的名称。"
CHINESE_WORDS = "它由中文密码中常见的词或数字组成，如 woaini、5201314。"


def zxcvbn_hints_in_its_source() -> set[str]:
    """Every string zxcvbn's feedback module passes to gettext."""
    spec = find_spec("zxcvbn.feedback")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_hint_zxcvbn_can_give_is_listed() -> None:
    hints = zxcvbn_hints_in_its_source()

    assert len(hints) > 20
    assert hints == set(ZXCVBN_HINTS)


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_every_hint_zxcvbn_can_give_is_translated(locale: str) -> None:
    with i18n.use_locale(locale):
        untranslated = [hint for hint in zxcvbn_hints_in_its_source() if i18n.gettext(hint) == hint]

    assert untranslated == []


def test_the_words_about_a_person_include_their_name_in_pinyin_their_address_unit_and_phone() -> None:
    words = set(guessable_words(WANG_FANG))

    assert {"王芳", "wangfang", "fangwang", "wang", "fang"} <= words
    assert {"fwang@gd.gov.cn", "fwang"} <= words
    assert {"广州市", "guangzhou", "guangzhoushi"} <= words
    assert {"13800138000", "00138000", "8000"} <= words
    assert {"研讨班", "seminar"} <= words


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("wangfang1990", [ABOUT_YOU]),  # the name in pinyin and a year
        ("Fangwang19900101", [ABOUT_YOU]),  # given name first, and a birthday
        ("wang.fang.1990", [ABOUT_YOU]),  # separators do not hide the name
        ("guangzhou2026!", [ABOUT_YOU]),  # the unit
        ("fw13800138000", [ABOUT_YOU]),  # the phone
        ("fwang@gd.gov.cn", [ABOUT_YOU]),  # the address itself
        ("seminar2026!", [ABOUT_YOU]),  # this site
        ("woaini1314520", [CHINESE_WORDS]),
        ("5201314woaini", [CHINESE_WORDS]),
        ("zhangsan123456", [CHINESE_WORDS]),
        ("1qaz2wsx3edc", ["这是非常常用的密码。"]),
        ("zxcvbnm,./", ["键盘上连成一排的键很容易被猜中。"]),
        ("abcabcabcabc", ["“abcabcabc”这样的重复只比“abc”难猜一点。", "避免重复的词和字符。"]),
        ("Lily19900101", ["日期往往很容易被猜中。", "避免使用与您有关的日期和年份（如生日）。"]),
        ("p@ssw0rd2026", ["这与一个常用密码相似。", "用“@”代替“a”这类可以预料的替换帮助不大。"]),
    ],
)
def test_easy_passwords_are_refused_saying_why_in_chinese(password: str, says: list[str]) -> None:
    problem = password_problem(password, password, WANG_FANG)

    assert problem is not None and problem.startswith(TOO_EASY)
    assert all(sentence in problem for sentence in says), problem
    assert "再加一两个词，不常用的词更好。" in problem


@pytest.mark.parametrize(
    "password", ["qing-shan-liu-shui-42", "lishi-2026-xyz", "correct horse", "Tr0ub4dor&3x", "西湖断桥残雪2026春"]
)
def test_hard_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, password, WANG_FANG) is None


def test_the_length_rule_comes_first_and_the_two_must_match() -> None:
    assert password_problem("Tr0ub4d&3", "Tr0ub4d&3", WANG_FANG) == "密码至少须有 10 个字符。"
    assert password_problem("Tr0ub4dor&3x", "Tr0ub4dor&3y", WANG_FANG) == "两次输入的密码不一致。"


def test_a_password_is_judged_for_its_owner() -> None:
    someone_else = PasswordOwner(name="陈刚", email="chengang@example.org")

    assert password_problem("wangfang2026!", "wangfang2026!", someone_else) is None
    assert password_problem("wangfang2026!", "wangfang2026!", WANG_FANG) is not None


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_Hant", "密碼太容易被猜中。它包含您的姓名、電子信箱、單位或電話號碼，或本網站的名稱。再加一兩個詞，不常用的詞更好。"),
        (
            "en",
            "This password is too easy to guess. It contains your name, e-mail address, unit or phone number, "
            "or the name of this site. Add another word or two. Uncommon words are better.",
        ),
    ],
)
def test_the_hints_speak_the_persons_language(locale: str, expected: str) -> None:
    with i18n.use_locale(locale):
        assert password_problem("wangfang1990", "wangfang1990", WANG_FANG) == expected


def test_zxcvbn_sees_only_the_first_characters_of_a_long_password() -> None:
    """zxcvbn refuses passwords longer than 72 characters and slows steeply before that."""
    strong = "qing-shan-liu-shui-42-"
    weak_start = "a" * JUDGED_LENGTH
    started = time.perf_counter()

    assert password_problem(strong * 10, strong * 10, WANG_FANG) is None
    assert password_problem(weak_start + strong * 5, weak_start + strong * 5, WANG_FANG) is not None
    assert time.perf_counter() - started < patience(1)
