"""Character n-gram hashes and winnowing.

Every K consecutive normalised characters (a shingle) hash to a 64-bit integer — a polynomial
over the code points, wrapping modulo 2**64, then mixed (the splitmix64 finaliser) so that the
low bits are as good as the high ones — computed for a whole text at once with numpy. The
hashes are signed so that they fit a SQL BIGINT.

Winnowing (Schleimer, Wilkerson and Aiken, 2003) keeps the smallest hash of every window of W
consecutive shingles: about 2/(W+1) of them, and any text shared over W+K-1 characters or more
is guaranteed to share at least one kept hash. The index stores only those; the passages are
then found by comparing every shingle of the two texts in memory (see `align`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

K = 7  # characters per shingle: two or three words of Chinese
W = 12  # shingles per winnowing window: anything shared over W+K-1 = 18 characters is found

Hashes = npt.NDArray[np.int64]

_BASE = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    position: int  # of the shingle's first character in the normalised text


def shingle_hashes(text: str, k: int = K) -> Hashes:
    """The hash of each shingle of `text`: len(text) - k + 1 of them (none for a shorter text)."""
    if len(text) < k:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(text) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(count, dtype=np.uint64)
        for j in range(k):
            h = h * _BASE + codes[j : j + count]
        h ^= h >> np.uint64(30)
        h *= _MIX1
        h ^= h >> np.uint64(27)
        h *= _MIX2
        h ^= h >> np.uint64(31)
    return h.view(np.int64)


def winnow(hashes: Hashes, w: int = W) -> list[Fingerprint]:
    """The rightmost smallest hash of every window of `w`, each position once."""
    if len(hashes) == 0:
        return []
    if len(hashes) <= w:
        position = int(len(hashes) - 1 - np.argmin(hashes[::-1]))
        return [Fingerprint(int(hashes[position]), position)]
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    # argmin gives the leftmost minimum; reversing each window gives the rightmost, which keeps
    # the same fingerprint while the window slides over a run of equal hashes.
    rightmost = w - 1 - np.argmin(windows[:, ::-1], axis=1)
    positions = np.unique(np.arange(len(windows)) + rightmost)
    return [Fingerprint(int(hashes[p]), int(p)) for p in positions]


def document_fingerprints(text: str) -> list[Fingerprint]:
    """What the index keeps of a normalised text."""
    return winnow(shingle_hashes(text))
