"""Titles (covers, the agenda) broken between words at phrase boundaries, brackets on their own line."""

from __future__ import annotations

import pytest

from seminar.titlelines import title_lines, width


@pytest.mark.parametrize(
    ("title", "line_width", "lines"),
    [
        ("全省市域社会治理研讨班", 19, ["全省市域社会治理研讨班"]),
        # The demo's title: the bracketed part on its own line.
        ("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）", 19,
         ["全省市域社会治理现代化试点创新研讨班", "（发挥政治引领作用）"]),
        # On a narrower cover the first line ends after 试点, not inside 研讨班.
        ("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）", 16,
         ["全省市域社会治理现代化试点", "创新研讨班", "（发挥政治引领作用）"]),
        ("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）", 12,
         ["全省市域社会治理现代化", "试点创新研讨班", "（发挥政治引领作用）"]),
        # Latin and digits count half and are not broken.
        ("2021年广东省市域社会治理现代化试点工作推进会", 14, ["2021年广东省", "市域社会治理现代化试点", "工作推进会"]),
        # No line starts with 、.
        ("坚持党建引领、科技支撑、法治保障推动基层治理现代化", 10, ["坚持党建引领、", "科技支撑、法治保障", "推动基层治理现代化"]),
        # After 暨 (and 的, 与) a line may end; 市域社会治理 is never split.
        ("广东省平安建设暨市域社会治理现代化试点工作座谈会", 16, ["广东省平安建设暨", "市域社会治理现代化试点工作座谈会"]),
        ("全省政法系统学习贯彻党的二十大精神与市域社会治理现代化研讨班", 20,
         ["全省政法系统学习贯彻党的二十大精神与", "市域社会治理现代化研讨班"]),
        # Never "创新研 / 讨班": the event's name stays whole, the break falls before it or at a phrase.
        ("市域社会治理现代化试点创新研讨班", 12, ["市域社会治理现代化试点", "创新研讨班"]),
        ("全省市域社会治理现代化试点创新研讨班论文集", 14, ["全省市域社会治理现代化试点", "创新研讨班论文集"]),
        # A short bracketed part stays on its line: "用）" or "（试行）" never stands alone.
        ("发挥政治引领作用研讨班第二期会议日程安排表格（用）", 20, ["发挥政治引领作用研讨班第二期会议", "日程安排表格（用）"]),
        ("全省市域社会治理现代化试点创新研讨班（试行）", 19, ["全省市域社会治理现代化试点", "创新研讨班（试行）"]),
    ],
)
def test_title_lines(title: str, line_width: float, lines: list[str]) -> None:
    result = title_lines(title, line_width)
    assert result == lines
    assert "".join(result) == title and all(width(line) <= line_width for line in result)


@pytest.mark.parametrize("width", range(10, 30))
def test_no_width_splits_a_word_of_the_demo_title(width: int) -> None:
    lines = title_lines("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）", width)
    joined = "/".join(lines)
    for word in ("研讨班", "市域社会治理", "现代化", "（发挥政治引领作用）"):
        assert word in joined
