"""How chunks, files and document metadata are laid out in a version's SQLite file."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from indexer.model import DocumentMeta

# 2: table ``content`` (content group and overview score per document). Versions of format 1
# still open: every document is its own group and no page counts as an overview.
FORMAT_VERSION = 2

SCHEMA = """
CREATE TABLE files (
    source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    chunk_count INTEGER NOT NULL, title TEXT NOT NULL, meta TEXT NOT NULL
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,          -- = row of the FAISS index and of the lexical index
    source TEXT NOT NULL REFERENCES files(source), title TEXT NOT NULL,
    heading_path TEXT NOT NULL,      -- JSON list
    text TEXT NOT NULL, page INTEGER, ordinal INTEGER NOT NULL, text_hash TEXT NOT NULL
);
CREATE INDEX chunks_by_source ON chunks(source, ordinal);
CREATE TABLE skipped (file TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE content (
    source TEXT PRIMARY KEY REFERENCES files(source),
    content_group TEXT NOT NULL,     -- source of the group's first member (itself when alone)
    overview REAL NOT NULL           -- 0..1, how much the document only points to others
);
"""


def meta_to_json(meta: DocumentMeta) -> str:
    data: dict[str, Any] = asdict(meta)
    if meta.last_reviewed is not None:
        data["last_reviewed"] = meta.last_reviewed.isoformat()
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def meta_from_json(text: str) -> DocumentMeta:
    data = json.loads(text)
    reviewed = data.get("last_reviewed")
    return DocumentMeta(
        title=data.get("title", ""),
        tasks=tuple(data.get("tasks", ())),
        responsible=data.get("responsible"),
        deputies=tuple(data.get("deputies", ())),
        keywords=tuple(data.get("keywords", ())),
        groups=tuple(data.get("groups", ())),
        department=data.get("department"),
        doc_type=data.get("doc_type"),
        last_reviewed=date.fromisoformat(reviewed) if reviewed else None,
        unknown_keys=tuple(data.get("unknown_keys", ())),
    )
