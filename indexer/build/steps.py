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

from indexer.build.scan import ScannedFile, ScanResult, SkippedFile
from indexer.embedding import Embedder
from indexer.embedding.cache import EmbeddingCache
from indexer.errors import LoaderError
from indexer.model import Chunk, DocumentMeta, text_key
from indexer.settings import IndexSettings
from indexer.store import IndexVersion

log = logging.getLogger(__name__)

EMBED_BATCH = 16
# Weight of the title's vector against the body's in the split recipe (tuned on the tune half
# of XQuAD-de with e5, checked on its held-out half and the sample knowledge base).
CONTEXT_WEIGHT = 0.25
_PACKAGE = Path(__file__).resolve().parent.parent  # the indexer package
# The code that decides what a file's chunks are: when it changes, files are chunked again.
_CHUNKING_CODE = ("model.py", "chunking.py", "loaders")


@dataclass(frozen=True)
class DocumentChunks:
    source: str
    sha256: str
    size: int
    meta: DocumentMeta
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class VectorRecipe:
    """How a chunk's vector is made from passage embeddings; the manifest records it.

    ``joint``: the embedding of ``Chunk.embed_text`` (title, heading path, text) as one string.
    ``split``: normalise(e(body_text) + context_weight * e(context_text)): a body that many
    documents repeat under their own titles is embedded once, each title once.
    """

    kind: str = "split"
    context_weight: float = CONTEXT_WEIGHT

    def __post_init__(self) -> None:
        if self.kind not in ("joint", "split"):
            raise ValueError(f"unknown vector recipe {self.kind!r} (joint or split)")

    def to_manifest(self) -> dict[str, object]:
        if self.kind == "joint":
            return {"kind": "joint"}
        return {"kind": "split", "context_weight": self.context_weight}

    def made(self, manifest: dict[str, object], model: Embedder) -> bool:
        """Whether a version with this manifest holds vectors this recipe would make."""
        return (manifest.get("model") == model.name
                and manifest.get("dimension") == model.dimension
                and manifest.get("vectors", {"kind": "joint"}) == self.to_manifest())

    def parts(self, chunk: Chunk) -> tuple[str, ...]:
        """The strings embedded for ``chunk`` (the body first)."""
        if self.kind == "joint":
            return (chunk.embed_text,)
        context = chunk.context_text
        return (chunk.body_text, context) if context else (chunk.body_text,)

    def combine(self, vectors: list[np.ndarray]) -> np.ndarray:
        """The chunk's vector from the embeddings of ``parts`` (same order)."""
        if self.kind == "joint":
            return vectors[0]
        total = vectors[0].astype(np.float32, copy=True)
        for extra in vectors[1:]:
            total += self.context_weight * extra
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else total


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
                      chunking: dict[str, int], code: str, recipe: VectorRecipe
                      ) -> IndexVersion | None:
    """The previous version if its chunks and vectors are what this build would make, else None."""
    if previous is None:
        return None
    manifest = previous.manifest
    if (recipe.made(manifest, model) and manifest.get("chunking") == chunking
            and manifest.get("code_version") == code):
        return previous
    log.info("previous version %s was chunked or embedded differently (model, vector recipe, "
             "settings or code): every file is loaded again", previous.version_id)
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
        kb_dir = Path(settings.kb_dir)
        # a released file obeys the knowledge base's folder access first, then its own folder's
        roots = (kb_dir, found.root) if found.root else (kb_dir,)
        sections = load_file(found.path, found.root or kb_dir, roots)
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
                cache: EmbeddingCache, progress: Callable[[str, int, int], None],
                recipe: VectorRecipe) -> tuple[np.ndarray, dict[str, int]]:
    """One vector per chunk; each distinct string is embedded at most once, ever, per model."""
    earlier = _previous_vectors(previous, model, recipe)
    fresh_chunks = [c for c in chunks if c.text_hash not in earlier]
    texts = {text_key(t): t for c in fresh_chunks for t in recipe.parts(c)}
    known = cache.get_many(model.name, texts, model.dimension)
    missing = [k for k in texts if k not in known]
    progress("embed", 0, len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start:start + EMBED_BATCH]
        embedded = dict(zip(batch, model.embed_passages([texts[k] for k in batch]),
                            strict=True))
        cache.put_many(model.name, embedded)  # kept even if this build is killed later
        known.update(embedded)
        progress("embed", start + len(batch), len(missing))
    matrix = np.zeros((len(chunks), model.dimension), dtype=np.float32)
    for row, chunk in enumerate(chunks):
        vector = earlier.get(chunk.text_hash)
        if vector is None:
            vector = recipe.combine([known[text_key(t)] for t in recipe.parts(chunk)])
        matrix[row] = vector
    distinct = len({c.text_hash for c in chunks})
    reused = len({c.text_hash for c in chunks if c.text_hash in earlier})
    counts = {"embedded": len(missing), "cached": reused + len(texts) - len(missing),
              "duplicates": len(chunks) - distinct}
    return matrix, counts


def _previous_vectors(previous: IndexVersion | None, model: Embedder, recipe: VectorRecipe
                      ) -> dict[str, np.ndarray]:
    """The previous version's chunk vectors by text hash, if made by the same model and recipe."""
    if previous is None or not recipe.made(previous.manifest, model):
        return {}
    return previous.vectors_by_hash()
