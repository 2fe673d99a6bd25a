"""The passages a text shares with one source, found by comparing every shingle of both.

1. Seeds: each shingle of the text (not inside a quotation) whose hash occurs in the source.
2. Runs: seeds on the same diagonal (text position − source position) at consecutive
   positions form one exact match.
3. Passages: runs close together in the text (a gap of at most GAP characters, which is what a
   changed character or a few leaves between two runs) are joined when their places in the
   source are close too (within REORDER characters), so that sentences copied in another
   order still make one passage. A passage is kept if its runs cover at least DENSITY of it,
   so that a few stock phrases a few characters apart do not make a copied passage.
4. Boilerplate: text many indexed papers hold (the genre's formulae, "坚持党委领导、政府负责…")
   may join a passage but does not make one: a passage needs MIN_DISTINCT matched characters
   outside such text (`common`, from `candidates.common_mask`).

Lengths are in original characters of the text, as a reader counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seminar.textsim.fingerprints import K, Hashes, shingle_hashes
from seminar.textsim.normalise import Normalised

GAP = 2 * K
REORDER = 400
DENSITY = 0.5
MIN_PASSAGE = 50  # original characters; shorter shared text is not reported
MIN_DISTINCT = 4 * K
MAX_OCCURRENCES = 8  # a shingle repeated more often in the source is boilerplate


@dataclass(frozen=True)
class Passage:
    start: int  # [start, end) in the normalised text
    end: int
    source_start: int  # [source_start, source_end) in the normalised source
    source_end: int
    covered: int  # normalised characters of the text inside exact matches


@dataclass
class _Run:
    start: int
    end: int
    source_start: int
    source_end: int


def _runs(text_hashes: Hashes, usable: np.ndarray, source_hashes: Hashes) -> list[_Run]:
    order = np.argsort(source_hashes, kind="stable")
    sorted_source = source_hashes[order]
    left = np.searchsorted(sorted_source, text_hashes, side="left")
    right = np.searchsorted(sorted_source, text_hashes, side="right")
    counts = np.where(usable, right - left, 0)
    counts[counts > MAX_OCCURRENCES] = 0
    seeds: list[tuple[int, int]] = []  # (diagonal, text position)
    for i in np.nonzero(counts)[0].tolist():
        for j in order[left[i] : right[i]].tolist():
            seeds.append((i - j, i))
    seeds.sort()
    runs: list[_Run] = []
    previous: tuple[int, int] | None = None
    for diagonal, i in seeds:
        if previous is not None and previous[0] == diagonal and previous[1] == i - 1:
            runs[-1].end = i + K
            runs[-1].source_end = i - diagonal + K
        else:
            runs.append(_Run(i, i + K, i - diagonal, i - diagonal + K))
        previous = (diagonal, i)
    runs.sort(key=lambda r: (r.start, r.source_start))
    return runs


def _join(runs: list[_Run], common: np.ndarray | None) -> list[Passage]:
    passages: list[Passage] = []
    group: list[_Run] = []

    def close() -> None:
        if not group:
            return
        start = min(r.start for r in group)
        end = max(r.end for r in group)
        covered = np.zeros(end - start, dtype=bool)
        for r in group:
            covered[r.start - start : r.end - start] = True
        count = int(covered.sum())
        distinct = count if common is None else int((covered & ~common[start:end]).sum())
        if count >= DENSITY * (end - start) and distinct >= MIN_DISTINCT:
            passages.append(
                Passage(start, end, min(r.source_start for r in group), max(r.source_end for r in group), count)
            )

    group_end = -1
    group_source: tuple[int, int] = (0, 0)
    for run in runs:
        near_in_text = run.start - group_end <= GAP
        near_in_source = (
            run.source_start - group_source[1] <= REORDER and group_source[0] - run.source_end <= REORDER
        )
        if group and near_in_text and near_in_source:
            group.append(run)
            group_end = max(group_end, run.end)
            group_source = (min(group_source[0], run.source_start), max(group_source[1], run.source_end))
        else:
            close()
            group = [run]
            group_end = run.end
            group_source = (run.source_start, run.source_end)
    close()
    return passages


def shared_passages(
    text: Normalised,
    source: str,
    *,
    text_hashes: Hashes | None = None,
    source_hashes: Hashes | None = None,
    min_length: int = MIN_PASSAGE,
    common: np.ndarray | None = None,
) -> list[Passage]:
    """The passages of `text` copied from `source` (normalised), at least `min_length` original characters.

    `common`: for each normalised character of `text`, whether it is boilerplate.
    """
    text_hashes = shingle_hashes(text.text) if text_hashes is None else text_hashes
    source_hashes = shingle_hashes(source) if source_hashes is None else source_hashes
    if len(text_hashes) == 0 or len(source_hashes) == 0:
        return []
    usable = np.ones(len(text_hashes), dtype=bool)
    if text.quoted:
        quoted = np.zeros(len(text.text) + 1, dtype=np.int32)
        quoted[1:] = np.cumsum([i in text.quoted for i in range(len(text.text))])
        # a shingle touching a quoted character is not a seed
        usable = (quoted[K:] - quoted[:-K]) == 0
    passages = _join(_runs(text_hashes, usable, source_hashes), common)
    return [p for p in passages if _original_length(text, p.start, p.end) >= min_length]


def _original_length(text: Normalised, start: int, end: int) -> int:
    first, last = text.original_span(start, end)
    return last - first
