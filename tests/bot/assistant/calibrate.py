"""Measure how well the confidence (best cosine of question and passage) separates in-domain
from out-of-domain questions, and suggest ``min_confidence``.

    python -m tests.bot.assistant.calibrate --kb knowledge_base --index var/index
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from pathlib import Path

from bot.answer import confidence_of
from tests.bot.assistant.confidence_questions import OUT_OF_DOMAIN, in_domain


def scores(index_dir: Path, questions: Sequence[str], model: str = "e5") -> list[float]:
    from indexer.embedding import load_embedder
    from indexer.search import Searcher

    searcher = Searcher(index_dir, load_embedder(model))
    return [confidence_of(searcher.search(q, k=8, groups=None)) for q in questions]


def best_threshold(inside: Sequence[float], outside: Sequence[float]) -> tuple[float, int]:
    """The threshold (midpoint between neighbouring scores) with the fewest errors."""
    values = sorted(set(inside) | set(outside))
    candidates = [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)] or values

    def errors(t: float) -> int:
        return sum(s < t for s in inside) + sum(s >= t for s in outside)

    best = min(candidates, key=lambda t: (errors(t), -t))
    return best, errors(best)


def report(inside: Sequence[float], outside: Sequence[float]) -> str:
    threshold, wrong = best_threshold(inside, outside)

    def q(values: Sequence[float], p: int) -> float:
        return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]

    return "\n".join([
        f"in-domain  n={len(inside)} min={min(inside):.3f} p5={q(inside, 5):.3f} "
        f"median={statistics.median(inside):.3f} max={max(inside):.3f}",
        f"out-domain n={len(outside)} max={max(outside):.3f} p95={q(outside, 95):.3f} "
        f"median={statistics.median(outside):.3f} min={min(outside):.3f}",
        f"gap (in min - out max) = {min(inside) - max(outside):+.3f}",
        f"best threshold {threshold:.3f}: {wrong} of {len(inside) + len(outside)} misjudged",
    ])  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, default=Path("knowledge_base"))
    parser.add_argument("--index", type=Path, default=Path("var/index"))
    parser.add_argument("--model", default="e5")
    args = parser.parse_args(argv)
    inside = scores(args.index, in_domain(args.kb), args.model)
    outside = scores(args.index, OUT_OF_DOMAIN, args.model)
    print(report(inside, outside))
    for question, score in sorted(zip(OUT_OF_DOMAIN, outside, strict=True), key=lambda p: -p[1])[
        :5
    ]:
        print(f"  out {score:.3f} {question}")
    for question, score in sorted(zip(in_domain(args.kb), inside, strict=True), key=lambda p: p[1])[
        :5
    ]:
        print(f"  in  {score:.3f} {question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
