"""Real manuscript files for the tests, built the way Word would write them (python-docx)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import docx

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


def linked_image_docx(target: str) -> bytes:
    """A .docx whose picture is not inside the file but linked to `target` (a URL or a path), as
    Word's "Insert › Pictures › Link to file" writes it: `r:link` to an external relationship."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, "PNG")
    document = docx.Document()
    document.core_properties.author = ""
    document.add_paragraph("图片之前的正文。")
    document.add_picture(io.BytesIO(picture.getvalue()))
    document.add_paragraph("图片之后的正文。")
    buffer = io.BytesIO()
    document.save(buffer)

    def external(rels: bytes) -> bytes:
        return re.sub(rb'Target="media/[^"]+"', b'Target="' + target.encode() + b'" TargetMode="External"', rels)

    linked = with_member(buffer.getvalue(), "word/_rels/document.xml.rels", external)
    return with_member(linked, "word/document.xml", lambda xml: xml.replace(b"r:embed=", b"r:link="))
