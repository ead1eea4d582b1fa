"""The index's own cosine scale, measured at build time and stored in the manifest.

A cosine of 0.84 means "close" on one index and "unrelated" on another: it depends on the
model, on how vectors are made (the vector recipe) and on how alike the documents are (all
German office prose is alike to e5). So the answer gate never reads a raw cosine; it reads
where the cosine lies between two anchors measured on the same index with the same model:

- ``off``: the best cosine of generic questions no town hall document answers (cooking,
  sport, travel; ``OFF_TOPIC_PROBES``): what "nothing here" looks like on this index;
- ``on``: the best cosine of the documents' own titles asked as questions: what "this
  document is about exactly that" looks like.

``relative_cosine(c, scale) = (c - off) / (on - off)``: about 0 for a question like the
probes, about 1 for one as close as a document's title. The probes are fixed and generic so
that they mean the same on every knowledge base; they are not the tuning questions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MANIFEST_KEY = "cosine_scale"
MAX_TITLES = 64  # titles asked as questions (spread evenly over the documents)
OFF_TOPIC_PROBES: tuple[str, ...] = (
    "Wie lange muss ein Ei kochen, damit es weich bleibt?",
    "Welche Mannschaft ist deutscher Meister im Handball?",
    "Wie hoch ist der höchste Berg der Alpen?",
    "Was ziehe ich bei Regen zum Wandern an?",
    "Wie bekomme ich Rotweinflecken aus dem Teppich?",
    "Welche Zimmerpflanzen brauchen wenig Licht?",
    "Wann wurde die Berliner Mauer gebaut?",
    "Wie gewinne ich beim Skat?",
    "Was ist der Unterschied zwischen Espresso und Kaffee?",
    "Wie viele Beine hat eine Spinne?",
    "Welches Smartphone hat die beste Kamera?",
    "Wie mache ich einen Hefeteig für Pizza?",
    "Wer spielt die Hauptrolle im neuen Krimi am Sonntag?",
    "Wie weit ist der Mond von der Erde entfernt?",
    "Welche Vögel überwintern in Afrika?",
    "Wie lerne ich Gitarre spielen?",
    "Was hilft gegen Schluckauf?",
    "Wie tief ist der Bodensee?",
    "Welche Sprache spricht man in Brasilien?",
    "Wie putze ich Fenster ohne Streifen?",
    "Wer hat die Mona Lisa gemalt?",
    "Wie pflege ich einen Bonsai?",
    "Was kostet ein Flug nach Mallorca?",
    "Wie funktioniert ein Kühlschrank?",
)


@dataclass(frozen=True)
class CosineScale:
    """Mean best cosines of the off-topic probes and of the titles, on one index."""

    off: float
    on: float
    off_sd: float = 0.0
    titles: int = 0

    def relative(self, cosine: float) -> float:
        """Where ``cosine`` lies between ``off`` (0) and ``on`` (1); not clipped."""
        span = self.on - self.off
        return (cosine - self.off) / span if span > 1e-6 else 0.0

    def to_manifest(self) -> dict[str, float | int]:
        return {"off": round(self.off, 5), "on": round(self.on, 5),
                "off_sd": round(self.off_sd, 5), "titles": self.titles}  # fmt: skip

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> CosineScale | None:
        data = manifest.get(MANIFEST_KEY)
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(float(data["off"]), float(data["on"]), float(data.get("off_sd", 0.0)),
                       int(data.get("titles", 0)))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            return None


def measure_scale(embedder: Any, vectors: np.ndarray, titles: Sequence[str]) -> CosineScale | None:
    """The scale of an index with ``vectors`` (one row per chunk, unit length) and the
    documents' ``titles``; None for an empty index or one without titles."""
    picked = _spread([t for t in dict.fromkeys(titles) if t.strip()], MAX_TITLES)
    if len(vectors) == 0 or not picked:
        return None
    matrix = np.asarray(vectors, dtype=np.float32)
    off = _best_cosines(embedder, matrix, OFF_TOPIC_PROBES)
    on = _best_cosines(embedder, matrix, picked)
    scale = CosineScale(float(off.mean()), float(on.mean()), float(off.std()), len(picked))
    log.info("cosine scale: off-topic %.4f, titles %.4f", scale.off, scale.on)
    return scale


def _best_cosines(embedder: Any, matrix: np.ndarray, questions: Sequence[str]) -> np.ndarray:
    queries = np.stack([np.asarray(embedder.embed_query(q), dtype=np.float32) for q in questions])
    return np.asarray((matrix @ queries.T).max(axis=0), dtype=np.float64)


def _spread(items: Sequence[str], count: int) -> list[str]:
    """Up to ``count`` items spread evenly over ``items`` (deterministic)."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def scale_of_version(version: Any, embedder: Any) -> CosineScale | None:
    """The stored scale of an open ``IndexVersion``, or measured now for a version built
    before the scale was stored (reads all vectors: done once, at start)."""
    stored = CosineScale.from_manifest(version.manifest)
    if stored is not None:
        return stored
    dense = version.dense
    if dense.ntotal == 0:
        return None
    vectors = dense.reconstruct_n(0, dense.ntotal)
    titles = [meta.title for meta in version.document_meta().values()]
    return measure_scale(embedder, vectors, titles)
