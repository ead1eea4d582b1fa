"""One reindex at a time across every bot process that serves the same index folder.

Two guards, checked before the build child starts (so that an admin gets a clear refusal at
once, not a failure later):

* the index folder's own lock, ``<index>/build.lock`` (``indexer.store.BuildLock``, an
  ``flock``), held by the build child itself; here it is only probed. It covers replicas on
  one machine and shared storage that honours ``flock`` (local disks, NFSv4, CephFS). Probing
  takes the lock for a moment: a build elsewhere that starts in exactly that moment fails
  with exit code 4 (busy), which the reindexer reports as busy too;
* when the state is in PostgreSQL (``WISSENSLOTSE_STATE_URL=postgresql://...``), a session
  advisory lock (``bot.state.locks``) named after the index folder, held by the bot process
  for the whole build. It covers storage where ``flock`` is unreliable. Every replica must
  see the index at the same path (the compose file mounts it at one path on all of them).

A build started from the command line (``python -m indexer build``) takes only the flock.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

LOCK_FILE = "build.lock"  # indexer.store.BuildLock's file


class BuildGuard(Protocol):
    """Blocking (files, network): called in a worker thread."""

    def acquire(self) -> bool: ...  # False: a build runs elsewhere
    def release(self) -> None: ...


class IndexLockProbe:
    """Is ``<index>/build.lock`` free? The build child takes it for real."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / LOCK_FILE

    def acquire(self) -> bool:
        if not self.path.parent.is_dir():
            return True  # no index folder yet: nobody builds in it
        with open(self.path, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True

    def release(self) -> None:
        return None


class AllGuards:
    """Every guard, in order; when one refuses, those taken are released again."""

    def __init__(self, guards: Sequence[BuildGuard]) -> None:
        self._guards = list(guards)
        self._held: list[BuildGuard] = []

    def acquire(self) -> bool:
        for guard in self._guards:
            try:
                taken = guard.acquire()
            except Exception:
                self.release()
                raise
            if not taken:
                self.release()
                return False
            self._held.append(guard)
        return True

    def release(self) -> None:
        held, self._held = self._held, []
        for guard in reversed(held):
            try:
                guard.release()
            except Exception:
                log.exception("releasing a build guard failed")


def build_guard(settings: Any) -> BuildGuard:
    """The guards for ``settings``: the index lock, plus PostgreSQL's when the state is there."""
    guards: list[BuildGuard] = [IndexLockProbe(settings.index_dir)]
    url = str(getattr(settings, "state_url", "") or "")
    if url.startswith(("postgresql://", "postgres://")):
        from bot.state.locks import AdvisoryLock

        name = f"wissenslotse:reindex:{Path(settings.index_dir).resolve()}"
        guards.append(AdvisoryLock(url, name))
    return AllGuards(guards)
