"""Retrieval on a real knowledge base against a plain reference measured in the same run.

Evaluates an existing index (``--index``, built by ``python -m indexer build``) on a questions
file in every mode, and, with ``--reference-kb``, the plain reference retriever of
``bench/reference_retriever.py`` (markdown pages alone, 120-word windows, e5 + BM25, RRF) on
the same questions. ``--penalties 0,0.1,0.3`` also prints hybrid figures per overview penalty
(for fitting it on a tune set only). Writes nothing into the repository.

    nice python bench/retrieval_eval.py --index /tmp/hh \\
        --questions bench/questions/hamburg_tune.jsonl \\
        --reference-kb ../shared/data/hamburg_service --reference-cache /tmp/hh/reference.npz
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.cli.search import format_table  # noqa: E402
from indexer.embedding import Embedder, load_embedder  # noqa: E402
from indexer.evaluate import Question, evaluate, load_questions, metrics  # noqa: E402
from indexer.search.searcher import Searcher  # noqa: E402


class CachedQueries:
    """Embeds each query once across modes, penalties and the reference."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name = inner, inner.name
        self.embed_query = lru_cache(maxsize=None)(inner.embed_query)
        self.embed_passages = inner.embed_passages


def reference_figures(kb: Path, cache: Path | None, embedder: Any,
                      questions: list[Question]) -> dict[str, float | int]:
    from bench.reference_retriever import ReferenceRetriever, read_pages

    retriever = ReferenceRetriever(read_pages(kb, markdown_only=True), embedder, cache)
    ranks = []
    for q in questions:
        pages = retriever.search(q.question, k=10)
        ranks.append(next((i for i, p in enumerate(pages, 1)
                           if any(r in p for r in q.relevant)), None))
    return metrics(ranks, 10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--model", default="e5")
    parser.add_argument("--reference-kb", type=Path)
    parser.add_argument("--reference-cache", type=Path)
    parser.add_argument("--penalties", default="", help="comma-separated overview penalties")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    questions = load_questions(args.questions)
    embedder = CachedQueries(load_embedder(args.model))
    searcher = Searcher(args.index, embedder)  # type: ignore[arg-type]
    figures: dict[str, Any] = {"index": evaluate(searcher, questions, k=10)}
    print(f"index {args.index} (n={len(questions)})\n{format_table(figures['index'])}")
    for value in (float(v) for v in args.penalties.split(",") if v.strip()):
        tuned = Searcher(args.index, embedder, overview_penalty=value)  # type: ignore[arg-type]
        figures[f"penalty {value}"] = evaluate(tuned, questions, k=10, modes=("hybrid",))
        print(f"overview penalty {value}: {figures[f'penalty {value}']['hybrid']}")
    if args.reference_kb is not None:
        figures["reference"] = reference_figures(args.reference_kb, args.reference_cache,
                                                 embedder, questions)
        print(f"plain reference: {figures['reference']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
