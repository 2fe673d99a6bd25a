"""`seminar demo` builds gd-2021 finished as in 2021 and gd-next open now; building again changes nothing."""

from __future__ import annotations

import datetime as dt

import re
from collections import Counter

from seminar.accounts.models import Role, RoleName, Unit, UnitKind, User
from seminar.demo import build_demo
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Blob, Manuscript, Paper, PaperStatus
from tests.conftest import Client

TODAY = dt.date(2026, 11, 25)


async def _counts() -> dict[str, int]:
    return {
        "units": await Unit.all().count(),
        "users": await User.all().count(),
        "roles": await Role.all().count(),
        "seminars": await Seminar.all().count(),
        "topics": await Topic.all().count(),
    }


async def test_demo_built_twice_has_the_same_rows_and_the_same_seminar_version() -> None:
    await build_demo(today=TODAY, papers=False)
    first = await _counts()
    version = (await Seminar.get(slug="gd-2021")).version

    await build_demo(today=TODAY, papers=False)

    assert await _counts() == first
    assert first["seminars"] == 2 and first["topics"] == 12 and first["users"] == 34
    assert (await Seminar.get(slug="gd-2021")).version == version


async def test_demo_has_one_submitter_per_city_plus_hengqin_reviewers_and_an_admin_organizer() -> None:
    await build_demo(today=TODAY, papers=False)
    seminar = await Seminar.get(slug="gd-2021").select_related("organizer_unit")

    submitters = await User.filter(roles__seminar=seminar, roles__name=RoleName.SUBMITTER).select_related("unit")
    reviewers = await User.filter(roles__seminar=seminar, roles__name=RoleName.REVIEWER).order_by("email")
    organizer = await User.get(email="organizer@example.org")

    city_units = {user.unit.name for user in submitters if user.unit.kind == UnitKind.CITY}
    assert len(submitters) == 22 and len(city_units) == 21
    assert {user.email for user in submitters} >= {"guangzhou@example.org", "shenzhen@example.org", "hengqin@example.org"}
    assert [user.email for user in reviewers] == [f"reviewer{n:02d}@example.org" for n in range(1, 9)]
    assert organizer.is_admin
    assert await Role.filter(user=organizer, seminar=seminar, name=RoleName.ORGANIZER).exists()
    assert seminar.organizer_unit.name == "省委政法委"
    assert seminar.title == "全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）"


async def test_gd_2021_is_dated_as_in_2021_and_gd_next_is_open_for_submissions_now() -> None:
    await build_demo(today=TODAY, papers=False)

    seminar = await Seminar.get(slug="gd-2021")
    live = await Seminar.get(slug="gd-next")

    assert seminar.submission_opens_at.date() == dt.date(2021, 9, 1)
    assert seminar.submission_deadline < seminar.review_deadline
    assert seminar.review_deadline.date() < seminar.notification_on < seminar.starts_on == seminar.ends_on == dt.date(2021, 11, 25)
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    assert live.submission_opens_at < now < live.submission_deadline < live.review_deadline
    assert live.starts_on > TODAY
    assert live.title.startswith("第二期")

    # Another day: the live seminar's dates move with it, gd-2021's stay in 2021.
    await build_demo(today=TODAY + dt.timedelta(days=10), papers=False)
    assert (await Seminar.get(slug="gd-next")).starts_on == live.starts_on + dt.timedelta(days=10)
    assert (await Seminar.get(slug="gd-2021")).starts_on == dt.date(2021, 11, 25)


async def test_demo_again_puts_back_edited_topics_passwords_and_deactivated_accounts(client: Client) -> None:
    await build_demo(today=TODAY, papers=False)
    await Topic.filter(seminar__slug="gd-2021", position=2).update(title="改过的专题")
    await Topic.create(seminar=await Seminar.get(slug="gd-2021"), position=7, title="多出来的专题")
    await User.filter(email="guangzhou@example.org").update(is_active=False, name="别人")

    await build_demo("new-demo-password", today=TODAY, papers=False)

    titles = [t.title for t in await Topic.filter(seminar__slug="gd-2021").order_by("position")]
    assert titles == ["完成政治任务", "发挥政治优势", "凝聚政治力量", "防范政治风险", "提升政治能力", "压实政治责任"]
    guangzhou = await User.get(email="guangzhou@example.org")
    assert (guangzhou.is_active, guangzhou.name) == (True, "陈志刚")
    await client.login("guangzhou@example.org", "new-demo-password")


async def test_demo_accounts_can_log_in_and_the_organizer_reaches_the_dashboard(client: Client) -> None:
    await build_demo(today=TODAY, papers=False)

    for email in ("shenzhen@example.org", "reviewer01@example.org", "attendee02@example.org", "staff@example.org"):
        await client.login(email)
        await client.logout()
    await client.login("organizer@example.org")
    dashboard = await client.get("/gd-2021/manage/")

    assert dashboard.status_code == 200
    assert "全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）" in dashboard.text


async def _paper_counts() -> dict[str, int]:  # both seminars
    return {
        "papers": await Paper.all().count(),
        "authors": await Author.all().count(),
        "manuscripts": await Manuscript.all().count(),
        "blobs": await Blob.all().count(),
    }


async def test_demo_papers_cover_every_city_and_topic_with_converted_word_manuscripts(client: Client) -> None:
    summary = await build_demo(today=TODAY)
    first = await _paper_counts()

    again = await build_demo(today=TODAY)

    assert await _paper_counts() == first
    assert summary.papers == again.papers == await Paper.filter(seminar__slug="gd-2021").count() >= 40
    papers = await Paper.filter(seminar__slug="gd-2021").select_related("city", "topic")
    cities = {unit.name for unit in await Unit.filter(kind=UnitKind.CITY)}
    per_city = Counter(paper.city.name for paper in papers)
    assert len(cities) == 21 and cities <= set(per_city) and max(per_city.values()) == 3
    assert {paper.topic.position for paper in papers} == {1, 2, 3, 4, 5, 6}
    statuses = Counter(paper.status for paper in papers)
    assert statuses[PaperStatus.SUBMITTED] > 30 and statuses[PaperStatus.DRAFT] >= 2
    seminar = await Seminar.get(slug="gd-2021")
    assert all(n <= seminar.city_quota for n in Counter(
        p.city.name for p in papers if p.status is PaperStatus.SUBMITTED).values())
    assert all(seminar.submission_opens_at <= p.submitted_at for p in papers if p.submitted_at)
    for paper in papers:
        assert len(paper.title) <= 20 and 200 <= len(paper.abstract) <= 300 and 3 <= len(paper.keywords) <= 5
        authors = await Author.filter(paper=paper)
        assert 1 <= len(authors) <= 3 and sum(a.is_contact for a in authors) == 1
        assert all(re.fullmatch(r"1[3-9]\d{9}", a.phone) and a.email.endswith("@example.org") for a in authors)
        manuscript = await Manuscript.get(paper=paper, version=1)  # as uploaded (an accepted paper has its 定稿 too)
        assert manuscript.kind == "docx" and manuscript.original_filename.endswith(".docx")
        assert 2500 <= manuscript.word_count <= 6000
        assert paper.title in manuscript.html and "<h2>一、问题的提出</h2>" in manuscript.html
        assert "<h3>（一）" in manuscript.html and "<table>" in manuscript.html
        assert manuscript.author_in_properties == ""  # nothing to hide from blind reviewers

    # Building the demo took no shortcut past the pages: a city and the organizer see the papers.
    paper = await Paper.get(seminar__slug="gd-2021", title="推动综治中心提档升级")

    await client.login("guangzhou@example.org")
    mine = await client.get("/gd-2021/papers/")
    detail = await client.get(f"/gd-2021/papers/{paper.number}")
    await client.logout()
    await client.login("organizer@example.org")
    listing = await client.get("/gd-2021/manage/papers")

    assert "推动综治中心提档升级" in mine.text and "汕尾" not in mine.text
    assert "176个镇（街）综治中心" in detail.text and "manuscript-text" in detail.text
    assert "“驻村连心”凝聚基层合力" in listing.text


async def test_demo_reviewing_has_the_solvers_assignment_reviews_with_comments_and_decisions(client: Client) -> None:
    from seminar.mail.models import MailStatus, OutboxMail
    from seminar.reviews.models import Assignment, Bid, Decision, Review, ReviewerProfile, ReviewStatus

    await build_demo(today=TODAY)
    counts = {model.__name__: await model.all().count() for model in (ReviewerProfile, Bid, Assignment, Review, Decision, OutboxMail)}

    await build_demo(today=TODAY)

    assert {model.__name__: await model.all().count() for model in (ReviewerProfile, Bid, Assignment, Review, Decision, OutboxMail)} == counts
    submitted_papers = await Paper.filter(seminar__slug="gd-2021", status=PaperStatus.SUBMITTED).count()
    assert counts["ReviewerProfile"] == 8 and counts["Bid"] > 0
    assert counts["Assignment"] == 3 * submitted_papers
    assert Counter(await Assignment.all().values_list("paper_id", flat=True)).most_common()[-1][1] == 3
    assert await OutboxMail.filter(template="reviews/assigned").count() == 8
    # A seminar that ended in 2021 has nothing waiting in the outbox: its mails went out at the time.
    assert not await OutboxMail.filter(seminar__slug="gd-2021").exclude(status=MailStatus.SENT).exists()
    assert {m.sent_at.year for m in await OutboxMail.filter(seminar__slug="gd-2021")} == {2021}
    reviews = await Review.all()
    submitted = [r for r in reviews if r.status is ReviewStatus.SUBMITTED]
    assert len(submitted) == len(reviews) == counts["Assignment"]  # the review stage is over: every review is in
    assert all(r.total is not None and 40 <= r.total <= 98 and r.comment_to_authors for r in submitted)
    decisions = await Decision.all()
    outcomes = Counter(d.outcome.value for d in decisions)
    assert outcomes["keynote"] >= 12 and outcomes["discussion"] > 0 and outcomes["proceedings"] > 0 and outcomes["decline"] == 2
    assert {d.award.value for d in decisions if d.award} == {"first", "second", "third"}
    # Told to the cities in 2021, on the notification day (no mail queued now for it).
    notified = {d.notified_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() for d in decisions if d.notified_at}
    assert notified == {dt.date(2021, 10, 29)} and all((d.notified_outcome, d.notified_award) == (d.outcome, d.award) for d in decisions)
    assert not await OutboxMail.filter(template__startswith="reviews/decision").exists()

    await client.login("organizer@example.org")
    page = await client.get("/gd-2021/manage/ranking")
    assert page.status_code == 200 and page.text.count('<tr id="paper-') == submitted_papers


async def test_demo_agenda_names_chairs_commentators_and_the_lecturer_and_puts_nobody_in_two_places(client: Client) -> None:
    from seminar.agenda.checks import ProblemKind, find_problems
    from seminar.agenda.models import AgendaRelease
    from seminar.agenda.snapshot import agenda_from_data

    await build_demo(today=TODAY)
    agenda = agenda_from_data((await AgendaRelease.get(number=1)).data)

    topics = [s for s in agenda.sessions if s.topic_id is not None]
    assert len(topics) == 6
    assert all(s.chair and s.chair.unit == "省委政法委" and s.chair.position for s in topics)
    for session in topics:
        official, expert = session.commentators
        assert official.unit in ("省委组织部", "省委政法委") and expert.unit not in ("省委组织部", "省委政法委")
        assert official.position and expert.position
    lecture = next(slot for _s, slot in agenda.slots() if slot.kind.value == "lecture")
    assert lecture.speaker is not None and (lecture.speaker.unit, lecture.title) == ("省委党校", "发挥政治引领作用　推进市域社会治理现代化")
    kinds = {problem.kind for problem in find_problems(agenda, [])}
    assert ProblemKind.PERSON_CLASH not in kinds and ProblemKind.TOPIC_WITHOUT_COMMENTATOR not in kinds
    assert [(s.day, f"{s.time:%H:%M}") for s in agenda.sign_in] == [(agenda.days[0], "08:00")]

    page = await client.get("/gd-2021/agenda")
    assert "08:00—09:00" in page.text and "辅导人" in page.text and "省委组织部" in page.text


async def test_demo_book_has_a_signed_preface_speeches_each_topics_commentaries_by_its_agenda_commentators_and_an_afterword(
) -> None:
    from seminar.agenda.models import AgendaRelease
    from seminar.agenda.snapshot import agenda_from_data
    from seminar.proceedings.models import TopicCommentary
    from seminar.proceedings.queries import book_spec

    await build_demo(today=TODAY)
    await build_demo(today=TODAY)  # again: nothing doubles
    seminar = await Seminar.get(slug="gd-2021")
    spec = await book_spec(seminar)

    assert spec.organizer == "中共广东省委政法委员会"
    assert spec.preface_text and spec.preface_signature == "编者" and spec.preface_date == seminar.starts_on
    assert [speech.kind for speech in spec.speeches] == ["opening", "closing"] and all(s.speaker for s in spec.speeches)
    assert spec.afterword_text and spec.afterword_signature and spec.afterword_date
    agenda = agenda_from_data((await AgendaRelease.get(seminar_id=seminar.id, number=1)).data)
    topics = {topic.id: topic.position for topic in await Topic.filter(seminar_id=seminar.id)}
    named = {topics[s.topic_id]: [p.name for p in s.commentators] for s in agenda.sessions if s.topic_id is not None}
    assert {topic.position: [c.name for c in topic.commentaries] for topic in spec.topics} == named
    assert all(len(names) == 2 for names in named.values())
    # Each 点评人 is a demo account, who can edit their 点评 through their own login.
    assert await TopicCommentary.filter(seminar_id=seminar.id, commentator_id__isnull=True).count() == 0
    assert await TopicCommentary.filter(seminar_id=seminar.id).count() == 12


async def test_gd_2021_has_every_demo_account_registered_and_approved_and_the_book_lists_them() -> None:
    from seminar.proceedings.queries import book_spec
    from seminar.registration.models import Registration, RegistrationSettings, RegistrationStatus

    await build_demo(today=TODAY)
    await build_demo(today=TODAY)  # again: nothing doubles
    seminar = await Seminar.get(slug="gd-2021")

    registrations = await Registration.filter(seminar_id=seminar.id)
    assert len(registrations) == 33 and {r.status for r in registrations} == {RegistrationStatus.APPROVED}
    assert {r.created_at.year for r in registrations} == {r.decided_at.year for r in registrations} == {2021}
    assert not (await RegistrationSettings.get(seminar_id=seminar.id)).is_open
    assert await Role.filter(seminar_id=seminar.id, name=RoleName.ATTENDEE).count() == 33
    spec = await book_spec(seminar)
    assert spec.participants is not None
    units = [p.unit for p in spec.participants]
    # 省直单位 first (domain.md §7), then the cities in the official order
    assert units[0] == "省委政法委" and {"省委组织部", "省公安厅"} <= set(units[:units.index("广州市")])
    assert [unit for unit in units if unit.endswith("市")][:2] == ["广州市", "深圳市"]
    assert spec.date == dt.date(2021, 11, 25)


async def test_gd_next_has_a_few_papers_in_and_the_other_cities_can_still_submit(client: Client) -> None:
    await build_demo(today=TODAY)
    live = await Seminar.get(slug="gd-next")

    papers = await Paper.filter(seminar_id=live.id).select_related("city")
    assert Counter(p.status for p in papers) == {PaperStatus.SUBMITTED: 3, PaperStatus.DRAFT: 2}
    assert {p.city.name for p in papers if p.status is PaperStatus.SUBMITTED} == {"广州市", "佛山市", "阳江市"}
    assert all(live.submission_opens_at <= p.submitted_at for p in papers if p.submitted_at)

    # 汕尾 has no paper yet: its submitter opens the form; 汕头's draft is still its own to submit.
    await client.login("shanwei@example.org")
    mine = await client.get("/gd-next/papers/")
    form = await client.get("/gd-next/papers/new")
    assert mine.status_code == 200 and form.status_code == 200
    await client.logout()
    await client.login("shantou@example.org")
    assert "创新组建功能型党组织" in (await client.get("/gd-next/papers/")).text
    await client.logout()
    # The reviewers and attendees have their role there too.
    await client.login("reviewer01@example.org")
    assert (await client.get("/gd-next/")).status_code == 200


async def test_gd_2021_on_the_day_has_the_staffs_check_ins_a_seat_plan_with_its_dais_and_the_certificates(
    client: Client,
) -> None:
    from seminar.certificates.models import Certificate, CertificateKind
    from seminar.checkin.models import CheckIn
    from seminar.registration.models import Registration
    from seminar.reviews.models import Decision
    from seminar.seating.models import Seat, SeatPlan

    await build_demo(today=TODAY)
    seminar = await Seminar.get(slug="gd-2021")
    counts = [await model.filter(**{path: seminar.id}).count() for model, path in (
        (CheckIn, "seminar_id"), (Seat, "plan__seminar_id"), (Certificate, "seminar_id"))]
    await build_demo(today=TODAY)  # again: nothing doubles, no number changes

    staff = await User.get(email="staff@example.org")
    assert await Role.filter(user=staff, seminar=seminar, name=RoleName.STAFF).exists()
    assert not await Registration.exists(seminar_id=seminar.id, user_id=staff.id)  # staff, not a participant
    checkins = await CheckIn.filter(seminar_id=seminar.id)
    registered = await Registration.filter(seminar_id=seminar.id).count()
    assert {c.day for c in checkins} == {dt.date(2021, 11, 25)} and {c.by_id for c in checkins} == {staff.id}
    assert registered - 6 <= len(checkins) < registered  # most came, a few did not
    absent = set(await Registration.filter(seminar_id=seminar.id).exclude(
        user_id__in=[c.user_id for c in checkins]).values_list("name", flat=True))
    plan = await SeatPlan.get(seminar_id=seminar.id)
    registration_of = {r.id: r for r in await Registration.filter(seminar_id=seminar.id)}
    dais = {registration_of[s.registration_id].email for s in await Seat.filter(plan_id=plan.id, zone="dais")}
    assert dais == {"organizer@example.org", "reviewer01@example.org", "reviewer03@example.org", "reviewer04@example.org"}
    assert await Seat.filter(plan_id=plan.id).count() == registered  # everyone approved has a seat
    certificates = await Certificate.filter(seminar_id=seminar.id)
    awarded = await Decision.filter(seminar_id=seminar.id, award__not_isnull=True).count()
    assert Counter(c.kind for c in certificates) == {CertificateKind.AWARD: awarded, CertificateKind.ATTENDANCE: len(checkins)}
    assert not {c.holder for c in certificates if c.kind == CertificateKind.ATTENDANCE} & absent
    assert [await model.filter(**{path: seminar.id}).count() for model, path in (
        (CheckIn, "seminar_id"), (Seat, "plan__seminar_id"), (Certificate, "seminar_id"))] == counts

    await client.login("staff@example.org")
    scanner = await client.get("/gd-2021/checkin")
    await client.login("organizer@example.org")
    overview = await client.get("/gd-2021/manage/checkin?day=2021-11-25")
    assert scanner.status_code == 200
    assert overview.status_code == 200 and all(name in overview.text for name in absent)


async def test_gd_2021_accepted_papers_have_their_final_version_accepted_and_the_book_prints_it() -> None:
    from seminar.reviews.models import Decision
    from seminar.submissions.models import FinalVersion, FinalVersionStatus
    from seminar.submissions.queries import book_versions

    await build_demo(today=TODAY)
    await build_demo(today=TODAY)  # again: no second 定稿
    seminar = await Seminar.get(slug="gd-2021")

    accepted = set(await Decision.filter(seminar_id=seminar.id, notified_outcome__in=["keynote", "discussion", "proceedings"])
                   .values_list("paper_id", flat=True))
    finals = await FinalVersion.filter(paper__seminar_id=seminar.id).select_related("manuscript")
    assert accepted and sorted(f.paper_id for f in finals) == sorted(accepted)  # one each, none for the declined
    assert {f.status for f in finals} == {FinalVersionStatus.ACCEPTED}
    assert {(f.manuscript.uploaded_at.year, f.reviewed_at.year) for f in finals} == {(2021, 2021)}
    assert all(f.manuscript.uploaded_at <= seminar.final_version_deadline for f in finals)
    printed = await book_versions(sorted(accepted))
    assert printed == {f.paper_id: f.manuscript.version for f in finals}
