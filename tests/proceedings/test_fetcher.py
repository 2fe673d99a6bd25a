"""The typesetter's URL fetcher: the book's own files by an allow-list, raster data: images, nothing else."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from seminar.proceedings.fetcher import BOOK_FILES, RefusedURL, book_fetcher, raster_type

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/hostname" width="9" height="9"/></svg>'


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The book's folder of static files, with a picture, a symlink leading out and a subfolder."""
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "logo.png").write_bytes(png())
    (tmp_path / "secret.png").write_bytes(png())
    (folder / "escape.png").symlink_to(tmp_path / "secret.png")
    (folder / "zero.png").symlink_to("/dev/zero")
    (folder / "folder.png").mkdir()
    return folder


def test_the_books_own_picture_is_served_and_logged(root: Path) -> None:
    fetcher = book_fetcher((root,))

    response = fetcher.fetch((root / "logo.png").as_uri())

    assert response.read() == png()
    assert fetcher.opened == [str(root / "logo.png")] and fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file:///etc/passwd",
        "file:///dev/zero",
        "file:///proc/self/environ",
        "{root}/../secret.png",
        "{root}/escape.png",  # a symlink inside the folder leading out of it
        "{root}/zero.png",  # a symlink to a special file
        "{root}/folder.png",  # a directory
        "{root}/missing.png",
        "file://attacker.example/share/x.png",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x.png",
        "data:image/png;base64," + base64.b64encode(SVG).decode(),  # SVG posing as PNG
        "data:image/svg+xml;base64," + base64.b64encode(SVG).decode(),
        "data:text/html,<p>x</p>",
    ],
)
def test_everything_else_is_refused_without_opening_it(root: Path, url: str) -> None:
    fetcher = book_fetcher((root,))
    asked = url.replace("{root}", root.as_uri())

    with pytest.raises(RefusedURL):
        fetcher.fetch(asked)

    assert fetcher.opened == [] and len(fetcher.refused) == 1
    assert len(fetcher.requested[0]) <= 320  # a data: URI is logged by its head, not its payload


def test_a_raster_data_uri_is_served_as_the_type_its_bytes_are() -> None:
    fetcher = book_fetcher()

    response = fetcher.fetch("data:image/gif;base64," + base64.b64encode(png()).decode())

    assert response.read() == png() and response.headers["Content-Type"] == "image/png"
    assert raster_type(SVG) is None and fetcher.opened == []


def test_the_default_allow_list_is_the_books_own_folder() -> None:
    fetcher = book_fetcher()

    fetcher.fetch((BOOK_FILES / "book.css").as_uri())
    with pytest.raises(RefusedURL):
        fetcher.fetch((BOOK_FILES.parent / "favicon.svg").as_uri())

    assert fetcher.opened == [str((BOOK_FILES / "book.css").resolve())]
