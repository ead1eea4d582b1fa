"""Vectors already computed, by model name + chunk text hash: the same text is embedded once.

Lives in ``<index>/cache/embeddings.sqlite``, outside the versions, so it survives pruning and
a killed build (each batch is committed as soon as it is embedded).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL, text_hash TEXT NOT NULL, dimension INTEGER NOT NULL,
    vector BLOB NOT NULL, PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
"""


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:
            # A damaged cache costs only time: keep it aside for inspection, start afresh.
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            log.warning("embedding cache %s unreadable (%s); moved to %s", self.path, exc, aside)
            self.path.replace(aside)
            self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        db.execute("SELECT count(*) FROM vectors").fetchone()
        return db

    def get_many(self, model: str, text_hashes: Iterable[str], dimension: int
                 ) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(text_hashes))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT text_hash, vector FROM vectors WHERE model = ? AND dimension = ? "
                f"AND text_hash IN ({marks})", [model, dimension, *part])
            for text_hash, blob in rows:
                found[text_hash] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        rows = [(model, text_hash, int(vector.shape[0]),
                 np.ascontiguousarray(vector, dtype=np.float32).tobytes())
                for text_hash, vector in vectors.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def count(self, model: str | None = None) -> int:
        if model is None:
            return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])
        return int(self._db.execute("SELECT count(*) FROM vectors WHERE model = ?",
                                    (model,)).fetchone()[0])

    def close(self) -> None:
        self._db.close()
