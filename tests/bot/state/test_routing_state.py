"""Routed questions in the state database: the upgrade from schema 4 keeps the capture
tables, an answer is stored once, an answered question is not moved on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.state import SCHEMA_VERSION, SqlState, State
from bot.state.schema import STEPS


def test_a_version_4_file_gains_the_routed_questions(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as connection:
        for version in range(1, 5):
            for step in STEPS[version]:
                if isinstance(step, str):
                    connection.execute(step)
                else:
                    step(connection)
        connection.execute("INSERT INTO conversation_refs VALUES ('aad-uwe', 'ref', 'now')")
        connection.execute("PRAGMA user_version = 4")
    state = State(path)
    assert state.reference_of("aad-uwe") == "ref"  # kept
    routed = state.add_routed("Wie lange gilt die Marke?", "aad-bs", "bschneider",
                              "hundesteuer", "Steueramt", "tkoch")
    row = State(path).routed(routed)  # reopened: it survives a restart
    assert row is not None and row.status == "open" and row.assignee == "tkoch"
    assert not row.delivered and row.answer is None
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8


def test_an_answer_is_stored_once_and_ends_the_moving_on(store: SqlState) -> None:
    state = store
    routed = state.add_routed("Frage", "aad-bs", None, None, "Steueramt", "ukeller")
    state.mark_delivered(routed)
    assert state.reassign_routed(routed, "tkoch")
    assert state.routed(routed).assignee == "tkoch"  # type: ignore[union-attr]
    assert not state.routed(routed).delivered  # type: ignore[union-attr]  # new holder
    assert state.answer_routed(routed, "tkoch", "Ein Jahr.")
    assert not state.answer_routed(routed, "ukeller", "Zwei Jahre.")  # second submit
    assert not state.reassign_routed(routed, "ukeller")
    row = state.routed(routed)
    assert row is not None and (row.answer, row.answered_by) == ("Ein Jahr.", "tkoch")
    assert [r.id for r in state.routed_questions("answered")] == [routed]
    assert state.routed_questions("open") == []
