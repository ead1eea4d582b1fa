"""A deterministic hashing embedder for tests where meaning does not matter.

Each word is hashed into one of ``dimension`` buckets (feature hashing), so texts that share
words get similar vectors, and the same text always gets the same vector, in every process.
"""

from __future__ import annotations

import hashlib
import re
import time

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Counts what it embeds (``embedded_texts``), optionally slowly (``delay`` s per batch)."""

    def __init__(self, dimension: int = 64, max_tokens: int = 512, delay: float = 0.0) -> None:
        self.name = "fake"
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.delay = delay
        self.embedded_texts: list[str] = []

    def count_tokens(self, text: str) -> int:
        # Two special tokens, like a real tokenizer; a word costs one token.
        return len(_WORD.findall(text)) + 2

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if self.delay:
            time.sleep(self.delay)
        self.embedded_texts.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            sign = 1.0 if digest[4] & 1 else -1.0
            vector[bucket] += sign
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0  # an empty text still gets a valid unit vector
            return vector
        return vector / norm
