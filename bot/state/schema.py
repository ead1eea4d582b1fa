"""The state database's schema and its upgrades, one step per ``PRAGMA user_version``.

Version 1: absences, answers, feedback, unanswered questions.
Version 2 (issue 14, retention): absence reasons cut down to their category (free text such as
"Krankheit" may be health data), indexes on ``created_at`` and ``user_key`` for the nightly
purge and the data-protection commands.
Version 3 (issue 13, knowledge risk): the task a question was about, on answers and unanswered
questions (``bot.gaps.risk`` counts questions and refusals per task).
Version 4 (issue 11, handover interview): stored conversation references, people's chat keys,
interviews and their answers, drafts (``bot.state.capture``).
Version 5 (issue 12, routed questions): the questions passed on to people, their holder and
answer (``bot.state.routing``).
Version 6 (issue 12, the stand-in's briefing): absence notes, briefings sent, routed
questions to return after an absence (``bot.state.briefing``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from bot.directory import absence_category
from bot.state.briefing import SCHEMA_6 as BRIEFING_TABLES
from bot.state.capture import SCHEMA_2 as CAPTURE_TABLES
from bot.state.routing import SCHEMA_5 as ROUTING_TABLES

SCHEMA_VERSION = 6

_VERSION_1 = [
    """CREATE TABLE IF NOT EXISTS absences (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
        stand_in TEXT, reason TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS absences_person ON absences(person_id)",
    """CREATE TABLE IF NOT EXISTS answers (
        id TEXT PRIMARY KEY, question TEXT, sources TEXT NOT NULL,
        index_version TEXT NOT NULL, user_key TEXT NOT NULL, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS feedback (
        answer_id TEXT NOT NULL REFERENCES answers(id), user_key TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), created_at TEXT NOT NULL,
        PRIMARY KEY (answer_id, user_key))""",
    """CREATE TABLE IF NOT EXISTS unanswered (
        id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, normalized TEXT NOT NULL,
        user_key TEXT NOT NULL, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS unanswered_normalized ON unanswered(normalized)",
]

_VERSION_2 = [
    "UPDATE absences SET reason = absence_category(reason)",
    'CREATE INDEX IF NOT EXISTS absences_end ON absences("end")',
    "CREATE INDEX IF NOT EXISTS answers_created ON answers(created_at)",
    "CREATE INDEX IF NOT EXISTS answers_user ON answers(user_key)",
    "CREATE INDEX IF NOT EXISTS feedback_user ON feedback(user_key)",
    "CREATE INDEX IF NOT EXISTS unanswered_created ON unanswered(created_at)",
    "CREATE INDEX IF NOT EXISTS unanswered_user ON unanswered(user_key)",
]

_VERSION_3 = [
    "ALTER TABLE answers ADD COLUMN task_id TEXT",
    "ALTER TABLE unanswered ADD COLUMN task_id TEXT",
    "CREATE INDEX IF NOT EXISTS answers_task ON answers(task_id, created_at)",
    "CREATE INDEX IF NOT EXISTS unanswered_task ON unanswered(task_id, created_at)",
]

STEPS: dict[int, list[str]] = {
    1: _VERSION_1, 2: _VERSION_2, 3: _VERSION_3, 4: CAPTURE_TABLES, 5: ROUTING_TABLES,
    6: BRIEFING_TABLES,
}


def upgrade(connection: sqlite3.Connection, version: int) -> int:
    """Run every step above ``version`` inside the caller's transaction; the new version."""
    _register(connection, "absence_category", absence_category)
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in STEPS[step]:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return SCHEMA_VERSION


def _register(connection: sqlite3.Connection, name: str, function: Callable[[str], str]) -> None:
    connection.create_function(name, 1, lambda value: function(value or ""), deterministic=True)
