"""All manuscripts in one zip, each named the way cities name them: 市-专题-题目-作者.docx.

Pure: names from plain strings, and a zip streamed from (name, time, bytes) entries, so
only one manuscript is in memory at a time however many the seminar has.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import AsyncIterator, Iterable, Sequence

# Windows refuses these in file names; their full-width forms read the same in a Chinese title.
_FULL_WIDTH = str.maketrans({
    "<": "＜", ">": "＞", ":": "：", '"': "＂", "/": "／", "\\": "＼", "|": "｜", "?": "？", "*": "＊",
})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
TITLE_MAX = 40
STEM_MAX = 100
UTF8_NAMES = 0x800  # general purpose flag bit 11: the name is UTF-8, so WPS and Windows show Chinese


def clean_part(text: str) -> str:
    """One part of a file name: no control characters, path separators or characters Windows forbids."""
    text = _CONTROL.sub(" ", text).translate(_FULL_WIDTH)
    return _SPACES.sub(" ", text).strip(" .")


def manuscript_name(city: str, topic: str, title: str, authors: Sequence[str], extension: str) -> str:
    """`市-专题-题目-作者.ext`, the parts cleaned, the title and the whole name kept short enough for Windows."""
    names = [name for name in (clean_part(a) for a in authors) if name]
    author = "、".join(names[:2]) + ("等" if len(names) > 2 else "")
    parts = [clean_part(city), clean_part(topic), clean_part(title)[:TITLE_MAX].strip(" ."), author]
    stem = "-".join(part for part in parts if part)[:STEM_MAX].strip(" .-") or "manuscript"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    suffix = clean_part(extension.lstrip(".")).lower()
    return f"{stem}.{suffix}" if suffix else stem


def unique_names(names: Iterable[str]) -> list[str]:
    """The names in order, a repeated one (ignoring case, as Windows does) numbered （2）, （3）…"""
    taken: set[str] = set()
    unique: list[str] = []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, counter = name, 1
        while candidate.casefold() in taken:
            counter += 1
            candidate = f"{stem}（{counter}）{dot}{extension}"
        taken.add(candidate.casefold())
        unique.append(candidate)
    return unique


class _Sink:
    """A write-only stream that hands over what zipfile wrote so far."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass  # zipfile never closes a stream it was given; the method makes _Sink the stream it asks for

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


async def stream_zip(entries: AsyncIterator[tuple[str, dt.datetime, bytes]]) -> AsyncIterator[bytes]:
    """The zip's bytes, a member at a time; `entries` gives each member's name, local time and content."""
    sink = _Sink()
    # The sink cannot seek, so zipfile writes sizes after each member (data descriptors).
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        async for name, moment, content in entries:
            info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= UTF8_NAMES
            archive.writestr(info, content)
            yield sink.take()
    yield sink.take()
