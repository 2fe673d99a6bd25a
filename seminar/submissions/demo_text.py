"""The demo papers' body text: sentences composed per paper from short words and the paper's own facts.

查重 compares runs of seven characters and more. Were the demo papers written from a shared
stock of whole sentences, every paper would "copy" every other (the first attempt scored them
all 32–82 %). So no sentence here is a fixed string: each is a pattern whose fixed parts are a
few characters long, filled with words from short lists (two to six characters: a run of seven
equal characters between two papers needs two or three words to coincide by chance) and with
the paper's own city, measures, keywords, clauses of its practice and figures drawn by its
random generator. Two demo papers then share only what the demo plants on purpose
(`seminar.submissions.demo_overlap`).

Pure: a random generator and a paper in, sentences out.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from seminar.submissions.demo_data import DemoPaper

ACTORS = (
    "各级党委", "镇街党委", "村（社区）党组织", "基层党组织", "政法委", "职能部门", "综治中心", "网格员",
    "党员干部", "社区书记", "驻点干部", "志愿者", "各成员单位", "群团组织", "派出所", "司法所", "人民调解员",
    "乡贤", "物业企业", "业委会", "驻村工作队", "党代表", "妇联", "共青团", "律师", "两新组织",
    "行业协会", "社会组织", "楼长", "村民小组长", "老党员", "法律顾问",
)
ADVERBS = (
    "持续", "着力", "积极", "主动", "扎实", "切实", "深入", "大力", "逐步", "全面", "率先", "不断",
    "同步", "稳步", "有序", "集中", "系统", "加快", "务实", "统筹",
)
VERBS = (
    "推动", "完善", "健全", "探索", "建立", "深化", "拓展", "强化", "落实", "规范", "优化", "打造",
    "构建", "细化", "创新", "用好", "织密", "理顺", "夯实", "畅通", "激活", "盘活", "升级", "提升",
)
OBJECTS = (
    "工作机制", "联动体系", "责任链条", "服务平台", "议事规则", "考评办法", "工作台账", "协调机制",
    "运行流程", "保障措施", "服务清单", "督导制度", "研判机制", "激励办法", "工作格局", "联席会议",
    "值班制度", "回访制度", "信息系统", "培训体系", "岗位职责", "指挥调度", "应急预案", "人员队伍",
    "资金渠道", "场地阵地", "数据底座", "评价标准", "联络网络", "问题清单", "任务清单", "资源目录",
)
GOALS = (
    "抓在日常", "落到实处", "融入日常", "做深做实", "抓出成效", "推向深入", "贯穿始终", "见行见效",
    "落细落小", "常抓不懈", "走深走实", "形成闭环", "久久为功", "取得突破",
)
TIMES = (
    "近年来", "去年以来", "试点以来", "三年来", "今年以来", "两年来", "一年来", "自2019年起",
    "2020年以来", "“十四五”开局以来", "试点启动后", "此前",
)
EFFECTS = (
    "治理的抓手", "服务的载体", "联系群众的桥梁", "化解矛盾的前哨", "凝聚力量的纽带", "党建的阵地",
    "干部的练兵场", "群众的主心骨", "风险的防火墙", "基层的减压阀", "改革的试验田", "治理的末梢",
)
ISSUES = (
    "多头管理", "推诿扯皮", "信息壁垒", "力量分散", "责任虚化", "重形式轻实效", "人手紧张", "经费不足",
    "数据不通", "群众参与少", "考核走过场", "制度不配套", "基础台账不清", "专业能力弱", "上热下冷",
)
SUPPORTS = (
    "党组织的坚强领导", "群众的广泛参与", "部门的协同配合", "制度的刚性约束", "经费的稳定投入",
    "骨干队伍的带动", "数据的互联互通", "考核的指挥棒", "干部的担当作为", "社会力量的支持",
)
LEVERS = ("抓手", "牛鼻子", "突破口", "切入点", "主线", "载体", "支点")
PERIODS = ("月", "季度", "半年", "周", "旬")
COUNTS = ("个", "项", "次", "场", "件", "人次", "户", "支")
ROLES = ("一位社区书记", "一名网格员", "一位老党员", "一名驻点干部", "一位村民", "一位调解员", "一位镇街负责人")
VOICES = (
    "以前找不到人，现在家门口就能办", "事情有人管、管得好", "大家的事大家商量着办", "矛盾在楼栋里就解决了",
    "干部常来常往，心里踏实", "规矩清楚了，办事不用来回跑", "我们说的话有人听、有人回",
)
PROBLEM_LEADS = ("部分镇街", "个别部门", "一些村（社区）", "少数基层干部", "部分网格", "一些单位")
PROBLEM_TAILS = (
    "认识不足", "力度不均", "办法不多", "落实不够", "机制不全", "保障不力", "基础薄弱", "覆盖不全", "进展偏慢",
    "标准不一", "投入不足", "宣传不够",
)
OUTLOOK_HEADS = (
    "在巩固中深化", "在创新中提升", "在制度上固化", "在保障上加力", "在协同上发力", "在数字上赋能",
    "在队伍上夯基", "在宣传上拓展", "在考评上从严",
)

EASED = ("的问题明显缓解", "得到有效解决", "的现象大为减少", "的局面有所改观", "逐步破解")
RATES = ("群众满意率", "按时办结率", "化解成功率", "群众知晓率", "问题整改率", "事项办结率")

_CLAUSE = re.compile(r"[，。；]")


@dataclass(frozen=True)
class Facts:
    """What the sentences say about one paper."""

    place: str  # the city without 市
    places: tuple[str, ...]  # the city and the districts or counties its units name
    things: tuple[str, ...]  # keywords and measures
    measures: tuple[str, ...]
    clauses: tuple[str, ...]  # clauses of the practice and result, the paper's own words


def facts_of(paper: DemoPaper, place: str) -> Facts:
    districts = {m for unit in paper.units for m in re.findall(r"(?:[^市委政法县]{1,4}[区县])", unit)}
    clauses = tuple(c for c in _CLAUSE.split(paper.practice + paper.result) if len(c) >= 6)
    return Facts(place, (place, *sorted(districts)), (*paper.keywords, *paper.measures), paper.measures, clauses)


class Composer:
    """Sentences about one paper from its own random generator."""

    def __init__(self, facts: Facts, rng: random.Random) -> None:
        self.facts = facts
        self.rng = rng
        self._clauses = list(facts.clauses)
        rng.shuffle(self._clauses)

    def pick(self, words: Sequence[str]) -> str:
        return self.rng.choice(words)

    def number(self) -> str:
        return str(self.rng.choice((self.rng.randint(3, 60), self.rng.randint(61, 900), self.rng.randint(901, 9000))))

    def clause(self) -> str:
        """The next clause of the paper's practice, in turn (they are its own words)."""
        if not self._clauses:
            self._clauses = list(self.facts.clauses)
            self.rng.shuffle(self._clauses)
        return self._clauses.pop()

    def thing(self) -> str:
        return self.pick(self.facts.things)

    def place(self) -> str:
        return self.pick(self.facts.places)

    def action(self) -> str:
        return self.pick(ADVERBS) + self.pick(VERBS) + self.pick(OBJECTS)

    def sentence(self) -> str:
        p = self.pick
        patterns = (
            lambda: f"{p(TIMES)}，{self.place()}{self.action()}，{self.clause()}。",
            lambda: f"{p(ACTORS)}{self.action()}，推动{self.thing()}{p(GOALS)}。",
            lambda: f"围绕{self.thing()}，{self.place()}{p(VERBS)}{p(OBJECTS)}{self.number()}项，"
                    f"{p(VERBS)}{p(OBJECTS)}{self.number()}项。",
            lambda: "{}既是{}，也是{}。".format(self.thing(), *self.rng.sample(EFFECTS, 2)),
            lambda: f"在{self.thing()}中，{p(ACTORS)}{self.action()}，{p(ISSUES)}{p(EASED)}。",
            lambda: f"据统计，{p(TIMES)}{p(ACTORS)}{p(VERBS)}{p(OBJECTS)}{self.number()}{p(COUNTS)}，"
                    f"{p(RATES)}{p(('达', '为', '提高到', '达到'))}{self.rng.randint(85, 99)}.{self.rng.randint(0, 9)}%。",
            lambda: f"{p(ACTORS)}{p(VERBS)}{p(OBJECTS)}，{p(ACTORS)}{p(VERBS)}{p(OBJECTS)}，"
                    f"形成{self.thing()}的合力。",
            lambda: f"实践中，{self.clause()}。",
            lambda: f"做好{self.thing()}，要{self.action()}，做到{p(GOALS)}。",
            lambda: f"以{self.thing()}为{p(LEVERS)}，{self.action()}、{self.action()}。",
            lambda: f"针对{p(ISSUES)}，{p(ACTORS)}{self.action()}。",
            lambda: f"{self.place()}的{p(('做法', '经验', '实践', '探索'))}{p(('表明', '说明', '证明'))}，"
                    f"{self.thing()}离不开{p(SUPPORTS)}。",
            lambda: f"{p(ACTORS)}每{p(PERIODS)}研究一次{self.thing()}，{self.action()}。",
            lambda: f"{p(ROLES)}说：“{p(VOICES)}。”",
            lambda: f"{self.clause()}，{p(ACTORS)}{p(ADVERBS)}跟进，{p(ACTORS)}{p(ADVERBS)}配合。",
            lambda: f"目前，{self.place()}{p(ACTORS)}已{p(VERBS)}{p(OBJECTS)}{self.number()}{p(COUNTS)}。",
        )
        return self.rng.choice(patterns)()

    def paragraph(self, sentences: int) -> str:
        return "".join(self.sentence() for _sentence in range(sentences))

    def problem(self, ordinal: str) -> str:
        p = self.pick
        return (f"{ordinal}是{self.thing()}{p(PROBLEM_TAILS)}，{p(PROBLEM_LEADS)}{p(('反映', '认为', '坦言'))}"
                f"{p(ISSUES)}。")

    # The sentences every paper has in its place, each composed like the others.

    def purpose(self) -> str:
        p = self.pick
        return (f"本文{p(('以', '选取', '结合'))}{self.facts.place}{p(('的实践', '的探索', '近年的做法'))}"
                f"为{p(('样本', '案例', '研究对象'))}，{p(('梳理', '总结', '分析', '回顾'))}"
                f"其{p(('主要做法', '基本路径', '实践逻辑', '具体举措'))}{p(('与成效', '和初步成效', '及其效果'))}，"
                f"{p(('并提出对策建议', '进而提出几点思考', '最后提出改进建议', '并就深化推广作出展望'))}。")

    def measure_lead(self, measure: str) -> str:
        p = self.pick
        return (f"{self.facts.place}{p(('坚持', '始终', '注重', '着重'))}把{measure}"
                f"{p(('作为重要抓手', '摆在突出位置', '作为基础工程', '列入年度重点', '作为关键一招'))}。")

    def lesson(self, measure: str) -> str:
        p = self.pick
        return f"{p(('实践表明', '经验表明', '事实证明', '可以看到'))}，{measure}离不开{p(SUPPORTS)}。"

    def shortfall(self) -> str:
        p = self.pick
        return (f"{self.facts.place}在{self.thing()}{p(('方面的探索', '上的做法', '中的工作'))}"
                f"{p(('取得了积极成效', '初见成效', '积累了一些经验'))}，但{p(('对照', '比照', '对标'))}"
                f"{p(('上级要求', '群众期待', '试点目标', '兄弟城市'))}，{p(('仍存在一些问题', '还有不少短板', '仍有差距'))}。")

    def shortfall_heading(self) -> str:
        return self.pick(("存在的问题与不足", "面临的困难和问题", "存在的短板", "问题与挑战", "当前的薄弱环节"))

    def resolve(self) -> str:
        p = self.pick
        return (f"{p(('我们将', '下一步将', '今后将'))}{p(('以更高站位', '以更实举措', '以钉钉子精神', '以更大力度'))}"
                f"推动{self.thing()}{p(GOALS)}。")

    def outlook_heads(self, count: int) -> list[str]:
        return self.rng.sample(OUTLOOK_HEADS, count)
