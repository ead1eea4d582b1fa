"""Opening the state: one setting chooses the backend.

    open_state(settings)                      # Settings: state_url, else the file state_db
    open_state("postgresql://bot@db/wl")      # PostgreSQL, schema "public"
    open_state(settings, namespace="lemgo")   # one town: PostgreSQL schema "lemgo" /
                                              # SQLite file var/state.lemgo.sqlite
    open_state(Path("var/state.sqlite"))      # a SQLite file

``WISSENSLOTSE_STATE_URL`` (``Settings.state_url``) starting with ``postgresql://`` (or
``postgres://``) selects ``bot.state.postgres.PostgresState``; empty selects the embedded
``bot.state.sqlite.State`` on ``Settings.state_db``. Both implement ``StateStore`` plus
retention (``purge``), data-protection requests (``export_person``, ``erase_person``) and the
shared message counters (``count_message``); call ``close()`` when done (it returns the
PostgreSQL pool's connections; a no-op for SQLite).

A namespace keeps one town's state apart from another's in the same deployment: a lower-case
identifier (``[a-z][a-z0-9_]*``, at most 48 characters), validated here, never interpolated
unchecked. ``state_exists`` tells the CLIs whether there is anything to read without creating
an empty SQLite file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from bot.state.records import SqlState

NAMESPACE = re.compile(r"[a-z][a-z0-9_]{0,47}")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class StateSettings(Protocol):
    """What ``open_state`` reads of ``bot.settings.Settings``."""

    @property
    def state_url(self) -> str: ...
    @property
    def state_db(self) -> Path: ...


StateSource = StateSettings | str | Path


def check_namespace(namespace: str) -> str:
    if not NAMESPACE.fullmatch(namespace) or namespace.startswith("pg_"):
        raise ValueError(f"invalid state namespace {namespace!r}: lower-case letters, digits "
                         "and '_', starting with a letter, at most 48 characters")
    return namespace


def is_postgres(source: StateSource) -> bool:
    return _resolve(source).startswith(POSTGRES_SCHEMES)


def sqlite_path(source: StateSource, namespace: str | None = None) -> Path:
    """The SQLite file of ``source`` (and ``namespace``: ``state.<namespace>.sqlite``)."""
    path = Path(_resolve(source))
    if namespace is None:
        return path
    return path.with_name(f"{path.stem}.{check_namespace(namespace)}{path.suffix}")


def state_exists(source: StateSource, namespace: str | None = None) -> bool:
    """False only for a SQLite file that is not there (a PostgreSQL URL always has a state)."""
    return is_postgres(source) or sqlite_path(source, namespace).is_file()


def open_state(source: StateSource, namespace: str | None = None) -> SqlState:
    """The state of ``source`` (settings, a URL or a SQLite path), created on first use."""
    if is_postgres(source):
        from bot.state.postgres import DEFAULT_SCHEMA, PostgresState

        schema = check_namespace(namespace) if namespace is not None else DEFAULT_SCHEMA
        return PostgresState(_resolve(source), schema)
    from bot.state.sqlite import State

    return State(sqlite_path(source, namespace))


def _resolve(source: StateSource) -> str:
    if isinstance(source, Path):
        return str(source)
    if isinstance(source, str):
        return source
    return source.state_url or str(source.state_db)
