"""The hash of every input of a build: the book's content, the stylesheet, the templates, the fonts, the code.

Two builds with the same hash produce the same book, so the second one is never run. Pure
apart from reading the files it names; no ORM, no HTTP.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from seminar.config import PROJECT_ROOT
from seminar.proceedings.book import TEMPLATE_DIR, BookSpec
from seminar.proceedings.styles import FONT_FILES
from seminar.proceedings.typeset import stylesheet_paths

CODE_FILES = (
    *(PROJECT_ROOT / "seminar" / "proceedings" / name for name in (
        "book.py", "typeset.py", "numerals.py", "fetcher.py", "pdfpages.py", "frontmatter.py", "keeptogether.py",
        "styles.py",
    )),
    PROJECT_ROOT / "seminar" / "titlelines.py",
    PROJECT_ROOT / "seminar" / "submissions" / "intake.py",  # nest_headings, applied to every paper's text
)


def plain_data(value: Any) -> Any:
    """JSON-ready data of a spec; uploaded PDFs stand for their SHA-256 so the hash stays cheap."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain_data(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain_data(item) for key, item in value.items()}
    return value


def spec_digest(spec: BookSpec) -> str:
    canonical = json.dumps(plain_data(spec), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def font_files_digest() -> str:
    """The CJK font files fontconfig offers, with their sizes and times: new fonts make a new book.

    Read once per process: fonts are installed by an operator, who restarts the worker.
    """
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    entries = []
    # The house styles' own files (TeX Live's Fandol fonts), which fontconfig does not list.
    style_files = {str(font.path) for fonts in FONT_FILES.values() for font in fonts}
    for line in sorted({line.strip().rstrip(":") for line in listing.splitlines() if line.strip()} | style_files):
        path = Path(line)
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append(f"{line}|{stat.st_size}|{int(stat.st_mtime)}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def layout_digest() -> str:
    """Stylesheet, book templates and the typesetting code."""
    folder = TEMPLATE_DIR / "proceedings"
    # The book's template and its partials; the organizers' pages in the same folder do not count.
    templates = [folder / "book.html", *folder.glob("_*.html")]
    return files_digest([*stylesheet_paths(), *templates, *CODE_FILES])


def input_hash(spec: BookSpec) -> str:
    parts = [spec_digest(spec), layout_digest(), font_files_digest()]
    return hashlib.sha256("/".join(parts).encode()).hexdigest()
