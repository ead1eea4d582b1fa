"""Retrieval quality on a questions file: recall@1, recall@5 and MRR per search mode.

A questions file has one JSON object per line:
``{"question": "...", "relevant": ["steueramt/hundesteuer", ...]}``; a hit is relevant when
its source path (relative to the knowledge base) contains one of the ``relevant`` strings.
An optional ``"groups": [...]`` searches as a user of those access groups. Hits are
documents (the searcher groups chunks), so the measures count documents, not paragraphs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from indexer.errors import QuestionsFileError
from indexer.model import Hit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Question:
    question: str
    relevant: tuple[str, ...]
    groups: tuple[str, ...] | None = None


class _Searcher(Protocol):
    def search(
        self, query: str, k: int = 5, mode: str = "hybrid", groups: Sequence[str] | None = None
    ) -> list[Hit]: ...


def parse_question(line: str, where: str, require_relevant: bool = True) -> Question:
    """One line of a questions file; ``require_relevant=False`` for questions the knowledge
    base does not answer (``relevant`` may then be missing or empty)."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise QuestionsFileError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(record, dict):
        raise QuestionsFileError(f"{where}: expected a JSON object")
    question, relevant = record.get("question"), record.get("relevant")
    if not isinstance(question, str) or not question.strip():
        raise QuestionsFileError(f"{where}: 'question' must be a non-empty string")
    if not require_relevant and not relevant:  # missing, null, "" or []
        relevant = []
    if isinstance(relevant, str):
        relevant = [relevant]
    if not isinstance(relevant, list) or (require_relevant and not relevant) or not all(
        isinstance(r, str) and r for r in relevant
    ):
        raise QuestionsFileError(f"{where}: 'relevant' must be a "
                                 f"{'non-empty ' if require_relevant else ''}list of strings")
    groups = record.get("groups")
    if groups is not None and not (
        isinstance(groups, list) and all(isinstance(g, str) for g in groups)
    ):
        raise QuestionsFileError(f"{where}: 'groups' must be a list of strings")
    return Question(question, tuple(relevant), None if groups is None else tuple(groups))


def load_questions(path: Path, require_relevant: bool = True) -> list[Question]:
    """Every question of a JSON-lines file; blank lines and lines starting with # are skipped.
    ``require_relevant=False``: questions the knowledge base does not answer."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsFileError(f"cannot read questions file {path}: {exc}") from exc
    questions = [
        parse_question(line, f"{path}:{number}", require_relevant)
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not questions:
        raise QuestionsFileError(f"questions file {path} holds no questions")
    return questions


def first_relevant_rank(hits: Iterable[Hit], relevant: Sequence[str]) -> int | None:
    """1-based rank of the first relevant hit, else None: a hit is relevant when its source,
    or the source of a copy it stands for (``also_in``), contains a relevant string."""
    for rank, hit in enumerate(hits, start=1):
        if any(r in source for source in (hit.source, *hit.also_in) for r in relevant):
            return rank
    return None


def metrics(ranks: Sequence[int | None], k: int) -> dict[str, float | int]:
    """recall@1, recall@5 and MRR@k of first-relevant ranks (None = not found in k)."""
    n = len(ranks)
    found = [r for r in ranks if r is not None and r <= k]
    return {
        "recall@1": round(sum(1 for r in found if r <= 1) / n, 4) if n else 0.0,
        "recall@5": round(sum(1 for r in found if r <= 5) / n, 4) if n else 0.0,
        f"mrr@{k}": round(sum(1.0 / r for r in found) / n, 4) if n else 0.0,
        "n": n,
    }


def evaluate(
    searcher: _Searcher, questions: Sequence[Question], k: int = 10,
    modes: Sequence[str] = ("dense", "bm25", "hybrid"),
) -> dict[str, dict[str, float | int]]:
    """Measures per mode: ``{"hybrid": {"recall@1", "recall@5", "mrr@10", "n"}, ...}``."""
    if k < 1:
        raise ValueError("k must be at least 1")
    results: dict[str, dict[str, float | int]] = {}
    for mode in modes:
        ranks = [
            first_relevant_rank(
                searcher.search(q.question, k=k, mode=mode, groups=q.groups), q.relevant
            )
            for q in questions
        ]
        results[mode] = metrics(ranks, k)
        log.info("eval %s: %s", mode, results[mode])
    return results
