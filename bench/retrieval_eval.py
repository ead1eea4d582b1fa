"""Retrieval on a real knowledge base against a plain reference measured in the same run.

Evaluates an existing index (``--index``, built by ``python -m indexer build``) on a questions
file in every mode, and, with ``--reference-kb``, the plain reference retriever of
``bench/reference_retriever.py`` (markdown pages alone, 120-word windows, e5 + BM25, RRF) on
the same questions. ``--penalties 0,0.1,0.3`` also prints hybrid figures per overview penalty
(for fitting it on a tune set only). ``--bench`` reads a question file of
``bench/answer_eval.py`` instead (in-scope questions with relevant documents) and also ranks
as that benchmark does (40 hits, their sources only, duplicates collapsed by the Hamburg
``service`` rule), so held-out figures are comparable with it. Only aggregates are printed.
Writes nothing into the repository.

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
                      questions: list[Question], rule: str | None) -> dict[str, float | int]:
    """The plain reference's measures; ``rule`` collapses duplicates as the benchmark does."""
    from bench.answer_scoring import collapse, first_relevant_rank
    from bench.reference_retriever import ReferenceRetriever, read_pages

    retriever = ReferenceRetriever(read_pages(kb, markdown_only=True), embedder, cache)
    ranks = []
    for q in questions:
        pages = retriever.search(q.question, k=40)
        ranks.append(first_relevant_rank(collapse(pages, rule) if rule else pages, q.relevant))
    return metrics(ranks, 10)


def bench_questions(path: Path) -> list[Question]:
    from bench.answer_scoring import load_bench_questions

    return [Question(q.question, q.relevant) for q in load_bench_questions(path)
            if q.in_scope and q.relevant]


def collapsed_figures(searcher: Searcher, questions: list[Question], rule: str
                      ) -> dict[str, dict[str, float | int]]:
    """Per mode, ranked as bench/answer_eval.py ranks: hit sources, duplicates collapsed."""
    from bench.answer_scoring import collapse, first_relevant_rank

    figures = {}
    for mode in ("dense", "bm25", "hybrid"):
        ranks = [first_relevant_rank(collapse([h.source for h in searcher.search(
            q.question, k=40, mode=mode, groups=())], rule), q.relevant) for q in questions]
        figures[mode] = metrics(ranks, 10)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--model", default="e5")
    parser.add_argument("--reference-kb", type=Path)
    parser.add_argument("--reference-cache", type=Path)
    parser.add_argument("--penalties", default="", help="comma-separated overview penalties")
    parser.add_argument("--bench", action="store_true",
                        help="the questions file is one of bench/answer_eval.py")
    parser.add_argument("--rule", default="service", help="duplicate rule with --bench")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    questions = (bench_questions(args.questions) if args.bench
                 else load_questions(args.questions))
    embedder = CachedQueries(load_embedder(args.model))
    searcher = Searcher(args.index, embedder)  # type: ignore[arg-type]
    figures: dict[str, Any] = {"index": evaluate(searcher, questions, k=10)}
    print(f"index {args.index} (n={len(questions)})\n{format_table(figures['index'])}")
    if args.bench:
        figures["collapsed"] = collapsed_figures(searcher, questions, args.rule)
        print(f"as bench/answer_eval.py ranks ({args.rule} rule)\n"
              f"{format_table(figures['collapsed'])}")
    for value in (float(v) for v in args.penalties.split(",") if v.strip()):
        tuned = Searcher(args.index, embedder, overview_penalty=value)  # type: ignore[arg-type]
        figures[f"penalty {value}"] = evaluate(tuned, questions, k=10, modes=("hybrid",))
        print(f"overview penalty {value}: {figures[f'penalty {value}']['hybrid']}")
    if args.reference_kb is not None:
        figures["reference"] = reference_figures(args.reference_kb, args.reference_cache,
                                                 embedder, questions,
                                                 args.rule if args.bench else None)
        print(f"plain reference: {figures['reference']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
