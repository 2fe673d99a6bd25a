"""An archive of the format before (seminar-archive/1, exported before migrations 0025 and 0026) imports
today: its decision letters' wording, then a table of its own, becomes the seminar's Simplified Chinese
mail wording, through the page and the command; a format this version does not know is still refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from seminar.archive.export import ArchiveError, Problem, archive_bytes
from seminar.archive.importing import import_archive
from seminar.mail.models import MailWording
from seminar.proceedings.models import ProceedingsSettings
from seminar.reviews.letters import wording_kind
from seminar.seminars.models import Seminar
from tests.archive.test_archive import _cli, _document, _row_counts, _seminar
from tests.archive.test_routes import IMPORT, _as_admin, _errors, _exported, _upload
from tests.conftest import Client

WORDED_AT = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)


async def _worded_seminar() -> Seminar:
    """The small seminar with a decision letter worded, a mail of another kind worded, and book settings."""
    seminar = await _seminar()
    await MailWording.create(seminar=seminar, kind=wording_kind("keynote"), locale="zh_Hans",
                             subject="{seminar}：您的论文入选重点发言", body="{recipient}：\n\n您的论文《{paper_title}》入选重点发言。")
    await MailWording.create(seminar=seminar, kind="invitation", locale="zh_Hans", subject="邀请", body="{recipient}：请设置密码。")
    await MailWording.filter(seminar_id=seminar.id).update(updated_at=WORDED_AT)
    await ProceedingsSettings.get_or_create(seminar=seminar)
    return seminar


def _format_1(archive: bytes, format_name: str = "seminar-archive/1") -> bytes:
    """Today's archive written back in the shape the export wrote before 0025 and 0026: the decision
    letters' wording in `review_decision_mail_template` (id, outcome, subject, body, updated_at,
    seminar_id), the book's settings without a house style, format 1 in the manifest and the document."""
    document = _document(archive)
    tables = document["tables"]
    decisions = [row for row in tables["mail_wording"] if row["kind"].startswith("reviews-decision-")]
    assert decisions and {row["locale"] for row in decisions} == {"zh_Hans"}
    tables["mail_wording"] = [row for row in tables["mail_wording"] if row not in decisions]
    tables["review_decision_mail_template"] = [
        {"id": 40 + index, "outcome": row["kind"].removeprefix("reviews-decision-"), "subject": row["subject"],
         "body": row["body"], "updated_at": row["updated_at"], "seminar_id": row["seminar_id"]}
        for index, row in enumerate(decisions)
    ]
    assert tables["proceedings_settings"]
    for row in tables["proceedings_settings"]:
        del row["house_style"], row["tagged_pdf"]
    for row in tables["proceedings_build"]:
        del row["kind"]
    del tables["handbook_settings"]
    document["format"] = format_name
    data = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
    manifest = {"format": format_name, "document": {"path": "seminar.json", "sha256": hashlib.sha256(data).hexdigest(),
                                                     "size": len(data)}}
    source, target = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as written:
        for name in source.namelist():
            if name not in ("seminar.json", "manifest.json"):
                written.writestr(name, source.read(name))
        written.writestr("seminar.json", data)
        written.writestr("manifest.json", json.dumps(manifest))
    return target.getvalue()


async def _assert_imported_wording(slug: str) -> None:
    imported = await Seminar.get(slug=slug)
    wordings = {(w.kind, w.locale): w for w in await MailWording.filter(seminar_id=imported.id)}
    assert set(wordings) == {(wording_kind("keynote"), "zh_Hans"), ("invitation", "zh_Hans")}
    letter = wordings[(wording_kind("keynote"), "zh_Hans")]
    assert letter.subject == "{seminar}：您的论文入选重点发言" and "入选重点发言。" in letter.body
    assert letter.updated_at == WORDED_AT
    book = await ProceedingsSettings.get(seminar_id=imported.id)
    assert (book.house_style, book.tagged_pdf) == ("academic", False)


async def test_an_admin_imports_an_archive_of_the_format_before_and_its_decision_letter_wording_is_there(client: Client) -> None:
    seminar = await _worded_seminar()
    archive = _format_1(await _exported(client, seminar.slug))
    await _as_admin(client)

    response = await client.post_form(IMPORT, {"slug": "gd-2021-old"}, files=_upload(archive))
    report = await client.get(response.headers["location"])

    assert response.status_code == 303, _errors(response.text)
    await _assert_imported_wording("gd-2021-old")
    assert "该归档为旧格式 seminar-archive/1" in report.text and "其中 1 份评审结果通知措辞已转换" in report.text
    assert re.search(r"<tr><td>邮件措辞</td><td class=\"number\">2</td></tr>", report.text)
    # Today's archives say nothing of a conversion.
    again = await client.post_form(IMPORT, {"slug": "gd-2021-new"}, files=_upload(await _exported_as_admin(client, seminar.slug)))
    assert "旧格式" not in (await client.get(again.headers["location"])).text


async def _exported_as_admin(client: Client, slug: str) -> bytes:
    response = await client.get(f"/{slug}/manage/archive.zip")
    assert response.status_code == 200
    return response.content


async def test_the_command_imports_an_archive_of_the_format_before(database: str, tmp_path: Path) -> None:
    seminar = await _worded_seminar()
    archive = tmp_path / "gd-2021-old.zip"
    archive.write_bytes(_format_1(await archive_bytes(seminar.slug, database)))

    imported = _cli(database, tmp_path, "archive", "import", str(archive), "--slug", "gd-2021-old")

    assert imported.returncode == 0, imported.stderr
    assert "Converted from the older format seminar-archive/1: review_decision_mail_template 1" in imported.stdout
    await _assert_imported_wording("gd-2021-old")


async def test_a_format_not_known_here_and_a_broken_old_table_are_refused_with_nothing_written(database: str) -> None:
    seminar = await _worded_seminar()
    archive = await archive_bytes(seminar.slug, database)
    old = _format_1(archive)
    document = _document(old)
    document["tables"]["review_decision_mail_template"][0]["outcome"] = "maybe"
    broken_old = _format_1(archive)
    broken_old = _with_document(broken_old, document)
    before = await _row_counts()
    cases = {
        "a later format": (_format_1(archive, "seminar-archive/3"), Problem.OTHER_VERSION, "format 'seminar-archive/3'"),
        "an old table not of format 1": (broken_old, Problem.OTHER_VERSION, "'maybe' is not one of"),
        "format 1 without the old table": (_with_document(old, {**document, "tables": {
            k: v for k, v in document["tables"].items() if k != "review_decision_mail_template"}}),
            Problem.OTHER_VERSION, "lacks 'review_decision_mail_template'"),
    }
    for case, (data, problem, message) in cases.items():
        with pytest.raises(ArchiveError) as refused:
            await import_archive(io.BytesIO(data), slug="gd-2021-old")
        assert refused.value.problem is problem and message in str(refused.value), (case, str(refused.value))
        assert await _row_counts() == before, case


def _with_document(archive: bytes, document: dict[str, object]) -> bytes:
    data = json.dumps(document, ensure_ascii=False).encode()
    source, target = zipfile.ZipFile(io.BytesIO(archive)), io.BytesIO()
    manifest = json.loads(source.read("manifest.json"))
    manifest["document"]["sha256"] = hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(target, "w") as written:
        for name in source.namelist():
            written.writestr(name, {"seminar.json": data, "manifest.json": json.dumps(manifest).encode()}.get(name) or source.read(name))
    return target.getvalue()
