"""Index versions on disk: format, writer, reader and the CURRENT pointer."""

from __future__ import annotations

from indexer.store.history import Rollback, previous_version, rollback
from indexer.store.version import (
    ContentInfo,
    FileRecord,
    IndexVersion,
    current_version_id,
    open_current,
    version_path,
)
from indexer.store.writer import (
    BuildLock,
    prune_versions,
    set_current,
    write_version,
)

__all__ = [
    "BuildLock",
    "ContentInfo",
    "FileRecord",
    "IndexVersion",
    "Rollback",
    "current_version_id",
    "open_current",
    "previous_version",
    "prune_versions",
    "rollback",
    "set_current",
    "version_path",
    "write_version",
]
