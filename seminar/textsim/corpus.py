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
