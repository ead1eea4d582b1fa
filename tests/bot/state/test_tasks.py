"""The state keeps the task of each question (schema 3) and upgrades a schema-1 file in place."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.state import SCHEMA_VERSION, SqlState, State

# the schema-1 tables as the first landing wrote them (answers and unanswered without task_id)
SCHEMA_1 = [
    "CREATE TABLE answers (id TEXT PRIMARY KEY, question TEXT, sources TEXT NOT NULL, "
    "index_version TEXT NOT NULL, user_key TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, "
    "normalized TEXT NOT NULL, user_key TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE feedback (answer_id TEXT NOT NULL REFERENCES answers(id), user_key TEXT "
    "NOT NULL, vote TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (answer_id, user_key))",
    "CREATE TABLE absences (id INTEGER PRIMARY KEY AUTOINCREMENT, person_id TEXT NOT NULL, "
    "start TEXT NOT NULL, \"end\" TEXT NOT NULL, stand_in TEXT, reason TEXT NOT NULL DEFAULT '', "
    "created_by TEXT NOT NULL, created_at TEXT NOT NULL)",
    "INSERT INTO answers VALUES ('a1', 'alt', '[]', 'v1', 'u', '2026-11-30T10:00:00+00:00')",
    "INSERT INTO unanswered (question, normalized, user_key, created_at) "
    "VALUES ('alt?', 'alt', 'u', '2026-11-30T10:00:00+00:00')",
    "PRAGMA user_version = 1",
]


def test_questions_are_counted_per_task_within_the_window(store: SqlState) -> None:
    state = store
    state.record_answer("Hund?", [], "v1", "u1", task_id="hundesteuer")
    state.record_answer("Hund ab?", [], "v1", "u2", task_id="hundesteuer")
    state.record_unanswered("Hund im Ausland?", "u1", task_id="hundesteuer")
    state.record_unanswered("Kantine?", "u1")
    state.record_answer("Grundsteuer?", [], "v1", "u1", task_id="grundsteuer")
    week_ago = datetime.now(UTC) - timedelta(days=7)
    assert state.questions_per_task(week_ago) == {
        "hundesteuer": (3, 1), "grundsteuer": (1, 0), None: (1, 1)}
    assert state.questions_per_task(datetime.now(UTC) + timedelta(minutes=1)) == {}


def test_a_schema_1_file_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:
        for statement in SCHEMA_1:
            connection.execute(statement)
    state = State(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 9
    assert state.unanswered(5) == [("alt?", 1)]
    assert state.record_feedback("a1", "up", "u")
    state.record_unanswered("neu?", "u", task_id="archiv")
    since = datetime(2026, 11, 1, tzinfo=UTC)
    assert state.questions_per_task(since) == {None: (2, 1), "archiv": (1, 1)}
