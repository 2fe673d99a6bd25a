"""复制比 from the passages a text shares with each source.

复制比 is the share of the text's characters (normalised: letters and digits) inside any
reported passage. 去除引用复制比 leaves out what the text shares with the reference library
(policy documents, speeches — quoting them is 引用, not copying), including text another paper
also took from the library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from seminar.textsim.align import Passage


@dataclass(frozen=True)
class SourcePassages:
    library: bool  # a reference-library document rather than a paper
    passages: Sequence[Passage]


@dataclass(frozen=True)
class Ratios:
    copied: float  # 复制比, 0..1
    copied_without_quotation: float  # 去除引用复制比, 0..1


def _mask(length: int, passages: Iterable[Passage]) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    for p in passages:
        mask[p.start : p.end] = True
    return mask


def shared_characters(passages: Iterable[Passage]) -> int:
    """Characters of the text a source shares, each counted once."""
    spans = sorted((p.start, p.end) for p in passages)
    total, reached = 0, 0
    for start, end in spans:
        if end > reached:
            total += end - max(start, reached)
            reached = end
    return total


def ratios(length: int, sources: Iterable[SourcePassages]) -> Ratios:
    """`length`: the normalised length of the text checked."""
    if length == 0:
        return Ratios(0.0, 0.0)
    sources = list(sources)
    library = _mask(length, (p for s in sources if s.library for p in s.passages))
    papers = _mask(length, (p for s in sources if not s.library for p in s.passages))
    return Ratios(
        float((library | papers).sum()) / length,
        float((papers & ~library).sum()) / length,
    )
