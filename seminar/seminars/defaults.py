"""Data a new seminar starts from: the six 政治引领 topics and the words a slug may not be.

The topic titles follow the founding seminar (广东, 2021) and the sub-tasks of "发挥政治引领作用";
their exact wording varies from one 通知 to the next, so they are only a starting point that
organizers edit on the topics page.
"""

from __future__ import annotations

from typing import NamedTuple


class TopicDefault(NamedTuple):
    title: str
    description: str


DEFAULT_TOPICS: tuple[TopicDefault, ...] = (
    TopicDefault("完成政治任务", "坚定不移执行党和国家大政方针，确保党中央关于社会治理的决策部署在市域落地见效。"),
    TopicDefault("发挥政治优势", "加强党对市域社会治理的集中统一领导，确保党中央政令畅通、令行禁止。"),
    TopicDefault("凝聚政治力量", "坚持共建共治共享，引导全社会自觉投身市域社会治理实践。"),
    TopicDefault("防范政治风险", "坚决维护国家政治安全，把风险隐患化解在市域、消除在萌芽状态。"),
    TopicDefault("提升政治能力", "善于运用政治思维和政治方式推进治理，提高政治判断力、政治领悟力、政治执行力。"),
    TopicDefault("压实政治责任", "健全党委领导、政府负责、各方协同的责任体系，把政治责任落到基层、落到岗位。"),
)

# First path segments the site uses itself, or may use later: a seminar must not shadow them.
RESERVED_SLUGS = frozenset(
    {
        "manage",
        "static",
        "login",
        "logout",
        "password",
        "invitation",
        "profile",
        "language",
        "healthz",
        "readyz",
        "metrics",
        "verify",
        "api",
        "admin",
    }
)

TIME_ZONES: tuple[str, ...] = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "UTC")
