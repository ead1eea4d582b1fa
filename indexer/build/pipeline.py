"""Incremental build: scan, load what changed, embed what is new, publish a new version.

Unchanged files (same content hash, same model, chunking settings and code) keep their chunks
from the previous version without being read again; every chunk text whose vector is known
(previous version or embedding cache) keeps it; identical texts are embedded once. The
previous version serves until CURRENT is swapped at the very end.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.build.duplicates import body_text, content_groups
from indexer.build.overview import overview_scores
from indexer.build.scan import ScanResult, SkippedFile, add_released, scan_knowledge_base
from indexer.build.steps import (
    DocumentChunks,
    VectorRecipe,
    code_version,
    load_changed,
    reusable_previous,
    vectors_for,
)
from indexer.calibration import MANIFEST_KEY as CALIBRATION_KEY
from indexer.calibration import measure_scale
from indexer.embedding import Embedder, load_embedder
from indexer.embedding.cache import EmbeddingCache
from indexer.errors import IndexerError, KnowledgeBaseEmpty, KnowledgeBaseMissing
from indexer.settings import IndexSettings
from indexer.store import (
    BuildLock,
    ContentInfo,
    FileRecord,
    IndexVersion,
    mark_built,
    open_current,
    prune_versions,
    set_current,
    write_version,
)
from indexer.store.format import FORMAT_VERSION

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # phase ("scan", "load", "embed", "write"), done, total


@dataclass(frozen=True)
class BuildReport:
    version_id: str  # the version serving after the build
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    chunks: int = 0  # chunks in the version
    embedded: int = 0  # distinct strings embedded by this build (bodies and titles: split)
    cached: int = 0  # chunk vectors from the previous version + strings found in the cache
    duplicates: int = 0  # chunks whose text another chunk of this build already has
    seconds: float = 0.0
    published: bool = True  # False: nothing changed, the previous version serves as it is
    warnings: tuple[SkippedFile, ...] = ()  # indexed, but something to fix (unknown keys)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id, "published": self.published,
            "new": list(self.new), "changed": list(self.changed),
            "unchanged": len(self.unchanged), "removed": list(self.removed),
            "skipped": [{"file": s.file, "reason": s.reason} for s in self.skipped],
            "chunks": self.chunks, "embedded": self.embedded, "cached": self.cached,
            "duplicates": self.duplicates, "seconds": round(self.seconds, 3),
            "warnings": [{"file": w.file, "warning": w.reason} for w in self.warnings],
        }

    def summary(self) -> str:
        return (f"files new {len(self.new)} / changed {len(self.changed)} / unchanged "
                f"{len(self.unchanged)} / removed {len(self.removed)} / skipped "
                f"{len(self.skipped)}, chunks {self.chunks} (embedded {self.embedded} texts, "
                f"{self.cached} known, {self.duplicates} duplicate chunks), "
                f"{len(self.warnings)} warnings, {self.seconds:.1f} s")


def build_index(settings: IndexSettings, embedder: Embedder | None = None,
                progress: Progress | None = None, recipe: VectorRecipe | None = None
                ) -> BuildReport:
    """Build a new version of ``settings.index_dir`` from ``settings.kb_dir`` (see module doc).

    ``recipe`` says how chunk vectors are made (default ``VectorRecipe()``, the split recipe).
    """
    started = time.monotonic()
    kb_dir, index_dir = Path(settings.kb_dir), Path(settings.index_dir)
    if not kb_dir.is_dir():
        raise KnowledgeBaseMissing(f"knowledge base folder {kb_dir} does not exist")
    report_progress: Progress = progress or (lambda phase, done, total: None)
    model = embedder or load_embedder(settings.model)
    index_dir.mkdir(parents=True, exist_ok=True)
    with BuildLock(index_dir):
        prune_versions(index_dir, settings.keep_versions)  # clears a killed build's leftovers
        previous = _open_previous(index_dir)
        report_progress("scan", 0, 1)
        limit = int(settings.max_file_mb * 1_000_000)
        scan = scan_knowledge_base(kb_dir, limit)
        scan = add_released(scan, kb_dir, settings.release_dir, limit)
        report_progress("scan", 1, 1)
        report = _build(settings, model, previous, scan, report_progress, started,
                        recipe or VectorRecipe())
        if not report.published:  # replicas read their directory again all the same
            mark_built(index_dir)
    return replace(report, seconds=time.monotonic() - started)


def meta_warnings(docs: list[DocumentChunks]) -> tuple[SkippedFile, ...]:
    """Documents whose metadata carries keys we do not know (a typo is otherwise silent)."""
    warnings = []
    for doc in docs:
        if doc.meta.unknown_keys:
            message = "unknown front matter keys: " + ", ".join(doc.meta.unknown_keys[:10])
            log.warning("%s: %s", doc.source, message)
            warnings.append(SkippedFile(doc.source, message))
    return tuple(warnings)


def _build(settings: IndexSettings, model: Embedder, previous: IndexVersion | None,
           scan: ScanResult, progress: Progress, started: float, recipe: VectorRecipe
           ) -> BuildReport:
    chunking = {"chunk_tokens": settings.chunk_tokens, "max_tokens": model.max_tokens}
    code = code_version()
    reuse = reusable_previous(previous, model, chunking, code, recipe)
    docs, skipped = load_changed(settings, scan, reuse, model, progress)
    old = previous.file_records() if previous is not None else {}
    if not docs and old:
        raise KnowledgeBaseEmpty(
            f"no document in {settings.kb_dir} could be indexed ({len(skipped)} skipped), but "
            f"the serving version has {len(old)}: not replacing it (is the folder mounted?)")
    new, changed, unchanged, removed = _classify(docs, old)
    if (previous is not None and reuse is previous and not new and not changed and not removed
            and _same_skips(previous, skipped)
            and previous.manifest.get("format") == FORMAT_VERSION):
        log.info("nothing changed: version %s keeps serving", previous.version_id)
        return BuildReport(previous.version_id, (), (), unchanged, (), tuple(skipped),
                           chunks=previous.chunk_count, published=False,
                           warnings=meta_warnings(docs))
    version_id, counts = _publish(settings, model, docs, skipped, previous, recipe,
                                  {"chunking": chunking, "code_version": code}, progress,
                                  started)
    return BuildReport(version_id, new, changed, unchanged, removed, tuple(skipped),
                       chunks=counts["chunks"], embedded=counts["embedded"],
                       cached=counts["cached"], duplicates=counts["duplicates"],
                       warnings=meta_warnings(docs))


def _classify(docs: list[DocumentChunks], old: dict[str, FileRecord]
              ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """new, changed, unchanged and removed sources, compared with the previous version."""
    same = {d.source for d in docs if d.source in old and old[d.source].sha256 == d.sha256}
    new = tuple(d.source for d in docs if d.source not in old)
    changed = tuple(d.source for d in docs if d.source in old and d.source not in same)
    unchanged = tuple(d.source for d in docs if d.source in same)
    present = {d.source for d in docs}
    return new, changed, unchanged, tuple(sorted(s for s in old if s not in present))


def _publish(settings: IndexSettings, model: Embedder, docs: list[DocumentChunks],
             skipped: list[SkippedFile], previous: IndexVersion | None,
             recipe: VectorRecipe, settings_used: dict[str, Any], progress: Progress,
             started: float) -> tuple[str, dict[str, int]]:
    index_dir = Path(settings.index_dir)
    chunks = [c for d in docs for c in d.chunks]
    cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite")
    try:
        vectors, counts = vectors_for(chunks, model, previous, cache, progress, recipe)
    finally:
        cache.close()
    now = datetime.now(UTC)
    # Sortable by name (fixed width, microseconds): pruning keeps the newest by name.
    version_id = now.strftime("%Y%m%dT%H%M%S.%fZ") + "-" + secrets.token_hex(3)
    manifest = {
        "format": FORMAT_VERSION, "version_id": version_id, "model": model.name,
        "dimension": model.dimension, "vectors": recipe.to_manifest(), **settings_used,
        "built_at": now.isoformat(timespec="seconds"),
        "build_seconds": round(time.monotonic() - started, 3),  # until the version is written
        "kb_dir": str(Path(settings.kb_dir).resolve()),
        "release_dir": str(Path(settings.release_dir).resolve()) if settings.release_dir else None,
        "counts": {"files": len(docs), "chunks": len(chunks), "skipped": len(skipped), **counts},
    }
    scale = measure_scale(model, vectors, [d.chunks[0].title for d in docs if d.chunks])
    if scale is not None:  # the answer gate reads cosines relative to this index's own scale
        manifest[CALIBRATION_KEY] = scale.to_manifest()
    progress("write", 0, 1)
    files = [(d.source, d.sha256, d.size, d.meta, len(d.chunks)) for d in docs]
    write_version(index_dir, version_id, chunks, vectors, files,
                  [(s.file, s.reason) for s in skipped], manifest, document_content(docs))
    set_current(index_dir, version_id)
    mark_built(index_dir)  # at once: a replica seeing CURRENT and BUILT change reads once
    prune_versions(index_dir, settings.keep_versions)
    progress("write", 1, 1)
    log.info("published version %s: %d chunks", version_id, len(chunks))
    return version_id, {"chunks": len(chunks), **counts}


def document_content(docs: list[DocumentChunks]) -> dict[str, ContentInfo]:
    """Content group and overview score of every document (over the whole knowledge base:
    a changed file can join or leave another's group, so this runs on every build)."""
    groups = content_groups({d.source: body_text(d.chunks) for d in docs})
    overview = overview_scores({d.source: d.chunks for d in docs})
    return {d.source: ContentInfo(groups[d.source], overview[d.source]) for d in docs}


def _same_skips(previous: IndexVersion, skipped: list[SkippedFile]) -> bool:
    before = {(s["file"], s["reason"]) for s in previous.skipped()}
    return before == {(s.file, s.reason) for s in skipped}


def _open_previous(index_dir: Path) -> IndexVersion | None:
    try:
        return open_current(index_dir, None)
    except IndexerError:
        return None
    except Exception as exc:  # a damaged version must not block the repair
        log.warning("previous version unreadable (%s: %s): building from scratch",
                    type(exc).__name__, exc)
        return None
