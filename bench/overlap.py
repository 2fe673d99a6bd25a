"""Benchmark of 查重: `uv run python bench/overlap.py [--seed 15] [--sizes 1000,10000] [--huge]`.

1. Accuracy. A seeded labelled corpus (`seminar.textsim.corpus`, written from the demo papers'
   text and ../shared/seed/): papers copying passages of 50–400 characters from 1–3 sources —
   verbatim, reordered, one character in ten changed, punctuation and width swapped, turned
   Traditional — and hard negatives on the same topics, sharing the genre's stock sentences.
   Each checked paper goes through what production does: its fingerprints are looked up in the
   index, the best candidates aligned in memory. It prints passage precision and recall
   (passages of at least 50 characters; a planted passage is found when passages reported
   against its source cover half of it; a reported passage is right when half of it lies in a
   passage planted from that source), overall and per kind of change.
2. Speed. Indexes of 1,000 and 10,000 papers of ~5,000 characters (100,000 with --huge), in
   sorted arrays here — the same lookup the database does with its (hash) index — and prints
   the index size, the time to index one paper and to check one against each size.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seminar.submissions import demo_data
from seminar.textsim.align import Passage, shared_passages
from seminar.textsim.candidates import common_mask, common_threshold, rank
from seminar.textsim.corpus import STOCK, TRANSFORMS, Corpus, Writer, evaluate, generate
from seminar.textsim.fingerprints import Fingerprint, document_fingerprints, shingle_hashes
from seminar.textsim.normalise import Normalised, normalise

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"


def material() -> tuple[list[str], list[str]]:
    from opencc import OpenCC  # untyped

    t2s = OpenCC("t2s")
    texts = [t2s.convert(p.read_text(encoding="utf-8")) for p in sorted(SEED_DIR.glob("*.txt"))]
    texts += [" ".join((p.title, p.subtitle, p.practice, p.result, *p.measures)) for p in demo_data.PAPERS]
    texts += list(demo_data.TOPIC_FRAMES.values())
    stock = list(STOCK)
    return texts, stock


class MemoryIndex:
    """Fingerprint → paper, as sorted arrays: what the database's (hash) index does, in memory."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.hashes = np.zeros(0, dtype=np.int64)
        self.papers = np.zeros(0, dtype=np.int32)
        self.count = 0

    def add(self, paper: int, fingerprints: list[Fingerprint]) -> None:
        hashes = np.unique(np.fromiter((f.hash for f in fingerprints), dtype=np.int64))
        self.parts.append((hashes, np.full(len(hashes), paper, dtype=np.int32)))
        self.count += 1

    def seal(self) -> None:
        hashes = np.concatenate([self.hashes, *(h for h, _p in self.parts)])
        papers = np.concatenate([self.papers, *(p for _h, p in self.parts)])
        order = np.argsort(hashes, kind="stable")
        self.hashes, self.papers, self.parts = hashes[order], papers[order], []

    def shared(self, fingerprints: list[Fingerprint]) -> dict[int, list[int]]:
        """For each paper sharing some of `fingerprints` (boilerplate left out), their positions."""
        hashes = np.fromiter((f.hash for f in fingerprints), dtype=np.int64)
        left = np.searchsorted(self.hashes, hashes, side="left")
        right = np.searchsorted(self.hashes, hashes, side="right")
        common = common_threshold(self.count)
        shared: dict[int, list[int]] = defaultdict(list)
        for fingerprint, a, b in zip(fingerprints, left.tolist(), right.tolist(), strict=True):
            if 0 < b - a < common:
                for paper in self.papers[a:b].tolist():
                    shared[paper].append(fingerprint.position)
        return shared

    def holders(self, fingerprints: list[Fingerprint]) -> dict[int, int]:
        query = np.unique(np.fromiter((f.hash for f in fingerprints), dtype=np.int64))
        counts = np.searchsorted(self.hashes, query, side="right") - np.searchsorted(self.hashes, query, side="left")
        return dict(zip(query.tolist(), counts.tolist(), strict=True))

    def nbytes(self) -> int:
        return self.hashes.nbytes + self.papers.nbytes


@dataclass
class Prepared:
    normalised: Normalised
    hashes: np.ndarray


def prepare(text: str) -> Prepared:
    normalised = normalise(text)
    return Prepared(normalised, shingle_hashes(normalised.text))


def check(query: Prepared, index: MemoryIndex, papers: list[str]) -> list[tuple[int, Passage]]:
    """What production does: look the fingerprints up, align the candidates' normalised texts."""
    fingerprints = document_fingerprints(query.normalised.text)
    common = common_mask(
        len(query.normalised.text), fingerprints, index.holders(fingerprints), common_threshold(index.count)
    )
    found = []
    for candidate in rank(index.shared(fingerprints)):
        for passage in shared_passages(query.normalised, papers[candidate], text_hashes=query.hashes, common=common):
            found.append((candidate, passage))
    return found


def accuracy(corpus: Corpus) -> None:
    papers = [normalise(text).text for text in corpus.papers]
    index = MemoryIndex()
    for number, paper in enumerate(papers):
        index.add(number, document_fingerprints(paper))
    index.seal()
    reported = []
    for text in corpus.queries:
        query = prepare(text)
        reported.append([(source, query.normalised.original_span(p.start, p.end)) for source, p in check(query, index, papers)])
    score = evaluate(corpus, reported)
    total, found = sum(score.planted.values()), sum(score.found.values())
    print(f"passages planted (≥ 50 characters): {total}; reported: {score.reported}")
    print(f"recall    {score.recall:.3f}   ({found} of {total} planted passages found)")
    print(f"precision {score.precision:.3f}   ({score.right} of {score.reported} reported passages right)")
    for how in TRANSFORMS:
        if score.planted[how]:
            print(f"  recall {how:<24} {score.found[how] / score.planted[how]:.3f}  ({score.planted[how]})")
    for query, source, (start, end) in score.wrong[:5]:
        print(f"  wrong: paper {source}: {corpus.queries[query][start:end][:60]}")


def speed(sizes: list[int], seed: int) -> None:
    """The first 200 indexed papers are copied from by the 20 checked ones; the rest are written
    one at a time, so that 100,000 papers need memory only for their normalised text."""
    texts, stock = material()
    corpus = generate(texts, stock, seed=seed, sources=200, unrelated=0, copies=20, negatives=0)
    writer = Writer(texts, stock, random.Random(seed + 1))

    def indexed() -> Iterator[str]:
        yield from corpus.papers
        for number in itertools.count():
            yield "".join(writer.paper(number % 6, 5000))

    papers: list[str] = []
    index = MemoryIndex()
    index_times: list[float] = []
    rows = 0
    measured = sorted(sizes)
    for number, text in enumerate(indexed()):
        if not measured:
            break
        started = time.perf_counter()
        paper = normalise(text).text
        fingerprints = document_fingerprints(paper)
        index.add(number, fingerprints)
        index_times.append(time.perf_counter() - started)
        rows += len(fingerprints)
        papers.append(paper)
        if measured and number + 1 == measured[0]:
            measured.pop(0)
            index.seal()
            check_times = []
            for query_text in corpus.queries:
                started = time.perf_counter()
                check(prepare(query_text), index, papers)
                check_times.append(time.perf_counter() - started)
            print(
                f"{number + 1:>7} papers: {rows:>10,} fingerprints ({rows / (number + 1):.0f} a paper, "
                f"{rows * 20 / 2**20:,.0f} MiB as (hash, paper, position) rows before the index); "
                f"index one paper {statistics.median(index_times) * 1000:.1f} ms; "
                f"check one paper median {statistics.median(check_times) * 1000:.0f} ms, "
                f"max {max(check_times) * 1000:.0f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--huge", action="store_true", help="also 100,000 papers (long, about 2 GB of memory)")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    texts, stock = material()
    started = time.perf_counter()
    corpus = generate(texts, stock, seed=args.seed)
    print(f"labelled corpus: {len(corpus.papers)} indexed papers, {len(corpus.queries)} checked "
          f"(seed {args.seed}, {time.perf_counter() - started:.1f} s to write)")
    accuracy(corpus)
    if not args.skip_speed:
        sizes = [int(s) for s in args.sizes.split(",")] + ([100_000] if args.huge else [])
        speed(sizes, args.seed)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
