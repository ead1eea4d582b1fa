"""Writing a version: staged in ``<id>.partial``, fsynced, renamed, then CURRENT swapped.

A build killed at any moment leaves at most a ``.partial`` folder (removed by the next
build) and never a CURRENT that names an incomplete version.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import numpy as np

from indexer.errors import IndexBusy
from indexer.model import Chunk, DocumentMeta
from indexer.store.format import SCHEMA, meta_to_json
from indexer.store.version import (
    BUILT,
    CHUNKS_DB,
    CURRENT,
    DENSE,
    LEXICAL_DIR,
    MANIFEST,
    PARTIAL,
    VERSIONS,
    ContentInfo,
    current_version_id,
)

log = logging.getLogger(__name__)


class BuildLock:
    """An exclusive flock on ``<index>/build.lock``; the kernel drops it when the process dies."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / "build.lock"
        self._file: TextIO | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until exit
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise IndexBusy(f"another build holds {self.path}; wait until it finishes") from exc
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def write_version(index_dir: Path, version_id: str, chunks: Sequence[Chunk],
                  vectors: np.ndarray, files: Sequence[tuple[str, str, int, DocumentMeta, int]],
                  skipped: Sequence[tuple[str, str]], manifest: dict[str, Any],
                  content: Mapping[str, ContentInfo] | None = None) -> Path:
    """Write a complete version folder; ``files`` rows: source, sha256, size, meta, chunks.

    ``content`` gives each source its content group and overview score; a source missing
    from it is a group of its own with overview 0.
    """
    versions = Path(index_dir) / VERSIONS
    staging = versions / f"{version_id}{PARTIAL}"
    staging.mkdir(parents=True)
    _write_dense(staging / DENSE, vectors)
    _write_sqlite(staging / CHUNKS_DB, chunks, files, skipped, content or {})
    build_lexical([lexical_text(c) for c in chunks], staging / LEXICAL_DIR)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                    encoding="utf-8")
    _fsync_tree(staging)
    final = versions / version_id
    os.rename(staging, final)
    _fsync_dir(versions)
    return final


def lexical_text(chunk: Chunk) -> str:
    """What BM25 sees of a chunk: title, headings, text and the document's keywords."""
    keywords = " ".join(chunk.meta.keywords)
    return f"{chunk.embed_text}\n{keywords}" if keywords else chunk.embed_text


def build_lexical(texts: list[str], folder: Path) -> None:
    """The BM25 side (owned by ``indexer.lexical.bm25``); row ids match the FAISS rows."""
    from indexer.lexical.bm25 import LexicalIndex

    LexicalIndex.build(texts).save(folder)


def _write_dense(path: Path, vectors: np.ndarray) -> None:
    import faiss

    index = faiss.IndexFlatIP(int(vectors.shape[1]))
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(path))


def _write_sqlite(path: Path, chunks: Sequence[Chunk],
                  files: Sequence[tuple[str, str, int, DocumentMeta, int]],
                  skipped: Sequence[tuple[str, str]], content: Mapping[str, ContentInfo]
                  ) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        with db:
            db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", [
                (src, sha, size, count, meta.title, meta_to_json(meta))
                for src, sha, size, meta, count in files])
            db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                (row, c.source, c.title, json.dumps(list(c.heading_path), ensure_ascii=False),
                 c.text, c.page, c.ordinal, c.text_hash) for row, c in enumerate(chunks)])
            db.executemany("INSERT INTO skipped VALUES (?, ?)", list(skipped))
            default = ContentInfo("", 0.0)
            db.executemany("INSERT INTO content VALUES (?, ?, ?)", [
                (src, content.get(src, default).group or src, content.get(src, default).overview)
                for src, *_ in files])
    finally:
        db.close()


def _replace_line(path: Path, line: str, tmp: Path) -> None:
    """Replace ``path`` with the one ``line`` atomically: written to ``tmp``, fsynced, renamed
    over it, the folder fsynced (readers see the old or the new line, never half of one)."""
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def mark_built(index_dir: Path) -> str | None:
    """Write a new token to ``<index>/BUILT`` (atomically) after a successful build, whether
    it published a version or not, and return it. Replicas compare it with the one they last
    saw: a build that published nothing (only ``_verzeichnis/`` changed) still makes each of
    them read the directory again. None when it could not be written (logged; the build
    stands)."""
    index_dir = Path(index_dir)
    token = f"{time.time_ns()}-{os.getpid()}-{os.urandom(4).hex()}"
    tmp = index_dir / f"{BUILT}.{token}.tmp"
    try:
        _replace_line(index_dir / BUILT, token, tmp)
    except OSError as exc:  # the build itself succeeded: only the replicas' hint is lost
        log.warning("could not write %s (%s): other replicas read their directory again only "
                    "with the next version", BUILT, type(exc).__name__)
        tmp.unlink(missing_ok=True)
        return None
    return token


def read_built(index_dir: Path) -> str | None:
    """The token of the last successful build (``mark_built``); None before the first or when
    the file cannot be read."""
    try:
        return (Path(index_dir) / BUILT).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def set_current(index_dir: Path, version_id: str, record: bool = True) -> None:
    """Point CURRENT at ``version_id`` atomically (readers see the old or the new name);
    ``record`` appends it to the history that ``python -m indexer rollback`` goes back in."""
    from indexer.store.history import record_published

    index_dir = Path(index_dir)
    _replace_line(index_dir / CURRENT, version_id, index_dir / f"{CURRENT}.tmp")
    if record:
        record_published(index_dir, version_id)


def prune_versions(index_dir: Path, keep: int) -> list[str]:
    """Remove stale ``.partial`` folders and all but the newest ``keep`` versions; the serving
    version and the one a rollback would go back to are always kept (whatever ``keep``)."""
    from indexer.store.history import previous_version

    versions = Path(index_dir) / VERSIONS
    if not versions.is_dir():
        return []
    spared = {current_version_id(index_dir), previous_version(index_dir)}
    removed: list[str] = []
    finished = sorted(p.name for p in versions.iterdir()
                      if p.is_dir() and not p.name.endswith(PARTIAL))
    doomed = [v for v in finished[:-keep] if v not in spared]
    doomed += [p.name for p in versions.iterdir() if p.name.endswith(PARTIAL)]
    for name in doomed:
        shutil.rmtree(versions / name, ignore_errors=True)
        removed.append(name)
    if removed:
        log.info("removed old or unfinished versions: %s", ", ".join(removed))
    return removed


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, names in os.walk(folder):
        for name in names:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
