"""The round trip: the demo, with its papers, reviews, decisions, agenda, book sections and published
book, archived and imported into an empty installation, comes back table for table and file for
file, and its book, typeset again there, is the same PDF byte for byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from typing import Any

from pypdf import PdfReader, PdfWriter

from seminar.accounts.models import Unit, User
from seminar.archive.export import archive_bytes
from seminar.archive.importing import import_archive
from seminar.archive.tables import CARRIED, model_of
from seminar.demo import DEMO_SLUG, build_demo
from seminar.overlap.models import OverlapFingerprint
from seminar.proceedings.inputs import plain_data
from seminar.proceedings.models import ProceedingsBuild
from seminar.proceedings.queries import book_spec
from seminar.proceedings.typeset import typeset_async
from seminar.seminars.models import Seminar
from seminar.submissions.models import Blob
from tests.conftest import _empty_all_tables


async def _counts(seminar_id: int) -> dict[str, int]:
    return {table: await model_of(table).filter(**{path: seminar_id}).count() for table, path in CARRIED.items()}


async def _files() -> dict[str, str]:
    return {blob.sha256: hashlib.sha256(blob.content).hexdigest() for blob in await Blob.all()}


async def test_the_demo_moves_to_an_empty_installation_and_prints_the_same_book(database: str) -> None:
    await build_demo(today=dt.date(2026, 11, 25), proceedings=True)
    seminar = await Seminar.get(slug=DEMO_SLUG)
    book = await ProceedingsBuild.get(seminar_id=seminar.id, published=True)
    book_pdf = bytes((await Blob.get(sha256=book.blob_id)).content)
    counts, files = await _counts(seminar.id), await _files()
    fingerprints = await OverlapFingerprint.filter(source__seminar_id=seminar.id).count()
    people = await User.all().count()
    spec = plain_data(await book_spec(seminar, None))
    archive = await archive_bytes(DEMO_SLUG, database)

    await _empty_all_tables(database)
    report = await import_archive(io.BytesIO(archive))

    imported = await Seminar.get(slug=DEMO_SLUG)
    assert await _counts(imported.id) == counts
    assert report.rows == counts
    # Every file the archive carries, none damaged, none more. The demo's other seminar (gd-next, open
    # for submissions) has files of its own that an archive of gd-2021 rightly leaves behind.
    carried = {name.removeprefix("files/") for name in zipfile.ZipFile(io.BytesIO(archive)).namelist()
               if name.startswith("files/")}
    assert carried <= files.keys() and book.blob_id in carried
    assert await _files() == {sha: files[sha] for sha in carried}
    assert await OverlapFingerprint.filter(source__seminar_id=imported.id).count() == fingerprints  # the 查重 index made again
    assert (report.people_created, report.people_matched) == (people, 0) == (await User.all().count(), 0)
    assert await User.filter(password_hash="").count() == people
    assert report.units_created == await Unit.all().count() > 0

    # The imported published book is the same file.
    again = await ProceedingsBuild.get(seminar_id=imported.id, published=True)
    assert again.blob_id == book.blob_id

    # What the book is made from is the same but for ids, which it does not print: the agenda
    # appendix's rows keep their papers' and topics' ids and keys (`keynote-<paper id>`), so the new
    # installation's first build request typesets the book anew (its input hash differs).
    assert _without_ids(plain_data(await book_spec(imported, None))) == _without_ids(spec)

    # Typeset again on the new installation, from the imported rows and files: the same book. The
    # file records when it was typeset (/CreationDate, tests/proceedings/test_demo_book.py), and
    # that is all that differs: with the same date, the two files are the same bytes.
    rebuilt = await typeset_async(await book_spec(imported, None))
    assert rebuilt.pdf != book_pdf
    assert _dated(rebuilt.pdf) == _dated(book_pdf)
    assert _metadata(rebuilt.pdf) == _metadata(book_pdf)


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key not in ("paper_id", "topic_id", "key", "id")}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _dated(pdf: bytes) -> bytes:
    """The PDF written again with one fixed /CreationDate."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/CreationDate": "D:20261125000000Z"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _metadata(pdf: bytes) -> dict[str, object]:
    metadata: dict[str, object] = dict(PdfReader(io.BytesIO(pdf)).metadata or {})
    return {key: value for key, value in metadata.items() if key != "/CreationDate"}
