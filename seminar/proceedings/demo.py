"""The demo seminar's book sections: a 前言 signed and dated, the 开班/总结讲话, each topic's 专题点评 by the
点评人 the published agenda names for its session, and a 后记.

The texts are made up in the manner of such a book; the speakers and commentators are the agenda
demo's (`seminar.agenda.demo`): the leader who gives the 动员讲话 and the 总结讲话, and per topic an
official and an invited expert, whose demo accounts are named so they can edit their 点评 themselves.

Idempotent: what is missing is created; what an organizer has entered or changed is left alone.
"""

from __future__ import annotations

import datetime as dt

from seminar.accounts.models import Role, User
from seminar.agenda.demo import LEADER
from seminar.agenda.models import AgendaRelease
from seminar.agenda.snapshot import agenda_from_data
from seminar.db import column
from seminar.proceedings.models import BookSpeech, ProceedingsSettings, SpeechKind, TopicCommentary
from seminar.seminars.models import Seminar, Topic

PREFACE = (
    "为深入贯彻全国市域社会治理现代化试点工作交流会和创新研讨班精神，省委政法委举办全省市域社会治理现代化"
    "试点创新研讨班，围绕“发挥政治引领作用”六项重点任务设置六个研讨专题，各地市委政法委结合试点实践认真撰写"
    "交流论文，省委组织部、省委政法委有关同志和专家学者逐一点评。\n\n"
    "为巩固研讨成果、推动互学互鉴，我们将研讨班领导讲话、重点发言、交流论文和专题点评汇编成册，供各地在推进"
    "试点工作中参考。因时间仓促，疏漏之处在所难免，敬请批评指正。"
)
PREFACE_SIGNATURE = "编者"
AFTERWORD = (
    "本论文集的编印得到各地市委政法委和有关单位的大力支持。各地报送的论文经资格审查、专家评审和综合评议，"
    "择优收录。收录时对部分论文的文字作了必要的删节和修改，未能一一征求作者意见，敬请谅解。\n\n"
    "谨向为研讨班和本书付出辛勤劳动的各位领导、专家和同志们表示衷心感谢。"
)
AFTERWORD_SIGNATURE = "省委政法委基层社会治理处"

SPEECHES = {
    SpeechKind.OPENING: (
        "在全省市域社会治理现代化试点创新研讨班开班式上的讲话",
        "同志们：\n\n今天，我们在这里举办全省市域社会治理现代化试点创新研讨班，主要任务是深入学习贯彻全国试点"
        "工作交流会精神，围绕“发挥政治引领作用”交流经验、研讨问题、谋划举措。\n\n"
        "希望大家珍惜这次学习交流的机会，把研讨成果转化为推进试点工作的实际成效，为建设更高水平的平安广东、"
        "法治广东作出新的贡献。",
    ),
    SpeechKind.CLOSING: (
        "在全省市域社会治理现代化试点创新研讨班结业式上的总结讲话",
        "同志们：\n\n经过一天的紧张研讨，这次研讨班圆满完成了各项任务。六个专题的重点发言和研讨交流，展示了各地"
        "在发挥政治引领作用方面的探索和成效，专家的点评既有理论高度，又有实践针对性。\n\n"
        "下一步，各地要把研讨成果运用到试点工作中去，在完成政治任务、发挥政治优势、凝聚政治力量等方面下更大"
        "功夫，确保高质量通过试点验收。",
    ),
}


def commentary_text(topic: str, official: bool) -> str:
    """A 点评 in two paragraphs: an official's speaks of the work, an expert's of the ideas."""
    if official:
        return (
            f"“{topic}”专题的几位同志结合本地实际，介绍了试点工作中的做法和成效，材料扎实，特色鲜明，"
            "体现了各地党委政法委在市域社会治理中统筹协调、推动落实的作用。\n\n"
            "建议各地进一步总结提炼可复制、可推广的经验，注重用制度固化实践成果，"
            "在健全党委领导的工作体系上持续用力。"
        )
    return (
        f"从理论上看，“{topic}”专题的发言抓住了市域社会治理现代化的关键环节，对政治引领如何转化为治理效能作了"
        "有益探索，有的论文还运用了调查数据，论证较为充分。\n\n"
        "同时也要看到，部分论文对问题的分析还不够深入，对策的可操作性有待加强。希望各地加强与高校和研究机构"
        "的合作，把实践经验上升为理论认识。"
    )


async def build_demo_book_sections(seminar: Seminar, official_units: tuple[str, ...] = ("省委组织部", "省委政法委")) -> None:
    settings, _created = await ProceedingsSettings.get_or_create(seminar_id=seminar.id)
    changed = []
    for name, value in (
        ("preface", PREFACE), ("preface_signature", PREFACE_SIGNATURE), ("preface_date", seminar.starts_on),
        ("afterword", AFTERWORD), ("afterword_signature", AFTERWORD_SIGNATURE),
        ("afterword_date", seminar.ends_on + dt.timedelta(days=30)),
    ):
        if not getattr(settings, name):
            setattr(settings, name, value)
            changed.append(name)
    if changed:
        await settings.save(update_fields=changed)
    for kind, (title, text) in SPEECHES.items():
        await BookSpeech.get_or_create(
            seminar_id=seminar.id, kind=kind,
            defaults={"title": title, "speaker": LEADER.name, "position": f"{LEADER.unit}{LEADER.position}", "text": text},
        )
    await _demo_commentaries(seminar, official_units)


async def _demo_commentaries(seminar: Seminar, official_units: tuple[str, ...]) -> None:
    """Each topic's 点评 by the 点评人 the published agenda names for its session; topics with 点评 are left alone."""
    release = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if release is None:
        return
    topics = {topic.id: topic for topic in await Topic.filter(seminar_id=seminar.id)}
    done: set[int] = set(await column(TopicCommentary.filter(seminar_id=seminar.id), "topic_id"))
    members: set[int] = set(await column(Role.filter(seminar_id=seminar.id), "user_id"))
    accounts = {user.name: user.id for user in await User.filter(id__in=members)}
    for session in agenda_from_data(release.data).sessions:
        topic = topics.get(session.topic_id) if session.topic_id is not None else None
        if topic is None or topic.id in done:
            continue
        done.add(topic.id)
        for order, person in enumerate(session.commentators, start=1):
            await TopicCommentary.create(
                seminar_id=seminar.id, topic_id=topic.id, commentator_id=accounts.get(person.name), name=person.name,
                unit=person.unit, position=person.position, sort=order,
                text=commentary_text(topic.title, official=person.unit in official_units),
            )
