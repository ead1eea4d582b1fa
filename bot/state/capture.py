"""The state of knowledge capture: conversation references (proactive messages), which chat
users a directory person writes as, handover interviews with their answers, and drafts.

A mixin of ``bot.state.records.SqlState``: it uses the same connection helpers and transactions.
Drafts are shared with routed questions (issue 12): ``kind`` tells them apart.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.state.dialect import Connection

SCHEMA_2 = [
    """CREATE TABLE IF NOT EXISTS conversation_refs (
        user_key TEXT PRIMARY KEY, reference TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS person_users (
        person_id TEXT NOT NULL, user_key TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (person_id, user_key))""",
    """CREATE TABLE IF NOT EXISTS interviews (
        id TEXT PRIMARY KEY, person_id TEXT NOT NULL, task_id TEXT NOT NULL,
        started_by TEXT NOT NULL, status TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0,
        base_source TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS interviews_person ON interviews(person_id, status)",
    """CREATE TABLE IF NOT EXISTS interview_answers (
        interview_id TEXT NOT NULL REFERENCES interviews(id), section TEXT NOT NULL,
        text TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (interview_id, section))""",
    """CREATE TABLE IF NOT EXISTS drafts (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, origin_id TEXT NOT NULL,
        target TEXT NOT NULL, department TEXT NOT NULL, author TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', decided_by TEXT,
        decided_at TEXT, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS drafts_status ON drafts(status)",
]

OPEN, DRAFT, RETURNED, RELEASED, CANCELLED = "open", "draft", "returned", "released", "cancelled"
PENDING = "pending"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class InterviewRow:
    id: str
    person_id: str  # whose knowledge is written down
    task_id: str
    started_by: str  # person id of who started it (the person, a head or an admin)
    status: str  # open | draft | returned | released | cancelled
    position: int  # index of the section shown next
    base_source: str | None  # the handover document being updated, if any
    updated_at: str


@dataclass(frozen=True)
class DraftRow:
    id: str
    kind: str  # "uebergabe" (issue 11) or "faq" (issue 12)
    origin_id: str  # the interview (or routed question) it came from
    target: str  # relative path in the release folder, e.g. "steueramt/uebergabe_x.md"
    department: str
    author: str  # person id
    status: str  # pending | released | returned
    note: str
    decided_by: str | None


class CaptureStore:
    """Interviews, answers, drafts and conversation references (see module doc)."""

    def _connect(self) -> AbstractContextManager[Connection]:  # from the backend
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:  # from the backend
        raise NotImplementedError

    # --- conversation references and people's chat identities -----------------------------

    def save_reference(self, user_key: str, reference_json: str) -> None:
        """Where to reach a user later (a serialised Bot Framework conversation reference)."""
        with self._write() as db:
            db.execute("INSERT INTO conversation_refs VALUES (?, ?, ?) ON CONFLICT (user_key) "
                       "DO UPDATE SET reference = excluded.reference, "
                       "updated_at = excluded.updated_at", (user_key, reference_json, _now()))

    def reference_of(self, user_key: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT reference FROM conversation_refs WHERE user_key = ?",
                             (user_key,)).fetchone()
        return str(row[0]) if row else None

    def link_person(self, person_id: str, user_key: str) -> None:
        """Remember that ``person_id`` writes as ``user_key`` (to reach them later)."""
        with self._write() as db:
            db.execute("INSERT INTO person_users VALUES (?, ?, ?) ON CONFLICT "
                       "(person_id, user_key) DO UPDATE SET updated_at = excluded.updated_at",
                       (person_id, user_key, _now()))

    def user_keys_of(self, person_id: str) -> list[str]:
        """The chat users a person wrote as, most recent first."""
        with self._connect() as db:
            rows = db.execute("SELECT user_key FROM person_users WHERE person_id = ? "
                              "ORDER BY updated_at DESC", (person_id,)).fetchall()
        return [str(r[0]) for r in rows]

    # --- interviews -----------------------------------------------------------------------

    def start_interview(self, person_id: str, task_id: str, started_by: str,
                        base_source: str | None, prefill: dict[str, str]) -> InterviewRow:
        """A new interview, or the person's unfinished one for the same task (never two)."""
        with self._write() as db:
            row = db.execute("SELECT id FROM interviews WHERE person_id = ? AND task_id = ? "
                             "AND status IN (?, ?)", (person_id, task_id, OPEN, RETURNED)
                             ).fetchone()
            if row is None:
                interview_id = uuid.uuid4().hex
                db.execute("INSERT INTO interviews VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
                           (interview_id, person_id, task_id, started_by, OPEN, base_source,
                            _now(), _now()))
                for section, text in prefill.items():
                    db.execute("INSERT INTO interview_answers VALUES (?, ?, ?, ?)",
                               (interview_id, section, text, _now()))
            else:
                interview_id = row[0]
        found = self.interview(interview_id)
        assert found is not None
        return found

    def interview(self, interview_id: str) -> InterviewRow | None:
        with self._connect() as db:
            row = db.execute("SELECT id, person_id, task_id, started_by, status, position, "
                             "base_source, updated_at FROM interviews WHERE id = ?",
                             (interview_id,)).fetchone()
        return InterviewRow(*row) if row else None

    def interviews_of(self, person_id: str) -> list[InterviewRow]:
        """Interviews the person gives or started, unfinished first, newest first."""
        with self._connect() as db:
            rows = db.execute("SELECT id, person_id, task_id, started_by, status, position, "
                              "base_source, updated_at FROM interviews WHERE person_id = ? "
                              "OR started_by = ? ORDER BY updated_at DESC",
                              (person_id, person_id)).fetchall()
        return [InterviewRow(*r) for r in rows]

    def answers(self, interview_id: str) -> dict[str, str]:
        with self._connect() as db:
            rows = db.execute("SELECT section, text FROM interview_answers "
                              "WHERE interview_id = ?", (interview_id,)).fetchall()
        return {str(s): str(t) for s, t in rows}

    def save_answer(self, interview_id: str, section: str, text: str | None,
                    position: int) -> None:
        """Store (or, with ``None``, keep) a section's answer and move to ``position``."""
        with self._write() as db:
            if text is not None:
                db.execute("INSERT INTO interview_answers VALUES (?, ?, ?, ?) ON CONFLICT "
                           "(interview_id, section) DO UPDATE SET text = excluded.text, "
                           "updated_at = excluded.updated_at",
                           (interview_id, section, text, _now()))
            db.execute("UPDATE interviews SET position = ?, updated_at = ? WHERE id = ?",
                       (position, _now(), interview_id))

    def set_interview_status(self, interview_id: str, status: str) -> None:
        with self._write() as db:
            db.execute("UPDATE interviews SET status = ?, updated_at = ? WHERE id = ?",
                       (status, _now(), interview_id))

    # --- drafts ---------------------------------------------------------------------------

    def add_draft(self, kind: str, origin_id: str, target: str, department: str,
                  author: str) -> str:
        """A pending draft; an earlier pending draft of the same origin is superseded."""
        draft_id = uuid.uuid4().hex
        with self._write() as db:
            db.execute("UPDATE drafts SET status = 'superseded' WHERE origin_id = ? AND "
                       "status = ?", (origin_id, PENDING))
            db.execute("INSERT INTO drafts (id, kind, origin_id, target, department, author, "
                       "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (draft_id, kind, origin_id, target, department, author, PENDING, _now()))
            if kind == "uebergabe":
                db.execute("UPDATE interviews SET status = ?, updated_at = ? WHERE id = ?",
                           (DRAFT, _now(), origin_id))
        return draft_id

    def draft(self, draft_id: str) -> DraftRow | None:
        with self._connect() as db:
            row = db.execute("SELECT id, kind, origin_id, target, department, author, status, "
                             "note, decided_by FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return DraftRow(*row) if row else None

    def pending_drafts(self) -> list[DraftRow]:
        with self._connect() as db:
            rows = db.execute("SELECT id, kind, origin_id, target, department, author, status, "
                              "note, decided_by FROM drafts WHERE status = ? ORDER BY created_at",
                              (PENDING,)).fetchall()
        return [DraftRow(*r) for r in rows]

    def decide_draft(self, draft_id: str, decision: str, by: str, note: str = "") -> bool:
        """Release or return a pending draft, once: of two heads pressing at the same time one
        wins (the update is one transaction); False for the other and for a second press."""
        with self._write() as db:
            changed = db.execute("UPDATE drafts SET status = ?, decided_by = ?, decided_at = ?, "
                                 "note = ? WHERE id = ? AND status = ?",
                                 (decision, by, _now(), note, draft_id, PENDING)).rowcount
            if changed:
                origin = db.execute("SELECT kind, origin_id FROM drafts WHERE id = ?",
                                    (draft_id,)).fetchone()
                if origin and origin[0] == "uebergabe":  # a returned one starts at the top
                    db.execute("UPDATE interviews SET status = ?, updated_at = ?, position = "
                               "CASE WHEN ? THEN position ELSE 0 END WHERE id = ?",
                               (RELEASED if decision == RELEASED else RETURNED, _now(),
                                decision == RELEASED, origin[1]))
        return bool(changed)

    def undo_release(self, draft_id: str) -> None:
        """The file could not be written: the draft is pending again (nothing lost)."""
        with self._write() as db:
            db.execute("UPDATE drafts SET status = ?, decided_by = NULL, decided_at = NULL "
                       "WHERE id = ?", (PENDING, draft_id))
            db.execute("UPDATE interviews SET status = ? WHERE id = (SELECT origin_id FROM "
                       "drafts WHERE id = ? AND kind = 'uebergabe')", (DRAFT, draft_id))

