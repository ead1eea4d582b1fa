"""Indexing throughput on the Hamburg corpus: pipeline vs bare embedder, rebuild, cache.

In one run on the same chunks it reports
  * chunks/s of the full build (embedded texts / wall time of ``build_index``) and chunks/s of
    the bare embedder (the same texts / time spent inside ``embed_passages`` during that
    build), plus a separate bare pass over a sample of the same texts as a cross-check;
  * the no-change rebuild time as a share of the full build;
  * how many embeddings the cache saved: duplicate texts within the build, and a build from
    scratch into a new index that shares the cache;
  * with ``--count``: how many strings a full build of the whole corpus embeds with each
    vector recipe (``joint``: title + headings + text as one string; ``split``: body and title
    apart), through the real build with e5's tokenizer and a counting embedder (no model run).

Reads ../shared/data/hamburg_service (relative to the repository) or
/work/shared/data/hamburg_service and exits with a message when neither exists.

    python bench/index_throughput.py --limit 40 --model e5
    python bench/index_throughput.py --count          # embeddings per recipe, whole corpus
    nice -n 10 python bench/index_throughput.py --json bench/out/hamburg.json
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.build.pipeline import build_index  # noqa: E402
from indexer.build.scan import scan_knowledge_base  # noqa: E402
from indexer.build.steps import VectorRecipe  # noqa: E402
from indexer.embedding import Embedder, FakeEmbedder, load_embedder  # noqa: E402
from indexer.settings import IndexSettings  # noqa: E402
from indexer.store.version import open_current  # noqa: E402

CANDIDATES = (REPO.parent / "shared/data/hamburg_service",
              Path("/work/shared/data/hamburg_service"))


class CountingEmbedder:
    """The real model's tokenizer (so chunks are what a real build makes), hashed vectors."""

    def __init__(self, tokenizer: Embedder) -> None:
        self.tokenizer = tokenizer
        self.fake = FakeEmbedder(dimension=tokenizer.dimension, max_tokens=tokenizer.max_tokens)
        self.name = f"{tokenizer.name}-counting"
        self.dimension, self.max_tokens = tokenizer.dimension, tokenizer.max_tokens
        self.texts = 0

    def count_tokens(self, text: str) -> int:
        return self.tokenizer.count_tokens(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.fake.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.fake.embed_query(text)


def count_per_recipe(corpus: Path, workdir: Path, model: str) -> dict[str, Any]:
    """Build the whole corpus once per recipe (separate indexes and caches): texts embedded."""
    tokenizer = load_embedder(model)
    figures: dict[str, Any] = {}
    for recipe in (VectorRecipe("joint"), VectorRecipe("split")):
        counting = CountingEmbedder(tokenizer)
        settings = IndexSettings(kb_dir=corpus, index_dir=workdir / f"count-{recipe.kind}",
                                 model=counting.name)
        report, seconds = timed_build(settings, counting, recipe)
        figures[recipe.kind] = {"files": len(report.new), "chunks": report.chunks,
                                "texts_embedded": counting.texts, "seconds": round(seconds, 1)}
        emit(f"count {recipe.kind}", figures)
    joint, split = figures["joint"]["texts_embedded"], figures["split"]["texts_embedded"]
    figures["split_share_of_joint"] = round(split / joint, 4) if joint else None
    return figures


class TimedEmbedder:
    """Passes everything to the real embedder and adds up the time spent embedding."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens
        self.seconds = 0.0
        self.texts = 0

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.embed_passages(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def corpus_dir(given: Path | None) -> Path | None:
    for candidate in ([given] if given else CANDIDATES):
        if candidate is not None and candidate.is_dir():
            return candidate
    return None


def limited_copy(corpus: Path, limit: int, workdir: Path) -> Path:
    """A knowledge base of symlinks to the first ``limit`` files (PDFs first, then pages)."""
    files = [f.path for f in scan_knowledge_base(corpus, 10**12).files]
    pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
    others = [p for p in files if p.suffix.lower() != ".pdf"]
    random.Random(7).shuffle(others)
    kb = workdir / "kb"
    for path in (pdfs[: max(1, limit // 10)] + others)[:limit]:
        link = kb / path.relative_to(corpus)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(path)
    return kb


def log_progress(phase: str, done: int, total: int) -> None:
    step = max(1, total // 20)
    if done == total or done % step < (16 if phase == "embed" else 1):
        print(f"{time.strftime('%H:%M:%S')} {phase} {done}/{total}", file=sys.stderr, flush=True)


def timed_build(settings: IndexSettings, embedder: Embedder,
                recipe: VectorRecipe | None = None) -> tuple[Any, float]:
    started = time.perf_counter()
    report = build_index(settings, embedder=embedder, progress=log_progress, recipe=recipe)
    return report, time.perf_counter() - started


def bare_sample(embedder: Embedder, index_dir: Path, size: int, batch: int) -> dict[str, float]:
    """Embed a sample of the build's own texts again, straight through the embedder."""
    version = open_current(index_dir, None)
    chunks = version.chunks(range(version.chunk_count))
    recipe = VectorRecipe(**version.manifest.get("vectors", {"kind": "joint"}))
    texts = list(dict.fromkeys(t for c in chunks for t in recipe.parts(c)))
    sample = random.Random(11).sample(texts, min(size, len(texts)))
    started = time.perf_counter()
    for start in range(0, len(sample), batch):
        embedder.embed_passages(sample[start:start + batch])
    seconds = time.perf_counter() - started
    return {"texts": len(sample), "seconds": seconds, "chunks_per_s": len(sample) / seconds}


def pdf_pages(index_dir: Path) -> dict[str, int]:
    version = open_current(index_dir, None)
    db = sqlite3.connect(version.path / "chunks.sqlite")
    rows = db.execute("SELECT source, count(DISTINCT page) FROM chunks WHERE lower(source) "
                      "LIKE '%.pdf' GROUP BY source").fetchall()
    return {source: pages for source, pages in rows}


def distinct_bodies(index_dir: Path) -> int:
    version = open_current(index_dir, None)
    db = sqlite3.connect(version.path / "chunks.sqlite")
    return int(db.execute("SELECT count(DISTINCT text) FROM chunks").fetchone()[0])


def run(args: argparse.Namespace, corpus: Path, workdir: Path) -> dict[str, Any]:
    """Each phase adds its figures and prints them at once, so a long run that is stopped
    late still leaves what it measured."""
    kb = limited_copy(corpus, args.limit, workdir) if args.limit else corpus
    # 'fake' measures the pipeline's own overhead (no model), for development only
    inner = FakeEmbedder() if args.model == "fake" else load_embedder(args.model)
    embedder = TimedEmbedder(inner)
    settings = IndexSettings(kb_dir=kb, index_dir=workdir / "index", model=embedder.name)
    figures: dict[str, Any] = {"corpus": str(corpus), "files_limit": args.limit,
                               "model": embedder.name}
    recipe = VectorRecipe(args.recipe)
    figures["vectors"] = recipe.to_manifest()
    full, full_s = timed_build(settings, embedder, recipe)
    pipeline_rate = full.embedded / full_s
    inner_rate = embedder.texts / embedder.seconds if embedder.seconds else 0.0
    figures.update({
        "files_indexed": len(full.new), "skipped": [[s.file, s.reason] for s in full.skipped],
        "chunks": full.chunks, "embedded": full.embedded, "duplicates_in_build": full.duplicates,
        "distinct_chunk_bodies": distinct_bodies(settings.index_dir),
        "full_build_s": round(full_s, 2), "embed_s_inside_build": round(embedder.seconds, 2),
        "pipeline_chunks_per_s": round(pipeline_rate, 3),
        "bare_embedder_chunks_per_s_same_run": round(inner_rate, 3),
        "pipeline_share_of_bare": round(pipeline_rate / inner_rate, 4) if inner_rate else None,
        "pdf_pages_indexed": pdf_pages(settings.index_dir),
    })
    emit("full build", figures)
    rebuild, rebuild_s = timed_build(settings, embedder, recipe)
    figures.update({"nochange_rebuild_s": round(rebuild_s, 3),
                    "nochange_share_of_full": round(rebuild_s / full_s, 5),
                    "nochange_embedded": rebuild.embedded,
                    "nochange_published": rebuild.published})
    emit("no-change rebuild", figures)
    bare = bare_sample(embedder.inner, settings.index_dir, args.bare_sample, 16)
    figures["bare_sample"] = {k: round(v, 3) for k, v in bare.items()}
    figures["pipeline_share_of_bare_sample"] = round(pipeline_rate / bare["chunks_per_s"], 4)
    emit("bare sample", figures)
    if args.scratch:
        figures.update(scratch_with_cache(kb, workdir, embedder, recipe))
    if args.census:
        figures["census_full_corpus"] = census(corpus, embedder)
        emit("census", figures)
    return figures


def census(corpus: Path, embedder: Embedder) -> dict[str, int]:
    """Load and chunk the whole corpus with the model's tokenizer (no embedding): how many
    chunks a full build has, and how many of them the cache spares."""
    from indexer.build.steps import load_changed

    settings = IndexSettings(kb_dir=corpus, index_dir=Path("unused"), model=embedder.name)
    scan = scan_knowledge_base(corpus, int(settings.max_file_mb * 1_000_000))
    docs, skipped = load_changed(settings, scan, None, embedder, log_progress)
    chunks = [c for d in docs for c in d.chunks]
    distinct = len({c.text_hash for c in chunks})
    split = len({c.body_text for c in chunks} | {c.context_text for c in chunks} - {""})
    return {"files": len(docs), "skipped": len(skipped), "chunks": len(chunks),
            "distinct_texts_joint_recipe": distinct, "saved_by_cache": len(chunks) - distinct,
            "distinct_bodies_without_title": len({c.text for c in chunks}),
            "distinct_texts_split_recipe": split}


def scratch_with_cache(kb: Path, workdir: Path, embedder: TimedEmbedder,
                       recipe: VectorRecipe) -> dict[str, Any]:
    """A new, empty index that shares the embedding cache: nothing needs embedding."""
    fresh = IndexSettings(kb_dir=kb, index_dir=workdir / "index2", model=embedder.name)
    (workdir / "index2" / "cache").mkdir(parents=True)
    (workdir / "index2" / "cache" / "embeddings.sqlite").symlink_to(
        workdir / "index" / "cache" / "embeddings.sqlite")
    scratch, scratch_s = timed_build(fresh, embedder, recipe)
    return {"scratch_with_cache_s": round(scratch_s, 2), "scratch_embedded": scratch.embedded,
            "scratch_cached": scratch.cached}


def emit(phase: str, figures: dict[str, Any]) -> None:
    print(json.dumps({"after": phase, **figures}, ensure_ascii=False), file=sys.stderr,
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="default: the shared Hamburg corpus")
    parser.add_argument("--limit", type=int, default=0, help="index only N files (0 = all)")
    parser.add_argument("--model", default="e5")
    parser.add_argument("--bare-sample", type=int, default=128,
                        help="texts embedded again outside the pipeline as a cross-check")
    parser.add_argument("--scratch", action="store_true",
                        help="also build a new index that shares the cache (loads all again)")
    parser.add_argument("--census", action="store_true",
                        help="also chunk the whole corpus (no embedding): chunks, cache savings")
    parser.add_argument("--recipe", choices=("joint", "split"), default="split",
                        help="vector recipe of the subset build (default split)")
    parser.add_argument("--count", action="store_true",
                        help="only count texts embedded per vector recipe, whole corpus")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--workdir", type=Path,
                        help="keep the indexes here (must be empty) instead of a temp folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    corpus = corpus_dir(args.corpus)
    if corpus is None:
        print("skipped: Hamburg corpus not found (../shared/data/hamburg_service)")
        return 0
    measure = (lambda work: count_per_recipe(corpus, work, args.model)) if args.count else (
        lambda work: run(args, corpus, work))
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        figures = measure(args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
            figures = measure(Path(tmp))
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
