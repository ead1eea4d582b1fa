"""The incremental build: scan the knowledge base, load, chunk, embed, publish."""

from __future__ import annotations

from indexer.build.pipeline import (
    BuildReport,
    build_index,
)
from indexer.build.scan import (
    file_sha256,
    open_regular,
    scan_knowledge_base,
)
from indexer.build.steps import (
    CONTEXT_WEIGHT,
    VectorRecipe,
    load_changed,
)

__all__ = [
    "BuildReport",
    "CONTEXT_WEIGHT",
    "VectorRecipe",
    "build_index",
    "file_sha256",
    "load_changed",
    "open_regular",
    "scan_knowledge_base",
]
