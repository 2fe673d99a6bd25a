"""A seeded, labelled corpus of Chinese papers with planted copying, for the benchmark and the tests.

Papers are written from a lexicon of 2–4 character pieces cut from real text (the demo papers,
the seed report): each topic weighs the pieces differently, so two papers on one topic share
their frequent words and stock sentences but not, by chance, a passage of 50 characters —
they are the hard negatives. A copying paper takes passages of 50–400 characters from one to
three sources (whole sentences) and changes each in one of the ways copiers do: verbatim,
its sentences reordered, one character in ten changed, punctuation and width swapped, turned
into Traditional characters, or both of the last two. Where each planted passage ends up in
the copying paper is recorded: that is the label.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# The genre's stock sentences, which papers on the same topic share without copying one another (the
# hard negatives' common ground; the demo papers once were made of them).
BACKGROUND = (
    "党的十九届四中全会明确提出，要加快推进市域社会治理现代化。",
    "市域是承上启下的枢纽，是推进基层治理现代化的前线指挥部。",
    "政治引领是我们党百年奋斗的重要经验，也是社会治理的重要方式。",
    "在全国市域社会治理现代化试点工作中，“发挥政治引领作用”被列为11个试点项目之一。",
    "推动社会治理重心向基层下移，是党的十九大提出的重要任务。",
    "群众利益无小事，一枝一叶总关情，党在任何时候都把群众利益放在第一位。",
    "探索中国特色的社会治理，必须旗帜鲜明讲政治，切实加强政治引领。",
    "基层治，天下安，基层是社会治理的基础和重心。",
)
METHOD = (
    "坚持党委领导、政府负责、民主协商、社会协同、公众参与、法治保障、科技支撑的社会治理体系。",
    "注重发挥基层党组织战斗堡垒作用和党员先锋模范作用，把党的政治优势转化为社会治理优势。",
    "建立健全工作台账，实行清单化管理、项目化推进，确保各项任务落地见效。",
    "坚持问题导向，聚焦群众急难愁盼问题，推动资源、服务、管理向基层下沉。",
    "强化部门协同和上下联动，形成权责明晰、高效联动、上下贯通的工作格局。",
    "坚持以人民为中心的发展思想，把群众满意不满意作为检验工作成效的根本标准。",
    "注重总结提炼基层经验，以点带面推动创新做法在更大范围复制推广。",
    "运用信息化手段提升治理效能，推动线上线下相结合，让数据多跑路、群众少跑腿。",
    "健全激励保障机制，对表现突出的集体和个人予以表扬，营造比学赶超的良好氛围。",
    "把党的领导贯穿基层治理各环节，确保基层治理始终沿着正确方向前进。",
    "建立定期研判、专题会商制度，及时发现和解决工作推进中遇到的新情况新问题。",
    "坚持和发展新时代“枫桥经验”，做到小事不出村、大事不出镇、矛盾不上交。",
    "推动各类资源向基层倾斜，充实基层工作力量，提升基层服务群众的能力。",
    "把解决群众实际困难作为工作的出发点和落脚点，用心用情为群众排忧解难。",
    "注重发挥自治、法治、德治、智治作用，推动多种治理方式有机结合、相互促进。",
    "完善考核评价体系，把工作成效纳入领导班子和领导干部年度考核内容。",
    "加强宣传引导，及时总结推广先进典型，营造全社会共同关心支持的良好氛围。",
    "建立群众评价机制，让群众全过程参与、全过程监督，切实提升群众满意度。",
    "加强与周边地区和相关部门的沟通协作，推动信息互通、资源共享、工作联动。",
    "坚持试点先行、以点带面，在总结试点经验的基础上逐步在全市铺开。",
    "强化制度建设，制定配套工作指引，推动各项工作规范化、标准化、制度化。",
)
PROBLEMS = (
    "一是部分基层干部对政治引领的认识还不够到位，存在重业务、轻引领的倾向。",
    "二是各类治理力量整合还不够充分，部门之间协同联动的机制有待进一步完善。",
    "三是信息化支撑能力仍有短板，数据共享和分析研判的水平有待提升。",
    "四是群众参与的渠道和方式还不够丰富，共建共治共享的格局尚未完全形成。",
    "此外，基层工作力量和经费保障与日益繁重的治理任务相比仍显不足。",
)
OUTLOOK = (
    "下一步，要坚持把政治引领贯穿市域社会治理全过程、各方面。",
    "要进一步健全制度机制，推动经验做法固化为长效制度。",
    "要加强对基层的指导、支持和保障，让基层有权有责有资源。",
    "要坚持系统观念，统筹发展和安全，不断提升市域社会治理现代化水平。",
    "要深化宣传推广，讲好市域社会治理的故事，营造全社会共同参与的浓厚氛围。",
)
STOCK: tuple[str, ...] = (*BACKGROUND, *METHOD, *PROBLEMS, *OUTLOOK)

TRANSFORMS = ("verbatim", "reordered", "edited", "punctuation", "traditional", "traditional+punctuation")
_HALF = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")", "、": ","})
_CLAUSE = re.compile(r"[^，。、；：！？“”「」（）()\s,.;:!?\"]+")


@dataclass(frozen=True)
class Planted:
    source: int  # index of the source paper in Corpus.papers
    start: int  # [start, end) in the copying paper's original text
    end: int
    transform: str


@dataclass
class Corpus:
    papers: list[str] = field(default_factory=list)  # what is indexed: sources and unrelated papers
    queries: list[str] = field(default_factory=list)  # papers checked against `papers`
    planted: list[list[Planted]] = field(default_factory=list)  # per query; [] for a hard negative


@cache
def _s2t() -> Any:
    from opencc import OpenCC  # untyped

    return OpenCC("s2t")


class Writer:
    def __init__(self, texts: Sequence[str], stock: Sequence[str], rng: random.Random, topics: int = 6) -> None:
        pieces: list[str] = []
        for text in texts:
            for clause in _CLAUSE.findall(text):
                i = 0
                while i < len(clause) - 1:
                    size = rng.choice((2, 2, 3, 4))
                    pieces.append(clause[i : i + size])
                    i += size
        self.pieces = sorted(set(p for p in pieces if len(p) >= 2))
        self.stock = list(stock)
        self.rng = rng
        # Each topic: a Zipf-like weighting of the pieces in its own order.
        self.topic_weights: list[list[float]] = []  # cumulative, as random.choices takes them
        for _topic in range(topics):
            order = rng.sample(range(len(self.pieces)), len(self.pieces))
            weights = [0.0] * len(self.pieces)
            for rank, index in enumerate(order):
                weights[index] = 1.0 / (rank + 10)
            self.topic_weights.append(list(itertools.accumulate(weights)))

    def sentence(self, topic: int) -> str:
        words = self.rng.choices(self.pieces, cum_weights=self.topic_weights[topic], k=self.rng.randint(5, 12))
        cut = self.rng.randint(2, len(words) - 2)
        return "".join(words[:cut]) + "，" + "".join(words[cut:]) + "。"

    def sentences(self, topic: int, length: int) -> list[str]:
        """Sentences of about `length` characters; one in five a stock sentence, never two together."""
        out: list[str] = []
        total = 0
        since_stock = 2
        while total < length:
            if self.stock and since_stock >= 2 and self.rng.random() < 0.2:
                sentence = self.rng.choice(self.stock)
                since_stock = 0
            else:
                sentence = self.sentence(topic)
                since_stock += 1
            out.append(sentence)
            total += len(sentence)
        return out

    def paper(self, topic: int, length: int) -> list[str]:
        return self.sentences(topic, length)

    def edit(self, text: str) -> str:
        """One character in ten (of letters) replaced, deleted or doubled."""
        out = []
        for char in text:
            if char.isalnum() and self.rng.random() < 0.1:
                roll = self.rng.random()
                if roll < 0.6:
                    out.append(self.rng.choice(self.rng.choice(self.pieces)))
                elif roll < 0.8:
                    continue
                else:
                    out.append(char + self.rng.choice(self.rng.choice(self.pieces)))
            else:
                out.append(char)
        return "".join(out)

    def transform(self, sentences: list[str], how: str) -> str:
        if how == "reordered":
            sentences = self.rng.sample(sentences, len(sentences))
        text = "".join(sentences)
        if how == "edited":
            text = self.edit(text)
        if how.startswith("traditional"):
            text = _s2t().convert(text)
        if how.endswith("punctuation"):
            text = text.translate(_HALF).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
        return text


def generate(
    texts: Sequence[str],
    stock: Sequence[str],
    *,
    seed: int = 15,
    sources: int = 60,
    unrelated: int = 40,
    copies: int = 60,
    negatives: int = 30,
    length: int = 5000,
) -> Corpus:
    """`sources` papers to copy from and `unrelated` others are indexed; `copies` copying papers
    and `negatives` papers on the same topics without copying are checked against them."""
    rng = random.Random(seed)
    writer = Writer(texts, stock, rng)
    topics = len(writer.topic_weights)
    corpus = Corpus()
    source_sentences: list[list[str]] = []
    for index in range(sources + unrelated):
        sentences = writer.paper(index % topics, length)
        source_sentences.append(sentences)
        corpus.papers.append("".join(sentences))
    for index in range(copies):
        topic = index % topics
        parts: list[str] = []
        planted: list[Planted] = []
        chosen = rng.sample(range(sources), rng.randint(1, 3))
        passages = [(s, rng.choice(TRANSFORMS)) for s in chosen for _passage in range(rng.randint(1, 3))]
        rng.shuffle(passages)
        filler = writer.sentences(topic, length)
        slots = sorted(rng.sample(range(1, len(filler)), len(passages)))
        cursor = 0
        taken = 0
        for position, sentence in enumerate(filler):
            while taken < len(passages) and slots[taken] == position:
                source, how = passages[taken]
                taken += 1
                src = source_sentences[source]
                first = rng.randrange(len(src))
                want = rng.randint(50, 400)
                last = first
                while last < len(src) and sum(len(s) for s in src[first:last]) < want:
                    last += 1
                if sum(len(s) for s in src[first:last]) < 50 or last - first < 2:
                    continue
                text = writer.transform(src[first:last], how)
                planted.append(Planted(source, cursor, cursor + len(text), how))
                parts.append(text)
                cursor += len(text)
            parts.append(sentence)
            cursor += len(sentence)
        corpus.queries.append("".join(parts))
        corpus.planted.append(planted)
    for index in range(negatives):
        corpus.queries.append("".join(writer.paper(index % topics, length)))
        corpus.planted.append([])
    return corpus


@dataclass
class Score:
    planted: dict[str, int] = field(default_factory=dict)  # passages of ≥ 50 characters, per change
    found: dict[str, int] = field(default_factory=dict)
    reported: int = 0
    right: int = 0
    wrong: list[tuple[int, int, tuple[int, int]]] = field(default_factory=list)  # (query, source, span)

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(sum(self.planted.values()), 1)

    @property
    def precision(self) -> float:
        return self.right / max(self.reported, 1)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(corpus: Corpus, reported: Sequence[Sequence[tuple[int, tuple[int, int]]]], minimum: int = 50) -> Score:
    """Passage precision and recall of what was reported per query: (source, original span) pairs.

    A planted passage of at least `minimum` characters is found when the passages reported
    against its source cover half of it; a reported passage is right when half of it lies in
    passages planted from that source.
    """
    score = Score({how: 0 for how in TRANSFORMS}, {how: 0 for how in TRANSFORMS})
    for number, (planted, spans) in enumerate(zip(corpus.planted, reported, strict=True)):
        for plant in planted:
            if plant.end - plant.start < minimum:
                continue
            score.planted[plant.transform] += 1
            covered = sum(_overlap((plant.start, plant.end), span) for source, span in spans if source == plant.source)
            if covered >= 0.5 * (plant.end - plant.start):
                score.found[plant.transform] += 1
        for source, span in spans:
            score.reported += 1
            inside = sum(_overlap(span, (p.start, p.end)) for p in planted if p.source == source)
            if inside >= 0.5 * (span[1] - span[0]):
                score.right += 1
            else:
                score.wrong.append((number, source, span))
    return score
