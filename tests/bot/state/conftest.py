"""The state suite runs against both backends: every test that takes ``store`` (or
``open_store``, ``state_source``) runs once on a SQLite file and once on a fresh database of
the session's real PostgreSQL cluster (tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.state import SqlState, open_state


@pytest.fixture(params=["sqlite", "postgresql"])
def state_source(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the state lives: a SQLite path or a postgresql:// URL (a fresh database)."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite")
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def open_store(state_source: str) -> Iterator[Callable[..., SqlState]]:
    """Opens the state (again: a restart); every store opened is closed after the test."""
    opened: list[SqlState] = []

    def open_(namespace: str | None = None) -> SqlState:
        opened.append(open_state(state_source, namespace))
        return opened[-1]

    yield open_
    for state in opened:
        state.close()


@pytest.fixture
def store(open_store: Callable[..., SqlState]) -> SqlState:
    return open_store()


def run_sql(state: SqlState, statement: str, parameters: Sequence[Any] = ()) -> list[Any]:
    """Raw SQL (``?`` placeholders) on either backend, in one write transaction: for tests
    that age rows or plant what an old version wrote."""
    with state._write() as connection:
        cursor = connection.execute(statement, parameters)
        return list(cursor.fetchall()) if cursor.description else []
