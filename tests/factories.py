"""One plain `make_<model>()` per model, with defaults from the seed's vocabulary."""

from __future__ import annotations

import datetime as dt
import itertools

from seminar.accounts import totp
from seminar.accounts.models import RecoveryCode, Role, RoleName, Unit, UnitKind, User
from seminar.accounts.passwords import hash_password
from seminar.accounts.sealing import seal
from seminar.accounts.two_factor import secret_purpose
from seminar.mail.models import OutboxMail
from seminar.mail.outbox import queue_mail
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Blob, Manuscript, Paper, PaperStatus

PASSWORD = "demo-password"
_sequence = itertools.count(1)
_HASH = hash_password(PASSWORD)

TOPICS = ["完成政治任务", "发挥政治优势", "凝聚政治力量", "防范政治风险", "提升政治能力", "压实政治责任"]


async def make_unit(name: str = "广州市", kind: UnitKind = UnitKind.CITY, **fields: object) -> Unit:
    unit, _created = await Unit.get_or_create(name=name, defaults={"kind": kind, **fields})
    return unit


async def make_user(
    email: str | None = None, name: str = "张伟", unit: Unit | None = None, password: str = PASSWORD, **fields: object
) -> User:
    number = next(_sequence)
    return await User.create(
        email=email or f"user{number}@example.org",
        name=name,
        unit=unit,
        password_hash=_HASH if password == PASSWORD else hash_password(password),
        **fields,
    )


async def make_seminar(slug: str = "gd-2021", topics: int = 6, **fields: object) -> Seminar:
    values: dict[str, object] = {
        "title": "全省市域社会治理现代化试点创新研讨班",
        "venue": "广州",
        "starts_on": dt.date(2026, 12, 10),
        "ends_on": dt.date(2026, 12, 10),
        "submission_deadline": dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
        **fields,
    }
    seminar = await Seminar.create(slug=slug, **values)
    for position, title in enumerate(TOPICS[:topics], start=1):
        await Topic.create(seminar=seminar, position=position, title=title)
    return seminar


async def grant(user: User, seminar: Seminar, *roles: RoleName) -> User:
    for role in roles:
        await Role.get_or_create(user=user, seminar=seminar, name=role)
    return user


async def make_organizer(seminar: Seminar, email: str = "organizer@example.org") -> User:
    unit = await make_unit("省委政法委", UnitKind.DEPARTMENT)
    user = await make_user(email=email, name="李明", unit=unit)
    return await grant(user, seminar, RoleName.ORGANIZER)


async def make_submitter(seminar: Seminar, city: str = "广州市", email: str | None = None) -> User:
    unit = await make_unit(city, UnitKind.CITY)
    user = await make_user(email=email, name=f"{city}联络员", unit=unit)
    return await grant(user, seminar, RoleName.SUBMITTER)


async def make_two_factor(user: User, secret_key: str = "test-secret") -> tuple[bytes, list[str]]:
    """Two-step verification already on (set up on a phone): the secret and the ten recovery codes."""
    secret = totp.new_secret()
    codes = totp.new_recovery_codes()
    user.totp_secret = seal(secret, secret_key, secret_purpose(user.id))
    user.totp_enabled_at = dt.datetime.now(dt.UTC)
    await user.save(update_fields=["totp_secret", "totp_enabled_at"])
    await RecoveryCode.bulk_create([RecoveryCode(user=user, code_hash=totp.recovery_code_hash(code)) for code in codes])
    return secret, codes


def make_people_xlsx(rows: list[list[object]], header: list[str] | None = None, title: str | None = None) -> bytes:
    """An .xlsx people list as organizers fill it in: optional title row, header row, one row a person."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(header if header is not None else ["姓名", "单位", "职务", "手机", "邮箱", "角色"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def make_mail(
    to_address: str = "wangfang@example.org", to_name: str = "王芳", seminar: Seminar | None = None, locale: str = "zh_Hans",
    batch_id: int | None = None,
) -> OutboxMail:
    """A pending mail, queued the way the application queues it (the test message template)."""
    return await queue_mail(
        batch_id=batch_id,
        template="test_message",
        to_address=to_address,
        to_name=to_name,
        locale=locale,
        context={"base_url": "http://testserver", "smtp_host": ""},
        seminar_id=seminar.id if seminar else None,
    )


async def make_paper(
    seminar: Seminar,
    city: str = "广州市",
    title: str = "坚持党建引领 推进市域社会治理现代化",
    status: str = "draft",
    **fields: object,
) -> Paper:
    """A complete paper (authors and a one-line manuscript), as a city would have filed it."""
    unit = await make_unit(city, UnitKind.CITY)
    topic = await Topic.filter(seminar_id=seminar.id).order_by("position").first()
    latest = await Paper.filter(seminar_id=seminar.id).order_by("-number").first()
    values: dict[str, object] = {
        "topic": topic,
        "abstract": "本文总结了以党建引领基层治理的做法。",
        "keywords": ["党建引领", "基层治理", "市域社会治理"],
        "originality_confirmed": True,
        **({"submitted_at": dt.datetime.now(dt.UTC), "submitted_version": 1} if status == "submitted" else {}),
        **fields,
    }
    paper = await Paper.create(
        seminar=seminar, city=unit, number=(latest.number if latest else 0) + 1, title=title,
        status=PaperStatus(status), **values,
    )
    await Author.create(paper=paper, position=1, name="陈静", unit=f"{city}委政法委", phone="13800138000",
                        email=f"author{paper.id}@example.org", is_contact=True, is_presenter=True)
    blob, _created = await Blob.get_or_create(sha256="0" * 64, defaults={"size": 4, "content": b"text"})
    await Manuscript.create(paper=paper, version=1, blob=blob, original_filename="论文.txt",
                            content_type="text/plain; charset=utf-8", kind="txt", html="<p>正文</p>", word_count=2)
    return paper


def make_pdf(pages: int = 3) -> bytes:
    """A small valid PDF of blank A4 pages, standing in for a built book where its content does not matter."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


async def make_proceedings_build(
    seminar: Seminar, pdf: bytes | None = None, volume: int | None = None, published: bool = True, **fields: object
):  # type: ignore[no-untyped-def]
    """A finished (by default published) build of the seminar's book, its PDF stored as a blob."""
    import hashlib

    from seminar.proceedings.models import BuildStatus, ProceedingsBuild

    data = pdf if pdf is not None else make_pdf()
    digest = hashlib.sha256(data).hexdigest()
    await Blob.get_or_create(sha256=digest, defaults={"size": len(data), "content": data})
    now = dt.datetime.now(dt.UTC)
    values: dict[str, object] = {
        "status": BuildStatus.DONE, "input_hash": digest, "started_at": now, "finished_at": now, "seconds": 1.0,
        "pages": 3, "size": len(data), "blob_id": digest, "published": published,
        "published_at": now if published else None, **fields,
    }
    return await ProceedingsBuild.create(seminar=seminar, volume=volume, **values)


async def make_attendee(seminar: Seminar, email: str | None = None, name: str = "黄颖") -> User:
    """A registered, approved attendee of the seminar (a registration and the attendee role)."""
    from seminar.registration.models import Registration, RegistrationStatus

    unit = await make_unit("省公安厅", UnitKind.DEPARTMENT)
    user = await make_user(email=email, name=name, unit=unit, position="治安管理局干部")
    await Registration.create(
        seminar=seminar, user=user, name=name, unit=unit, position=user.position, phone="13900139000",
        email=user.email, status=RegistrationStatus.APPROVED, decided_at=dt.datetime.now(dt.UTC),
    )
    return await grant(user, seminar, RoleName.ATTENDEE)


async def make_reviewer(
    seminar: Seminar, email: str | None = None, name: str = "王芳", unit: str = "省委组织部",
    unit_kind: UnitKind = UnitKind.DEPARTMENT, **profile: object,
) -> User:
    """A reviewer of the seminar (by default from a provincial department), with a profile if given."""
    from seminar.reviews.models import ReviewerProfile

    user = await make_user(email=email, name=name, unit=await make_unit(unit, unit_kind))
    await grant(user, seminar, RoleName.REVIEWER)
    if profile:
        await ReviewerProfile.create(seminar=seminar, user=user, **profile)
    return user


async def make_assignment(paper: Paper, reviewer: User, **fields: object):  # type: ignore[no-untyped-def]
    """The reviewer assigned to the paper, as an organizer would have done it."""
    from seminar.reviews.models import Assignment

    return await Assignment.create(seminar_id=paper.seminar_id, paper=paper, reviewer=reviewer, **fields)  # type: ignore[attr-defined]


async def make_review(
    paper: Paper, reviewer: User, scores: list[int] | None = None, status: str = "submitted", **fields: object
):  # type: ignore[no-untyped-def]
    """A review by `reviewer` of `paper` (assigned now), scores in the criteria's order (they must exist)."""
    from seminar.reviews.models import Criterion, Review

    criteria = await Criterion.filter(seminar_id=paper.seminar_id).order_by("position", "id")  # type: ignore[attr-defined]
    points = scores if scores is not None else [12, 20, 16, 20, 12]
    values: dict[str, object] = {
        "scores": {str(c.id): p for c, p in zip(criteria, points, strict=False)},
        "total": sum(points) if len(points) == len(criteria) else None,
        "comment_to_authors": "选题紧扣专题，经验做法具体。",
        "confidential_note": "",
        "recommendation": "discussion",
        "confidence": 2,
        "status": status,
        **({"submitted_at": dt.datetime.now(dt.UTC)} if status == "submitted" else {}),
        **fields,
    }
    assignment = await make_assignment(paper, reviewer)
    return await Review.create(assignment=assignment, **values)


async def make_decision(paper: Paper, outcome: str = "keynote", **fields: object):  # type: ignore[no-untyped-def]
    """The organizers' decision on a paper (keynote, discussion, proceedings or decline)."""
    from seminar.reviews.models import Decision

    return await Decision.create(
        seminar_id=paper.seminar_id, paper=paper, outcome=outcome, decided_at=dt.datetime.now(dt.UTC), **fields  # type: ignore[attr-defined]
    )


async def make_room(seminar: Seminar, name: str = "第一会议室", capacity: int | None = 200):  # type: ignore[no-untyped-def]
    """A room of the seminar's venue, after the rooms it already has."""
    from seminar.agenda.models import Room

    count = await Room.filter(seminar_id=seminar.id).count()
    return await Room.create(seminar=seminar, name=name, capacity=capacity, position=count + 1)


async def make_api_token(user: User, seminar: Seminar, name: str = "办公系统", **fields: object) -> str:
    """A personal access token of `user` for `seminar` (its fields: expires_at, revoked_at …); returns the secret."""
    from seminar.api.models import ApiToken
    from seminar.api.tokens import new_secret

    secret, hashed, shown = new_secret()
    await ApiToken.create(user=user, seminar=seminar, name=name, token_hash=hashed, prefix=shown, **fields)
    return secret
