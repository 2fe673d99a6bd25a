"""Real manuscript files for the tests, built the way Word would write them (python-docx)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

import docx
from PIL import Image


def png(width: int = 8, height: int = 8, color: str = "red") -> bytes:
    """A real PNG picture, as a phone or Excel would save it."""
    picture = io.BytesIO()
    Image.new("RGB", (width, height), color).save(picture, "PNG")
    return picture.getvalue()


# An SVG that reaches for a local file: what a picture labelled PNG must never turn out to be.
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">'
    b'<image href="file:///etc/hostname" width="200" height="200"/></svg>'
)


def bilevel_png(width: int, height: int) -> bytes:
    """A real, white, one-bit PNG of any size, written row by row: a few hundred KB on disk for a
    picture that would take gigabytes once decoded (a "decompression bomb")."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    pixels = b"".join(packer.compress(row) for _row in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PARAGRAPH = "坚持和发展新时代“枫桥经验”，推动矛盾纠纷多元化解，建设更高水平的平安广东。"


def make_docx(text: str = PARAGRAPH, title: str = "党建引领基层治理的实践与思考", author: str = "") -> bytes:
    document = docx.Document()
    # python-docx's template names itself as author: clear it unless the test wants a name there.
    document.core_properties.author = author
    document.core_properties.last_modified_by = ""
    document.add_heading(title, level=1)
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数值"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def repack(data: bytes, extra: dict[str, bytes] | None = None, content_types_patch: tuple[str, str] | None = None) -> bytes:
    """The same package with members added, or its content types changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_types_patch:
                content = content.replace(content_types_patch[0].encode(), content_types_patch[1].encode())
            target.writestr(item, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb(unpacked_mb: int = 200) -> bytes:
    """A valid-looking .docx whose one member unpacks to `unpacked_mb` MB of zeros (a few hundred KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        with target.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _chunk in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photos/readme.txt", "照片")
    return out.getvalue()


MACRO_MAIN_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def macro_docx() -> bytes:
    """A macro-enabled document (.docm) as Word writes it, under whatever name the test gives it."""
    return repack(
        make_docx(), extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60},
        content_types_patch=(DOCX_MAIN_TYPE, MACRO_MAIN_TYPE),
    )


def with_member(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same package with one member's content changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == name else content)
    return out.getvalue()


def _with_dtd(dtd: str, reference: str) -> bytes:
    """A .docx whose body declares `dtd` and uses `reference` where the paragraph's text was."""
    marker = "DTD_MARKER"

    def change(xml: bytes) -> bytes:
        declaration, body = xml.decode().split("?>", 1)
        return f"{declaration}?><!DOCTYPE w:document [{dtd}]>{body.replace(marker, reference)}".encode()

    return with_member(make_docx(text=marker), "word/document.xml", change)


def external_entity_docx(system_id: str) -> bytes:
    """XXE: the body's text is an entity whose content lives at `system_id` (a file or a URL)."""
    return _with_dtd(f'<!ENTITY xxe SYSTEM "{system_id}">', "&xxe;")


def entity_bomb_docx(levels: int = 9) -> bytes:
    """"Billion laughs": each entity repeats the one before ten times, 10**levels copies in all."""
    entities = '<!ENTITY lol0 "哈哈">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, levels + 1)
    )
    return _with_dtd(entities, f"&lol{levels};")


def picture_docx(picture: bytes | None = None) -> bytes:
    """A .docx with one PNG picture between two paragraphs, as Word's "Insert › Pictures" saves it.
    `picture` replaces the bytes of `word/media/image1.png`, keeping its name and declared type."""
    document = docx.Document()
    document.core_properties.author = ""
    document.add_paragraph("图片之前的正文。")
    document.add_picture(io.BytesIO(png()))
    document.add_paragraph("图片之后的正文。")
    buffer = io.BytesIO()
    document.save(buffer)
    if picture is None:
        return buffer.getvalue()
    return with_member(buffer.getvalue(), "word/media/image1.png", lambda _png: picture)


def linked_image_docx(target: str) -> bytes:
    """A .docx whose picture is not inside the file but linked to `target` (a URL or a path), as
    Word's "Insert › Pictures › Link to file" writes it: `r:link` to an external relationship."""

    def external(rels: bytes) -> bytes:
        return re.sub(rb'Target="media/[^"]+"', b'Target="' + target.encode() + b'" TargetMode="External"', rels)

    linked = with_member(picture_docx(), "word/_rels/document.xml.rels", external)
    return with_member(linked, "word/document.xml", lambda xml: xml.replace(b"r:embed=", b"r:link="))


def hyperlink_docx(targets: dict[str, str]) -> bytes:
    """A .docx of one paragraph holding a hyperlink per (text, target), as Word's "Insert › Link"
    writes them: a target starting with "#" is a bookmark in the document, any other an external
    relationship (a URL, or a path as Word saves a link to a file)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.author = ""
    paragraph = document.add_paragraph("参见：")
    for text, target in targets.items():
        link = OxmlElement("w:hyperlink")
        if target.startswith("#"):
            link.set(qn("w:anchor"), target[1:])
        else:
            link.set(qn("r:id"), document.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        run, words = OxmlElement("w:r"), OxmlElement("w:t")
        words.text = text
        run.append(words)
        link.append(run)
        paragraph._p.append(link)  # noqa: SLF001  # python-docx has no API for hyperlinks
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
