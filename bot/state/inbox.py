"""The web chat's inbox in the state: messages to a web-chat session outside a request
(reindex progress and summary, an answer to a routed question), kept until the page polls.

With several replicas the poll may reach another process than the one that sent: the inbox
therefore lives in the state store, not in memory. Rows are taken (deleted) by the poll that
returns them; at most ``INBOX_KEEP`` per conversation are kept, and none longer than
``INBOX_HOURS`` (a page closed for a day does not need them; they may name people). In the
local web chat a poll that names its person also takes what waits in that person's earlier
sessions (a tab closed since: sessions are per tab). A mixin of the state class
(``_connect``/``_write``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

INBOX_KEEP = 50
INBOX_HOURS = 24

SCHEMA_7 = [
    "ALTER TABLE drafts ADD COLUMN text TEXT",
    """CREATE TABLE IF NOT EXISTS web_inbox (
        id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, position BIGINT NOT NULL,
        reply TEXT NOT NULL, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS web_inbox_conversation ON web_inbox(conversation_id, position)",
    "CREATE INDEX IF NOT EXISTS web_inbox_created ON web_inbox(created_at)",
]


class InboxStore:
    def _connect(self) -> AbstractContextManager[Any]:  # from the backend
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Any]:  # from the backend
        raise NotImplementedError

    def post_to_inbox(self, conversation_id: str, replies: list[str]) -> None:
        """Append serialised replies; the oldest beyond INBOX_KEEP of the conversation go."""
        moment = datetime.now(UTC)
        now = moment.isoformat(timespec="seconds")
        stale = (moment - timedelta(hours=INBOX_HOURS)).isoformat(timespec="seconds")
        base = time.time_ns()
        with self._write() as db:
            db.execute("DELETE FROM web_inbox WHERE created_at < ?", (stale,))
            for offset, reply in enumerate(replies):
                db.execute("INSERT INTO web_inbox VALUES (?, ?, ?, ?, ?)",
                           (uuid.uuid4().hex, conversation_id, base + offset, reply, now))
            db.execute("DELETE FROM web_inbox WHERE conversation_id = ? AND id NOT IN (SELECT "
                       "id FROM web_inbox WHERE conversation_id = ? ORDER BY position DESC "
                       "LIMIT ?)", (conversation_id, conversation_id, INBOX_KEEP))

    def take_inbox(self, conversation_id: str, others: Sequence[str] = ()) -> list[str]:
        """The waiting replies, oldest first, removed in the same transaction (a second poll,
        on any replica, gets none of them again). ``others``: more conversations to take from
        (the same person's earlier web chat sessions); a reply that is also in another of
        them (one message sent to every session of a person) is returned once."""
        keys = [conversation_id, *(key for key in others if key != conversation_id)]
        marks = ", ".join("?" for _ in keys)
        with self._write() as db:
            rows = db.execute(f"SELECT id, conversation_id, reply FROM web_inbox WHERE "
                              f"conversation_id IN ({marks}) ORDER BY position",
                              tuple(keys)).fetchall()
            for row_id, _, _ in rows:
                db.execute("DELETE FROM web_inbox WHERE id = ?", (row_id,))
        return once_per_person([(str(key), str(reply)) for _, key, reply in rows],
                               conversation_id)

    def set_draft_text(self, draft_id: str, text: str) -> None:
        with self._write() as db:
            db.execute("UPDATE drafts SET text = ? WHERE id = ?", (text, draft_id))

    def draft_text(self, draft_id: str) -> str | None:
        """The draft's Markdown; None for a draft made before version 7 (its file has it)."""
        with self._connect() as db:
            row = db.execute("SELECT text FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return str(row[0]) if row and row[0] is not None else None


def once_per_person(rows: list[tuple[str, str]], own: str) -> list[str]:
    """The replies of (conversation, reply) rows in their order: all of ``own``, and of the
    other conversations those not among them already (a copy of what reached every session
    of the person)."""
    seen = {reply for key, reply in rows if key == own}
    taken: list[str] = []
    for key, reply in rows:
        if key != own:
            if reply in seen:
                continue
            seen.add(reply)
        taken.append(reply)
    return taken
