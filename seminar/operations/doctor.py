"""What this installation runs on, with versions to check against security advisories: Python and
its packages, the libraries WeasyPrint typesets with, the Debian packages, the book's fonts and the
database server. Everything is read from this machine (package metadata, the libraries themselves,
dpkg, fontconfig); nothing goes over the network. `seminar doctor` prints it, site administrators
read it on the system page.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.metadata
import platform
import re
import shutil
import ssl
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from seminar.proceedings.styles import FONT_FILES
from seminar.proceedings.typeset import REQUIRED_FONTS
from seminar.system import REQUIREMENTS

MISSING = ""
# What WeasyPrint parses untrusted input with, besides the project's own dependencies.
TYPESETTING_PARTS = ("pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools", "cffi")
# The Debian packages behind the libraries above and the packages `seminar setup` installs.
DEBIAN_PACKAGES = (
    "libpango-1.0-0", "libharfbuzz0b", "libfontconfig1", *(requirement.debian_package for requirement in REQUIREMENTS)
)
SUBPROCESS_SECONDS = 30


@dataclass(frozen=True)
class Item:
    name: str
    version: str  # MISSING when not installed
    note: str = ""

    @property
    def missing(self) -> bool:
        return self.version == MISSING


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]


def _distribution_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0]


def _installed(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return MISSING


def python_section() -> Section:
    requirements = importlib.metadata.requires("seminar") or []
    names = sorted({_distribution_name(requirement) for requirement in requirements} | set(TYPESETTING_PARTS), key=str.lower)
    return Section(
        "Python",
        (
            Item(f"Python ({platform.python_implementation()})", platform.python_version()),
            *(Item(name, _installed(name)) for name in names),
        ),
    )


def _library_version(library: str, read: Callable[[ctypes.CDLL], str]) -> str:
    path = ctypes.util.find_library(library)
    if path is None:
        return MISSING
    try:
        return read(ctypes.CDLL(path))
    except (OSError, AttributeError):
        return MISSING


def _version_string(function: str) -> Callable[[ctypes.CDLL], str]:
    def read(handle: ctypes.CDLL) -> str:
        call = getattr(handle, function)
        call.restype = ctypes.c_char_p
        return bytes(call()).decode()

    return read


def _fontconfig_version(handle: ctypes.CDLL) -> str:
    number = int(handle.FcGetVersion())  # 21401 is 2.14.1
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def libraries_section() -> Section:
    return Section(
        "Libraries",
        (
            Item("Pango", _library_version("pango-1.0", _version_string("pango_version_string"))),
            Item("HarfBuzz", _library_version("harfbuzz", _version_string("hb_version_string"))),
            Item("Fontconfig", _library_version("fontconfig", _fontconfig_version)),
            Item("SQLite (in Python)", sqlite3.sqlite_version),
            Item("OpenSSL (in Python)", ssl.OPENSSL_VERSION.removeprefix("OpenSSL ")),
        ),
    )


def _run(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=SUBPROCESS_SECONDS).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def debian_section() -> Section | None:
    """None where there is no dpkg (not Debian)."""
    if shutil.which("dpkg-query") is None:
        return None
    listing = _run("dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Version}\n", *DEBIAN_PACKAGES)
    versions = {}
    for line in listing.splitlines():
        package, status, version = (line.split("\t") + ["", ""])[:3]
        if status.startswith("ii"):
            versions[package.split(":")[0]] = version
    return Section("Debian packages", tuple(Item(package, versions.get(package, MISSING)) for package in DEBIAN_PACKAGES))


def fonts_section() -> Section:
    """Each family the book needs, with its version and file as fontconfig finds it."""
    items = []
    for family in REQUIRED_FONTS:
        listing = _run("fc-list", f":family={family}:style=Regular", "fontversion", "file")
        found = listing.splitlines()[0] if listing.strip() else ""
        path, _colon, rest = found.partition(": ")
        match = re.search(r"fontversion=(\d+)", rest)
        version = f"{int(match.group(1)) / 65536:.3f}" if match else ("?" if found else MISSING)
        items.append(Item(family, version, path))
    # The house styles' own files (TeX Live's Fandol fonts), which fontconfig does not list.
    for fonts in FONT_FILES.values():
        for font in fonts:
            items.append(Item(font.family, "present" if font.path.is_file() else MISSING, str(font.path)))
    return Section("Fonts", tuple(items))


def local_sections() -> list[Section]:
    """Everything but the database server (which needs the ORM)."""
    sections = [python_section(), libraries_section()]
    if (debian := debian_section()) is not None:
        sections.append(debian)
    sections.append(fonts_section())
    return sections


def database_section(server: str, version: str) -> Section:
    return Section("Database", (Item(server, version),))


def as_text(sections: list[Section]) -> str:
    """The report as `seminar doctor` prints it: one aligned line an item, "missing" where not installed."""
    width = max(len(item.name) for section in sections for item in section.items)
    lines = []
    for section in sections:
        lines.append(f"{section.title}:")
        for item in section.items:
            version = "missing" if item.missing else item.version
            lines.append(f"  {item.name:<{width}}  {version}" + (f"  ({item.note})" if item.note else ""))
    return "\n".join(lines)
