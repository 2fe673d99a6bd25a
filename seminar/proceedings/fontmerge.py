"""One font subset per face in a book joined from parts (`parts.py`).

Each part's PDF embeds its own subset of every Noto CJK face it uses. WeasyPrint subsets with
HarfBuzz keeping the original glyph IDs (`RETAIN_GIDS`, `/CIDToGIDMap /Identity`), so the
content streams of every part name glyphs the same way: the fonts of one face can be replaced
by a single subset of the original file to the union of the parts' glyphs, with the union of
their widths (`/W`) and text mappings (`/ToUnicode`). No page's content changes.

Since the join subsets every face anyway, a part need not: laid out within `deferred_fonts()`,
WeasyPrint writes each face it could only have subset from a file the join can read again as a
few bytes naming that file (`DEFERRED`), with its widths and text mappings as usual, and
`merge_fonts` puts the one subset in their place. A part is then smaller and cheaper to write
(HarfBuzz rebuilds the CJK font's tables once per face per part otherwise).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from seminar.proceedings.pdfread import Widths

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create_from_file (const char *file_name);
void hb_blob_destroy (hb_blob_t *blob);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);
hb_tag_t hb_tag_from_string (const char *str, int len);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
# hb_subset_flags_t and hb_subset_sets_t values (hb-subset.h)
RETAIN_GIDS, PASSTHROUGH_UNRECOGNIZED, DESUBROUTINIZE = 0x2, 0x40, 0x10
DROP_TABLE_TAG = 3
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@cache
def _harfbuzz() -> tuple[Any, Any, Any]:
    from cffi import FFI  # type: ignore[import-untyped]  # WeasyPrint's dependency, without stubs

    ffi = FFI()
    ffi.cdef(_CDEF)
    return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")


@cache
def font_file(family: str, bold: bool) -> tuple[str, int] | None:
    """The file and face index of a family and weight: a house style's own file (loaded by @font-face,
    unknown to fontconfig), else what fontconfig gives — only when it gives that family, not a fallback."""
    from seminar.proceedings.styles import FONT_FILES

    for files in FONT_FILES.values():
        for font in files:
            if font.family == family and not bold and font.path.is_file():
                return str(font.path), 0
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern], capture_output=True,
                               text=True, check=True, timeout=30).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(found) < 3 or not found[0] or family.lower() not in (name.strip().lower() for name in found[2].split(",")):
        return None
    return found[0], int(found[1])


def subset(path: str, index: int, glyphs: set[int]) -> bytes:
    """The face at `path`/`index` reduced to these glyph IDs, which keep their numbers (as WeasyPrint subsets)."""
    ffi, harfbuzz, harfbuzz_subset = _harfbuzz()
    blob = harfbuzz.hb_blob_create_from_file(path.encode())
    face = harfbuzz.hb_face_create(blob, index)
    subset_input = harfbuzz_subset.hb_subset_input_create_or_fail()
    try:
        glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
        for glyph in sorted(glyphs | {0}):
            harfbuzz.hb_set_add(glyph_set, glyph)
        harfbuzz_subset.hb_subset_input_set_flags(subset_input, RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE)
        drop = harfbuzz_subset.hb_subset_input_set(subset_input, DROP_TABLE_TAG)
        for tag in DROPPED:
            harfbuzz.hb_set_add(drop, harfbuzz.hb_tag_from_string(tag, -1))
        result = harfbuzz_subset.hb_subset_or_fail(face, subset_input)
        if result == ffi.NULL:
            raise ValueError(f"HarfBuzz could not subset {path}")
        data_blob = harfbuzz.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = ffi.buffer(harfbuzz.hb_blob_get_data(data_blob, length), length[0])[:]
        harfbuzz.hb_blob_destroy(data_blob)
        harfbuzz.hb_face_destroy(result)
        return data
    finally:
        harfbuzz_subset.hb_subset_input_destroy(subset_input)
        harfbuzz.hb_face_destroy(face)
        harfbuzz.hb_blob_destroy(blob)


# A font program left for the join: these bytes, then the JSON of the file's path, face index and size.
# "OTTO" first: WeasyPrint embeds it as an OpenType (CFF) program, which the subset will be.
DEFERRED = b"OTTO\0seminar-deferred-font\0"
_deferring: ContextVar[bool] = ContextVar("deferring", default=False)


class StaleFontFile(ValueError):
    """A part's font file is gone or changed since the part was laid out: its glyph IDs may mean others now."""


def deferred(data: bytes) -> tuple[str, int, int] | None:
    """The (path, face index, size) a deferred font program names; None for a real program."""
    if not data.startswith(DEFERRED):
        return None
    path, index, size = json.loads(data[len(DEFERRED):])
    return str(path), int(index), int(size)


def _same_file(path: str, content: bytes) -> bool:
    """Whether the file at `path` holds `content` (its size, head and tail: a font file is replaced whole)."""
    try:
        if os.path.getsize(path) != len(content):
            return False
        with open(path, "rb") as file:
            head = file.read(65536)
            file.seek(max(len(content) - 65536, 0))
            return head == content[:65536] and file.read() == content[-65536:]
    except OSError:
        return False


def _source(font: Any) -> tuple[str, int, int] | None:
    """The file a WeasyPrint font is a face of, when the join can subset it in its place: a static
    CFF face without colour glyphs or glyphs missing from it, found as `merge_fonts` finds it."""
    if (font.bitmap or font.missing or "CFF " not in font.tables or "fvar" in font.tables
            or font.png or font.svg or font.colr):
        return None
    content = bytes(font.file_content)
    for bold in (False, True):
        located = font_file(font.family, bold)
        if located is not None and located[1] == font.index and _same_file(located[0], content):
            return located[0], located[1], len(content)
    return None


# Font files read whole (a CJK face is 20–27 MB) kept by (size, first and last 64 KB): see `_shared_face_data`.
_face_data: dict[tuple[int, bytes, bytes], bytes] = {}
SHARED_FACE_BYTES = 1 << 20  # smaller blobs (the subsets WeasyPrint makes) are copied as before


def _shared_face_data(get_data: Any) -> Any:
    """WeasyPrint's `get_hb_object_data`, giving every document of this process one copy of each font file.

    WeasyPrint copies the whole font file out of HarfBuzz for each face of each document it writes
    (a tenth of a part's CPU: three CJK faces of 20–27 MB per part). A file is the same bytes from one
    document to the next, known by its size and its first and last 64 KB (where an OpenType file keeps
    its table directory, each table's checksum in it), as `_same_file` knows it. WeasyPrint only ever
    replaces a font's bytes, never changes them, so the copies can be shared."""
    from weasyprint.text.ffi import ffi, harfbuzz

    def shared(hb_object: Any, ot_color: str | None = None, glyph: int | None = None) -> Any:
        if ot_color is not None:
            return get_data(hb_object, ot_color, glyph)
        blob = harfbuzz.hb_face_reference_blob(hb_object)
        try:
            length = ffi.new("unsigned int *")
            pointer = harfbuzz.hb_blob_get_data(blob, length)
            if pointer == ffi.NULL or length[0] < SHARED_FACE_BYTES:
                return get_data(hb_object)
            view = ffi.buffer(pointer, length[0])
            key = (length[0], view[:65536], view[-65536:])
            if (data := _face_data.get(key)) is None:
                data = _face_data[key] = view[:]
            return data
        finally:
            harfbuzz.hb_blob_destroy(blob)

    return shared


@cache
def _defer_in_weasyprint() -> None:
    """WeasyPrint's `Font.clean` (which subsets) skipped for the faces `_source` finds, within `deferred_fonts()`;
    each font file copied once per process (`_shared_face_data`)."""
    import weasyprint.pdf.fonts
    from weasyprint.pdf.fonts import Font

    weasyprint.pdf.fonts.get_hb_object_data = _shared_face_data(weasyprint.pdf.fonts.get_hb_object_data)
    clean = Font.clean

    def deferring_clean(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        # No glyphs listed: WeasyPrint embeds the whole font and reads its widths from it (forms).
        if _deferring.get() and to_unicode and (source := _source(self)) is not None:
            self.file_content = DEFERRED + json.dumps(list(source)).encode()
            return
        clean(self, to_unicode, hinting)

    Font.clean = deferring_clean


@contextmanager
def deferred_fonts() -> Iterator[None]:
    """Within, the PDFs WeasyPrint writes name the font files `merge_fonts` will subset instead of embedding
    subsets: for parts only, which nothing reads before they are joined."""
    _defer_in_weasyprint()
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def widths(array: Any) -> dict[int, Any]:
    """A `/W` array as glyph → width (as written, in bytes, from the `pdfread.Widths` kept in its place)."""
    found: dict[int, Any] = {}
    items, position = (array.items() if hasattr(array, "raw") else list(array)), 0
    while position < len(items):
        first = int(items[position])
        following = items[position + 1]
        if isinstance(following, list):
            for offset, width in enumerate(following):
                found[first + offset] = width
            position += 2
        else:
            for glyph in range(first, int(following) + 1):
                found[glyph] = items[position + 2]
            position += 3
    return found


def _written(number: Any) -> bytes:
    """A width as a PDF file writes it: the bytes a part had, or a pypdf number written."""
    if isinstance(number, bytes):
        return number
    out = io.BytesIO()
    number.write_to_stream(out)
    return out.getvalue()


_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def to_unicode(data: bytes) -> dict[str, str] | None:
    """A `/ToUnicode` CMap's `bfchar` entries (hex glyph → hex text); None if it has ranges."""
    if b"beginbfrange" in data:
        return None
    found: dict[str, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for glyph, text in _BFCHAR.findall(block):
            found.setdefault(glyph.decode().lower(), text.decode())
    return found


def cmap(mapping: dict[str, str]) -> bytes:
    entries = sorted(mapping.items(), key=lambda item: int(item[0], 16))
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "".join(f"<{g}> <{t}>\n" for g, t in chunk) + "endbfchar\n")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
            "<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
            "/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n" + "".join(blocks)
            + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend").encode()


def _font_dictionaries(writer: Any, skip: set[int]) -> list[Any]:
    """Every page's (and its form XObjects') /Font dictionaries, but the `skip` pages'."""
    from pypdf.generic import DictionaryObject

    found, seen = [], set()

    def visit(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        if "/Font" in resources:
            found.append(resources["/Font"].get_object())
        xobjects: Any = resources.get("/XObject")
        for xobject in (xobjects.get_object().values() if xobjects is not None else []):
            visit(xobject.get_object().get("/Resources"))

    for index, page in enumerate(writer.pages):
        if index not in skip:
            visit(page.get("/Resources"))
    return found


def merge_fonts(writer: Any, skip: set[int] | frozenset[int] = frozenset()) -> int:
    """Replace each WeasyPrint face's per-part subsets (and deferred programs) by one; returns how many
    faces were merged. Raises `StaleFontFile` when a deferred program's file is not the one it named.

    Fonts are grouped by their full name (WeasyPrint's tag is a hash of the font's description).
    The `skip` pages are left alone: an uploaded PDF's pages carry its own fonts, which may bear
    the same name (a PDF made by WeasyPrint) from another version of the file. A face is left as
    it is when its file cannot be found or its fonts are not of WeasyPrint's kind (Type0,
    Identity CIDToGIDMap, OpenType program, bfchar-only ToUnicode).
    """
    from pypdf.generic import NameObject, StreamObject

    dictionaries = _font_dictionaries(writer, set(skip))
    faces: dict[str, list[Any]] = {}
    for fonts in dictionaries:
        for reference in fonts.values():
            font = reference.get_object()
            name = str(font.get("/BaseFont", ""))
            if font.get("/Subtype") == "/Type0" and "+" in name:
                group = faces.setdefault(name, [])
                if all(reference.idnum != other.idnum for other in group):
                    group.append(reference)
    merged = 0
    for face, references in faces.items():
        fonts = [reference.get_object() for reference in references]
        descendants = [font["/DescendantFonts"][0].get_object() for font in fonts]
        descriptors = [descendant["/FontDescriptor"].get_object() for descendant in descendants]
        sources = {source for d in descriptors if (source := _deferred_source(d)) is not None}
        if len(references) < 2 and not sources:
            continue
        descriptor = descriptors[0]
        if len(sources) > 1:
            raise StaleFontFile(f"{face}: parts laid out with different font files {sorted(sources)}")
        if any(str(d.get("/CIDToGIDMap", "/Identity")) != "/Identity" for d in descendants):
            continue
        if "/FontFile3" not in descriptor or descriptor["/FontFile3"].get_object().get("/Subtype") != "/OpenType":
            continue
        maps = [to_unicode(font["/ToUnicode"].get_object().get_data()) if "/ToUnicode" in font else None
                for font in fonts]
        if any(mapping is None for mapping in maps):
            continue
        located: tuple[str, int] | None
        if sources:
            path, index, size = next(iter(sources))
            if not os.path.isfile(path) or os.path.getsize(path) != size:
                raise StaleFontFile(f"{face}: {path} is gone or changed since its parts were laid out")
            located = path, index
        else:
            located = font_file(str(descriptor.get("/FontFamily", "")), face.endswith("-Bold"))  # /TAG+Family-Bold
        if located is None:
            continue
        width: dict[int, Any] = {}
        for descendant in descendants:
            width.update(widths(descendant.get("/W", [])))
        text: dict[str, str] = {}
        for mapping in maps:
            text.update(mapping or {})
        program = subset(located[0], located[1], set(width) | {int(glyph, 16) for glyph in text})
        stream = StreamObject()
        stream.set_data(zlib.compress(program))
        stream[NameObject("/Subtype")] = NameObject("/OpenType")
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        descriptor[NameObject("/FontFile3")] = writer._add_object(stream)
        # Written as the parts wrote theirs, one glyph and its width at a time (set past pypdf's check for its own types).
        dict.__setitem__(descendants[0], NameObject("/W"), Widths(
            b"[" + b" ".join(b"%d [%s]" % (glyph, _written(width[glyph])) for glyph in sorted(width)) + b"]"))
        unicode_stream = StreamObject()
        unicode_stream.set_data(zlib.compress(cmap(text)))
        unicode_stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        fonts[0][NameObject("/ToUnicode")] = writer._add_object(unicode_stream)
        keep = references[0]
        others = {reference.idnum for reference in references[1:]}
        for dictionary in dictionaries:
            for key, reference in list(dictionary.items()):
                if getattr(reference, "idnum", None) in others:
                    dictionary[NameObject(key)] = keep
        merged += 1
    for fonts in dictionaries:
        for reference in fonts.values():
            descendant = reference.get_object().get("/DescendantFonts")
            if descendant is not None and _deferred_source(descendant[0].get_object()["/FontDescriptor"].get_object()):
                raise ValueError(f"{reference.get_object().get('/BaseFont')}: a deferred font program was not replaced")
    return merged


def _deferred_source(descriptor: Any) -> tuple[str, int, int] | None:
    """The file a descriptor's deferred program names (None: a real program); only tiny streams are read."""
    for key in ("/FontFile3", "/FontFile2", "/FontFile"):
        program = descriptor.get(key)
        if program is None:
            continue
        program = program.get_object()
        length = program.get("/Length", 0)
        if int(length.get_object() if hasattr(length, "get_object") else length) <= 4096:
            return deferred(program.get_data())
    return None
