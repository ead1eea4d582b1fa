"""The warm-up: the thesaurus, the embedder, the searcher, the directory (with its task
vectors), the state and the gate of the served index version, built once at start (never at
import)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.assistant.answer import Gate
from bot.assistant.assistant import Assistant
from bot.settings import Settings
from indexer.errors import IndexerError
from indexer.model import DocumentMeta

log = logging.getLogger(__name__)


def build_assistant(
    settings: Settings, today: Callable[[], date] | None = None, embedder: Any = None
) -> Assistant:
    """The warm-up: loads the embedder (unless given: the towns of one deployment share one
    model), the searcher, the directory and the state."""
    from bot.directory import open_titles
    from bot.directory.directory import Directory
    from bot.state import open_state
    from indexer.embedding import load_embedder
    from indexer.lexical.thesaurus import built_in
    from indexer.search.searcher import Searcher
    from indexer.store import read_built

    log.info("thesaurus: %d groups", len(built_in()))  # loaded here, not on the first question
    embedder = embedder if embedder is not None else load_embedder(settings.model)
    searcher = Searcher(settings.index_dir, embedder)
    state = open_state(settings)

    task_vectors: dict[str, Any] = {}  # task text hash -> vector, kept across reloads

    def load_directory() -> tuple[Directory, dict[str, DocumentMeta]]:
        meta = documents_meta(settings)
        directory = Directory.load(
            settings.directory_path,
            meta,
            extra_absences=state.absences(),
            fallback_contact=settings.fallback_contact or None,
        )
        directory.prepare(embedder, open_titles(meta), task_vectors)
        return directory, meta

    built = read_built(settings.index_dir)  # before reading: a build meanwhile is followed
    directory, meta = load_directory()
    assistant = Assistant(
        settings, searcher, directory, state, today, reload_directory=load_directory,
        docs_meta=meta, gate_for=gate_loader(settings, embedder), built=built,
    )  # fmt: skip
    log.info("assistant ready: %s", assistant.health())
    return assistant


def gate_loader(settings: Settings, embedder: Any) -> Callable[[str | None], Gate]:
    """The gate of an index version: its stored cosine scale (measured now for a version
    built without one) and the rule calibrated next to the index, else the default."""
    from bot.assistant.gate import load_rule
    from indexer.calibration import scale_of_version
    from indexer.store.version import IndexVersion, version_path

    def gate_for(version_id: str | None) -> Gate:
        rule = load_rule(settings.index_dir)
        if not version_id or not version_path(settings.index_dir, version_id).is_dir():
            return Gate(None, rule)
        version = IndexVersion(version_path(settings.index_dir, version_id))
        try:
            return Gate(scale_of_version(version, embedder), rule)
        finally:
            version.close()

    return gate_for


def documents_meta(settings: Settings) -> dict[str, DocumentMeta]:
    """Front matter of the indexed documents (the directory merges their tasks)."""
    from indexer.store.version import open_current

    try:
        version = open_current(settings.index_dir, expect_model=None)
    except IndexerError:
        log.warning("no index to read document metadata from", exc_info=True)
        return {}
    try:
        return dict(version.document_meta())
    finally:
        version.close()
