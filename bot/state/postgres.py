"""The provider's state backend: PostgreSQL through a psycopg 3 connection pool.

Chosen with ``WISSENSLOTSE_STATE_URL=postgresql://...`` (``bot.state.factory.open_state``).
The records are the shared SQL of ``bot.state.records``; this module adds only the dialect:

- ``QmarkConnection`` turns the shared ``?`` placeholders into psycopg's ``%s``.
- A namespace (one per town) is a PostgreSQL schema: each pooled connection gets
  ``search_path`` set to it, so the same unqualified SQL reads and writes that town's tables.
- Migrations: the steps of ``bot.state.schema`` (the same numbers as SQLite), recorded one row
  per step in the namespace's ``schema_version`` table, run under a transaction-scoped advisory
  lock: two replicas starting at once migrate once (the second waits, then finds the work
  done). A database of a newer version than this code refuses to start (``StateError``).
- Writes take a transaction-scoped advisory lock of their namespace: one writer at a time, as
  SQLite's ``BEGIN IMMEDIATE``, so read-then-write code behaves the same on both backends.
  A write is a few milliseconds; towns (namespaces) do not wait for each other.
- The pool checks a connection before handing it out (one empty round trip): after a
  database restart or failover the next call gets a fresh connection, no turn fails.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.directory import StateError
from bot.state.dialect import POSTGRES
from bot.state.records import SqlState
from bot.state.schema import SCHEMA_VERSION, upgrade

log = logging.getLogger(__name__)

DEFAULT_SCHEMA = "public"


@lru_cache(maxsize=1024)
def _pyformat(statement: str) -> str:
    return statement.replace("%", "%%").replace("?", "%s")


class QmarkConnection:
    """A psycopg connection that takes the shared SQL's ``?`` placeholders."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.raw = connection

    def execute(self, statement: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        if not parameters:  # without parameters psycopg sends the text as it is
            return self.raw.execute(statement)
        return self.raw.execute(_pyformat(statement), tuple(parameters))  # type: ignore[arg-type]


def lock_key(purpose: str, schema: str) -> int:
    """A stable 64-bit advisory lock key for ``purpose`` in ``schema``."""
    digest = hashlib.sha256(f"wissenslotse:{purpose}:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def describe(url: str) -> str:
    """The URL without its password (for errors and logs)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://?"
    host, port, database = parts.get("host", ""), parts.get("port", 5432), parts.get("dbname", "")
    return f"postgresql://{host}:{port}/{database}"


class PostgresState(SqlState):
    """The bot's durable state in one PostgreSQL schema (created with its tables on first use).

    ``schema``: an already validated identifier (``bot.state.factory.check_namespace``);
    ``pool_size``: the most connections this process holds (calls from worker threads)."""

    shared_by_replicas = True

    def __init__(self, url: str, schema: str = DEFAULT_SCHEMA, *, pool_size: int = 8,
                 connect_timeout: float = 10.0) -> None:
        self.url = url
        self.schema = schema
        self._write_lock = lock_key("write", schema)
        self._pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, timeout=connect_timeout, open=False,
            kwargs={"autocommit": True, "connect_timeout": max(1, int(connect_timeout))},
            configure=self._configure, name=f"state-{schema}",
            # a connection the server dropped (restart, failover) is replaced, not handed out
            check=ConnectionPool.check_connection,
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
            self._migrate()
        except PoolTimeout as error:
            self._pool.close()
            raise StateError(f"state database {describe(url)} not reachable within "
                             f"{connect_timeout:.0f} s (WISSENSLOTSE_STATE_URL)") from error
        except BaseException:
            self._pool.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresState({describe(self.url)!r}, schema={self.schema!r})"

    def close(self) -> None:
        self._pool.close()

    def _configure(self, connection: psycopg.Connection[Any]) -> None:
        connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))

    @contextmanager
    def _connect(self) -> Iterator[QmarkConnection]:
        with self._pool.connection() as connection:
            yield QmarkConnection(connection)

    @contextmanager
    def _write(self) -> Iterator[QmarkConnection]:
        with self._pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._write_lock,))
            yield QmarkConnection(connection)

    def _migrate(self) -> None:
        with self._pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)",
                               (lock_key("migrate", self.schema),))
            connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                sql.Identifier(self.schema)))
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                               "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            row = connection.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version"
                                     ).fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"{describe(self.url)} schema {self.schema!r} has state schema version "
                    f"{version}; this code knows {SCHEMA_VERSION} (upgrade the bot)")
            steps = upgrade(QmarkConnection(connection), version, POSTGRES)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            for step in steps:
                connection.execute("INSERT INTO schema_version VALUES (%s, %s)", (step, stamp))
        if steps:
            log.info("state schema %s upgraded from version %d to %d", self.schema, version,
                     SCHEMA_VERSION)
