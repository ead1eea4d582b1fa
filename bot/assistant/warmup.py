"""The warm-up: everything the assistant needs, loaded once at start-up (never at import)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from bot.assistant.assistant import Assistant
from bot.settings import Settings
from indexer.errors import IndexerError
from indexer.model import DocumentMeta

log = logging.getLogger(__name__)


def build_assistant(settings: Settings, today: Callable[[], date] | None = None) -> Assistant:
    """The warm-up: loads the embedder, the searcher, the directory and the state."""
    from bot.directory.directory import Directory
    from bot.state.sqlite import State
    from indexer.embedding import load_embedder
    from indexer.search.searcher import Searcher

    settings.state_db.parent.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder(settings.model)
    searcher = Searcher(settings.index_dir, embedder)
    state = State(settings.state_db)

    def load_directory() -> tuple[Directory, dict[str, DocumentMeta]]:
        meta = documents_meta(settings)
        directory = Directory.load(
            settings.directory_path,
            meta,
            extra_absences=state.absences(),
            fallback_contact=settings.fallback_contact or None,
        )
        return directory, meta

    directory, meta = load_directory()
    assistant = Assistant(
        settings, searcher, directory, state, today, reload_directory=load_directory,
        docs_meta=meta,
    )  # fmt: skip
    log.info("assistant ready: %s", assistant.health())
    return assistant


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
