"""The documentation holds together: the README stays short, every relative link and picture in it
and in docs/ leads somewhere that exists, every page is reachable from the overview, and every
screenshot is shown somewhere."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

from seminar.config import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
README = PROJECT_ROOT / "README.md"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
README_MAX_LINES = 120  # two screens rendered: about 60-80 lines of text, plus the tables and code

FENCED_BLOCK = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HTML_IMAGE = re.compile(r"""<img\s[^>]*src=["']([^"']+)["']""")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)


def _prose(text: str) -> str:
    """The text a reader follows links in: code blocks and code spans removed."""
    return CODE_SPAN.sub("", FENCED_BLOCK.sub("", text))


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: formatting dropped, lower case, punctuation but - and _
    removed, spaces to hyphens; letters of every script (汉字 too) kept."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(page: Path) -> set[str]:
    """Every heading's anchor, the second of two equal ones with -1 appended as GitHub does."""
    seen: Counter[str] = Counter()
    anchors = set()
    for heading in HEADING.findall(FENCED_BLOCK.sub("", page.read_text(encoding="utf-8"))):
        anchor = heading_anchor(heading)
        anchors.add(f"{anchor}-{seen[anchor]}" if seen[anchor] else anchor)
        seen[anchor] += 1
    return anchors


def relative_links(page: Path) -> list[str]:
    prose = _prose(page.read_text(encoding="utf-8"))
    targets = MARKDOWN_LINK.findall(prose) + HTML_IMAGE.findall(prose)
    return [target for target in targets if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in relative_links(page):
        path_part, _hash, anchor = target.partition("#")
        destination = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and unquote(anchor) not in anchors_of(destination):
            broken.append(f"{target}: no such heading in {destination.name}")
    return broken


def test_readme_fits_on_two_screens() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()

    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move the detail into docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(PROJECT_ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(page: Path) -> None:
    assert relative_links(page), "a documentation page without a single link is cut off from the rest"
    assert broken_links(page) == []


def test_every_docs_page_is_linked_from_the_overview() -> None:
    linked = {
        (DOCS / target.partition("#")[0]).resolve() for target in relative_links(DOCS / "index.md") if target.partition("#")[0]
    }

    assert sorted(page.name for page in DOCS.glob("*.md") if page.name != "index.md" and page.resolve() not in linked) == []


def test_every_screenshot_is_shown_somewhere() -> None:
    shown = {
        (page.parent / target).resolve() for page in PAGES for target in relative_links(page) if target.endswith(".png")
    }

    assert sorted(image.name for image in (DOCS / "images").glob("*.png") if image.resolve() not in shown) == []


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("The two commands", "the-two-commands"),
        ("1. Open the seminar", "1-open-the-seminar"),
        ("The `seminar` command", "the-seminar-command"),
        ("The book's build", "the-books-build"),
        ("The 论文集", "the-论文集"),
        ("Accounts and sign-in", "accounts-and-sign-in"),
    ],
)
def test_heading_anchor_is_the_one_github_makes(heading: str, anchor: str) -> None:
    assert heading_anchor(heading) == anchor


def test_a_link_to_a_missing_heading_or_file_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n## Real part\n\n```sh\n# not a heading\n```\n", encoding="utf-8")
    page = tmp_path / "b.md"
    page.write_text(
        "See [a](a.md#real-part), [nothing](a.md#not-a-heading), [gone](gone.md), `[code](x.md)`, "
        '[site](https://example.org) and <img src="images/missing.png" alt="">.\n',
        encoding="utf-8",
    )

    assert broken_links(page) == [
        "a.md#not-a-heading: no such heading in a.md",
        "gone.md: no such file",
        "images/missing.png: no such file",
    ]
