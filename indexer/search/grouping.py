"""From ranked chunks to ranked results: one result per content group.

Chunks of one document are one result (its best chunk, with up to ``MORE_PER_DOCUMENT``
further chunks). Documents the build put into one content group (copies of a page in two
folders, a PDF and its text export, district copies of one service) are one result too: the
best-ranked member answers, the other members the caller may see are named in ``also_in``
so that an answer can cite them. Without this, copies fill the top places.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.search.rows import RowTable

MORE_PER_DOCUMENT = 3


@dataclass
class Result:
    """One result while it is assembled: positions in the candidate arrays."""

    best: int
    document: int
    more: list[int] = field(default_factory=list)
    also_in: tuple[str, ...] = ()


def group_results(rows: RowTable, candidate_rows: np.ndarray, score: np.ndarray, k: int,
                  visible: np.ndarray) -> list[Result]:
    """The ``k`` best results; ``visible`` says per document whether the caller may see it."""
    order = np.argsort(-score, kind="stable")
    results: dict[int, Result] = {}  # content group -> result
    for pos in order:
        doc = int(rows.document[candidate_rows[pos]])
        group = int(rows.group[doc])
        found = results.get(group)
        if found is None:
            if len(results) < k:
                results[group] = Result(int(pos), doc)
        elif found.document == doc and len(found.more) < MORE_PER_DOCUMENT:
            found.more.append(int(pos))
    members = _members(rows, visible, set(results))
    for group, result in results.items():
        result.also_in = tuple(s for d, s in members.get(group, []) if d != result.document)
    return list(results.values())


def _members(rows: RowTable, visible: np.ndarray, groups: set[int]
             ) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    for doc in np.flatnonzero(np.isin(rows.group, list(groups)) & visible):
        found.setdefault(int(rows.group[doc]), []).append((int(doc), rows.sources[doc]))
    return found
