"""Issue 11, at intake: pictures are kept only when their bytes are the raster picture they claim,
links into the server are removed, and a manuscript longer than any paper is refused.

A `data:image/png` whose bytes are SVG was stored as it came; the typesetter read it as SVG and
followed its `<image href="file:///…">` into the published book. `[x](../../etc/passwd)` became a
clickable `file:///etc/passwd` in the PDF. A 19 MB text was converted, stored and typeset.
"""

from __future__ import annotations

import base64
import re

import pytest

from seminar.submissions.intake import IntakeError, inspect_upload
from seminar.submissions.models import Manuscript
from tests.conftest import flashes
from tests.security.test_hostile_input import City, assert_still_serving, city, error_messages, footprint  # noqa: F401  # city: a fixture
from tests.submissions.documents import HOSTILE_SVG, PARAGRAPH, bilevel_png, hyperlink_docx, make_docx, picture_docx, png

MAX_CHARACTERS = 200_000  # the limit the upload page states
IMAGE_SOURCE = re.compile(r'<img[^>]*\ssrc="data:image/(\w+);base64,([^"]*)"')


def pictures(markup: str) -> list[tuple[str, bytes]]:
    """The pictures a page or the typesetter would show: (claimed type, bytes)."""
    return [(kind, base64.b64decode(data)) for kind, data in IMAGE_SOURCE.findall(markup)]


def markdown_picture(data: bytes, claimed: str = "png") -> bytes:
    return f"# 一、总体思路\n\n正文。\n\n![示意图](data:image/{claimed};base64,{base64.b64encode(data).decode()})\n\n结语。".encode()


# ---------- pictures ----------


def test_an_svg_labelled_png_in_markdown_is_not_kept() -> None:
    intake = inspect_upload("论文.md", markdown_picture(HOSTILE_SVG))

    assert pictures(intake.html) == [] and "<img" not in intake.html
    assert "file:" not in intake.html and base64.b64encode(HOSTILE_SVG).decode()[:40] not in intake.html
    assert "正文。" in intake.html and "结语。" in intake.html
    assert intake.dropped_images == 1


def test_an_svg_saved_as_a_docx_pictures_png_is_not_kept() -> None:
    intake = inspect_upload("论文.docx", picture_docx(HOSTILE_SVG))

    assert intake.html == "<p>图片之前的正文。</p><p>图片之后的正文。</p>"
    assert intake.dropped_images == 1


@pytest.mark.parametrize(("filename", "build"), [("论文.docx", picture_docx), ("论文.md", markdown_picture)])
def test_a_real_png_is_kept_as_it_was(filename: str, build) -> None:  # type: ignore[no-untyped-def]
    picture = png(40, 30, "teal")

    intake = inspect_upload(filename, build(picture))

    assert pictures(intake.html) == [("png", picture)]
    assert intake.dropped_images == 0


@pytest.mark.parametrize(("filename", "build"), [("论文.docx", picture_docx), ("论文.md", markdown_picture)])
def test_a_picture_over_40_megapixels_is_not_kept(filename: str, build) -> None:  # type: ignore[no-untyped-def]
    intake = inspect_upload(filename, build(bilevel_png(8000, 5001)))

    assert pictures(intake.html) == []
    assert intake.dropped_images == 1


# ---------- links ----------


def test_relative_and_file_links_in_markdown_keep_their_text_but_not_the_link() -> None:
    text = (
        "见[口令文件](../../etc/passwd)、[主机名](file:///etc/hostname)、[安装目录](/srv/seminar)、"
        "[他站](//evil.example/x)、[本页](#)、[FTP](ftp://example.org/a)，"
        "另见[国务院](https://www.gov.cn/)、[来信](mailto:ban@example.org)与[第二节](#第二节)。"
    )

    html = inspect_upload("论文.md", text.encode()).html

    assert re.findall(r'href="([^"]*)"', html) == ["https://www.gov.cn/", "mailto:ban@example.org", "#%E7%AC%AC%E4%BA%8C%E8%8A%82"]
    # markdown-it leaves a link to a scheme it distrusts (file:) as the text it was typed as.
    assert all(words in html for words in ("口令文件", "主机名", "安装目录", "他站", "本页", "FTP"))


def test_relative_and_file_hyperlinks_in_a_docx_keep_their_text_but_not_the_link() -> None:
    document = hyperlink_docx({
        "口令文件": "../../etc/passwd", "主机名": "file:///etc/hostname", "安装目录": "/srv/seminar",
        "共享盘": "\\\\fileserver\\share\\a.docx", "国务院": "https://www.gov.cn/", "目录": "#_Toc1",
    })

    html = inspect_upload("论文.docx", document).html

    assert re.findall(r'href="([^"]*)"', html) == ["https://www.gov.cn/", "#_Toc1"]
    assert all(words in html for words in ("口令文件", "主机名", "安装目录", "共享盘"))


# ---------- length ----------


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("论文.txt", ("治" * (MAX_CHARACTERS + 1)).encode()),
        ("论文.txt", ("治" * (MAX_CHARACTERS + 1)).encode("gb18030")),
        ("论文.md", ("# 标题\n\n" + "治" * MAX_CHARACTERS).encode()),
        ("论文.docx", make_docx(text="治" * MAX_CHARACTERS)),
    ],
    ids=["txt", "txt-gbk", "md", "docx"],
)
def test_a_manuscript_longer_than_any_paper_is_refused_naming_the_limit(filename: str, data: bytes) -> None:
    with pytest.raises(IntakeError) as refused:
        inspect_upload(filename, data)

    assert "200,000 个字符" in refused.value.message and "请确认上传的是论文文件" in refused.value.message


def test_a_long_paper_within_the_limit_is_taken_and_a_pictures_bytes_do_not_count_as_text() -> None:
    assert inspect_upload("论文.docx", make_docx(text=PARAGRAPH * 4000)).word_count  # 148,000 characters
    big_picture = png(1500, 1500, "white") + b"\0" * 250_000  # padding after IEND: still a sound PNG

    intake = inspect_upload("论文.md", markdown_picture(big_picture))

    assert len(base64.b64encode(big_picture)) > MAX_CHARACTERS
    assert pictures(intake.html) == [("png", big_picture)]


# ---------- through the upload form ----------


async def test_an_over_long_upload_is_refused_on_the_paper_page_and_nothing_is_stored(city: City) -> None:  # noqa: F811
    page = await city.client.get(f"/{city.seminar.slug}/papers/{city.paper.number}")
    assert "正文不超过 200,000 个字符" in page.text
    before = await footprint()

    response = await city.upload("论文.txt", ("治" * (MAX_CHARACTERS + 1)).encode())

    assert response.status_code == 400
    assert error_messages(response.text) == [
        "稿件正文超过 200,000 个字符，远超一篇论文的篇幅。请确认上传的是论文文件，或删减后重新上传。"
    ]
    assert await footprint() == before
    await assert_still_serving(city.client, city.seminar)


async def test_an_uploaded_svg_posing_as_png_is_not_stored_and_the_city_is_told(city: City) -> None:  # noqa: F811
    response = await city.upload("论文.docx", picture_docx(HOSTILE_SVG))

    assert response.status_code == 303
    page = await city.client.get(response.headers["location"])
    assert any(message.startswith("有 1 张图片未能保留") for message in flashes(page))
    manuscript = await Manuscript.get(paper_id=city.paper.id)
    assert manuscript.html == "<p>图片之前的正文。</p><p>图片之后的正文。</p>"
    assert "<img" not in page.text.split("<main", 1)[1]


async def test_an_uploaded_markdown_keeps_its_picture_and_loses_its_link_into_the_server(city: City) -> None:  # noqa: F811
    picture = png(40, 30, "teal")
    text = markdown_picture(picture) + "\n\n见[口令文件](../../etc/passwd)。".encode()

    response = await city.upload("论文.md", text)

    assert response.status_code == 303
    page = await city.client.get(response.headers["location"])
    assert not any("图片未能保留" in message for message in flashes(page))
    manuscript = await Manuscript.get(paper_id=city.paper.id)
    assert pictures(manuscript.html) == [("png", picture)]
    assert "etc/passwd" not in manuscript.html and "etc/passwd" not in page.text
