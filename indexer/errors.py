"""Exceptions of the indexer. Only the CLI (and the bot at its edge) turn them into messages."""


class IndexerError(Exception):
    """Base of every error the indexer raises on purpose."""


class LoaderError(IndexerError):
    """A file could not be read; the build reports it and skips the file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedFormat(LoaderError):
    """No loader is registered for the file's suffix."""


class IndexNotFound(IndexerError):
    """No index version exists yet at the given directory."""


class ModelMismatch(IndexerError):
    """The index was built with another embedding model than the one asked for."""


class IndexBusy(IndexerError):
    """Another build holds the index's build lock."""


class EmbedderUnavailable(IndexerError):
    """The embedding model cannot be loaded (package missing, model not on disk)."""


class KnowledgeBaseMissing(IndexerError):
    """The knowledge base folder does not exist or is not a folder."""


class KnowledgeBaseEmpty(IndexerError):
    """No document could be indexed although the serving version has some: kept serving."""
