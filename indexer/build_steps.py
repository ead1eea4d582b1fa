"""The steps of a build: which files to load, loading and chunking them, finding vectors."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexer.embedding import Embedder
from indexer.embedding_cache import EmbeddingCache
from indexer.errors import LoaderError
from indexer.model import Chunk, DocumentMeta
from indexer.scan import ScannedFile, ScanResult, SkippedFile
from indexer.settings import IndexSettings
from indexer.store import IndexVersion

log = logging.getLogger(__name__)

EMBED_BATCH = 16
_PACKAGE = Path(__file__).resolve().parent
# The code that decides what a file's chunks are: when it changes, files are chunked again.
_CHUNKING_CODE = ("model.py", "chunking.py", "loaders")


@dataclass(frozen=True)
class DocumentChunks:
    source: str
    sha256: str
    size: int
    meta: DocumentMeta
    chunks: tuple[Chunk, ...]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Version + hash of the chunking code as this process loaded it (read once)."""
    from indexer import __version__

    digest = hashlib.sha256()
    for name in _CHUNKING_CODE:
        path = _PACKAGE / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(file.relative_to(_PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def reusable_previous(previous: IndexVersion | None, model: Embedder,
                      chunking: dict[str, int], code: str) -> IndexVersion | None:
    """The previous version if its chunks are what this build would produce, else None."""
    if previous is None:
        return None
    manifest = previous.manifest
    if (manifest.get("model") == model.name and manifest.get("chunking") == chunking
            and manifest.get("code_version") == code):
        return previous
    log.info("previous version %s was chunked differently (model, settings or code): "
             "every file is loaded again", previous.version_id)
    return None


def load_changed(settings: IndexSettings, scan: ScanResult, reuse: IndexVersion | None,
                 model: Embedder, progress: Callable[[str, int, int], None]
                 ) -> tuple[list[DocumentChunks], list[SkippedFile]]:
    """Chunks of every scanned file: reused when unchanged, else loaded and chunked."""
    known = reuse.file_records() if reuse is not None else {}
    metas = reuse.document_meta() if reuse is not None else {}
    docs: list[DocumentChunks] = []
    skipped = list(scan.skipped)
    total = len(scan.files)
    for done, found in enumerate(scan.files, start=1):
        record = known.get(found.source)
        if reuse is not None and record is not None and record.sha256 == found.sha256:
            chunks = tuple(reuse.chunks_of(found.source))
            meta = metas.get(found.source, DocumentMeta())
            docs.append(DocumentChunks(found.source, found.sha256, found.size, meta, chunks))
        else:
            loaded = _load_one(settings, found, model)
            if isinstance(loaded, SkippedFile):
                skipped.append(loaded)
            else:
                docs.append(loaded)
        progress("load", done, total)
    skipped.sort(key=lambda s: s.file)
    return docs, skipped


def _load_one(settings: IndexSettings, found: ScannedFile, model: Embedder
              ) -> DocumentChunks | SkippedFile:
    from indexer.chunking import chunk_sections
    from indexer.loaders import load_file

    try:
        sections = load_file(found.path, Path(settings.kb_dir))
        sections = [replace(s, source=found.source) if s.source != found.source else s
                    for s in sections]
        chunks = chunk_sections(sections, model.count_tokens, model.max_tokens,
                                settings.chunk_tokens)
    except LoaderError as exc:
        return SkippedFile(found.source, exc.reason)
    except Exception as exc:  # a loader bug on one file must not stop the others
        log.exception("unexpected error while loading %s", found.source)
        return SkippedFile(found.source, f"unexpected error: {type(exc).__name__}: {exc}")
    if not chunks:
        return SkippedFile(found.source, "no text found")
    if _changed_since_scan(found):
        return SkippedFile(found.source, "file changed while it was indexed; build again")
    meta = chunks[0].meta
    return DocumentChunks(found.source, found.sha256, found.size, meta, tuple(chunks))


def _changed_since_scan(found: ScannedFile) -> bool:
    try:
        info = os.stat(found.path)
    except OSError:
        return True
    return info.st_size != found.size or info.st_mtime_ns != found.mtime_ns


def vectors_for(chunks: list[Chunk], model: Embedder, previous: IndexVersion | None,
                cache: EmbeddingCache, progress: Callable[[str, int, int], None]
                ) -> tuple[np.ndarray, dict[str, int]]:
    """One vector per chunk; each distinct text is embedded at most once, ever, per model."""
    hashes = [c.text_hash for c in chunks]
    texts = {h: c.embed_text for h, c in zip(hashes, chunks, strict=True)}
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.manifest.get("model") == model.name and \
            previous.manifest.get("dimension") == model.dimension:
        old = previous.vectors_by_hash()
        known = {h: old[h] for h in texts if h in old}
    known.update(cache.get_many(model.name, [h for h in texts if h not in known],
                                model.dimension))
    missing = [h for h in texts if h not in known]
    progress("embed", 0, len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start:start + EMBED_BATCH]
        fresh = model.embed_passages([texts[h] for h in batch])
        embedded = dict(zip(batch, fresh, strict=True))
        cache.put_many(model.name, embedded)  # kept even if this build is killed later
        known.update(embedded)
        progress("embed", start + len(batch), len(missing))
    matrix = np.zeros((len(chunks), model.dimension), dtype=np.float32)
    for row, text_hash in enumerate(hashes):
        matrix[row] = known[text_hash]
    counts = {"embedded": len(missing), "cached": len(texts) - len(missing),
              "duplicates": len(chunks) - len(texts)}
    return matrix, counts
