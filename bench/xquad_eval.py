"""Retrieval quality on XQuAD-de: recall@1, recall@5 and MRR@10 per search mode.

Turns ``xquad_de`` (240 passages, 1,190 questions, one relevant passage each) into a
knowledge base of Markdown files in a temporary folder (``<article>/<passage>.md`` with the
article title as front matter ``titel``), writes a questions file, builds the index with the
default settings (model e5 unless ``--model``), and evaluates every mode on all questions
and on the two halves of the articles: ``tune`` (even articles, where the fusion weights were
chosen) and ``held-out`` (odd articles, never looked at while tuning). ``--sweep`` also
prints hybrid measures over a range of dense weights on both halves.

Reads ../shared/data/xquad_de (relative to the repository) or /work/shared/data/xquad_de
and exits with a message when neither exists. Writes nothing into the repository.

    nice python bench/xquad_eval.py                 # ~2-4 min on 2 cores (embeds 240 passages)
    nice python bench/xquad_eval.py --model minilm --sweep --json out.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.build.pipeline import build_index  # noqa: E402
from indexer.cli.search import format_table  # noqa: E402
from indexer.embedding import Embedder, load_embedder  # noqa: E402
from indexer.evaluate import Question, evaluate  # noqa: E402
from indexer.search.searcher import Searcher  # noqa: E402
from indexer.settings import IndexSettings  # noqa: E402

CANDIDATES = (REPO.parent / "shared/data/xquad_de", Path("/work/shared/data/xquad_de"))


def find_data() -> Path | None:
    return next((p for p in CANDIDATES if (p / "corpus.jsonl").is_file()), None)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_knowledge_base(data: Path, kb: Path) -> tuple[list[Question], set[str]]:
    """Markdown files + questions; returns the questions and the titles of the tune half."""
    corpus = read_jsonl(data / "corpus.jsonl")
    paths: dict[str, str] = {}
    for passage in corpus:
        title = passage["title"]
        relative = f"{title}/{passage['_id']}.md"
        target = kb / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        heading = title.replace("_", " ")
        target.write_text(f"---\ntitel: {json.dumps(heading, ensure_ascii=False)}\n---\n"
                          f"{passage['text']}\n", encoding="utf-8")
        paths[passage["_id"]] = relative
    qrels = {}
    for line in (data / "qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        query_id, corpus_id = line.split("\t")[:2]
        qrels[query_id] = corpus_id
    questions = [Question(q["text"], (paths[qrels[q["_id"]]],))
                 for q in read_jsonl(data / "queries.jsonl") if q["_id"] in qrels]
    titles = sorted({p["title"] for p in corpus})
    return questions, set(titles[::2])


class CachedQueries:
    """Embeds each query once, so sweeps over fusion weights cost no model time."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.embed_query = lru_cache(maxsize=None)(inner.embed_query)


def evaluate_halves(searcher: Searcher, questions: list[Question], tune_titles: set[str],
                    modes: tuple[str, ...], with_all: bool = True) -> dict[str, Any]:
    halves = {
        "tune": [q for q in questions if q.relevant[0].split("/")[0] in tune_titles],
        "held_out": [q for q in questions if q.relevant[0].split("/")[0] not in tune_titles],
    }
    if with_all:
        halves = {"all": questions, **halves}
    return {name: evaluate(searcher, part, k=10, modes=modes) for name, part in halves.items()}


def sweep(searcher: Searcher, questions: list[Question], tune_titles: set[str]) -> list[Any]:
    default = searcher.dense_weight
    rows = []
    for weight in np.round(np.arange(0.0, 1.0001, 0.05), 2):
        searcher.dense_weight = float(weight)
        result = evaluate_halves(searcher, questions, tune_titles, ("hybrid",), with_all=False)
        rows.append({"dense_weight": float(weight),
                     **{half: result[half]["hybrid"] for half in ("tune", "held_out")}})
        print(f"w={weight:.2f} tune {rows[-1]['tune']} held-out {rows[-1]['held_out']}",
              flush=True)
    searcher.dense_weight = default
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="e5", help="embedding model (default e5)")
    parser.add_argument("--work", type=Path, help="keep kb + index here (reused if present)")
    parser.add_argument("--sweep", action="store_true", help="also sweep the dense weight")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    data = find_data()
    if data is None:
        print("xquad_de not found under ../shared/data or /work/shared/data: skipped")
        return 0
    with tempfile.TemporaryDirectory(prefix="xquad-") as scratch:
        work = args.work or Path(scratch)
        if REPO in work.resolve().parents:
            parser.error("--work must lie outside the repository")
        return run(data, work, args)


def run(data: Path, work: Path, args: argparse.Namespace) -> int:
    questions, tune_titles = write_knowledge_base(data, work / "knowledge_base")
    embedder = load_embedder(args.model)
    # A reused --work folder is rebuilt from its embedding cache, so the lexical index always
    # comes from the code of this run (a "nothing changed" build would keep the old one).
    (work / "index" / "CURRENT").unlink(missing_ok=True)
    started = time.monotonic()
    settings = IndexSettings(kb_dir=work / "knowledge_base", index_dir=work / "index",
                             model=args.model)
    report = build_index(settings, embedder=embedder)
    build_seconds = time.monotonic() - started
    print(f"index: {report.summary()}", flush=True)
    searcher = Searcher(work / "index", CachedQueries(embedder))  # type: ignore[arg-type]
    result = evaluate_halves(searcher, questions, tune_titles, ("dense", "bm25", "hybrid"))
    figures: dict[str, Any] = {"model": embedder.name, "dense_weight": searcher.dense_weight,
                               "chunks": report.chunks, "build_seconds": round(build_seconds, 1),
                               **result}
    for half in ("all", "tune", "held_out"):
        print(f"\n{half} (n={result[half]['hybrid']['n']}, "
              f"dense weight {searcher.dense_weight:.2f})\n{format_table(result[half])}")
    if args.sweep:
        figures["sweep"] = sweep(searcher, questions, tune_titles)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
