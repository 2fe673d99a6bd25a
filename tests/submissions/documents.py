"""Real manuscript files for the tests, built the way Word would write them (python-docx)."""

from __future__ import annotations

import io
import zipfile

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
