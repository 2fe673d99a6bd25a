"""Manuscript intake: recognise an upload by its content, refuse what is unsafe, convert it to clean HTML.

Pure: bytes in, an `Intake` (or an `IntakeError` with a message for the user) out. No ORM, no HTTP.
The extension only says what the city meant to send; the bytes decide what it is.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from xml.etree.ElementTree import ParseError

import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from seminar.errors import UserError
from seminar.i18n import _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A .docx of a few thousand characters unpacks to well under a megabyte, images included.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Papers run to 3,000–15,000 字; ten times the longest leaves room for appendices and tables.
# Past it the file is not a paper, and converting and typesetting it would only cost time.
MAX_CHARACTERS = 200_000

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF-"
# Things that are never text, whatever the name says: executables, archives, images, PDF, Office.
BINARY_MAGICS = (ZIP_MAGIC, OLE_MAGIC, PDF_MAGIC, b"MZ", b"\x7fELF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!")


class ManuscriptKind(StrEnum):
    """The kinds of file a manuscript may be, as stored with it (`models.Manuscript.kind`)."""

    DOCX = "docx"
    PDF = "pdf"
    MD = "md"
    TXT = "txt"


CONTENT_TYPES = {
    ManuscriptKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ManuscriptKind.PDF: "application/pdf",
    ManuscriptKind.MD: "text/markdown; charset=utf-8",
    ManuscriptKind.TXT: "text/plain; charset=utf-8",
}
EXTENSIONS = {
    ".docx": ManuscriptKind.DOCX,
    ".pdf": ManuscriptKind.PDF,
    ".md": ManuscriptKind.MD,
    ".markdown": ManuscriptKind.MD,
    ".txt": ManuscriptKind.TXT,
}
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".pptm"}
OLD_WORD_EXTENSIONS = {".doc", ".dot", ".wps"}

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "caption",
    "em", "strong", "b", "i", "u", "s", "sup", "sub", "a", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "id"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
LINK_SCHEMES = {"http", "https", "mailto"}
# A link within the text (a footnote, a heading): never "#" alone, which the typesetter would
# resolve to the book's own path on the server.
FRAGMENT_LINK = re.compile(r"#[^\s#]+")


class IntakeError(UserError):
    """The upload is refused; the message tells the city what to do instead, `reason` tells the
    operator's metrics why (one of `REFUSALS`)."""

    def __init__(self, message: str, reason: str = "refused", field: str | None = "manuscript") -> None:
        # `reason` and `field` have defaults: the error crosses the conversion child's pipe pickled,
        # and unpickling calls the class with the message alone before restoring the attributes.
        super().__init__(message, field=field)
        self.reason = reason


# Why uploads are refused, as `seminar_uploads_refused_total` counts them.
REFUSALS = (
    "empty", "too_large", "old_word", "macros", "file_type", "mismatch", "too_long", "not_docx",
    "unpacked_too_large", "damaged", "conversion_time", "conversion_memory", "conversion_failed",
)


@dataclass(frozen=True)
class Intake:
    kind: ManuscriptKind
    content_type: str
    html: str
    word_count: int | None
    # Names found in the document properties: blind review would reveal them.
    property_names: tuple[str, ...] = ()
    # Pictures left out: not a PNG, JPEG, GIF, WebP or BMP inside the file, damaged, or too large.
    dropped_images: int = 0


def file_extension(filename: str) -> str:
    """".docx" of "论文.DOCX", whichever slashes the browser sent the path with; "" without one."""
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def inspect_upload(
    filename: str,
    data: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_characters: int = MAX_CHARACTERS,
) -> Intake:
    """Check and convert one uploaded manuscript, or raise `IntakeError` saying why not."""
    if not data:
        raise IntakeError(_("The file is empty."), "empty")
    if len(data) > max_bytes:
        raise IntakeError(
            _("The file is larger than %(limit)s MB. Please reduce its size (for example, compress its pictures).",
              limit=max_bytes // (1024 * 1024) or 1),
            "too_large",
        )
    extension = file_extension(filename)
    if extension in OLD_WORD_EXTENSIONS or data.startswith(OLE_MAGIC):
        raise IntakeError(
            _("This is an old Word (.doc) file. Please open it in Word or WPS and save it as .docx, then upload again."),
            "old_word",
        )
    if extension in MACRO_EXTENSIONS:
        raise IntakeError(_("Files with macros (.docm) are not accepted. Please save the paper as .docx."), "macros")
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise IntakeError(_("Please upload a .docx, .pdf, .md or .txt file."), "file_type")
    if kind is ManuscriptKind.DOCX:
        return _docx(data, max_unpacked, max_characters)
    if kind is ManuscriptKind.PDF:
        if not data.startswith(PDF_MAGIC):
            raise _mismatch(extension)
        return Intake(kind, CONTENT_TYPES[kind], "", None)
    # No encoding we read takes more than four bytes a character: longer is too long unread.
    if kind is ManuscriptKind.TXT and len(data) > 4 * max_characters:
        raise _too_long(max_characters)
    text, encoding = _decode_text(data, extension, max_characters, markdown=kind is ManuscriptKind.MD)
    body, dropped = _markdown(text) if kind is ManuscriptKind.MD else (_paragraphs(text), 0)
    # The download serves the bytes as uploaded, so it must name their real encoding.
    content_type = CONTENT_TYPES[kind].replace("utf-8", encoding)
    return Intake(kind, content_type, body, word_count(text), dropped_images=dropped)


def _mismatch(extension: str) -> IntakeError:
    return IntakeError(
        _("The content of this file does not match its extension %(extension)s. Please upload the real document.",
          extension=extension),
        "mismatch",
    )


def _too_long(max_characters: int) -> IntakeError:
    return IntakeError(
        _("The manuscript is longer than %(limit)s characters, far more than a paper. Please check that "
          "this is the paper's file, or shorten it, and upload again.", limit=f"{max_characters:,}"),
        "too_long",
    )


def _docx(data: bytes, max_unpacked: int, max_characters: int) -> Intake:
    if not data.startswith(ZIP_MAGIC):
        raise _mismatch(".docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise IntakeError(
                    _("This file is a zip archive, not a Word document. Please upload the .docx itself."),
                    "not_docx",
                )
            # zipfile never unpacks more than a member's declared size, so the declared sizes bound the work.
            if sum(info.file_size for info in package.infolist()) > max_unpacked:
                raise IntakeError(
                    _("This document unpacks to more than %(limit)s MB and is refused as unsafe.",
                      limit=max_unpacked // (1024 * 1024)),
                    "unpacked_too_large",
                )
            content_types = package.read("[Content_Types].xml").decode("utf-8", "replace").lower()
            if any(name.lower().endswith("vbaproject.bin") for name in names) or "macroenabled" in content_types:
                raise IntakeError(
                    _("This document contains macros, which are not accepted. Please save it as a plain .docx."),
                    "macros",
                )
            _check_members(package)
            if _text_length(package, stop_after=max_characters) > max_characters:
                raise _too_long(max_characters)
            core = package.read("docProps/core.xml") if "docProps/core.xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as error:
        raise _corrupt() from error
    import mammoth  # here, not at the top: every command that reads a paper's row would load it

    try:
        # Never fetch a linked picture: a URL would tell a stranger the paper is being read, a path
        # would read a file on the server. (Older mammoth versions fetched them by default.)
        converted = mammoth.convert_to_html(io.BytesIO(data), external_file_access=False)
        raw_text = mammoth.extract_raw_text(io.BytesIO(data)).value
    except Exception as error:  # noqa: BLE001  # mammoth raises many kinds on a broken document: all mean "corrupt"
        raise _corrupt() from error
    body, dropped = clean(converted.value)
    return Intake(
        ManuscriptKind.DOCX,
        CONTENT_TYPES[ManuscriptKind.DOCX],
        body,
        word_count(raw_text),
        property_names(core),
        dropped,
    )


_WORD_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def _text_length(package: zipfile.ZipFile, stop_after: int) -> int:
    """The characters of text (`w:t` runs) in every XML part of a .docx, counted as the XML streams
    by, so a document far over the limit is refused before it is converted; stops past `stop_after`.
    Every part that reads as XML, whatever its name: the converter also reads footnotes and
    endnotes, from parts of whatever name the package's relationships give."""
    length = 0
    for info in package.infolist():
        with package.open(info) as part:
            if not part.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                continue
        try:
            with package.open(info) as part:
                for _event, element in iterparse(part, events=("end",), forbid_dtd=True):
                    if element.tag == _WORD_TEXT:
                        length += len(element.text or "")
                        if length > stop_after:
                            return length
                    element.clear()  # only the running count is kept
        except (ParseError, DefusedXmlException):
            # Not XML after all (a picture, say). Should the converter read it, it fails there instead.
            continue
    return length


def _check_members(package: zipfile.ZipFile) -> None:
    """Unpack every member once, refusing the package as damaged if a checksum is wrong or an XML
    part declares a DTD: Word never writes one, and entities are how XML reaches for other files."""
    for info in package.infolist():
        is_xml = info.filename.lower().endswith((".xml", ".rels"))
        with package.open(info) as member:
            tail = b""
            while chunk := member.read(1024 * 1024):  # a checksum error is raised at the member's end
                if is_xml and b"<!DOCTYPE" in tail + chunk:
                    raise _corrupt()
                tail = chunk[-16:]


def _corrupt() -> IntakeError:
    return IntakeError(
        _("This Word document is damaged and cannot be read. Please open it in Word or WPS, save it again and upload."),
        "damaged",
    )


CORE_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}


def property_names(core_xml: bytes) -> tuple[str, ...]:
    """The author and last editor recorded in a .docx's core properties (docProps/core.xml)."""
    if not core_xml:
        return ()
    try:
        root = fromstring(core_xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        return ()
    found: list[str] = []
    for path in ("dc:creator", "cp:lastModifiedBy"):
        element = root.find(path, CORE_NAMESPACES)
        name = (element.text or "").strip() if element is not None else ""
        if name and name not in found:
            found.append(name)
    return tuple(found)


def _decode_text(data: bytes, extension: str, max_characters: int, markdown: bool) -> tuple[str, str]:
    if data.startswith(BINARY_MAGICS):
        raise _mismatch(extension)
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Text saved by Chinese Windows Notepad is often GB18030/GBK, not UTF-8.
            text, encoding = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as error:
            raise _mismatch(extension) from error
    # Before any other pass over the text. A picture written into Markdown is not text.
    if len(text) > max_characters and (not markdown or len(_DATA_URI_TEXT.sub("", text)) > max_characters):
        raise _too_long(max_characters)
    if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
        raise _mismatch(extension)
    return text, encoding


_DATA_URI_TEXT = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=\s]*", re.I)


def _markdown(text: str) -> tuple[str, int]:
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    return clean(renderer.render(text))


def _paragraphs(text: str) -> str:
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    return "".join("<p>" + "<br>".join(html.escape(line) for line in block.split("\n")) + "</p>" for block in blocks)


def _link(value: str) -> str | None:
    """An absolute http, https or mailto link, or a link within the text; nothing else. A relative
    link or `file:` would point into the server when the book is typeset, and `//host` too."""
    value = value.strip()
    if FRAGMENT_LINK.fullmatch(value):
        return value
    scheme, colon, _rest = value.partition(":")
    return value if colon and scheme.lower() in LINK_SCHEMES else None


# nh3 writes attributes in double quotes with any `"` inside escaped, so a tag ends at the first `>`
# outside quotes.
_IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?:\s+(?!src=)[a-z]+="[^"]*")*\s*/?>')


def clean(markup: str) -> tuple[str, int]:
    """Only document structure survives: no script, style, event handler, link into the server, or
    picture from elsewhere, and only pictures whose bytes are sound (`images.checked_image`).
    Returns the HTML and the number of pictures left out."""
    from seminar.submissions.images import ImageBudget, checked_image

    budget = ImageBudget()

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return checked_image(value, budget)
        if attribute == "href":
            return _link(value)
        return value

    cleaned = nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES | {"data"},
        attribute_filter=keep,
    )
    # A picture whose source was refused goes entirely (an empty frame would only puzzle readers),
    # and so does a paragraph that held only that picture. Neither converter writes empty ones.
    cleaned, dropped = _IMAGE_WITHOUT_SOURCE.subn("", cleaned)
    return cleaned.replace("<p></p>", ""), dropped


def sanitize(markup: str) -> str:
    """`clean`'s HTML alone."""
    return clean(markup)[0]


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b([^>]*)>")


def nest_headings(markup: str, under: int) -> str:
    """The manuscript's headings moved to nest under the page's heading of level `under`.

    Each heading goes one level below the nearest heading before it of a higher rank in the
    manuscript (or, for the first ones, below `under`), capped at 6: a paper shown inside a page's
    h2 section starts at h3, levels the author skipped (Heading 1, then Heading 4) close up, and
    the page's outline has no gaps. `markup` is sanitised HTML, whose headings carry no attributes
    that could hide a `>`.

    >>> nest_headings("<h1>一、总体情况</h1><p>正文</p><h4>（一）做法</h4>", under=2)
    '<h3>一、总体情况</h3><p>正文</p><h4>（一）做法</h4>'
    """
    if not 0 < under < 6:
        raise ValueError(f"headings cannot nest under level {under}")
    # The open sections: (the manuscript's level, the level it is shown at), outermost first.
    open_sections: list[tuple[int, int]] = []
    shown = under

    def moved(match: re.Match[str]) -> str:
        nonlocal shown
        closing, level, attributes = match.groups()
        if not closing:
            while open_sections and open_sections[-1][0] >= int(level):
                open_sections.pop()
            shown = min(6, (open_sections[-1][1] if open_sections else under) + 1)
            open_sections.append((int(level), shown))
        return f"<{closing}h{shown}{attributes}>"

    return _HEADING_TAG.sub(moved, markup)


# Counted one per character as Word's 字数 does: CJK ideographs, kana, and full-width
# (Chinese) punctuation, including the curly quotes, dashes and ellipsis Chinese text uses.
_CJK = (
    "\u2014\u2015\u2018-\u201f\u2026\u00b7"
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003ffff"
)
_CJK_CHARACTER = re.compile(f"[{_CJK}]")
_OTHER_WORD = re.compile(f"[^\\s{_CJK}]+")


def word_count(text: str) -> int:
    """Word's 字数: each Chinese character or full-width mark counts one, each other word counts one.

    A run of Latin letters or digits between spaces or Chinese characters is one word; a lone
    half-width mark such as "-" is not a word.

    >>> word_count("市域社会治理 in 2021年")
    9
    """
    chinese = len(_CJK_CHARACTER.findall(text))
    others = sum(1 for word in _OTHER_WORD.findall(text) if any(char.isalnum() for char in word))
    return chinese + others
