"""The state of routed questions (issue 12): a question the bot passed on to the person
responsible today, who holds it now, and its answer.

A mixin of ``bot.state.records.SqlState`` like ``CaptureStore``. The answer is stored with a
conditional UPDATE in one transaction: of two submits of the answer form one wins.

Sending a question to its holder is claimed in the database first, so that of two senders
(two replicas' sweeps, a holder's first message on one replica and the sweep on another, the
return after an absence) exactly one sends: ``delivered`` is ``0`` (waiting for a chat), ``2``
(claimed: being sent since ``updated_at``) or ``1`` (arrived). ``claim_delivery`` is one
conditional UPDATE (of two callers one wins, on SQLite and on PostgreSQL); ``finish_delivery``
records the outcome (back to waiting when no chat was reached). A claim older than
``CLAIM_STALE`` is a process that died while sending: the question is claimed and sent again,
not lost. Moving, delivering and reminding are conditional on the holder the caller read: a
question moved meanwhile by another replica is not touched.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
WAITING, DELIVERED, SENDING = 0, 1, 2  # values of ``delivered`` (module doc)
CLAIM_STALE = timedelta(minutes=10)  # far beyond one send, even to a slow connector
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
    delivered: bool  # the assignee's chat was reached (not while a send is claimed)
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

    def claim_delivery(self, routed_id: str, assignee: str) -> bool:
        """True when this caller may send the open question to ``assignee`` now: it still
        holds it, it has not arrived, and no one else is sending it (or their claim is
        stale). Of two callers at the same moment one gets True."""
        stale = (datetime.now(UTC) - CLAIM_STALE).isoformat(timespec="seconds")
        with self._write() as db:
            changed = db.execute("UPDATE routed_questions SET delivered = ?, updated_at = ? "
                                 "WHERE id = ? AND assignee = ? AND status = ? AND "
                                 "(delivered = ? OR (delivered = ? AND updated_at < ?))",
                                 (SENDING, _now(), routed_id, assignee, ROUTED_OPEN, WAITING,
                                  SENDING, stale)).rowcount
        return bool(changed)

    def finish_delivery(self, routed_id: str, assignee: str, delivered: bool) -> None:
        """The claimed send's outcome: arrived, or back to waiting (the sweep or the holder's
        next message sends it). A question moved on meanwhile is left alone."""
        with self._write() as db:
            db.execute("UPDATE routed_questions SET delivered = ?, updated_at = ? WHERE id = ? "
                       "AND assignee = ? AND delivered = ?",
                       (DELIVERED if delivered else WAITING, _now(), routed_id, assignee,
                        SENDING))

    def mark_reminded(self, routed_id: str, assignee: str) -> None:
        """A reminder reached ``assignee`` (the next one is counted from now)."""
        with self._write() as db:
            db.execute("UPDATE routed_questions SET reminded_at = ?, updated_at = ? "
                       "WHERE id = ? AND assignee = ? AND delivered = ?",
                       (_now(), _now(), routed_id, assignee, DELIVERED))

    def reassign_routed(self, routed_id: str, assignee: str, holder: str) -> bool:
        """Move an open question from ``holder`` to ``assignee`` (the holder became absent, or
        came back); False once answered or when it is no longer ``holder``'s (another pass
        moved it first)."""
        with self._write() as db:
            changed = db.execute("UPDATE routed_questions SET assignee = ?, delivered = ?, "
                                 "updated_at = ? WHERE id = ? AND status = ? AND assignee = ?",
                                 (assignee, WAITING, _now(), routed_id, ROUTED_OPEN,
                                  holder)).rowcount
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
    values[8] = values[8] == DELIVERED
    return RoutedRow(*values)  # type: ignore[arg-type]
