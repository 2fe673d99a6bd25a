"""Names of the manuscripts in the zip, and the zip itself."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import AsyncIterator

import pytest

from seminar.submissions.archive import STEM_MAX, clean_part, manuscript_name, stream_zip, unique_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("党建引领：广州实践", "党建引领：广州实践"),
        ("a/b\\c", "a／b＼c"),
        ('为什么?"枫桥经验"<新>|*', '为什么？＂枫桥经验＂＜新＞｜＊'),
        ("题目\x00\n\t 换行", "题目 换行"),
        ("  ..结尾.. ", "结尾"),
        ("C:", "C："),
    ],
)
def test_clean_part(text: str, expected: str) -> None:
    assert clean_part(text) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("广州市", "完成政治任务", "综治中心提档升级", ["陈静"], ".docx"), "广州市-完成政治任务-综治中心提档升级-陈静.docx"),
        (("江门市", "", "信访超市", ["伍敏", "李华"], ".PDF"), "江门市-信访超市-伍敏、李华.pdf"),
        (("汕尾市", "凝聚政治力量", "驻村连心", ["甲", "乙", "丙"], ".docx"), "汕尾市-凝聚政治力量-驻村连心-甲、乙等.docx"),
        (("", "", "../../etc/passwd", [], ".txt"), "／..／etc／passwd.txt"),
        (("", "", "CON", [], ".txt"), "_CON.txt"),
        (("", "", "", [], ".md"), "manuscript.md"),
    ],
)
def test_manuscript_name(parts: tuple[str, str, str, list[str], str], expected: str) -> None:
    assert manuscript_name(*parts) == expected


def test_long_titles_are_cut_so_the_whole_name_stays_short() -> None:
    name = manuscript_name("广州市", "完成政治任务", "长" * 300, ["陈静"], ".docx")

    assert name.endswith("-陈静.docx") and len(name) <= STEM_MAX + len(".docx")


def test_repeated_names_are_numbered_ignoring_case() -> None:
    assert unique_names(["a.docx", "b.docx", "A.docx", "a.docx", "readme"]) == [
        "a.docx", "b.docx", "A（2）.docx", "a（3）.docx", "readme",
    ]


async def test_stream_zip_writes_utf8_names_and_every_member() -> None:
    moment = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    async def entries() -> AsyncIterator[tuple[str, dt.datetime, bytes]]:
        yield "广州市-综治中心.docx", moment, b"first" * 1000
        yield "江门市-信访超市.txt", moment, "正文".encode()

    data = b"".join([chunk async for chunk in stream_zip(entries())])

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == ["广州市-综治中心.docx", "江门市-信访超市.txt"]
        assert all(info.flag_bits & 0x800 for info in infos)
        assert archive.read("江门市-信访超市.txt").decode() == "正文"
        assert infos[0].date_time == (2026, 11, 25, 14, 30, 0)
        assert archive.testzip() is None
