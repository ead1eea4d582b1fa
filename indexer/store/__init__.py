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
    mark_built,
    prune_versions,
    read_built,
    set_current,
    write_version,
)

__all__ = [
    "BuildLock",
    "ContentInfo",
    "FileRecord",
    "IndexVersion",
    "Rollback",
    "mark_built",
    "current_version_id",
    "open_current",
    "previous_version",
    "prune_versions",
    "read_built",
    "rollback",
    "set_current",
    "version_path",
    "write_version",
]
