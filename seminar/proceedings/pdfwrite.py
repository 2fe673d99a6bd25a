"""A pypdf writer's document written as WeasyPrint writes its own: small objects packed in compressed
object streams, a cross-reference stream, and only the objects the document still uses.

pypdf writes every object on its own, uncompressed, with a plain cross-reference table: for the book
joined from parts (`parts.py`) — a page dictionary, its annotations, named destinations and
outline entries by the thousand — that alone made the file a sixth larger than the one-pass book,
whose WeasyPrint packs them. The objects left behind while joining (the parts' replaced font
subsets, their catalogs) are not written: only what the catalog and the document information reach
is, which also spares pypdf's repeated passes over its objects to drop them.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

PACKED = 200  # objects per object stream


def _reachable(writer: Any) -> list[int]:
    """The object numbers the catalog and the document information reach, in order."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    todo: list[Any] = [writer.root_object.indirect_reference]
    if writer._info is not None:
        todo.append(writer._info.indirect_reference)
    objects = writer._objects
    while todo:
        value = todo.pop()
        if isinstance(value, IndirectObject):
            if value.pdf is not writer:
                raise ValueError(f"object {value.idnum} belongs to another document")
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = objects[value.idnum - 1]
        if isinstance(value, DictionaryObject):  # streams too
            todo.extend(value.values())
        elif isinstance(value, ArrayObject):
            todo.extend(value)
    return sorted(seen)


def write_packed(writer: Any) -> bytes:
    """The writer's document as PDF 1.7 bytes (unencrypted), its non-stream objects in object streams."""
    from pypdf.generic import StreamObject

    writer._resolve_links()
    objects = writer._objects
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries: dict[int, tuple[int, int, int]] = {}  # number → (type, field 2, field 3) of the xref stream
    packed: list[int] = []
    for number in _reachable(writer):
        obj = objects[number - 1]
        if isinstance(obj, StreamObject):
            entries[number] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n" % number)
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        else:
            packed.append(number)
    next_number = len(objects) + 1
    for start in range(0, len(packed), PACKED):
        chunk, offsets, body = packed[start:start + PACKED], [], io.BytesIO()
        for index, number in enumerate(chunk):
            offsets.append(b"%d %d" % (number, body.tell()))
            objects[number - 1].write_to_stream(body)
            body.write(b"\n")
            entries[number] = (2, next_number, index)
        header = b" ".join(offsets) + b"\n"
        data = zlib.compress(header + body.getvalue())
        entries[next_number] = (1, out.tell(), 0)
        out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                  % (next_number, len(chunk), len(header), len(data)))
        out.write(data + b"\nendstream\nendobj\n")
        next_number += 1
    xref_number, size = next_number, next_number + 1
    xref_at = out.tell()
    entries[xref_number] = (1, xref_at, 0)
    rows = [struct.pack(">BIH", *entries.get(number, (0, 0, 0 if number else 65535))) for number in range(size)]
    data = zlib.compress(b"".join(rows))
    trailer = b"/Root %d 0 R" % writer.root_object.indirect_reference.idnum
    if writer._info is not None:
        trailer += b" /Info %d 0 R" % writer._info.indirect_reference.idnum
    if writer._ID is not None:
        ids = io.BytesIO()
        writer._ID.write_to_stream(ids)
        trailer += b" /ID " + ids.getvalue()
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] %s /Filter /FlateDecode /Length %d >>\nstream\n"
              % (xref_number, size, trailer, len(data)))
    out.write(data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()
