"""One seminar's archive: what it holds and leaves out, ids remapped and people matched on import, and
a damaged, foreign or tampered archive or a taken slug refused with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tortoise import Tortoise

from seminar.accounts.models import AccountToken, TokenPurpose, User
from seminar.agenda.models import AgendaDraft
from seminar.archive.export import ArchiveError, Problem, archive_bytes
from seminar.archive.importing import import_archive, read_and_check, write_import
from seminar.archive.schema import SCHEMA_PATH, build_schema, problems, published_schema, schema_text
from seminar.archive.tables import CARRIED, LEFT_OUT, SEPARATE
from seminar.certificates.models import Certificate, CertificateKind, CertificateSettings
from seminar.config import PROJECT_ROOT, Settings
from seminar.reviews.actions import ensure_criteria
from seminar.reviews.models import Criterion, Review, ReviewerProfile
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Blob, Manuscript, Paper
from tests.conftest import Client, _empty_all_tables
from tests.factories import (
    make_attendee, make_decision, make_organizer, make_paper, make_proceedings_build, make_review, make_reviewer,
    make_room, make_seminar, make_submitter, make_user,
)
from tests.patience import patience


async def _blob(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    await Blob.get_or_create(sha256=digest, defaults={"size": len(data), "content": data})
    return digest


async def _seminar() -> Seminar:
    """A small seminar with something in every part: a paper with its file, a review, a decision,
    an agenda naming topic, paper, room and people, a book, a seal and a certificate."""
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    submitter = await make_submitter(seminar)
    paper = await make_paper(seminar, status="submitted")
    await Manuscript.filter(paper_id=paper.id).update(blob_id=await _blob("正文".encode()))
    await Blob.filter(sha256="0" * 64).delete()  # the factory's stand-in, whose content is not its hash
    await ensure_criteria(seminar)
    topic = await Topic.filter(seminar_id=seminar.id).order_by("position").first()
    assert topic is not None
    reviewer = await make_reviewer(seminar, email="wangfang@example.org", topic_ids=[topic.id])
    await make_review(paper, reviewer, confidential_note="请组织者留意")
    await make_decision(paper, award="first")
    room = await make_room(seminar)
    person = {"id": reviewer.id, "name": reviewer.name}
    await AgendaDraft.create(seminar=seminar, updated_by=organizer, data={
        "format": 1, "time_zone": "Asia/Shanghai", "rooms": [{"id": room.id, "name": room.name, "capacity": 200}],
        "sessions": [{
            "key": "t1", "topic_id": topic.id, "title": topic.title, "room": {"id": room.id, "name": room.name, "capacity": 200},
            "start": "2026-12-10T09:00:00+08:00", "end": "2026-12-10T10:00:00+08:00", "chair": person,
            "slots": [{"key": f"keynote-{paper.id}", "kind": "keynote", "start": "2026-12-10T09:00:00+08:00", "duration": 10,
                       "title": paper.title, "paper_id": paper.id, "speaker": None, "contributions": []}],
        }],
    })
    await make_proceedings_build(seminar)
    attendee = await make_attendee(seminar)
    await CertificateSettings.create(seminar=seminar, issuer="省委政法委", seal_sha256=await _blob(b"\x89PNG seal"))
    await Certificate.create(seminar=seminar, number="2026-0001-ABCDEF", serial=1, kind=CertificateKind.ATTENDANCE,
                             user=attendee, holder=attendee.name)
    await AccountToken.create(token_hash="f" * 64, purpose=TokenPurpose.INVITATION, user=attendee, seminar=seminar,
                              expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    await User.filter(id=submitter.id).update(totp_secret="sealed-secret", totp_enabled_at=dt.datetime.now(dt.UTC))
    return seminar


async def _row_counts() -> dict[str, int]:
    return {model._meta.db_table: await model.all().count() for model in Tortoise.apps["models"].values()}


def _document(archive: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("seminar.json"))
    return loaded


def test_every_table_is_carried_or_left_out_with_a_reason(database: str) -> None:
    tables = {model._meta.db_table for model in Tortoise.apps["models"].values()}
    places = [*CARRIED, *SEPARATE, *LEFT_OUT]
    assert sorted(places) == sorted(tables)


def test_the_published_schema_is_the_models_and_a_valid_json_schema(database: str) -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(build_schema()), "run python -m seminar.archive.schema"
    jsonschema.Draft202012Validator.check_schema(published_schema())


async def test_the_archive_holds_the_seminar_its_people_and_files_and_no_secret(database: str) -> None:
    seminar = await _seminar()
    await make_seminar("other-2026")  # another seminar's rows stay out

    archive = await archive_bytes(seminar.slug, database)

    document = _document(archive)
    jsonschema.Draft202012Validator(published_schema(), format_checker=jsonschema.FormatChecker()).validate(document)
    assert problems(document, published_schema()) == []
    assert [row["slug"] for row in document["tables"]["seminar"]] == [seminar.slug]
    assert len(document["tables"]["topic"]) == 6
    people = {person["email"] for person in document["people"]}
    assert {"organizer@example.org", "wangfang@example.org"} <= people
    assert set(document["people"][0]) == {"id", "email", "name", "phone", "position", "unit_id", "locale"}
    text = json.dumps(document, ensure_ascii=False)
    assert "password" not in text and "sealed-secret" not in text and "f" * 64 not in text
    assert "请组织者留意" in text  # the organizers' own archive: confidential notes included
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    files = {entry["sha256"] for entry in document["files"]}
    assert len(files) == 3 and {f"files/{sha}" for sha in files} <= set(names)  # manuscript, book, seal


async def test_an_import_gets_new_ids_matches_people_by_email_and_rewrites_the_ids_inside(database: str) -> None:
    seminar = await _seminar()
    archive = await archive_bytes(seminar.slug, database)
    users, files = await User.all().count(), await Blob.all().count()

    report = await import_archive(io.BytesIO(archive), slug="gd-2021-copy")

    copy = await Seminar.get(slug="gd-2021-copy")
    assert copy.id != seminar.id and copy.title == seminar.title
    assert (report.people_matched, report.people_created) == (len(_document(archive)["people"]), 0)
    assert await User.all().count() == users and await Blob.all().count() == files == report.files_present
    assert report.certificates_renumbered == 1
    assert await Certificate.filter(seminar_id=copy.id).count() == 1
    topics = {t.position: t.id for t in await Topic.filter(seminar_id=copy.id)}
    criteria = {c.id for c in await Criterion.filter(seminar_id=copy.id)}
    paper = await Paper.get(seminar_id=copy.id)
    review = await Review.get(assignment__seminar_id=copy.id)
    assert {int(key) for key in review.scores} == criteria and review.total is not None
    profile = await ReviewerProfile.get(seminar_id=copy.id)
    assert profile.topic_ids == [topics[1]]
    draft = await AgendaDraft.get(seminar_id=copy.id)
    session = draft.data["sessions"][0]
    reviewer = await User.get(email="wangfang@example.org")
    assert (session["topic_id"], session["slots"][0]["paper_id"], session["chair"]["id"]) == (topics[1], paper.id, reviewer.id)
    assert session["room"]["id"] == draft.data["rooms"][0]["id"] != (await AgendaDraft.get(seminar_id=seminar.id)).data["rooms"][0]["id"]


async def test_a_new_installation_gets_the_people_without_passwords(database: str) -> None:
    seminar = await _seminar()
    archive = await archive_bytes(seminar.slug, database)
    await _empty_all_tables(database)
    await make_user(email="wangfang@example.org", name="王芳")  # already has an account here

    report = await import_archive(io.BytesIO(archive))

    assert report.people_matched == 1 and report.people_created == len(_document(archive)["people"]) - 1
    assert (await User.get(email="wangfang@example.org")).password_hash != ""
    assert await User.filter(password_hash="").count() == report.people_created
    assert await User.filter(totp_secret="").count() == await User.all().count()
    assert await AccountToken.all().count() == 0
    assert (await User.get(email="organizer@example.org")).is_admin is False


def _rewritten(archive: bytes, changes: dict[str, bytes | None], rehash: bool = True) -> bytes:
    """The archive with some members replaced (None: removed), its manifest's hash made to match unless told not."""
    source, target = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
    members = {name: source.read(name) for name in source.namelist()}
    for name, data in changes.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    if rehash and "seminar.json" in changes and changes["seminar.json"] is not None:
        manifest = json.loads(members["manifest.json"])
        manifest["document"]["sha256"] = hashlib.sha256(members["seminar.json"]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as written:
        for name, data in members.items():
            written.writestr(name, data)
    return target.getvalue()


def _changed(archive: bytes, change: Any) -> bytes:
    document = _document(archive)
    change(document)
    return _rewritten(archive, {"seminar.json": json.dumps(document, ensure_ascii=False).encode()})


async def test_a_damaged_foreign_or_tampered_archive_and_a_taken_slug_are_refused_with_nothing_written(database: str) -> None:
    seminar = await _seminar()
    archive = await archive_bytes(seminar.slug, database)
    document = _document(archive)
    a_file = document["files"][0]["sha256"]
    cases: dict[str, tuple[bytes, str]] = {
        "slug taken": (archive, "a seminar 'gd-2021' exists here already"),
        "not a zip": (b"PK\x03\x04 not really", "not a readable archive"),
        "a backup, not an archive": (_rewritten(archive, {"manifest.json": b'{"format": "seminar-backup/1"}'}), "not a seminar archive of this system"),
        "no manifest": (_rewritten(archive, {"manifest.json": None}), "it has no manifest.json"),
        "document damaged": (_rewritten(archive, {"seminar.json": b"{}"}, rehash=False), "seminar.json is damaged"),
        "not the schema": (_changed(archive, lambda d: d["tables"]["paper"][0].update(title=None)), "tables.paper[0].title: must be string"),
        "unknown column": (_changed(archive, lambda d: d["people"][0].update(password_hash="x")), "people[0]: unknown 'password_hash'"),
        "dangling reference": (_changed(archive, lambda d: d["tables"]["paper"][0].update(topic_id=99999)), "names topic 99999, which it does not hold"),
        "file changed": (_rewritten(archive, {f"files/{a_file}": b"tampered"}), f"the file {a_file} is damaged"),
        "file missing": (_rewritten(archive, {f"files/{a_file}": None}), f"the file {a_file} is missing"),
        "file not listed": (_changed(archive, lambda d: d["files"].pop(0)), "rows name a file it does not hold"),
        "not a date": (_changed(archive, lambda d: d["tables"]["seminar"][0].update(starts_on="soon")), "a value cannot be read"),
    }
    before = await _row_counts()
    for case, (data, message) in cases.items():
        slug = None if case == "slug taken" else "gd-2021-copy"
        with pytest.raises(ArchiveError) as refused:
            await import_archive(io.BytesIO(data), slug=slug)
        assert message in str(refused.value), case
        assert await _row_counts() == before, case


async def test_a_slug_taken_after_the_look_is_refused_as_taken_with_nothing_written(database: str) -> None:
    """Another import takes the slug between the look and the insert: the unique constraint, not a 500."""
    seminar = await _seminar()
    archive = await archive_bytes(seminar.slug, database)
    for user in await User.filter(is_admin=False):  # people to create, whose creation must be undone
        user.email = f"old-{user.email}"
        await user.save(update_fields=["email"])
    checked, rows = await read_and_check(io.BytesIO(archive))
    await make_seminar(slug="gd-2021-copy", topics=0)  # the other import, committed after this one looked
    before = await _row_counts()

    with pytest.raises(ArchiveError) as refused:
        await write_import(checked, rows, "gd-2021-copy")

    assert refused.value.problem is Problem.SLUG_TAKEN and refused.value.slug == "gd-2021-copy"
    assert "a seminar 'gd-2021-copy' exists here already" in str(refused.value)
    assert await _row_counts() == before


def test_the_schema_check_agrees_with_jsonschema(database: str) -> None:
    document: dict[str, Any] = {"format": "seminar-archive/2", "exported_at": "2026-12-04T00:00:00+00:00", "seminar": {"slug": "x", "title": "x"},
                "units": [], "people": [], "files": [], "left_out": {}, "tables": {table: [] for table in CARRIED}}
    validator = jsonschema.Draft202012Validator(published_schema())
    broken = [
        {**document, "format": "other"},
        {**document, "units": [{"id": "1"}]},
        {**document, "files": [{"sha256": "xyz", "size": 1}]},
        {**document, "left_out": {"x": -1}},
        {key: value for key, value in document.items() if key != "tables"},
        {**document, "tables": {**document["tables"], "review": [{"id": 1}]}},
    ]
    assert validator.is_valid(document) and problems(document, published_schema()) == []
    for case in broken:
        assert not validator.is_valid(case) and problems(case, published_schema()), case


async def test_organizers_download_the_archive_and_the_schema_is_published(client: Client, settings: Settings) -> None:
    seminar = await _seminar()
    await client.login("organizer@example.org")

    page = await client.get(f"/{seminar.slug}/manage/settings")
    response = await client.get(f"/{seminar.slug}/manage/archive.zip")
    schema = await client.get("/archive-schema.json")

    assert f'/{seminar.slug}/manage/archive.zip" download>' in page.text
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="gd-2021-')
    report = await import_archive(io.BytesIO(response.content), slug="gd-2021-copy")
    assert report.rows["paper"] == 1 and report.rows["review"] == 1
    assert json.loads(schema.content) == published_schema()
    assert not list((settings.data_dir / "archives").glob("*"))  # the temporary file is gone


def _cli(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "seminar.cli", *args], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=patience(120))


async def test_the_commands_move_a_seminar_to_another_installation(database: str, tmp_path: Path) -> None:
    seminar = await _seminar()
    other = f"sqlite://{tmp_path / 'other.sqlite3'}"
    archive = tmp_path / "gd-2021.zip"

    exported = _cli(database, tmp_path, "archive", "export", seminar.slug, str(archive))
    imported = _cli(other, tmp_path, "archive", "import", str(archive))
    again = _cli(other, tmp_path, "archive", "import", str(archive))
    renamed = _cli(other, tmp_path, "archive", "import", str(archive), "--slug", "gd-2021-b")
    missing = _cli(database, tmp_path, "archive", "export", "no-such-seminar", str(tmp_path / "x.zip"))

    assert exported.returncode == 0 and "written to" in exported.stdout, exported.stderr
    assert imported.returncode == 0 and "Imported as 'gd-2021'" in imported.stdout, imported.stderr
    assert "created without a password" in imported.stdout and "Files: 3 stored" in imported.stdout
    assert again.returncode == 1 and "exists here already" in again.stderr and "Nothing was written" in again.stderr
    assert renamed.returncode == 0 and "matched by e-mail" in renamed.stdout and "Files: 0 stored, 3 already here" in renamed.stdout
    assert missing.returncode == 1 and "there is no seminar 'no-such-seminar'" in missing.stderr
    assert not (tmp_path / "x.zip").exists()
    assert "paper 1, " in imported.stdout and "review 1" in imported.stdout
