"""Pictures embedded in a manuscript: kept only when their bytes are the raster picture they claim to be.

Pure: a `data:` URI in, the same picture (as a clean URI) or None out. No ORM, no HTTP.
Browsers and the typesetter decide what a picture is by its bytes, not by the type its URI
names: an SVG labelled PNG is read as SVG, and an SVG can reach for local files and URLs. So
each picture is decoded here, in the format it claims and no other, and bounded in size.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image

# A photo from a phone is 12 megapixels and a few MB; a figure exported from Excel far less.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGES = 50
# What the typesetter may have to hold for one paper's pictures (up to 4 bytes a pixel).
MAX_TOTAL_PIXELS = 200_000_000

_DATA_URI = re.compile(r"data:image/(png|jpeg|gif|webp|bmp);base64,(.*)", re.I | re.S)
# The only decoder tried for each claimed type, and the bytes every file of that type starts with.
_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP"}
_MAGIC = {
    "png": re.compile(rb"\x89PNG\r\n\x1a\n"),
    "jpeg": re.compile(rb"\xff\xd8\xff"),
    "gif": re.compile(rb"GIF8[79]a"),
    "webp": re.compile(rb"RIFF....WEBP", re.S),
    "bmp": re.compile(rb"BM"),
}


@dataclass
class ImageBudget:
    """What one manuscript may still embed: pictures past either limit are left out."""

    images: int = MAX_IMAGES
    pixels: int = MAX_TOTAL_PIXELS


def checked_image(uri: str, budget: ImageBudget) -> str | None:
    """The picture in `uri` as a clean `data:` URI if it is a sound raster picture within the
    limits (and `budget` is charged for it), else None.

    >>> checked_image("data:image/png;base64,PHN2Zz48L3N2Zz4=", ImageBudget()) is None  # "<svg></svg>"
    True
    """
    match = _DATA_URI.fullmatch(uri.strip())
    if match is None or budget.images <= 0:
        return None
    claimed, payload = match.group(1).lower(), re.sub(r"\s+", "", match.group(2))
    # Refused by its length, before a byte of it is decoded.
    if len(payload) > (MAX_IMAGE_BYTES + 2) // 3 * 4:
        return None
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not _MAGIC[claimed].match(data):
        return None
    pixels = _decoded_pixels(data, _FORMATS[claimed])
    if pixels is None or pixels > budget.pixels:
        return None
    budget.images -= 1
    budget.pixels -= pixels
    return f"data:image/{claimed};base64,{base64.b64encode(data).decode('ascii')}"


def _decoded_pixels(data: bytes, pillow_format: str) -> int | None:
    """Width × height of the picture if it decodes as `pillow_format`, within MAX_IMAGE_PIXELS."""
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own bomb limit; ours is lower, so a warning is a no.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
                if image.format != pillow_format or not 0 < width * height <= MAX_IMAGE_PIXELS:
                    return None
                image.verify()  # the chunk checksums, for PNG
            # verify() leaves the image unusable: the pixels are decoded from a fresh one. The size,
            # read from the header, bounds what this costs.
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                if pillow_format == "JPEG":
                    # Every block is still decoded, at an eighth of the size: a broken stream still fails.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Exception:  # noqa: BLE001  # Pillow raises many kinds on hostile bytes: all mean "not this picture"
        return None
    return width * height
