"""The ``search`` and ``eval`` commands of ``python -m indexer``.

``indexer.cli.main`` calls ``add_commands(subparsers)``; each command stores its handler as
``func`` (``args.func(args) -> int``, the exit code).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from indexer.errors import IndexerError
from indexer.model import Hit

_EXCERPT = 300


def add_commands(subparsers: Any) -> None:
    """Register ``search`` and ``eval`` on an argparse sub-parsers object."""
    search = subparsers.add_parser(
        "search",
        help="search the index",
        description="Search the current index version.",
        epilog='example: python -m indexer search "Wie melde ich einen Hund ab?" --k 3',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", help="the question, in German")
    _common(search, default_k=5)
    search.add_argument("--mode", choices=("dense", "bm25", "hybrid"), default="hybrid")
    search.add_argument("--groups", help="search as a user of these access groups (comma list)")
    search.add_argument("--folder", help="only documents below this folder (or department)")
    search.set_defaults(func=run_search)

    evaluate = subparsers.add_parser(
        "eval",
        help="measure retrieval quality on a questions file",
        description="Recall@1, recall@5 and MRR per search mode on a JSON-lines questions "
        'file ({"question": "...", "relevant": ["folder/file", ...]} per line).',
        epilog="example: python -m indexer eval knowledge_base/fragen.jsonl --mode all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("questions", type=Path, help="questions file (JSON lines)")
    _common(evaluate, default_k=10)
    evaluate.add_argument("--mode", choices=("dense", "bm25", "hybrid", "all"), default="all")
    evaluate.set_defaults(func=run_eval)


def _common(parser: argparse.ArgumentParser, default_k: int) -> None:
    parser.add_argument("--index", type=Path, help="index folder (default: settings)")
    parser.add_argument("--k", type=int, default=default_k, help="results per question")
    parser.add_argument("--json", action="store_true", help="print JSON")


def open_searcher(index_dir: Path | None) -> Any:
    """A Searcher over ``index_dir`` with the embedding model the index was built with."""
    from indexer.embedding import load_embedder
    from indexer.search.searcher import Searcher
    from indexer.settings import IndexSettings, load_settings
    from indexer.store.version import open_current

    if index_dir is None:  # from the environment (WISSENSLOTSE_INDEX_DIR)
        settings = load_settings(IndexSettings)
        if settings is None:  # the problems are printed
            raise SystemExit(2)
        index_dir = settings.index_dir
    folder = index_dir
    model = str(open_current(folder, expect_model=None).manifest.get("model", "e5"))
    return Searcher(folder, load_embedder(model))


def run_search(args: argparse.Namespace) -> int:
    if args.k < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return 2
    groups = None if args.groups is None else [g.strip() for g in args.groups.split(",") if g]
    try:
        hits = open_searcher(args.index).search(
            args.query, k=args.k, mode=args.mode, groups=groups, folder=args.folder
        )
    except IndexerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([hit_record(h) for h in hits], ensure_ascii=False, indent=2))
    else:
        print("\n".join(format_hit(h) for h in hits) if hits else "no hits")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from indexer.evaluate import evaluate, load_questions

    modes = ("dense", "bm25", "hybrid") if args.mode == "all" else (args.mode,)
    if args.k < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return 2
    try:
        questions = load_questions(args.questions)
        results = evaluate(open_searcher(args.index), questions, k=args.k, modes=modes)
    except IndexerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results))
    else:
        print(format_table(results))
    return 0


def hit_record(hit: Hit) -> dict[str, Any]:
    chunk = hit.chunk
    return {
        "rank": hit.rank,
        "source": chunk.source,
        "page": chunk.page,
        "title": chunk.title,
        "heading": " > ".join(chunk.heading_path),
        "score": round(hit.score, 4),
        "dense_score": None if hit.dense_score is None else round(hit.dense_score, 4),
        "lexical_score": None if hit.lexical_score is None else round(hit.lexical_score, 4),
        "text": chunk.text,
        "more_in_document": [
            {"page": c.page, "heading": " > ".join(c.heading_path)} for c in hit.more_in_document
        ],
        "also_in": list(hit.also_in),
    }


def format_hit(hit: Hit) -> str:
    chunk = hit.chunk
    where = chunk.source + (f", page {chunk.page}" if chunk.page else "")
    heading = " > ".join(p for p in (chunk.title, *chunk.heading_path) if p)
    cosine = "-" if hit.dense_score is None else f"{hit.dense_score:.3f}"
    lexical = "-" if hit.lexical_score is None else f"{hit.lexical_score:.2f}"
    excerpt = textwrap.shorten(" ".join(chunk.text.split()), _EXCERPT, placeholder=" ...")
    lines = [
        f"{hit.rank}. {where}  [score {hit.score:.3f}, cosine {cosine}, bm25 {lexical}]",
        f"   {heading}",
        textwrap.indent(textwrap.fill(excerpt, 96), "   "),
    ]
    if hit.more_in_document:
        lines.append(f"   (+{len(hit.more_in_document)} more passages in this document)")
    if hit.also_in:
        shown = ", ".join(hit.also_in[:3]) + (" ..." if len(hit.also_in) > 3 else "")
        lines.append(f"   (same content in {len(hit.also_in)} more: {shown})")
    return "\n".join(lines)


def format_table(results: dict[str, dict[str, float | int]]) -> str:
    if not results:
        return ""
    keys = list(next(iter(results.values())))
    rows = [f"{'mode':<8}" + "".join(f"{key:>11}" for key in keys)]
    for mode, values in results.items():
        cells = "".join(
            f"{values[key]:>11}" if key == "n" else f"{float(values[key]):>11.3f}" for key in keys
        )
        rows.append(f"{mode:<8}{cells}")
    return "\n".join(rows)
