"""Which versions served, in order, and going back to the previous one (rollback).

``<index>/HISTORY`` holds one version id per line, the serving one last: publishing a build
appends its id, a rollback drops the ids above the version it goes back to. So a second
rollback goes further back instead of returning to the version just withdrawn, and the next
build after a rollback is followed, on its own rollback, by the version that served before it.
An index built before HISTORY existed falls back to name order (ids sort by build time).

Every change happens under the index's ``BuildLock`` (one writer at a time) and is atomic
(``os.replace``): a reader sees the old or the new CURRENT, never a half-written one.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import NoPreviousVersion
from indexer.store.version import (
    MANIFEST,
    PARTIAL,
    VERSIONS,
    current_version_id,
    version_path,
)

log = logging.getLogger(__name__)

HISTORY = "HISTORY"
HISTORY_LIMIT = 100  # lines kept: far more than versions are kept on disk


@dataclass(frozen=True)
class Rollback:
    previous: str  # the version that served before
    current: str  # the version that serves now


def complete_versions(index_dir: Path) -> list[str]:
    """Ids of the finished versions on disk (a manifest that reads as JSON), sorted by name."""
    folder = Path(index_dir) / VERSIONS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and not p.name.endswith(PARTIAL) and _complete(p))


def _complete(path: Path) -> bool:
    try:
        json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return True


def read_history(index_dir: Path) -> list[str]:
    try:
        text = (Path(index_dir) / HISTORY).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def write_history(index_dir: Path, ids: list[str]) -> None:
    index_dir = Path(index_dir)
    tmp = index_dir / f"{HISTORY}.tmp"
    tmp.write_text("".join(f"{v}\n" for v in ids[-HISTORY_LIMIT:]), encoding="utf-8")
    os.replace(tmp, index_dir / HISTORY)


def record_published(index_dir: Path, version_id: str) -> None:
    """Append ``version_id`` (now named by CURRENT) to the history."""
    ids = read_history(index_dir)
    if ids[-1:] != [version_id]:
        write_history(index_dir, [*ids, version_id])


def previous_version(index_dir: Path) -> str | None:
    """The version a rollback goes back to: the last one in the history below the serving
    one that is still complete on disk (by name order for an index without history)."""
    current = current_version_id(index_dir)
    on_disk = set(complete_versions(index_dir))
    history = read_history(index_dir)
    if current in history:
        below = history[:len(history) - history[::-1].index(current) - 1]
        for version in reversed(below):
            if version in on_disk and version != current:
                return version
        return None
    older = [v for v in sorted(on_disk) if current is None or v < current]
    return older[-1] if older else None


def rollback(index_dir: Path, to: str | None = None) -> Rollback:
    """Point CURRENT at the previous complete version (or at ``to``); keeps every version on
    disk. The caller holds the index's BuildLock. Raises NoPreviousVersion."""
    from indexer.store.writer import set_current

    index_dir = Path(index_dir)
    current = current_version_id(index_dir)
    if current is None:
        raise NoPreviousVersion(f"no index in {index_dir}: nothing to roll back")
    target = to if to is not None else previous_version(index_dir)
    if target is None:
        raise NoPreviousVersion(
            f"no previous complete version in {index_dir / VERSIONS} (serving {current}): "
            "nothing to roll back to")
    if target == current:
        raise NoPreviousVersion(f"version {target} is already serving")
    if not (version_path(index_dir, target) / MANIFEST).is_file() or not _complete(
            version_path(index_dir, target)):
        known = ", ".join(complete_versions(index_dir)) or "none"
        raise NoPreviousVersion(f"no complete version {target!r} in {index_dir / VERSIONS} "
                                f"(complete versions: {known})")
    set_current(index_dir, target, record=False)
    history = read_history(index_dir)
    if to is None and target in history:  # withdraw what served above the target
        history = history[:len(history) - history[::-1].index(target)]
    elif to is None:  # no history yet: the older versions by name, then the target
        history = [v for v in complete_versions(index_dir) if v <= target]
    else:  # an explicit target is one more step: rolling back again returns from it
        history = [*history, target]
    write_history(index_dir, history)
    log.info("rolled back from version %s to %s", current, target)
    return Rollback(previous=current, current=target)
