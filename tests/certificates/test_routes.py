"""Certificates from the organizer's button to the holder's PDF and the public verification page."""

from __future__ import annotations

import io
import re
import zipfile

from PIL import Image
from pypdf import PdfReader

from seminar.certificates.document import certificate_html, qr_svg
from seminar.certificates.models import Certificate, CertificateKind, CertificateSettings
from seminar.certificates.queries import specs_for
from seminar.mail.models import OutboxMail
from seminar.reviews.models import Decision
from seminar.seminars.models import Seminar
from tests.conftest import Client, flashes
from tests.factories import (
    make_attendee, make_decision, make_organizer, make_paper, make_seminar, make_submitter, make_unit,
)


def pdf_text(data: bytes) -> str:
    """The text of every page without white space: the title's letter-spacing comes out as spaces."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def png(size: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (size, size), (200, 0, 0, 180)).save(buffer, "PNG")
    return buffer.getvalue()


async def awarded_seminar() -> tuple[Seminar, Certificate]:
    """Two cities' papers with awards, an attendee, and the certificates issued by the organizer's button."""
    seminar = await make_seminar()
    await CertificateSettings.create(seminar=seminar, issuer="中共广东省委政法委员会")
    guangzhou = await make_paper(seminar, "广州市", title="坚持党建引领 推进市域社会治理现代化", status="submitted")
    shenzhen = await make_paper(seminar, "深圳市", title="深圳智慧治理的探索", status="submitted")
    await make_decision(guangzhou, "keynote", award="first")
    await make_decision(shenzhen, "discussion", award="excellence")
    await make_attendee(seminar)
    return seminar, guangzhou  # type: ignore[return-value]


async def test_the_button_issues_one_certificate_per_award_and_attendee_and_the_city_downloads_its_own(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    submitter = await make_submitter(seminar, "广州市", "guangzhou@example.org")
    await client.login(organizer.email)

    issued = await client.post_form("/gd-2021/manage/certificates/issue", follow_redirects=True)
    again = await client.post_form("/gd-2021/manage/certificates/issue", follow_redirects=True)
    await client.logout()
    await client.login(submitter.email)
    mine = await client.get("/gd-2021/certificates")
    award = await Certificate.get(kind=CertificateKind.AWARD, unit_id=(await make_unit("广州市")).id)
    other = await Certificate.get(kind=CertificateKind.AWARD, unit__name="深圳市")
    attendance = await Certificate.get(kind=CertificateKind.ATTENDANCE)
    download = await client.get(f"/gd-2021/certificates/{award.id}.pdf")
    refused = [(await client.get(f"/gd-2021/certificates/{c.id}.pdf")).status_code for c in (other, attendance)]

    assert flashes(issued) == ["已颁发3份证书。"] and flashes(again) == ["已颁发0份证书。"]
    assert re.fullmatch(r"2026-0001-[2-9A-HJKMNP-Z]{6}", award.number)
    assert [c.number for c in await Certificate.all().order_by("serial")] == [award.number, other.number, attendance.number]
    assert award.number in mine.text and other.number not in mine.text and attendance.number not in mine.text
    assert download.headers["content-type"] == "application/pdf"
    assert pdf_text(download.content) == (
        "荣誉证书陈静同志撰写的《坚持党建引领推进市域社会治理现代化》在全省市域社会治理现代化试点创新研讨班论文评选中荣获一等奖。"
        f"特发此证，以资鼓励。中共广东省委政法委员会二〇二六年十二月证书编号：{award.number}扫码或访问验证页核验"
    )
    assert refused == [404, 404]


async def test_the_attendee_downloads_a_certificate_of_attendance(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue")
    await client.logout()
    attendance = await Certificate.get(kind=CertificateKind.ATTENDANCE)
    await client.login("attendee@example.org" if False else (await attendance.user).email)  # type: ignore[union-attr]

    mine = await client.get("/gd-2021/certificates")
    download = await client.get(f"/gd-2021/certificates/{attendance.id}.pdf")

    assert attendance.number in mine.text and "荣誉证书" not in mine.text
    assert pdf_text(download.content) == (
        "参会证明兹证明黄颖同志（省公安厅）于2026年12月10日参加全省市域社会治理现代化试点创新研讨班。特此证明。"
        f"中共广东省委政法委员会二〇二六年十二月证书编号：{attendance.number}扫码或访问验证页核验"
    )


async def test_the_qr_code_carries_the_verification_address_which_confirms_only_the_certificate(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue")
    await client.logout()
    award = await Certificate.get(grade="first")

    [spec] = await specs_for(seminar, [award], "http://testserver")
    page = await client.get(spec.verify_url.removeprefix("http://testserver"))

    assert spec.verify_url == f"http://testserver/verify/{award.number}"
    assert qr_svg(spec.verify_url) in certificate_html(spec)
    assert page.status_code == 200
    facts = re.findall(r"<dd>(.*?)</dd>", page.text, re.S)
    assert [f.strip() for f in facts] == [
        award.number, "陈静", "一等奖", "全省市域社会治理现代化试点创新研讨班", "中共广东省委政法委员会", "2026年12月10日",
    ]
    assert "坚持党建引领" not in page.text and "13800138000" not in page.text


async def test_an_unknown_or_revoked_number_is_refused_and_changes_nothing(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    submitter = await make_submitter(seminar, "广州市", "guangzhou@example.org")
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue", follow_redirects=True)
    award = await Certificate.get(grade="first")

    revoked = await client.post_form(f"/gd-2021/manage/certificates/{award.id}/revoke", follow_redirects=True)
    unknown = await client.get("/verify/2026-0001-ZZZZZZ")
    malformed = await client.get("/verify/..%2F..%2Fetc")
    of_revoked = await client.get(f"/verify/{award.number}")
    await client.logout()
    await client.login(submitter.email)
    holder_download = await client.get(f"/gd-2021/certificates/{award.id}.pdf")

    assert flashes(revoked) == [f"证书{award.number}已撤销。"]
    assert (unknown.status_code, malformed.status_code, of_revoked.status_code) == (404, 404, 404)
    assert "没有编号为此号码的证书" in unknown.text
    assert "此证书已被撤销" in of_revoked.text and "陈静" not in of_revoked.text
    assert holder_download.status_code == 404
    assert await Certificate.filter(revoked_at=None).count() == 2


async def test_the_organizer_downloads_every_valid_certificate_as_a_zip(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue")
    unit = await make_unit("珠海市")
    await client.post_form("/gd-2021/manage/certificates/organization", {"unit": str(unit.id)})
    attendance = await Certificate.get(kind=CertificateKind.ATTENDANCE)
    await client.post_form(f"/gd-2021/manage/certificates/{attendance.id}/revoke")

    response = await client.get("/gd-2021/manage/certificates.zip")

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    numbers = [c.number for c in await Certificate.filter(revoked_at=None).order_by("serial")]
    assert archive.namelist() == [
        f"荣誉证书-陈静-{numbers[0]}.pdf", f"荣誉证书-陈静-{numbers[1]}.pdf", f"荣誉证书-珠海市-{numbers[2]}.pdf",
    ]
    assert "深圳智慧治理的探索》在全省市域社会治理现代化试点创新研讨班论文评选中荣获优秀奖" in pdf_text(archive.read(archive.namelist()[1]))
    assert "珠海市在全省市域社会治理现代化试点创新研讨班组织工作中表现突出，荣获优秀组织奖" in pdf_text(archive.read(archive.namelist()[2]))


async def test_the_seal_must_be_a_png(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    refused = await client.post_form(
        "/gd-2021/manage/certificates/settings", {"issuer": "省委政法委"},
        files={"seal": ("seal.png", b"GIF89a not a png", "image/png")}, follow_redirects=True,
    )
    accepted = await client.post_form(
        "/gd-2021/manage/certificates/settings", {"issuer": "中共广东省委政法委员会", "issued_on": "2026-12-11"},
        files={"seal": ("seal.png", png(), "image/png")}, follow_redirects=True,
    )

    assert flashes(refused) == ["印章须为PNG图片。"]
    assert flashes(accepted) == ["证书设置已保存。"]
    settings = await CertificateSettings.get(seminar_id=seminar.id)
    assert settings.issuer == "中共广东省委政法委员会" and settings.seal_sha256 is not None
    assert str(settings.issued_on) == "2026-12-11"


async def test_the_seal_is_printed_on_the_certificate(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue")
    award = await Certificate.get(grade="first")
    before = await client.get(f"/gd-2021/certificates/{award.id}.pdf")

    await client.post_form("/gd-2021/manage/certificates/settings", {"issuer": "中共广东省委政法委员会"},
                           files={"seal": ("seal.png", png(300), "image/png")})
    after = await client.get(f"/gd-2021/certificates/{award.id}.pdf")

    def images(data: bytes) -> list[tuple[int, int]]:
        return [(image.image.width, image.image.height) for image in PdfReader(io.BytesIO(data)).pages[0].images]  # type: ignore[union-attr]

    assert images(before.content) == [] and images(after.content) == [(300, 300)]


async def test_a_holder_has_the_link_mailed(client: Client) -> None:
    seminar, _paper = await awarded_seminar()
    await CertificateSettings.filter(seminar_id=seminar.id).update(issuer="省委政法委")
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue")
    await client.logout()
    attendance = await Certificate.get(kind=CertificateKind.ATTENDANCE).prefetch_related("user")
    await client.login(attendance.user.email)  # type: ignore[union-attr]

    response = await client.post_form(f"/gd-2021/certificates/{attendance.id}/mail", follow_redirects=True)

    assert flashes(response) == ["已向您发送包含证书下载链接的邮件。"]
    mail = await OutboxMail.get(to_address=attendance.user.email)  # type: ignore[union-attr]
    assert mail.subject == f"证书{attendance.number} · 全省市域社会治理现代化试点创新研讨班"
    assert f"http://testserver/gd-2021/certificates/{attendance.id}.pdf" in mail.body_text


async def test_an_award_changed_after_issue_is_flagged_and_reissued_after_revoking(client: Client) -> None:
    seminar, paper = await awarded_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    await client.post_form("/gd-2021/manage/certificates/issue")
    old = await Certificate.get(paper_id=paper.id)
    await Decision.filter(paper_id=paper.id).update(award="second")

    flagged = await client.get("/gd-2021/manage/certificates")
    await client.post_form(f"/gd-2021/manage/certificates/{old.id}/revoke")
    await client.post_form("/gd-2021/manage/certificates/issue")

    assert flagged.text.count("与评审决定不一致") == 1
    new = await Certificate.get(paper_id=paper.id, revoked_at=None)
    assert (new.grade, new.serial) == ("second", 4) and new.number != old.number
