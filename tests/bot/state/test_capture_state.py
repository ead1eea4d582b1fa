"""The capture tables of the state database: the upgrade from schema 1, references, links."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.state import SCHEMA_VERSION, SqlState, State
from bot.state.schema import STEPS


def test_a_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as connection:
        for statement in STEPS[1]:
            connection.execute(statement)
        connection.execute("INSERT INTO unanswered (question, normalized, user_key, created_at)"
                           " VALUES ('Wo ist die Kantine?', 'wo ist die kantine', 'u', 'now')")
        connection.execute("PRAGMA user_version = 1")
    state = State(path)
    assert state.unanswered(5) == [("Wo ist die Kantine?", 1)]  # kept
    state.save_reference("aad-uwe", '{"conversation": {"id": "a:1"}}')
    assert state.reference_of("aad-uwe") == '{"conversation": {"id": "a:1"}}'
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 9


def test_references_and_person_links_survive_reopening(
    open_store: Callable[..., SqlState],
) -> None:
    state = open_store()
    state.save_reference("u1", "first")
    state.save_reference("u1", "second")  # the latest conversation wins
    state.link_person("ukeller", "web:abc")
    state.link_person("ukeller", "aad-uwe")
    state.link_person("ukeller", "aad-uwe")
    again = open_store()
    assert again.reference_of("u1") == "second" and again.reference_of("nobody") is None
    assert sorted(again.user_keys_of("ukeller")) == ["aad-uwe", "web:abc"]


def test_one_interview_per_person_and_task(store: SqlState) -> None:
    state = store
    first = state.start_interview("bschneider", "hundesteuer", "ukeller", None, {"a": "x"})
    again = state.start_interview("bschneider", "hundesteuer", "bschneider", None, {})
    other = state.start_interview("bschneider", "mahnwesen", "bschneider", None, {})
    assert again.id == first.id != other.id
    assert state.answers(first.id) == {"a": "x"}
    assert len(state.interviews_of("bschneider")) == 2
