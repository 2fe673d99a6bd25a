"""Cover titles broken between words, brackets on their own line."""

from __future__ import annotations

import pytest

from seminar.proceedings.titlelines import title_lines, width


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
        ("2021年广东省市域社会治理现代化试点工作推进会", 14, ["2021年广东省市域社会治理", "现代化试点工作推进会"]),
        # No line starts with 、.
        ("坚持党建引领、科技支撑、法治保障推动基层治理现代化", 10, ["坚持党建引领、", "科技支撑、法治保障", "推动基层治理现代化"]),
    ],
)
def test_title_lines(title: str, line_width: float, lines: list[str]) -> None:
    result = title_lines(title, line_width)
    assert result == lines
    assert "".join(result) == title and all(width(line) <= line_width for line in result)
