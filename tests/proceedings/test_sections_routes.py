"""The book's own sections as organizers and commentators enter them (HTTP): 前言/后记 signatures,
领导讲话, and 专题点评 written by the organizers or by the 点评人 through their own login."""

from __future__ import annotations

import datetime as dt

from seminar.proceedings.models import BookSpeech, ProceedingsSettings, SpeechKind, TopicCommentary
from seminar.proceedings.queries import book_spec
from seminar.seminars.models import Topic
from tests.conftest import Client
from tests.factories import make_attendee, make_organizer, make_reviewer, make_seminar, make_user


async def test_organizers_enter_the_speeches_and_sign_and_date_the_preface_and_afterword(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.post_form("/gd-2021/manage/proceedings", {
        "preface": "为总结交流各地经验……", "preface_signature": "编者", "preface_date": "2021-11-20",
        "opening_title": "在开班式上的讲话", "opening_speaker": "李志强", "opening_position": "省委政法委副书记",
        "opening_text": "同志们：\n\n今天……",
        "afterword": "本书编辑过程中……", "afterword_signature": "编者", "afterword_date": "2021-12-01",
        "mark": "内部资料", "include_agenda": "y",
    })

    assert response.status_code == 303
    saved = await ProceedingsSettings.get(seminar_id=seminar.id)
    assert (saved.preface_signature, saved.preface_date, saved.afterword_date) == ("编者", dt.date(2021, 11, 20), dt.date(2021, 12, 1))
    spec = await book_spec(seminar)
    assert [(s.kind, s.title, s.speaker, s.position) for s in spec.speeches] == [
        ("opening", "在开班式上的讲话", "李志强", "省委政法委副书记"),
    ]
    assert spec.afterword_text == "本书编辑过程中……" and spec.preface_signature == "编者"
    # The form shows what was saved; emptying a speech removes it.
    page = await client.get("/gd-2021/manage/proceedings")
    assert "在开班式上的讲话" in page.text and "2021-11-20" in page.text
    await client.post_form("/gd-2021/manage/proceedings", {"mark": "内部资料"})
    assert not await BookSpeech.exists(seminar_id=seminar.id, kind=SpeechKind.OPENING)
    assert (await book_spec(seminar)).speeches == ()


async def test_a_named_commentator_writes_their_commentary_through_their_own_login(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    expert = await make_reviewer(seminar, email="expert@example.org", name="陈明", unit="中山大学")
    bystander = await make_attendee(seminar, email="bystander@example.org")
    topic = await Topic.get(seminar_id=seminar.id, position=2)

    await client.login(organizer.email)
    added = await client.post_form("/gd-2021/manage/proceedings/commentaries", {
        "topic": str(topic.id), "name": "陈明", "unit": "中山大学", "position": "教授",
        "commentator": str(expert.id), "sort": "1", "text": "",
    })
    assert added.status_code == 303
    commentary = await TopicCommentary.get(seminar_id=seminar.id)
    assert (commentary.topic_id, commentary.commentator_id) == (topic.id, expert.id)
    manage = await client.get("/gd-2021/manage/proceedings")
    assert "陈明" in manage.text and "尚无正文" in manage.text
    await client.logout()

    # The commentator finds it on the seminar's page and writes the text; the name is the organizers' to set.
    await client.login(expert.email)
    landing = await client.get("/gd-2021/")
    url = f"/gd-2021/proceedings/commentaries/{commentary.id}"
    assert url in landing.text and "撰写专题2点评" in landing.text
    saved = await client.post_form(url, {"text": "各地围绕完成政治任务……\n\n建议……", "name": "别人"})
    assert saved.status_code == 303
    await commentary.refresh_from_db()
    assert commentary.text == "各地围绕完成政治任务……\n\n建议……" and commentary.name == "陈明"
    await client.logout()

    # Anyone else of the seminar finds nothing there.
    await client.login(bystander.email)
    assert (await client.get(url)).status_code == 404
    assert (await client.post_form(url, {"text": "篡改"})).status_code == 404
    await client.logout()

    spec = await book_spec(seminar)
    printed = next(t for t in spec.topics if t.position == 2).commentaries
    assert [(c.name, c.unit, c.position) for c in printed] == [("陈明", "中山大学", "教授")]


async def test_only_people_of_the_seminar_can_be_named_and_organizers_delete_a_commentary(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    outsider = await make_user(email="outsider@example.org")
    topic = await Topic.get(seminar_id=seminar.id, position=1)
    await client.login(organizer.email)

    refused = await client.post_form("/gd-2021/manage/proceedings/commentaries", {
        "topic": str(topic.id), "name": "某人", "commentator": str(outsider.id), "sort": "1",
    })
    assert refused.status_code == 400 and not await TopicCommentary.exists(seminar_id=seminar.id)

    await client.post_form("/gd-2021/manage/proceedings/commentaries", {
        "topic": str(topic.id), "name": "王建华", "unit": "省委组织部", "position": "副部长", "sort": "1",
        "text": "点评正文",
    })
    commentary = await TopicCommentary.get(seminar_id=seminar.id)
    deleted = await client.post_form(f"/gd-2021/manage/proceedings/commentaries/{commentary.id}/delete")
    assert deleted.status_code == 303 and not await TopicCommentary.exists(id=commentary.id)
