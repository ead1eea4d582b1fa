"""The errors either state backend raises when it cannot read or write: SQLite's, psycopg's
(PostgreSQL: a lock timeout, a lost connection, a read-only standby), the file system's, and
``StateError`` (a ``DirectoryError``). A caller that may go on without the state catches
``STATE_ERRORS``, whichever backend serves."""

from __future__ import annotations

import sqlite3

import psycopg

from bot.directory.errors import DirectoryError

STATE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error, OSError, DirectoryError)
