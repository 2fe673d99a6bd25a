from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from seminar.submissions.images import MAX_IMAGE_BYTES, MAX_IMAGES, ImageBudget, checked_image
from tests.submissions.documents import HOSTILE_SVG, bilevel_png, png


def uri(data: bytes, claimed: str = "png") -> str:
    return f"data:image/{claimed};base64,{base64.b64encode(data).decode()}"


def saved(pillow_format: str, size: tuple[int, int] = (16, 12)) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", size, "navy").save(picture, pillow_format)
    return picture.getvalue()


@pytest.mark.parametrize(("pillow_format", "claimed"), [("PNG", "png"), ("JPEG", "jpeg"), ("GIF", "gif"), ("WEBP", "webp"), ("BMP", "bmp")])
def test_a_sound_picture_of_each_kind_is_kept_byte_for_byte(pillow_format: str, claimed: str) -> None:
    data = saved(pillow_format)

    assert checked_image(uri(data, claimed), ImageBudget()) == uri(data, claimed)


def test_a_picture_survives_line_breaks_and_upper_case_in_its_uri() -> None:
    encoded = base64.encodebytes(png()).decode()  # wrapped every 76 characters, as mail does

    assert checked_image(f"DATA:image/PNG;base64,{encoded}", ImageBudget()) == uri(png())


@pytest.mark.parametrize(
    ("data", "claimed"),
    [
        pytest.param(HOSTILE_SVG, "png", id="svg-as-png"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + HOSTILE_SVG, "png", id="svg-behind-png-magic"),
        pytest.param(HOSTILE_SVG, "jpeg", id="svg-as-jpeg"),
        pytest.param(saved("JPEG"), "png", id="jpeg-as-png"),
        pytest.param(png(), "gif", id="png-as-gif"),
        pytest.param(png()[:-20], "png", id="truncated-png"),
        pytest.param(png()[:45] + bytes([png()[45] ^ 0xFF]) + png()[46:], "png", id="png-with-a-bad-checksum"),
        pytest.param(saved("JPEG", (64, 64))[:200], "jpeg", id="truncated-jpeg"),
        pytest.param(b"GIF89a" + b"\0" * 20, "gif", id="gif-header-only"),
        pytest.param(b"BM" + HOSTILE_SVG, "bmp", id="svg-behind-bmp-magic"),
    ],
)
def test_bytes_that_are_not_the_claimed_picture_are_dropped(data: bytes, claimed: str) -> None:
    assert checked_image(uri(data, claimed), ImageBudget()) is None


@pytest.mark.parametrize(
    "source",
    [
        "data:image/svg+xml;base64," + base64.b64encode(HOSTILE_SVG).decode(),
        "data:image/png," + png().hex(),
        "data:image/png;base64,!!not base64!!",
        "data:text/html;base64,PGI+eDwvYj4=",
        "file:///etc/hostname",
        "https://example.org/picture.png",
    ],
)
def test_anything_but_base64_raster_in_a_data_uri_is_dropped(source: str) -> None:
    assert checked_image(source, ImageBudget()) is None


def test_a_picture_over_the_pixel_limit_is_dropped_and_one_just_under_is_kept() -> None:
    assert checked_image(uri(bilevel_png(8000, 5000)), ImageBudget()) is not None  # exactly 40 megapixels
    assert checked_image(uri(bilevel_png(8000, 5001)), ImageBudget()) is None


def test_a_decompression_bomb_is_dropped() -> None:
    bomb = bilevel_png(15_000, 15_000)  # 225 megapixels, past Pillow's own limit too
    assert len(bomb) < 1024 * 1024

    assert checked_image(uri(bomb), ImageBudget()) is None


def test_a_picture_over_the_byte_limit_is_dropped_before_it_is_decoded() -> None:
    padded = png() + b"\0" * MAX_IMAGE_BYTES  # bytes after IEND: any decoder ignores them

    assert checked_image(uri(padded), ImageBudget()) is None


def test_pictures_past_the_count_or_total_pixels_are_dropped() -> None:
    budget = ImageBudget()
    kept = [checked_image(uri(png()), budget) for _picture in range(MAX_IMAGES + 2)]
    assert kept.count(None) == 2 and kept[-1] is None

    budget = ImageBudget(pixels=50_000_000)
    big = uri(bilevel_png(6000, 5000))  # 30 megapixels
    assert checked_image(big, budget) is not None
    assert checked_image(big, budget) is None
    assert checked_image(uri(png()), budget) is not None  # a small one still fits
