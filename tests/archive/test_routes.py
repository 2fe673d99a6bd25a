"""The site admins' import page: a seminar exported on one installation comes in through an upload
under a new short name, with a report of what came; a bad upload is refused in the reader's
language and creates nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest

from seminar.accounts.models import User
from seminar.archive import importing
from seminar.archive.labels import TABLE_LABELS
from seminar.archive.tables import CARRIED
from seminar.audit.models import AuditEntry
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper
from tests.archive.test_archive import _rewritten, _row_counts, _seminar
from tests.conftest import Client
from tests.factories import make_seminar, make_user

IMPORT = "/manage/seminars/import"


async def _exported(client: Client, slug: str) -> bytes:
    """The archive as its organizer downloads it from the seminar's settings page."""
    await client.login("organizer@example.org")
    response = await client.get(f"/{slug}/manage/archive.zip")
    assert response.status_code == 200
    await client.post_form("/logout")
    return response.content


async def _as_admin(client: Client) -> None:
    await make_user(email="admin@example.org", name="系统管理员", is_admin=True)
    await client.login("admin@example.org")


def _upload(data: bytes, name: str = "gd-2021-20261204.zip") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "application/zip")}


def _report_rows(html: str) -> dict[str, int]:
    return {label: int(count) for label, count in re.findall(r"<tr><td>(.*?)</td><td class=\"number\">(\d+)</td></tr>", html)}


def _errors(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', html, re.S)]


async def test_an_admin_imports_an_exported_seminar_under_a_new_short_name_and_reads_the_report(client: Client) -> None:
    seminar = await _seminar()
    a_while_ago = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)
    await Paper.filter(seminar_id=seminar.id).update(updated_at=a_while_ago)
    archive = await _exported(client, seminar.slug)
    await _as_admin(client)
    people_before = await User.all().count()

    form_page = await client.get(IMPORT)
    response = await client.post_form(IMPORT, {"slug": "gd-2021-copy"}, files=_upload(archive))
    report = await client.get(response.headers["location"])

    assert 'enctype="multipart/form-data"' in form_page.text and 'name="csrf_token"' in form_page.text
    assert response.status_code == 303 and response.headers["location"].endswith("/manage/seminars/import/report")
    imported = await Seminar.get(slug="gd-2021-copy")
    assert imported.id != seminar.id and imported.title == seminar.title
    [paper] = await Paper.filter(seminar_id=imported.id)
    assert paper.updated_at == a_while_ago  # rows keep their times, though saving stamps "now"
    assert "归档已导入为“gd-2021-copy”。" in report.text
    rows = _report_rows(report.text)
    assert rows["研讨班"] == 1 and rows["论文"] == 1 and rows["评审"] == 1 and rows["专题"] == 6 and rows["证书"] == 1
    # Everyone is known here already (the same installation): matched by e-mail, nobody created.
    assert f"按电子邮箱对应到已有账号的人员：{len(json.loads(zipfile.ZipFile(io.BytesIO(archive)).read('seminar.json'))['people'])}" in report.text
    assert "新建的未设密码账号：0" in report.text and await User.all().count() == people_before
    assert "本系统已有的文件（内容相同）：3" in report.text
    assert '/gd-2021-copy/manage/" class="button primary"' in report.text or '/gd-2021-copy/manage/">' in report.text
    for page in ("/gd-2021-copy/", "/gd-2021-copy/manage/", "/gd-2021-copy/manage/settings", "/gd-2021-copy/manage/papers"):
        assert (await client.get(page)).status_code == 200, page
    entry = await AuditEntry.get(action="archive:import")
    assert entry.seminar_id == imported.id and entry.target == {"slug": "gd-2021-copy"} and entry.user_email == "admin@example.org"


async def test_an_archive_from_another_installation_creates_its_people_without_passwords(client: Client) -> None:
    seminar = await _seminar()
    archive = await _exported(client, seminar.slug)
    await _as_admin(client)
    # The other installation's people are not known here.
    for user in await User.filter(is_admin=False):
        user.email = f"old-{user.email}"
        await user.save(update_fields=["email"])

    response = await client.post_form(IMPORT, {"slug": "gd-2021-b"}, files=_upload(archive))
    report = await client.get(response.headers["location"])

    people = len(json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("seminar.json"))["people"])
    assert f"新建的未设密码账号：{people}" in report.text and "在人员页面邀请他们" in report.text
    created = await User.filter(is_admin=False).exclude(email__startswith="old-")
    assert len(created) == people and {user.password_hash for user in created} == {""}


def _damaged(archive: bytes) -> bytes:
    """The archive cut off halfway, as an interrupted download leaves it."""
    return archive[: len(archive) // 2]


def _without_manifest(archive: bytes) -> bytes:
    return _rewritten(archive, {"manifest.json": None})


def _other_version(archive: bytes) -> bytes:
    return _rewritten(archive, {"manifest.json": b'{"format": "seminar-archive/3"}'})


def _file_tampered(archive: bytes) -> bytes:
    name = next(n for n in zipfile.ZipFile(io.BytesIO(archive)).namelist() if n.startswith("files/"))
    return _rewritten(archive, {name: b"changed"})


BAD_UPLOADS = {
    "not a zip": (lambda archive: "姓名,单位\n张伟,广州市\n".encode(), "file", "该文件不是 zip 归档。"),
    "cut off": (_damaged, "file", "归档已损坏：下载后被截断或改动过。"),
    "a file changed": (_file_tampered, "file", "归档已损坏：下载后被截断或改动过。"),
    "no manifest": (_without_manifest, "file", "该 zip 文件不是研讨班归档。"),
    "another version": (_other_version, "file", "该归档由另一版本的系统生成，本系统无法读取其归档格式。"),
    "short name taken": (lambda archive: archive, "slug", "本系统已有网址简称为“gd-2021”的研讨班。请另选一个网址简称（“gd-2021-2”尚未使用）"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
async def test_a_bad_upload_gets_its_message_and_creates_nothing(client: Client, case: str) -> None:
    seminar = await _seminar()
    archive = await _exported(client, seminar.slug)
    await _as_admin(client)
    make, field, message = BAD_UPLOADS[case]
    before = await _row_counts()

    response = await client.post_form(IMPORT, {"slug": ""}, files=_upload(make(archive)))

    assert response.status_code == 400
    assert len(_errors(response.text)) == 1 and _errors(response.text)[0].startswith(message)
    assert f'id="{field}-errors"' in response.text
    assert await _row_counts() == before
    assert await Seminar.all().count() == 1
    if case == "short name taken":  # the free name is offered in the field, to upload the file again under it
        assert 'value="gd-2021-2"' in response.text


async def test_a_short_name_taken_by_another_import_after_the_look_gets_the_same_message(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two admins import under the same short name at the same moment: the other import commits
    after this one looked and before it writes. The seminar's insert then breaks the unique short
    name: the same refusal as the look's, and nothing of this import is written."""
    seminar = await _seminar()
    archive = await _exported(client, seminar.slug)
    await _as_admin(client)
    for user in await User.filter(is_admin=False):  # people to create, whose creation must be undone
        user.email = f"old-{user.email}"
        await user.save(update_fields=["email"])
    write_import, between = importing.write_import, []

    async def after_the_other_import(archive, rows, slug):  # type: ignore[no-untyped-def]
        await make_seminar(slug=slug, topics=0)
        between.append(await _row_counts())
        return await write_import(archive, rows, slug)

    monkeypatch.setattr(importing, "write_import", after_the_other_import)
    response = await client.post_form(IMPORT, {"slug": "gd-2021-copy"}, files=_upload(archive))

    assert response.status_code == 400
    assert _errors(response.text) == [_errors(response.text)[0]] and _errors(response.text)[0].startswith(
        "本系统已有网址简称为“gd-2021-copy”的研讨班。请另选一个网址简称（“gd-2021-copy-2”尚未使用）")
    assert 'id="slug-errors"' in response.text and 'value="gd-2021-copy-2"' in response.text
    assert between and await _row_counts() == between[0]


async def test_no_file_is_asked_for_and_a_bad_short_name_is_refused_before_reading(client: Client) -> None:
    seminar = await _seminar()
    archive = await _exported(client, seminar.slug)
    await _as_admin(client)

    no_file = await client.post_form(IMPORT, {"slug": "gd-2021-copy"})
    bad_slug = await client.post_form(IMPORT, {"slug": "GD 2021"}, files=_upload(archive))

    assert no_file.status_code == 400 and _errors(no_file.text) == ["请选择要上传的 .zip 文件。"]
    assert bad_slug.status_code == 400 and len(_errors(bad_slug.text)) == 1
    assert await Seminar.all().count() == 1


async def test_organizers_may_not_import_and_the_page_is_offered_to_admins_only(client: Client) -> None:
    seminar = await _seminar()
    archive = await _exported(client, seminar.slug)
    await client.login("organizer@example.org")

    index = await client.get("/")
    page = await client.get(IMPORT)
    refused = await client.post_form(IMPORT, {"slug": "gd-2021-copy"}, files=_upload(archive))
    report = await client.get("/manage/seminars/import/report")

    assert IMPORT not in index.text
    assert page.status_code == 403 and refused.status_code == 403 and report.status_code == 403
    assert await Seminar.all().count() == 1
    await client.post_form("/logout")
    await _as_admin(client)
    assert f'{IMPORT}"' in (await client.get("/")).text
    assert f'{IMPORT}"' in (await client.get("/manage/seminars/new")).text


async def test_the_report_page_without_an_import_sends_to_the_form(client: Client) -> None:
    await _as_admin(client)

    response = await client.get("/manage/seminars/import/report")

    assert response.status_code == 303 and response.headers["location"].endswith(IMPORT)


def test_every_carried_table_has_a_label_in_the_report() -> None:
    assert sorted(TABLE_LABELS) == sorted(CARRIED)
