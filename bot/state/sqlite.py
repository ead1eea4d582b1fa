"""The embedded state backend: one SQLite file in WAL mode (the default, nothing to run).

One connection per call (with a busy timeout), so several threads and several bot processes
on one machine can share one file. The schema is versioned with ``PRAGMA user_version`` and
upgraded in place (``bot.state.schema``); a file written by a newer version raises
``StateError`` instead of being damaged. The records themselves are ``bot.state.records``.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.directory import StateError
from bot.state.records import VOTES, SqlState, normalize_question
from bot.state.schema import SCHEMA_VERSION, upgrade

log = logging.getLogger(__name__)

__all__ = ["State", "VOTES", "normalize_question"]


def _enter_wal(connection: sqlite3.Connection, attempts: int = 100) -> str:
    """Switch to WAL. SQLite answers SQLITE_BUSY at once, without the busy handler, while
    another process switches the same new file: retry for up to ~5 s."""
    for attempt in range(attempts):
        try:
            return str(connection.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


class State(SqlState):
    """The bot's durable state in one SQLite file (created with its schema on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    def __repr__(self) -> str:
        return f"State({str(self.path)!r})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA foreign_keys = ON")
            # WAL + NORMAL: safe against a crash of the bot; only a power loss may drop the last
            # commits. FULL cost ~20 ms of fsync per answer (measured under load).
            connection.execute("PRAGMA synchronous = NORMAL")
            yield connection
        finally:
            connection.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; BEGIN IMMEDIATE takes the lock up front (no upgrade deadlock)."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _migrate(self) -> None:
        with self._connect() as connection:
            mode = _enter_wal(connection)
            if mode != "wal":
                log.warning("state database %s runs in %s mode, not WAL", self.path, mode)
        with self._write() as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"{self.path} has schema version {version}; this code knows {SCHEMA_VERSION}"
                )
            if version < SCHEMA_VERSION:
                upgrade(connection, version)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                log.info("state database %s upgraded from schema version %d to %d", self.path,
                         version, SCHEMA_VERSION)
