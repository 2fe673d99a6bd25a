"""How well a reviewer suits a paper: the affinity matrix for the solver, and the reasons behind it.

affinity = bid weight (想审 +3, 可以 +1, 不想审 −2, no bid 0)
         + topic weight (2 by default) when the paper's topic is among the reviewer's topics of expertise
         + text weight (3 by default) × the text score in [0, 1] of the reviewer's profile against the paper
         + a tie-break in [0, 0.01) that depends only on (seed, paper id, reviewer id),
           so equal candidates are ordered the same way on every run, and adding a paper
           does not reshuffle the others.

A pair is forbidden (None) when there is a conflict: the reviewer's unit is the paper's city
or belongs to it (its parent unit is the city), unless an organizer lifted that conflict; or
a conflict was declared by the reviewer or set by an organizer (these are not lifted here:
the caller passes only the conflicts in force).

The text score
--------------
A reviewer's profile (keywords, description, titles and abstracts of their own earlier papers)
is a query and each paper (title, abstract, keywords, the start of its text) a document. Both are
folded like 查重 folds text (seminar.textsim: full/half width, Traditional → Simplified) and
segmented with jieba, with the field's terms added as a user dictionary so that 矛盾纠纷多元化解
stays one term instead of 矛盾/纠纷/多元化/解. Terms are weighed with Okapi BM25 over the papers
being assigned: a term every paper uses (社会治理 in a 社会治理 seminar) weighs almost nothing, a
rare one (枫桥经验) a lot. Each paper's scores are divided by its best one, so every paper's
best-matching reviewer gets the full text weight whatever the lengths of the texts: a short
paper is not left to the bids while a long one collects all the experts (bench/affinity.py:
88 % of papers got a planted expert with one scale for the whole seminar, 94 % with this).
A paper whose best match is weak (under WEAK_MATCH of the seminar's best) is divided by that
floor instead, so a chance word in common is not blown up to a full match. A profile that
matches nothing adds nothing; the text term stays within 0..text weight next to the bids.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from seminar.i18n import _
from seminar.textsim.normalise import fold

# Preference values as stored by seminar.reviews.models.Preference (a StrEnum, so its
# members are equal to these strings).
WANT, WILLING, UNWILLING = "want", "willing", "unwilling"
BID_WEIGHTS: dict[str, float] = {WANT: 3.0, WILLING: 1.0, UNWILLING: -2.0}
TOPIC_MATCH = 2.0
TEXT_WEIGHT = 3.0
TIE_BREAK = 0.01
# How much of a paper's own text counts next to its title, abstract and keywords: its opening,
# where a paper states what it is about; the rest mostly repeats it at more length.
TEXT_START = 1500
# Okapi BM25's usual constants: term-frequency saturation and length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75
SHARED_SHOWN = 5
# A paper's best match gets the full text weight unless it is weaker than this share of the
# seminar's best match: then it is scaled against that instead (see the module's docstring).
WEAK_MATCH = 0.25  # shared terms named in a proposal's reasons

# Terms of the field that a general dictionary splits; jieba keeps them whole with these.
DOMAIN_TERMS = (
    "枫桥经验", "新时代枫桥经验", "网格化", "网格化管理", "网格员", "综治中心", "综治",
    "矛盾纠纷多元化解", "矛盾纠纷", "多元化解", "市域社会治理", "社会治理", "平安建设",
    "基层治理", "基层社会治理", "诉源治理", "源头治理", "一站式", "接诉即办", "信访",
    "人民调解", "社会治安", "综合治理", "群防群治", "雪亮工程", "智慧治理", "数字治理",
    "自治法治德治", "三治融合", "共建共治共享", "乡村治理", "社区治理", "心理服务",
    "扫黑除恶", "风险防控", "见义勇为", "平安中国", "法治建设", "调解组织", "一网统管",
)
# Words every paper of the field uses that say nothing about its subject.
STOP_TERMS = frozenset("""
我们 他们 进行 开展 工作 问题 研究 推进 加强 提升 坚持 不断 工作 方面 通过 以及 实现 建设 发展
作为 一个 一些 已经 可以 需要 没有 同时 其中 这个 这些 因此 但是 并且 对于 关于 主要 重要 有效
积极 全面 进一步 深入 有关 相关 情况 方式 措施 机制 体系 能力 水平 作用 要求 提出 完善 健全 构建
制度 实践 探索 创新 模式 路径 对策 现状 分析 经验 做法 成效 启示 思考 推动 推行 落实 实施 以来
""".split())
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z][a-z0-9]{2,}")

DEFAULT_SEED = 2024

Pair = tuple[int, int]  # (paper id, reviewer id)


@dataclass(frozen=True)
class PaperInfo:
    id: int
    topic_id: int | None
    city_id: int | None  # the unit (a city) that submitted the paper


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    unit_id: int | None
    unit_parent_id: int | None  # the city a district or department belongs to
    topic_ids: frozenset[int] = field(default_factory=frozenset)  # topics of expertise


def unit_conflict(paper: PaperInfo, reviewer: ReviewerInfo) -> bool:
    """The reviewer works for the city that submitted the paper, or for a unit inside it."""
    if paper.city_id is None:
        return False
    return paper.city_id in (reviewer.unit_id, reviewer.unit_parent_id)


def is_forbidden(paper: PaperInfo, reviewer: ReviewerInfo,
                 conflicts: Collection[Pair] = (), lifted: Collection[Pair] = ()) -> bool:
    pair = (paper.id, reviewer.id)
    return pair in conflicts or (unit_conflict(paper, reviewer) and pair not in lifted)


def tie_break(paper_id: int, reviewer_id: int, seed: int = DEFAULT_SEED) -> float:
    """A reproducible number in [0, TIE_BREAK) for one pair (splitmix64 of the ids and the seed)."""
    z = (seed * 0x9E3779B97F4A7C15 + paper_id * 0xBF58476D1CE4E5B9 + reviewer_id * 0x94D049BB133111EB)
    z &= 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return (z >> 11) / float(1 << 53) * TIE_BREAK


@dataclass(frozen=True)
class Weights:
    """What a topic of expertise and a full text match are worth next to the bids (the seminar's settings)."""

    topic: float = TOPIC_MATCH
    text: float = TEXT_WEIGHT


DEFAULT_WEIGHTS = Weights()


def affinity(paper: PaperInfo, reviewer: ReviewerInfo, bid: str | None = None, *,
             conflicts: Collection[Pair] = (), lifted: Collection[Pair] = (),
             seed: int = DEFAULT_SEED, text: float = 0.0, weights: Weights = DEFAULT_WEIGHTS) -> float | None:
    """The affinity of one pair, None when it is forbidden. `text`: the pair's text score in [0, 1]."""
    if is_forbidden(paper, reviewer, conflicts, lifted):
        return None
    score = BID_WEIGHTS.get(bid, 0.0) if bid is not None else 0.0
    if paper.topic_id is not None and paper.topic_id in reviewer.topic_ids:
        score += weights.topic
    score += weights.text * text
    return score + tie_break(paper.id, reviewer.id, seed)


def affinity_matrix(papers: Sequence[PaperInfo], reviewers: Sequence[ReviewerInfo],
                    bids: Mapping[Pair, str], conflicts: Collection[Pair] = (), *,
                    lifted: Collection[Pair] = (), seed: int = DEFAULT_SEED,
                    text: Mapping[Pair, float] | None = None,
                    weights: Weights = DEFAULT_WEIGHTS) -> list[list[float | None]]:
    """affinity[p][r] for papers × reviewers in the given order, ready for `assign.solve`.

    `bids` maps (paper id, reviewer id) to a preference value ("want", "willing",
    "unwilling"); `conflicts` holds the declared and organizer-set conflicts in force;
    `lifted` the unit conflicts an organizer lifted; `text` the pairs' text scores (`text_scores`).
    """
    conflicts = set(conflicts)
    lifted = set(lifted)
    text = text or {}
    return [
        [affinity(paper, reviewer, bids.get((paper.id, reviewer.id)), conflicts=conflicts, lifted=lifted,
                  seed=seed, text=text.get((paper.id, reviewer.id), 0.0), weights=weights)
         for reviewer in reviewers]
        for paper in papers
    ]


def explain(paper: PaperInfo, reviewer: ReviewerInfo, bid: str | None = None, *,
            conflicts: Collection[Pair] = (), lifted: Collection[Pair] = (),
            shared: Sequence[str] = ()) -> list[str]:
    """Why this reviewer suits (or may not review) this paper, in the user's language."""
    pair = (paper.id, reviewer.id)
    if pair in conflicts:
        return [_("Conflict declared or set by an organizer")]
    if unit_conflict(paper, reviewer):
        if pair not in lifted:
            if paper.city_id == reviewer.unit_id:
                return [_("Conflict: the reviewer's unit submitted this paper")]
            return [_("Conflict: the reviewer's unit belongs to the city that submitted this paper")]
        reasons = [_("Unit conflict lifted by an organizer")]
    else:
        reasons = []
    if paper.topic_id is not None and paper.topic_id in reviewer.topic_ids:
        reasons.append(_("Topic match"))
    if shared:
        reasons.append(_("Shared keywords: %(terms)s", terms="、".join(shared)))
    reasons.append({
        WANT: _("Bid: wants to review"),
        WILLING: _("Bid: willing to review"),
        UNWILLING: _("Bid: would rather not review"),
    }.get(bid or "", _("No bid")))
    return reasons


# --- the text score ---------------------------------------------------------------------------


@cache
def _segmenter() -> Any:
    """jieba's tokenizer with the field's terms, loaded on first use (its dictionary takes ~1 s)."""
    import logging

    import jieba  # type: ignore[import-untyped]  # jieba ships no type hints; only lcut is used

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for term in DOMAIN_TERMS:
        tokenizer.add_word(term, freq=200_000)  # above any split of it, so it stays whole
    return tokenizer


def _folded(text: str) -> str:
    # Letters and digits folded as 查重 folds them; anything else becomes a space so that words
    # do not join across punctuation.
    return "".join(fold(char) or " " for char in text)


@cache
def _parts(word: str) -> tuple[str, ...]:
    """The word and the field's terms inside it: 矛盾纠纷多元化解 also counts as 矛盾纠纷 and 多元化解,
    so that a profile naming the shorter term meets a paper using the longer one, and back."""
    return (word, *(t for t in DOMAIN_TERMS if t != word and t in word))


def terms(text: str) -> list[str]:
    """The content terms of a text, in order: segmented, folded, stop words and single characters out."""
    return list(_terms(text))


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[str, ...]:
    # Cached: the proposal page segments the same papers and profiles on every visit, and
    # segmenting is most of its cost. With jieba's HMM, which finds words its dictionary lacks
    # (楼栋长): twice as slow without the cache, but without it they fall apart into characters.
    words = _segmenter().lcut(_folded(text), HMM=True)
    return tuple(part for w in words if w not in STOP_TERMS and _WORD.fullmatch(w) for part in _parts(w))


@dataclass(frozen=True)
class TextIndex:
    """BM25 statistics of a set of documents (the papers being assigned)."""

    documents: dict[int, Counter[str]]  # paper id → term counts
    lengths: dict[int, int]
    idf: dict[str, float]
    average_length: float

    @classmethod
    def build(cls, texts: Mapping[int, str]) -> TextIndex:
        documents = {key: Counter(terms(text)) for key, text in texts.items()}
        frequency: Counter[str] = Counter()
        for counts in documents.values():
            frequency.update(counts.keys())
        n = len(documents)
        idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        lengths = {key: sum(counts.values()) for key, counts in documents.items()}
        average = sum(lengths.values()) / n if n else 0.0
        return cls(documents, lengths, idf, average or 1.0)

    def score(self, query: Iterable[str], key: int) -> float:
        """BM25 of the (distinct) query terms against one document."""
        counts = self.documents.get(key)
        if not counts:
            return 0.0
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[key] / self.average_length)
        total = 0.0
        for term in set(query):
            tf = counts.get(term, 0)
            if tf:
                total += self.idf[term] * tf * (BM25_K1 + 1) / (tf + norm)
        return total

    def shared(self, query: Iterable[str], key: int, limit: int = SHARED_SHOWN) -> list[str]:
        """The query terms found in the document, the weightiest first."""
        counts = self.documents.get(key) or Counter()
        found = {t for t in query if t in counts}
        # 矛盾纠纷 says nothing more once 矛盾纠纷多元化解 is named.
        found = {t for t in found if not any(t != other and t in other for other in found)}
        return sorted(found, key=lambda t: (-self.idf[t], t))[:limit]


def text_scores(paper_texts: Mapping[int, str], profile_texts: Mapping[int, str]) -> tuple[dict[Pair, float], TextIndex,
                                                                                            dict[int, list[str]]]:
    """Each (paper id, reviewer id) pair's text score in [0, 1] (pairs scoring 0 left out), the
    index and each reviewer's query terms (for the reasons)."""
    index = TextIndex.build(paper_texts)
    queries = {reviewer: terms(text) for reviewer, text in profile_texts.items() if text.strip()}
    raw = {
        (paper, reviewer): value
        for reviewer, query in queries.items() if query
        for paper in paper_texts
        if (value := index.score(query, paper)) > 0
    }
    top = max(raw.values(), default=0.0)
    best: dict[int, float] = {}
    for (paper, _reviewer), value in raw.items():
        best[paper] = max(best.get(paper, 0.0), value)
    scaled = {pair: value / max(best[pair[0]], WEAK_MATCH * top) for pair, value in raw.items()}
    return scaled, index, queries
