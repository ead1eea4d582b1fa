"""Exceptions of the indexer. Only the CLI (and the bot at its edge) turn them into messages.

    IndexerError
    ├── LoaderError            a file could not be read: reported and skipped
    │   ├── UnsupportedFormat  no loader for the suffix
    │   └── MetaError          a front-matter / sidecar value of the wrong type
    ├── IndexNotFound          no version yet
    ├── ModelMismatch          built with another model (names the command to run)
    ├── IndexBusy              another build holds the lock
    ├── NoPreviousVersion      a rollback found no version to go back to
    ├── EmbedderUnavailable    the model cannot be loaded
    ├── KnowledgeBaseMissing   no such folder
    ├── KnowledgeBaseEmpty     nothing indexable while a version serves: kept serving
    ├── LexicalIndexError      the lexical index on disk is missing or damaged
    ├── SearchModeError        an unknown search mode (also a ValueError)
    └── QuestionsFileError     an evaluation questions file cannot be read
"""


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


class NoPreviousVersion(IndexerError):
    """A rollback found no complete version to go back to (or not the one asked for)."""


class EmbedderUnavailable(IndexerError):
    """The embedding model cannot be loaded (package missing, model not on disk)."""


class KnowledgeBaseMissing(IndexerError):
    """The knowledge base folder does not exist or is not a folder."""


class KnowledgeBaseEmpty(IndexerError):
    """No document could be indexed although the serving version has some: kept serving."""


class SearchModeError(IndexerError, ValueError):
    """An unknown search mode was asked for."""


class LexicalIndexError(IndexerError):
    """The lexical index on disk is missing, damaged or of an unknown format."""


class QuestionsFileError(IndexerError):
    """The questions file cannot be read or a line is not a valid question."""


class MetaError(LoaderError):
    """A metadata value has the wrong type; ``key`` is the key as written."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"front matter key '{key}': {problem}")
        self.key = key
        self.problem = problem
        self.problem = problem
