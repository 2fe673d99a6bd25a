"""A part's PDF, as WeasyPrint writes it, read straight into the pypdf writer of the book (`parts._join`).

pypdf's `PdfWriter.append` reads every object of a part with its byte-by-byte parser, then clones each into
the writer: for the 200-paper book's 207 parts that was two thirds of a rebuild's join (2.4 of 3.7 s
under the profiler). WeasyPrint's files are regular — a cross-reference stream, small objects in object
streams, every string escaped — so here one regular expression splits an object into its tokens, the
objects are made in the writer's numbering as they are read (nothing is cloned), and only what the pages
reach is read: a content stream's bytes are kept as they are, never decoded; a part's catalog, outline and
document information are left; a font's /W array is kept as its bytes (`Widths`) until the fonts are
merged. A file is read (`read`) as soon as it is laid out, and added (`add`) in the book's order when
joining, as pypdf's `append` adds it: the pages to the writer's page tree, the named destinations to its
name tree (each name once, the first kept, sorted), a link to a named destination kept only when the
name is known.

Anything else — another cross-reference form, a string with unescaped parentheses, a page tree of more
than one level — raises `Unreadable`, and the caller lets pypdf read that file.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Unreadable(ValueError):
    """Not a file of the shape this module reads (pypdf reads it instead)."""


# A token after any white space and comments.
_TOKEN = re.compile(rb"""
    (?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*
    (?:(?P<ref>\d+)[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+R(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
  | (?P<open_dict><<) | (?P<close_dict>>>) | (?P<open_array>\[) | (?P<close_array>\])
  | (?P<literal>\((?:[^\\()]|\\.)*\))
  | (?P<hex><[0-9A-Fa-f\x00\t\n\x0c\r ]*>)
  | (?P<keyword>true|false|null|stream|endobj|obj)
  | (?P<other>.))
""", re.VERBOSE | re.DOTALL)
_OBJ = re.compile(rb"[\x00\t\n\x0c\r ]*\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj")
_END_STREAM = re.compile(rb"[\x00\t\n\x0c\r ]*endstream")
_STREAM = re.compile(rb"[\x00\t\n\x0c\r ]*stream\r?\n")
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3}|\r\n|[\r\n])", re.DOTALL)
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code in _ESCAPED:
        return _ESCAPED[code]
    if code[:1] in b"\r\n":
        return b""  # a line continued
    return bytes((int(code, 8) & 0xFF,))


def _unread_reference(number: int) -> Any:
    """An indirect reference where the object itself is not wanted in the writer: of no document."""
    from pypdf.generic import IndirectObject

    return IndirectObject(number, 0, None)


def _unread(value: Any) -> bool:
    """Whether `value` is such a reference."""
    return type(value).__name__ == "IndirectObject" and value.pdf is None


# A font's /W array (numbers only): a CJK face's lists every glyph the part uses, half a part's tokens.
_WIDTHS = re.compile(rb"[\x00\t\n\x0c\r ]*(\[(?:[\x00\t\n\x0c\r 0-9.+-]|\[[\x00\t\n\x0c\r 0-9.+-]*\])*\])")
_WIDTH_TOKEN = re.compile(rb"\[|\]|[^\x00\t\n\x0c\r \[\]]+")


class Widths:
    """A font's /W array kept as the part wrote it: written as it was, read only when the fonts are merged
    (`fontmerge.widths`), without a pypdf object per number."""

    indirect_reference = None

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def items(self) -> list[Any]:
        """The array's numbers as they are written (bytes), a nested array as a list of them."""
        found: list[Any] = []
        current = found
        for token in _WIDTH_TOKEN.findall(self.raw[1:-1]):
            if token == b"[":
                current = []
                found.append(current)
            elif token == b"]":
                current = found
            else:
                current.append(token)
        return found

    def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
        stream.write(self.raw)

    def get_object(self) -> Widths:
        return self

    def clone(self, pdf_dest: Any, force_duplicate: bool = False, ignore_fields: Any = ()) -> Widths:
        return self  # never changed


@functools.cache
def _pdf_types() -> Any:
    from pypdf import generic

    return generic


def parse(data: bytes, position: int, reference: Callable[[int], Any] = _unread_reference,
          widths: bool = False) -> tuple[Any, int, int | None]:
    """The object at `position` of `data` as pypdf's objects, where it ends, and for a stream's dictionary
    where its data begins; `reference(number)` gives an indirect reference's value. `widths`: a /W array of
    numbers is kept as `Widths`."""
    generic = _pdf_types()
    array_type, dictionary_type, name_type = generic.ArrayObject, generic.DictionaryObject, generic.NameObject
    number_type, float_type = generic.NumberObject, generic.FloatObject
    stack: list[Any] = []
    match = _TOKEN.match
    while True:
        token = match(data, position)
        if token is None:
            raise Unreadable(f"nothing to read at byte {position}")
        position = token.end()
        kind = token.lastgroup
        value: Any
        if kind == "number":
            text = token.group(kind)
            # As pypdf makes them, without its checks (the text is a number).
            value = float.__new__(float_type, float(text)) if b"." in text else int.__new__(number_type, int(text))
        elif kind == "ref":
            value = reference(int(token.group(kind)))
        elif kind == "name":
            text = token.group(kind)
            if b"#" in text:
                raise Unreadable(f"a name with an escaped character at byte {token.start(kind)}")
            value = str.__new__(name_type, text.decode())
        elif kind == "open_dict":
            stack.append(dictionary_type())
            stack.append(None)  # the key to come
            continue
        elif kind == "open_array":
            stack.append(array_type())
            continue
        elif kind == "close_array":
            if not stack or stack[-1].__class__ is not array_type:
                raise Unreadable(f"unmatched ] at byte {position}")
            value = stack.pop()
        elif kind == "close_dict":
            if len(stack) < 2 or stack[-1] is not None:
                raise Unreadable(f"unmatched >> at byte {position}")
            stack.pop()
            value = stack.pop()
        elif kind == "literal":
            value = generic.create_string_object(_ESCAPE.sub(_unescape, token.group(kind)[1:-1]))
        elif kind == "hex":
            digits = re.sub(rb"[^0-9A-Fa-f]", b"", token.group(kind)[1:-1])
            value = generic.create_string_object(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        elif kind == "keyword" and token.group(kind) in (b"true", b"false"):
            value = generic.BooleanObject(token.group(kind) == b"true")
        elif kind == "keyword" and token.group(kind) == b"null":
            value = generic.NullObject()
        else:
            raise Unreadable(f"unexpected {token.group()!r} at byte {token.start()}")
        # The value goes into what is open, or is the object.
        if not stack:
            if value.__class__ is dictionary_type and (after := _STREAM.match(data, position)) is not None:
                return value, position, after.end()
            return value, position, None
        top = stack[-1]
        if top is None:  # a key
            if value.__class__ is not name_type:
                raise Unreadable(f"a dictionary key that is not a name at byte {token.start(kind)}")
            if widths and value == "/W" and (array := _WIDTHS.match(data, position)) is not None:
                dict.__setitem__(stack[-2], value, Widths(array.group(1)))
                position = array.end()
                continue
            stack[-1] = value
        elif top.__class__ is array_type:
            top.append(value)
        else:  # a value, after its key
            key = stack.pop()
            dict.__setitem__(stack[-1], key, value)
            stack.append(None)


class _File:
    """Where each object of a WeasyPrint PDF is: its cross-reference stream read, object streams unpacked on demand."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-64:])
        if found is None:
            raise Unreadable("no startxref")
        xref, stream_at = self._object_at(int(found.group(1)))
        if stream_at is None or xref.get("/Type") != "/XRef" or "/DecodeParms" in xref or "/Prev" in xref:
            raise Unreadable("not a single cross-reference stream")
        widths = [int(width) for width in xref["/W"]]
        index = [int(value) for value in xref.get("/Index", [0, int(xref["/Size"])])]
        rows = self._inflated(xref, stream_at)
        self.offsets: dict[int, int] = {}  # number → offset of "N 0 obj"
        self.packed: dict[int, int] = {}  # number → its object stream's number
        row_size, at = sum(widths), 0
        for first, count in zip(index[::2], index[1::2], strict=True):
            for number in range(first, first + count):
                fields, start = [], at
                for width in widths:
                    fields.append(int.from_bytes(rows[start:start + width], "big") if width else 1)
                    start += width
                at += row_size
                if fields[0] == 1:
                    self.offsets[number] = fields[1]
                elif fields[0] == 2:
                    self.packed[number] = fields[1]
        if not _unread(xref.get("/Root")):
            raise Unreadable("no /Root")
        self.root = int(xref.get("/Root").idnum)
        self.streams: dict[int, tuple[bytes, dict[int, int]]] = {}  # unpacked object streams: data, number → offset

    def _object_at(self, offset: int, reference: Callable[[int], Any] = _unread_reference,
                   widths: bool = False) -> tuple[Any, int | None]:
        """The object whose "N 0 obj" is at `offset`, and where its stream's data begins (None: not a stream)."""
        header = _OBJ.match(self.data, offset)
        if header is None:
            raise Unreadable(f"no object at byte {offset}")
        value, _end, stream_at = parse(self.data, header.end(), reference, widths)
        return value, stream_at

    def raw_stream(self, dictionary: Any, stream_at: int) -> bytes:
        """A stream's data as it is in the file."""
        length = dictionary.get("/Length")
        if type(length).__name__ != "NumberObject":
            raise Unreadable("a stream's /Length is not a direct number")
        if not _END_STREAM.match(self.data, stream_at + length):
            raise Unreadable("a stream's /Length does not end at endstream")
        return self.data[stream_at:stream_at + length]

    def _inflated(self, dictionary: Any, stream_at: int) -> bytes:
        """A stream's data, inflated (the cross-reference and object streams only)."""
        raw = self.raw_stream(dictionary, stream_at)
        if (filters := dictionary.get("/Filter")) is None:
            return raw
        if filters != "/FlateDecode":
            raise Unreadable(f"a stream filtered by {filters}")
        return zlib.decompress(raw)

    def read(self, number: int, reference: Callable[[int], Any] = _unread_reference, widths: bool = False) -> Any:
        """Object `number` as pypdf's objects, its indirect references given by `reference`; a stream with its
        data as it is in the file (never decoded); `widths`: see `parse`."""
        from pypdf.generic import DecodedStreamObject, EncodedStreamObject, NameObject

        if number in self.offsets:
            value, stream_at = self._object_at(self.offsets[number], reference, widths)
            if stream_at is None:
                return value
            stream = EncodedStreamObject() if "/Filter" in value else DecodedStreamObject()
            stream._data = self.raw_stream(value, stream_at)
            del value[NameObject("/Length")]
            stream.update(value)
            return stream
        if number not in self.packed:
            raise Unreadable(f"object {number} is not in the file")
        if (stream_number := self.packed[number]) not in self.streams:
            container, stream_at = self._object_at(self.offsets[stream_number])
            if stream_at is None or container.get("/Type") != "/ObjStm" or "/Extends" in container:
                raise Unreadable(f"object {stream_number} is not an object stream of its own")
            data = self._inflated(container, stream_at)
            first = int(container["/First"])
            pairs = data[:first].split()
            self.streams[stream_number] = (data, {int(n): first + int(at) for n, at in zip(pairs[::2], pairs[1::2], strict=True)})
        data, offsets = self.streams[stream_number]
        value, _end, stream_at = parse(data, offsets[number], reference, widths)
        if stream_at is not None:
            raise Unreadable("a stream inside an object stream")
        return value


class Names:
    """The writer's named destinations as pypdf's `append` leaves them: each name once (the first), sorted."""

    def __init__(self) -> None:
        self.known: dict[str, Any] = {}

    def add(self, name: str, destination: Any) -> None:
        self.known.setdefault(name, destination)

    def write(self, writer: Any) -> None:
        from pypdf.generic import TextStringObject

        if not self.known:
            return  # pypdf's own, if any, are as it left them
        names = writer.get_named_dest_root()
        for index in range(0, len(names), 2):  # what pypdf put there before (files it read itself)
            self.known.setdefault(str(names[index]), names[index + 1])
        del names[:]
        for name in sorted(self.known):
            names.extend([TextStringObject(name), self.known[name]])


@dataclass
class Read:
    """A file's objects in the writer, not yet part of its page tree or names."""

    pages: list[Any]
    destinations: list[tuple[str, Any]]  # its named destinations, to its pages


def read(writer: Any, data: bytes) -> Read:
    """A WeasyPrint PDF's objects read into `writer` (only what its pages reach), nothing added to its pages yet:
    files can be read as they come and added in the book's order (`add`)."""
    objects = writer._objects
    count = len(objects)
    try:
        return _read(writer, data)
    except Exception:
        del objects[count:]  # nothing of the file is left in the writer
        raise


def add(writer: Any, found: Read, names: Names, pages: bool = True) -> list[Any]:
    """A file read by `read` added as pypdf's `append` adds it: its named destinations to `names` (the
    first of a name kept), its links to unknown names left out, its pages appended to the page tree (not
    `pages`: only read, as the stamps are); returns its pages."""
    from pypdf.generic import NameObject, NumberObject

    for name, destination in found.destinations:
        names.add(name, destination)
    for page in found.pages:
        _keep_known_links(page, names)
    if pages:
        tree = writer.root_object["/Pages"]
        tree["/Kids"].extend(page.indirect_reference for page in found.pages)
        writer.flattened_pages.extend(found.pages)
        tree[NameObject("/Count")] = NumberObject(int(tree["/Count"]) + len(found.pages))
    return found.pages


def append(writer: Any, data: bytes, names: Names, pages: bool = True) -> list[Any]:
    """`read` and `add` at once."""
    return add(writer, read(writer, data), names, pages)


def _read(writer: Any, data: bytes) -> Read:
    from pypdf import PageObject
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    file = _File(data)

    def number_of(value: Any) -> int:
        if not _unread(value):
            raise Unreadable(f"{value!r} is not an indirect reference")
        return int(value.idnum)

    catalog = file.read(file.root)
    tree_number = number_of(catalog.get("/Pages"))
    page_numbers = [number_of(kid) for kid in file.read(tree_number)["/Kids"]]
    objects = writer._objects
    root = writer.root_object.raw_get("/Pages")
    renumbered: dict[int, IndirectObject] = {tree_number: root}  # the pages' /Parent: the book's page tree
    todo: list[int] = []

    def reference(number: int) -> IndirectObject:
        if (found := renumbered.get(number)) is None:
            objects.append(None)
            found = renumbered[number] = IndirectObject(len(objects), 0, writer)
            todo.append(number)
        return found

    added = [reference(number) for number in page_numbers]
    page_set = set(page_numbers)
    page_objects: list[Any] = []
    while todo:
        number = todo.pop()
        value = file.read(number, reference, widths=True)
        target = renumbered[number]
        if number in page_set:
            if value.get("/Type") != "/Page":
                raise Unreadable(f"object {number} of the page tree is not a page")
            page = PageObject(writer)
            page.update(value)
            page.pop(NameObject("/StructParents"), None)
            value = page
        value.indirect_reference = target  # as pypdf's `_add_object` sets it
        objects[target.idnum - 1] = value
    page_objects = [objects[reference.idnum - 1] for reference in added]

    # Named destinations to this file's pages (pypdf's `append` keeps no others).
    found: list[tuple[str, Any]] = []
    destinations = catalog.get("/Names", DictionaryObject()).get("/Dests")
    if destinations is not None:
        tree = file.read(number_of(destinations)) if _unread(destinations) else destinations
        if "/Kids" in tree:
            raise Unreadable("a name tree of more than one level")
        entries = tree.get("/Names", [])
        if _unread(entries):
            entries = file.read(number_of(entries))
        for name, destination in zip(entries[::2], entries[1::2], strict=True):
            if _unread(destination):
                destination = file.read(number_of(destination))
            if isinstance(destination, dict):
                destination = destination.get("/D")
            if not destination or not _unread(destination[0]) or destination[0].idnum not in page_set:
                continue
            if any(_unread(item) for item in destination[1:]):
                raise Unreadable("a destination with an indirect reference in it")
            found.append((str(name), ArrayObject([renumbered[destination[0].idnum], *destination[1:]])))
    return Read(page_objects, found)


def _keep_known_links(page: Any, names: Names) -> None:
    """A page's links to named destinations no file so far holds are left out, as pypdf's `append` does."""
    from pypdf.generic import ArrayObject, NameObject

    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = ArrayObject()
    for annotation in annotations.get_object():
        target = annotation.get_object()
        destination = target.get("/Dest")
        if destination is None and target.get("/Subtype") == "/Link" and "/A" in target:
            action = target["/A"].get_object()
            destination = action.get("/D") if action.get("/S") == "/GoTo" else None
        if isinstance(destination, str) and str(destination) not in names.known:
            continue
        kept.append(annotation)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]
