"""Locks across bot processes (replicas): one holder at a time, never waiting.

``AdvisoryLock`` is a PostgreSQL session advisory lock (state in PostgreSQL); ``FileLock`` an
``flock`` beside the SQLite state file (replicas on one machine share that file). Both are
released by the kernel or the server when their process dies. ``replica_lock`` picks one.

A session-level ``pg_try_advisory_lock`` lives as long as the connection that took it: a
replica killed with ``kill -9`` (or cut off the network) loses its connection and with it the
lock, so a lock is never left behind. Used by the reindex from chat
(``bot.assistant.reindex_guard``) in addition to the index folder's own flock, which some
shared storages (NFS without lockd, SMB, object-storage mounts) do not honour.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from pathlib import Path
from typing import Any, Protocol, TextIO

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory lock key is a bigint)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryLock:
    """One named session advisory lock on a dedicated connection (not a pooled one: the
    lock must stay with the connection until ``release``). Blocking: call it off the loop."""

    def __init__(self, url: str, name: str) -> None:
        self._url = url
        self.name = name
        self.key = advisory_key(name)
        self._connection: Any = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    def acquire(self) -> bool:
        """True when this process now holds the lock; False when another session holds it."""
        import psycopg

        if self._connection is not None:
            return True
        connection = psycopg.connect(self._url, autocommit=True,
                                     connect_timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except Exception:
            connection.close()
            raise
        if not row or not row[0]:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        except Exception as error:  # closing the session below frees it anyway
            log.warning("advisory unlock failed (%s); closing the session", type(error).__name__)
        finally:
            connection.close()


class FileLock:
    """An exclusive ``flock`` on ``path``, taken without waiting. Blocking (a file open)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file: TextIO | None = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


class ReplicaLock(Protocol):
    def acquire(self) -> bool: ...
    def release(self) -> None: ...


def replica_lock(settings: Any, name: str) -> ReplicaLock:
    """The lock named ``name`` for the state ``settings`` choose: advisory in PostgreSQL
    (``state_url``), else a file beside the SQLite state file. ``name`` should carry what
    tells towns apart (their knowledge base), since towns may share one database."""
    url = str(getattr(settings, "state_url", "") or "")
    if url.startswith(("postgresql://", "postgres://")):
        return AdvisoryLock(url, f"wissenslotse:{name}")
    state_db = Path(settings.state_db)
    suffix = f"{advisory_key(name) & 0xFFFFFFFF:08x}"
    return FileLock(state_db.with_name(f"{state_db.name}.{suffix}.lock"))
