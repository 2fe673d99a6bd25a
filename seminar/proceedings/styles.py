"""House styles of the book: the academic style (Noto CJK) and the 公文 style (close to GB/T 9704).

The 公文 style sets the body in 仿宋 at 三号 (16 pt) on a 22-line page, first-level headings in
黑体, second-level ones in 楷体 and titles in a heavy 宋体 standing in for 小标宋. The free fonts
that cover GB 2312 and that Debian packages (see docs/operations.md for the evaluation):

- 仿宋: FandolFang, and 楷体: FandolKai, from `texlive-lang-chinese` (GPL with a font exception).
  fontconfig does not list TeX Live's fonts, so the stylesheet loads the files with @font-face.
- 黑体: Noto Sans CJK SC Bold, and the title face: Noto Serif CJK SC Bold (`fonts-noto-cjk`).

Missing Fandol files are not fatal: the @font-face rules are left out and the style's font lists
fall back to Noto, and the start-up log and the build report say so. Pure: no ORM, no WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from seminar.config import PROJECT_ROOT
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l


class HouseStyle(StrEnum):
    ACADEMIC = "academic"  # Noto Serif body, Noto Sans headings: the book as it always was
    OFFICIAL = "official"  # 公文: 仿宋 body, 黑体 / 楷体 headings, 小标宋-like titles


LABELS = {
    HouseStyle.ACADEMIC: _l("Academic (Noto Serif body, Noto Sans headings)"),
    HouseStyle.OFFICIAL: _l("Official documents, 公文 (GB/T 9704: 仿宋 body at 三号, 黑体 and 楷体 headings, 小标宋-like titles)"),
}

FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
FONT_PACKAGE = "texlive-lang-chinese"


@dataclass(frozen=True)
class FontFile:
    family: str  # the name the stylesheet uses, and the one the PDF's font names carry
    path: Path


FONT_FILES: dict[HouseStyle, tuple[FontFile, ...]] = {
    HouseStyle.ACADEMIC: (),
    HouseStyle.OFFICIAL: (
        FontFile("FandolFang", FANDOL / "FandolFang-Regular.otf"),
        FontFile("FandolKai", FANDOL / "FandolKai-Regular.otf"),
    ),
}

# Laid over static/proceedings/book.css for the style, after its faces (FACES); the academic style is book.css alone.
STYLESHEETS: dict[HouseStyle, Path] = {
    HouseStyle.OFFICIAL: PROJECT_ROOT / "static" / "proceedings" / "official.css",
}
# The style's font lists (--fangsong, --kai, --title, --hei), shared by the book and the 会议手册.
FACES: dict[HouseStyle, Path] = {
    HouseStyle.OFFICIAL: PROJECT_ROOT / "static" / "proceedings" / "official-fonts.css",
}


def missing_fonts(style: HouseStyle) -> list[FontFile]:
    return [font for font in FONT_FILES[style] if not font.path.is_file()]


def all_missing_fonts() -> dict[HouseStyle, list[FontFile]]:
    """Each style whose own font files are missing, with those files."""
    return {style: missing for style in HouseStyle if (missing := missing_fonts(style))}


def missing_fonts_message(style: HouseStyle, missing: list[FontFile]) -> str:
    return _(
        "Books in the style “%(style)s” are typeset with Noto instead of %(fonts)s: the font files are missing. "
        "Install them with `seminar setup` (Debian package %(package)s).",
        style=str(LABELS[style]), fonts=", ".join(font.family for font in missing), package=FONT_PACKAGE,
    )


def font_face_css(style: HouseStyle) -> str:
    """@font-face rules for the style's font files that exist; none for missing ones (Noto is used)."""
    return "\n".join(
        f'@font-face {{ font-family: "{font.family}"; src: url("{font.path.as_uri()}"); }}'
        for font in FONT_FILES[style]
        if font.path.is_file()
    )
