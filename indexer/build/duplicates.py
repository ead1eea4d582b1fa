"""Content groups: documents that say the same thing are one result, not several.

A knowledge base collects copies: the same page saved in two folders, a PDF beside its text
export, a service page repeated once per district office with only the office block changed.
Each copy takes a place in the top results and pushes other documents out, so the build puts
documents whose bodies (chunk texts, without the title) are near-identical into one content
group and the search returns one hit per group, naming the other copies.

Near-identical means a Jaccard similarity of the word 5-shingle sets of at least
``NEAR_DUPLICATE``. Candidates are found with MinHash and banding (locality-sensitive
hashing), then every candidate pair is checked on the exact sets, so the banding only decides
which pairs are compared, never which are grouped. Two files of one name in one folder (a PDF
and its text export) are compared by their sets of words instead: text extraction reorders
columns and tables, which breaks shingles but keeps the words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from indexer.model import Chunk

# Thresholds, chosen on the Hamburg service pages (all 728 files; docs/indexing.md): district
# copies of one service reach 0.44-0.84 against each other (median 0.70; single linkage joins
# them through their closest copies), pages of different services at most 0.67 (eID lock vs
# unlock) apart from one procedure offered by several chambers (0.73), which is grouped like
# a district copy. PDF beside its text export: word sets 0.85-0.99, shingles as low as 0.16.
NEAR_DUPLICATE = 0.7
SAME_NAME_WORDS = 0.8
SHINGLE_WORDS = 5
_PERMUTATIONS = 64
_BAND_ROWS = 2  # 32 bands of 2 rows: a pair at Jaccard 0.6 becomes a candidate w.p. > 0.999
# An estimate from 64 values has a standard error of at most 0.0625: 0.2 is over 3 of them.
_SLACK = 0.2
_WORD = re.compile(r"\w+")
_MASK = 2**64 - 1
_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
_SEED = np.random.default_rng(20261202)
# Multiply-shift hashing: the high 32 bits of (a * h + b) mod 2**64, a odd.
_A = _SEED.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _SEED.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64)


def body_text(chunks: Iterable[Chunk]) -> str:
    """What is compared of a document: its chunks' headings and texts, not its title."""
    return "\n".join(" ".join((*c.heading_path, c.text)) for c in chunks)


def shingles(text: str) -> frozenset[int]:
    """Hashed word 5-grams of the normalised text (case-folded words, link targets dropped).

    Python's string hash differs between processes, which is fine: shingles are compared
    within one build only, and groups depend on the exact sets, not on the hash values.
    """
    words = _WORD.findall(_LINK_TARGET.sub(" ", text).casefold())
    if len(words) < SHINGLE_WORDS:
        return frozenset({hash(" ".join(words)) & _MASK}) if words else frozenset()
    return frozenset(hash(tuple(words[i:i + SHINGLE_WORDS])) & _MASK
                     for i in range(len(words) - SHINGLE_WORDS + 1))


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_LINK_TARGET.sub(" ", text).casefold()))


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b) if len(a) < len(b) else len(b & a)
    return common / (len(a) + len(b) - common)


def _signature(shingle_set: frozenset[int]) -> np.ndarray:
    values = np.fromiter(shingle_set, dtype=np.uint64, count=len(shingle_set))
    with np.errstate(over="ignore"):  # wrapping modulo 2**64 is the point
        hashed = (_A[:, None] * values[None, :] + _B[:, None]) >> np.uint64(32)
    return hashed.min(axis=1)


def candidate_pairs(sets: Sequence[frozenset[int]], threshold: float = 0.0
                    ) -> set[tuple[int, int]]:
    """Index pairs whose MinHash signatures agree on at least one band and whose estimated
    Jaccard (share of equal signature values) is within ``_SLACK`` of ``threshold``."""
    pairs: set[tuple[int, int]] = set()
    filled = [i for i, s in enumerate(sets) if s]
    if len(filled) < 2:
        return pairs
    signatures = np.stack([_signature(sets[i]) for i in filled])
    position = {row: n for n, row in enumerate(filled)}
    for start in range(0, _PERMUTATIONS, _BAND_ROWS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for row, band in zip(filled, signatures[:, start:start + _BAND_ROWS], strict=True):
            buckets[band.tobytes()].append(row)
        for members in buckets.values():
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    if not pairs:
        return pairs
    listed = sorted(pairs)
    left = signatures[[position[a] for a, _ in listed]]
    right = signatures[[position[b] for _, b in listed]]
    estimate = (left == right).mean(axis=1)
    return {pair for pair, value in zip(listed, estimate, strict=True)
            if value >= threshold - _SLACK}


def content_groups(bodies: Mapping[str, str], threshold: float = NEAR_DUPLICATE
                   ) -> dict[str, str]:
    """Source -> its group's name (the group's first source in sorted order).

    Documents join a group when their shingle sets reach ``threshold`` with any member
    (single linkage); a document without a near copy is a group of its own.
    """
    sources = sorted(bodies)
    sets = [shingles(bodies[s]) for s in sources]
    parent = list(range(len(sources)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        parent[max(ra, rb)] = min(ra, rb)  # the smallest index (first source) leads

    for a, b in sorted(candidate_pairs(sets, threshold)):
        small, large = sorted((len(sets[a]), len(sets[b])))
        if small >= threshold * large and jaccard(sets[a], sets[b]) >= threshold:
            join(a, b)
    for a, b in _same_name_pairs(sources):
        if jaccard(words(bodies[sources[a]]), words(bodies[sources[b]])) >= SAME_NAME_WORDS:
            join(a, b)
    return {source: sources[root(i)] for i, source in enumerate(sources)}


def _same_name_pairs(sources: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs of files in one folder whose names differ only by the suffix."""
    by_stem: dict[str, list[int]] = defaultdict(list)
    for i, source in enumerate(sources):
        stem = PurePosixPath(source).with_suffix("").as_posix()
        by_stem[stem].append(i)
    return [(a, b) for group in by_stem.values()
            for j, a in enumerate(group) for b in group[j + 1:]]
