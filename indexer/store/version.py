"""The index on disk: versions, the CURRENT pointer, and reading one version.

Layout of an index directory::

    <index>/CURRENT                  name of the version that serves (swapped with os.replace)
    <index>/BUILT                    token of the last successful build, published or not
    <index>/versions/<id>/           manifest.json, dense.faiss, chunks.sqlite, lexical/
    <index>/cache/embeddings.sqlite  model + text hash -> vector (see embedding_cache)
    <index>/build.lock               held (flock) by the build that is running

A version directory is complete before CURRENT names it, and never changes afterwards.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedding import canonical_model_name
from indexer.errors import IndexNotFound, ModelMismatch
from indexer.model import Chunk, DocumentMeta
from indexer.store.format import meta_from_json

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
BUILT = "BUILT"  # token of the last successful build (writer.mark_built)
VERSIONS = "versions"
MANIFEST = "manifest.json"
DENSE = "dense.faiss"
CHUNKS_DB = "chunks.sqlite"
LEXICAL_DIR = "lexical"
PARTIAL = ".partial"  # suffix of a version folder still being written


@dataclass(frozen=True)
class FileRecord:
    """A file as the version indexed it: how the next build recognises it unchanged."""

    source: str
    sha256: str
    size: int
    chunk_count: int


@dataclass(frozen=True)
class ContentInfo:
    """What the build found about a document's content (format 2 on)."""

    group: str  # the content group: source of its first member (the document's own when alone)
    overview: float = 0.0  # 0..1: how much the document only points to other documents


def current_version_id(index_dir: Path) -> str | None:
    """The id CURRENT names, or None when no version was built yet (one small file read)."""
    try:
        text = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def version_path(index_dir: Path, version_id: str) -> Path:
    return Path(index_dir) / VERSIONS / version_id


def open_current(index_dir: Path, expect_model: str | None = None) -> IndexVersion:
    """Open the serving version; ``expect_model`` (if given) must be the model it was built with."""
    index_dir = Path(index_dir)
    version_id = current_version_id(index_dir)
    if version_id is None or not (version_path(index_dir, version_id) / MANIFEST).exists():
        raise IndexNotFound(
            f"no index in {index_dir}: build one with "
            f"`python -m indexer build --index {index_dir}`"
        )
    version = IndexVersion(version_path(index_dir, version_id))
    if expect_model is not None:
        _check_model(index_dir, version.manifest, expect_model)
    return version


def _check_model(index_dir: Path, manifest: dict[str, Any], expect_model: str) -> None:
    built = str(manifest.get("model", ""))
    wanted = canonical_model_name(expect_model)
    if canonical_model_name(built) == wanted:
        return
    kb = manifest.get("kb_dir")
    kb_option = f" --kb {kb}" if kb else ""
    raise ModelMismatch(
        f"the index in {index_dir} was built with model {built!r}, but model {wanted!r} is "
        f"configured. Rebuild it with `python -m indexer build{kb_option} --index {index_dir} "
        f"--model {wanted}`, or configure the index's model (WISSENSLOTSE_MODEL={built})."
    )


class IndexVersion:
    """One finished version: dense vectors, lexical index, chunks and files in SQLite."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.version_id = self.path.name
        self.manifest: dict[str, Any] = json.loads((self.path / MANIFEST).read_text("utf-8"))
        uri = f"file:{(self.path / CHUNKS_DB).as_posix()}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._db_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IndexVersion({self.version_id!r}, chunks={self.chunk_count})"

    @cached_property
    def dense(self) -> Any:
        """FAISS index, inner product over L2-normalised vectors; row id = chunk id."""
        import faiss

        return faiss.read_index(str(self.path / DENSE))

    @cached_property
    def lexical(self) -> Any:
        """The BM25 index (``indexer.lexical.bm25.LexicalIndex``); row ids = chunk ids."""
        from indexer.lexical.bm25 import LexicalIndex

        return LexicalIndex.load(self.path / LEXICAL_DIR)

    @property
    def chunk_count(self) -> int:
        return int(self.manifest["counts"]["chunks"])

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._db_lock:
            return list(self._db.execute(sql, params))

    @cached_property
    def _metas(self) -> dict[str, DocumentMeta]:
        return {src: meta_from_json(meta) for src, meta in self._rows(
            "SELECT source, meta FROM files")}

    def chunks(self, ids: Sequence[int]) -> list[Chunk]:
        """The chunks with these ids, in the same order; an unknown id raises KeyError."""
        wanted = [int(i) for i in ids]
        found: dict[int, Chunk] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            for row in self._rows(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})",
                                  part):
                found[row[0]] = self._chunk(row)
        missing = [i for i in wanted if i not in found]
        if missing:
            raise KeyError(f"no chunks with ids {missing[:5]} in version {self.version_id}")
        return [found[i] for i in wanted]

    def chunks_of(self, source: str) -> list[Chunk]:
        """All chunks of one document, in document order."""
        rows = self._rows(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE source = ? "
                          "ORDER BY ordinal", (source,))
        return [self._chunk(row) for row in rows]

    def _chunk(self, row: tuple[Any, ...]) -> Chunk:
        _, source, title, heading_path, text, page, ordinal = row
        return Chunk(source=source, title=title, heading_path=tuple(json.loads(heading_path)),
                     text=text, page=page, ordinal=ordinal,
                     meta=self._metas.get(source, DocumentMeta()))

    def documents(self) -> list[str]:
        """Sources (relative POSIX paths) of the indexed documents, sorted."""
        return [src for (src,) in self._rows("SELECT source FROM files ORDER BY source")]

    def document_meta(self) -> dict[str, DocumentMeta]:
        return dict(self._metas)

    def content(self) -> dict[str, ContentInfo]:
        """Source -> content group and overview score; {} for a version of format 1."""
        try:
            rows = self._rows("SELECT source, content_group, overview FROM content")
        except sqlite3.OperationalError:  # built before content groups existed
            log.warning("version %s has no content groups (format 1): duplicates are not "
                        "collapsed until `python -m indexer build` runs again", self.version_id)
            return {}
        return {source: ContentInfo(group, float(overview)) for source, group, overview in rows}

    def skipped(self) -> list[dict[str, str]]:
        """Files the build could not index: ``{"file": ..., "reason": ...}``."""
        rows = self._rows("SELECT file, reason FROM skipped ORDER BY file")
        return [{"file": file, "reason": reason} for file, reason in rows]

    def file_records(self) -> dict[str, FileRecord]:
        rows = self._rows("SELECT source, sha256, size, chunk_count FROM files")
        return {row[0]: FileRecord(*row) for row in rows}

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Every stored vector by the text hash of its chunk (reused by the next build)."""
        ids_hashes = self._rows("SELECT id, text_hash FROM chunks")
        if not ids_hashes:
            return {}
        matrix = self.dense.reconstruct_n(0, self.dense.ntotal)
        return {text_hash: matrix[row_id] for row_id, text_hash in ids_hashes}

    def close(self) -> None:
        with self._db_lock:
            self._db.close()


_CHUNK_COLUMNS = "id, source, title, heading_path, text, page, ordinal"
