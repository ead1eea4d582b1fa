"""Query latency on a large index: ``Searcher.search`` against the bare model + FAISS cost.

Writes an index version of ``--chunks`` chunks (default 100,000) into a temporary folder:
texts are random runs of words from the German corpora in ../shared/data (or syllable soup
when they are absent), vectors are random unit vectors (the FAISS cost does not depend on
what they mean), one document in ten is restricted to an access group. Each query is then
embedded by the real e5 model, both ways, interleaved, in one run:

* bare: one ``embed_query`` call + one FAISS search for 10 neighbours;
* ``Searcher.search(query, k=5)`` in hybrid mode as a user outside the restricted group
  (filter, BM25 over words and n-grams, fusion, cosines, grouping, chunk texts from SQLite).

It prints p50/p95 of both and their ratio (goal: hybrid p50 <= 1.5x bare p50). Writes
nothing into the repository.

    nice python bench/query_latency.py                    # ~5 min to write the index
    nice python bench/query_latency.py --chunks 20000 --rounds 3 --json out.json
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.embedding import load_embedder  # noqa: E402
from indexer.model import Chunk, DocumentMeta  # noqa: E402
from indexer.search.searcher import Searcher  # noqa: E402
from indexer.store.version import current_version_id, open_current  # noqa: E402
from indexer.store.writer import set_current, write_version  # noqa: E402

CORPORA = ("bw_ortsrecht", "hamburg_service/service_pages_md")
DATA = (REPO.parent / "shared/data", Path("/work/shared/data"))
CHUNKS_PER_DOCUMENT = 10
QUERIES = [
    "Wie melde ich einen Hund an?", "Was brauche ich, wenn jemand seinen Hund abmeldet?",
    "Welche Unterlagen sind für die Gewerbeanmeldung nötig?", "Wann ist die Hundesteuer fällig?",
    "Wer ist für den Winterdienst zuständig?", "Was kostet ein Reisepass?",
    "Wie beantrage ich einen Bewohnerparkausweis?", "Gebühren für ein Urnengrab",
    "Wie lange dauert eine Baugenehmigung?", "Wo bekomme ich eine Meldebescheinigung?",
    "Sperrmüll anmelden", "Ablauf der Eheschließung im Standesamt",
    "Welche Frist gilt für den Widerspruch gegen den Gebührenbescheid?",
    "Wie wird die Feuerwehrsatzung geändert?", "Urlaubsantrag für Beschäftigte",
    "Führungszeugnis beantragen", "Wer vertritt die Kämmerin im Urlaub?",
    "Plakatierung vor Wahlen genehmigen", "Zuschuss für Vereine beantragen",
    "Straßenreinigung Pflichten der Anlieger",
]


def corpus_words(rng: random.Random) -> list[str]:
    for base in DATA:
        files = [f for c in CORPORA for f in sorted((base / c).rglob("*.md"))]
        if files:
            return [w for f in files for w in f.read_text("utf-8", errors="replace").split()]
    syllables = "an be de ein en er ge haus heit hund keit lich ord steu tung ung ver".split()
    return ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(200_000)]


def synthetic_chunks(count: int, rng: random.Random) -> list[Chunk]:
    words = corpus_words(rng)
    chunks = []
    for row in range(count):
        doc, ordinal = divmod(row, CHUNKS_PER_DOCUMENT)
        length = rng.randint(60, 120)
        start = rng.randrange(0, len(words) - length)
        meta = DocumentMeta(title=f"Dokument {doc}",
                            groups=("personalamt",) if doc % 10 == 0 else ())
        chunks.append(Chunk(source=f"abteilung{doc % 12}/dokument{doc:06d}.md",
                            title=meta.title, heading_path=(f"Abschnitt {ordinal + 1}",),
                            text=" ".join(words[start:start + length]), page=None,
                            ordinal=ordinal, meta=meta))
    return chunks


def write_index(index_dir: Path, count: int, dimension: int) -> float:
    started = time.monotonic()
    rng = random.Random(11)
    chunks = synthetic_chunks(count, rng)
    vectors = np.random.default_rng(11).standard_normal((count, dimension), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    docs: dict[str, tuple[DocumentMeta, int]] = {}
    for chunk in chunks:
        meta, n = docs.get(chunk.source, (chunk.meta, 0))
        docs[chunk.source] = (meta, n + 1)
    files = [(src, f"{i:064x}", 1000, meta, n) for i, (src, (meta, n)) in enumerate(docs.items())]
    version_id = "synthetic"
    manifest = {"format": 1, "version_id": version_id, "model": "e5", "dimension": dimension,
                "counts": {"files": len(files), "chunks": count}}
    write_version(index_dir, version_id, chunks, vectors, files, [], manifest)
    set_current(index_dir, version_id)
    return time.monotonic() - started


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(index_dir: Path, rounds: int) -> dict[str, Any]:
    embedder = load_embedder("e5")
    started = time.perf_counter()
    searcher = Searcher(index_dir, embedder)  # sets FAISS to one thread, as the bot has it
    open_seconds = time.perf_counter() - started
    dense = open_current(index_dir).dense

    def bare(query: str) -> None:
        dense.search(embedder.embed_query(query).reshape(1, -1), 10)

    for query in QUERIES[:5]:  # warm-up: model, caches, the group mask
        bare(query)
        searcher.search(query, k=5, groups=("buergerbuero",))
    samples: dict[str, list[float]] = {"bare": [], "hybrid": [], "hybrid_unfiltered": []}
    for _ in range(rounds):
        for query in QUERIES:
            samples["bare"].append(timed(lambda q=query: bare(q)))
            samples["hybrid"].append(timed(
                lambda q=query: searcher.search(q, k=5, groups=("buergerbuero",))))
            samples["hybrid_unfiltered"].append(timed(lambda q=query: searcher.search(q, k=5)))
    stats = {name: {"p50_ms": round(float(np.percentile(v, 50)) * 1000, 2),
                    "p95_ms": round(float(np.percentile(v, 95)) * 1000, 2), "n": len(v)}
             for name, v in samples.items()}
    stats["ratio_p50"] = round(stats["hybrid"]["p50_ms"] / stats["bare"]["p50_ms"], 3)
    stats["ratio_p95"] = round(stats["hybrid"]["p95_ms"] / stats["bare"]["p95_ms"], 3)
    stats["searcher_open_seconds"] = round(open_seconds, 2)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries")
    parser.add_argument("--work", type=Path, help="keep the index here (reused if present)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="latency-") as scratch:
        index_dir = (args.work or Path(scratch)) / "index"
        if REPO in index_dir.resolve().parents:
            parser.error("--work must lie outside the repository")
        build_seconds = None
        if current_version_id(index_dir) is None:
            build_seconds = round(write_index(index_dir, args.chunks, 384), 1)
            print(f"wrote {args.chunks} chunks in {build_seconds} s", flush=True)
        stats = {"chunks": open_current(index_dir).chunk_count, "build_seconds": build_seconds,
                 **measure(index_dir, args.rounds)}
    print(json.dumps(stats, indent=2))
    if args.json:
        args.json.write_text(json.dumps(stats, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
