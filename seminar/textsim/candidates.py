"""Which indexed texts to align a new text with: those sharing enough winnowed fingerprints.

The index (a database table in production, sorted arrays in the benchmark) answers, for the
new text's fingerprints, how many each indexed text shares. A fingerprint that very many texts
hold is a stock phrase of the genre ("推进市域社会治理现代化") and says nothing about copying, so
it is left out (and the text it covers is boilerplate, see `common_mask`); the rest make the
candidates, and only the best MAX_CANDIDATES are aligned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from seminar.textsim.fingerprints import K, W, Fingerprint

CLUSTER = 64  # normalised characters: two shared fingerprints this close make a candidate
MAX_CANDIDATES = 200
COMMON_PAPERS = 10  # a fingerprint held by at least this many papers, and
COMMON_SHARE = 0.02  # by at least this share of them, is boilerplate


def common_threshold(papers: int) -> int:
    """How many indexed papers must hold a fingerprint for it to be boilerplate."""
    return max(COMMON_PAPERS, int(COMMON_SHARE * papers))


def common_mask(length: int, fingerprints: Sequence[Fingerprint], holders: Mapping[int, int], threshold: int) -> np.ndarray:
    """Which characters of a text (normalised, `length` long) are boilerplate.

    `holders`: how many indexed papers hold each of the text's fingerprints. Winnowing picks the
    same fingerprints inside the same text wherever it stands, so a formula many papers repeat
    shows as a row of common fingerprints at most W apart; the characters from the first to the
    last shingle of such a row are marked.
    """
    mask = np.zeros(length, dtype=bool)
    row_start = row_end = -1
    for fingerprint in fingerprints:
        if holders.get(fingerprint.hash, 0) < threshold:
            continue
        if row_end < 0 or fingerprint.position - row_end > W:
            if row_end >= 0:
                mask[row_start : row_end + K] = True
            row_start = fingerprint.position
        row_end = fingerprint.position
    if row_end >= 0:
        mask[row_start : row_end + K] = True
    return mask


def rank(shared: Mapping[int, Sequence[int]], limit: int = MAX_CANDIDATES) -> list[int]:
    """Candidate keys, best first (ties by key, for repeatable reports).

    `shared`: for each indexed text, the positions in the new text of the fingerprints they
    share. Chance shares are single words scattered over the paper; a copied passage of 50
    characters or more leaves at least two within CLUSTER characters of each other, even with
    some characters changed. Candidates rank by their shared fingerprints in all.
    """
    kept: list[tuple[int, int]] = []
    for key, positions in shared.items():
        ordered = sorted(positions)
        if any(b - a <= CLUSTER for a, b in zip(ordered, ordered[1:], strict=False)):
            kept.append((len(ordered), key))
    kept.sort(key=lambda item: (-item[0], item[1]))
    return [key for _count, key in kept[:limit]]
