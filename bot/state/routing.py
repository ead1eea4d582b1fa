"""The state of routed questions (issue 12): a question the bot passed on to the person
responsible today, who holds it now, and its answer.

A mixin of ``bot.state.records.SqlState`` like ``CaptureStore``. The answer is stored with a
conditional UPDATE in one transaction: of two submits of the answer form one wins.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.state.dialect import Connection

SCHEMA_5 = [
    """CREATE TABLE IF NOT EXISTS routed_questions (
        id TEXT PRIMARY KEY, question TEXT NOT NULL, asker_key TEXT NOT NULL,
        asker_person TEXT, task_id TEXT, department TEXT NOT NULL DEFAULT '',
        assignee TEXT NOT NULL, status TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0,
        answer TEXT, answered_by TEXT, answered_at TEXT, reminded_at TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS routed_status ON routed_questions(status, assignee)",
    "CREATE INDEX IF NOT EXISTS routed_asker ON routed_questions(asker_key)",
]

ROUTED_OPEN, ROUTED_ANSWERED = "open", "answered"
_COLUMNS = ("id, question, asker_key, asker_person, task_id, department, assignee, status, "
            "delivered, answer, answered_by, created_at, reminded_at")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RoutedRow:
    id: str
    question: str
    asker_key: str  # the chat user who asked (answers go back there)
    asker_person: str | None  # their directory person, if known
    task_id: str | None  # None: routed to a department's head
    department: str
    assignee: str  # person id of who holds the question now
    status: str  # open | answered
    delivered: bool  # the assignee's chat was reached at least once
    answer: str | None
    answered_by: str | None
    created_at: str
    reminded_at: str | None


class RoutingStore:
    """Routed questions (see module doc)."""

    def _connect(self) -> AbstractContextManager[Connection]:  # from the backend
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:  # from the backend
        raise NotImplementedError

    def add_routed(self, question: str, asker_key: str, asker_person: str | None,
                   task_id: str | None, department: str, assignee: str) -> str:
        routed_id = uuid.uuid4().hex
        with self._write() as db:
            db.execute("INSERT INTO routed_questions (id, question, asker_key, asker_person, "
                       "task_id, department, assignee, status, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (routed_id, question, asker_key, asker_person, task_id, department,
                        assignee, ROUTED_OPEN, _now(), _now()))
        return routed_id

    def routed(self, routed_id: str) -> RoutedRow | None:
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM routed_questions WHERE id = ?",
                             (routed_id,)).fetchone()
        return _row(row) if row else None

    def routed_questions(self, status: str | None = None) -> list[RoutedRow]:
        """All routed questions (or those of one status), oldest first."""
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM routed_questions {where} "
                              "ORDER BY created_at", args).fetchall()
        return [_row(r) for r in rows]

    def mark_delivered(self, routed_id: str, reminded: bool = False) -> None:
        with self._write() as db:
            db.execute("UPDATE routed_questions SET delivered = 1, updated_at = ?, reminded_at = "
                       "CASE WHEN ? THEN ? ELSE reminded_at END WHERE id = ?",
                       (_now(), reminded, _now(), routed_id))

    def reassign_routed(self, routed_id: str, assignee: str) -> bool:
        """Move an open question on (the holder became absent); False once answered."""
        with self._write() as db:
            changed = db.execute("UPDATE routed_questions SET assignee = ?, delivered = 0, "
                                 "updated_at = ? WHERE id = ? AND status = ?",
                                 (assignee, _now(), routed_id, ROUTED_OPEN)).rowcount
        return bool(changed)

    def answer_routed(self, routed_id: str, by: str, answer: str) -> bool:
        """Store the answer once: False when the question was answered already."""
        with self._write() as db:
            changed = db.execute("UPDATE routed_questions SET status = ?, answer = ?, "
                                 "answered_by = ?, answered_at = ?, updated_at = ? "
                                 "WHERE id = ? AND status = ?",
                                 (ROUTED_ANSWERED, answer, by, _now(), _now(), routed_id,
                                  ROUTED_OPEN)).rowcount
        return bool(changed)


def _row(row: tuple[object, ...]) -> RoutedRow:
    values = list(row)
    values[8] = bool(values[8])
    return RoutedRow(*values)  # type: ignore[arg-type]
