"""The state's records, written once for both backends: absences entered in chat, answers and
feedback, unanswered questions, per-minute message counters, retention and data-protection
requests (with the capture and routing mixins). A backend (``bot.state.sqlite.State``,
``bot.state.postgres.PostgresState``) adds only ``_connect`` (a connection with ``?``
placeholders) and ``_write`` (the same, in a transaction that one writer holds at a time:
read-then-write code such as ``start_interview`` stays correct on both) and its migrations.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta

from bot.directory import Absence, absence_category
from bot.state import privacy
from bot.state.briefing import BriefingStore
from bot.state.capture import CaptureStore
from bot.state.dialect import Connection
from bot.state.inbox import InboxStore
from bot.state.routing import RoutingStore

VOTES = ("up", "down")
# The tasks a refusal offered are kept this long for choosing one (the assistant's window is
# 30 minutes); the nightly purge clears older ones, so none outlives the next night but one hour.
OFFERS_KEPT = timedelta(hours=1)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalize_question(question: str) -> str:
    """Questions that differ only in case, spacing and punctuation count as one."""
    return re.sub(r"[\W_]+", " ", question.casefold()).strip()


def _task_list(stored: object) -> list[str]:
    """The task ids of an ``offered_tasks`` cell (a JSON list; anything else: none)."""
    try:
        tasks = json.loads(str(stored))
    except ValueError:
        return []
    return [str(t) for t in tasks] if isinstance(tasks, list) else []


def sender_digest(sender: str) -> str:
    """What the message counters keep of a sender: a digest, never the Teams id itself."""
    return hashlib.sha256(sender.encode("utf-8")).hexdigest()[:32]


class SqlState(CaptureStore, RoutingStore, InboxStore, BriefingStore):
    """Everything the bot keeps across restarts, in SQL both backends understand."""

    shared_by_replicas = False  # True: several processes on other machines use this state

    def _connect(self) -> AbstractContextManager[Connection]:  # from the backend
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:  # from the backend
        raise NotImplementedError

    def close(self) -> None:
        """Release connections (PostgreSQL's pool); SQLite opens one per call."""

    def table_names(self) -> list[str]:  # from the backend
        raise NotImplementedError

    def _after_copy(self, connection: Connection, tables: list[str]) -> None:
        """After rows were inserted with their ids (``bot.state.transfer``)."""

    # --- absences --------------------------------------------------------------------------

    def add_absence(
        self, person_id: str, start: date, end: date, stand_in: str | None, created_by: str,
        reason: str = "abwesend",
    ) -> int:
        """Store a chat absence; ``reason`` is cut down to its category (never free text)."""
        if end < start:
            raise ValueError(f"absence ends ({end}) before it starts ({start})")
        with self._write() as connection:
            cursor = connection.execute(
                'INSERT INTO absences (person_id, start, "end", stand_in, reason, created_by, '
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (person_id, start.isoformat(), end.isoformat(), stand_in, absence_category(reason),
                 created_by,
                 _now()),
            )
            return int(cursor.fetchone()[0])

    def end_absence(self, person_id: str, today: date) -> int:
        """The person is back: chat absences running today end yesterday (those starting
        today vanish). Planned later absences stay. Returns how many were ended."""
        day = today.isoformat()
        yesterday = (today - timedelta(days=1)).isoformat()
        with self._write() as connection:
            gone = connection.execute(
                'DELETE FROM absences WHERE person_id = ? AND start = ?', (person_id, day),
            ).rowcount
            cut = connection.execute(
                'UPDATE absences SET "end" = ? WHERE person_id = ? AND start < ? AND "end" >= ?',
                (yesterday, person_id, day, day),
            ).rowcount
        return gone + cut

    def remove_absence(self, absence_id: int) -> bool:
        with self._write() as connection:
            return connection.execute("DELETE FROM absences WHERE id = ?",
                                      (absence_id,)).rowcount > 0

    def absences(self) -> list[Absence]:
        with self._connect() as connection:
            rows = connection.execute(
                'SELECT id, person_id, start, "end", stand_in, reason, created_by '
                "FROM absences ORDER BY start, id"
            ).fetchall()
        return [
            Absence(person, date.fromisoformat(start), date.fromisoformat(end), stand_in or None,
                    reason, "chat", row_id, created_by)
            for row_id, person, start, end, stand_in, reason, created_by in rows
        ]

    # --- answers, feedback, gaps ------------------------------------------------------------

    def record_answer(
        self, question: str | None, sources: list[str], index_version: str, user_key: str,
        task_id: str | None = None,
    ) -> str:
        """Remember an answer (for feedback); ``question`` None when it may not be kept."""
        answer_id = uuid.uuid4().hex
        with self._write() as connection:
            connection.execute(
                "INSERT INTO answers (id, question, sources, index_version, user_key, "
                "created_at, task_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (answer_id, question, json.dumps(sources), index_version, user_key, _now(),
                 task_id),
            )
        return answer_id

    def record_feedback(self, answer_id: str, vote: str, user_key: str) -> bool:
        """One vote per user and answer (a second vote replaces the first); False when the
        answer id is unknown."""
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, not {vote!r}")
        with self._write() as connection:
            if not connection.execute("SELECT 1 FROM answers WHERE id = ?",
                                      (answer_id,)).fetchone():
                return False
            connection.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?) ON CONFLICT (answer_id, user_key) "
                "DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at",
                (answer_id, user_key, vote, _now()),
            )
        return True

    def record_unanswered(self, question: str, user_key: str, task_id: str | None = None,
                          offered_tasks: Sequence[str] = ()) -> None:  # fmt: skip
        """``task_id``: the task the question was probably about (the directory's best guess);
        ``offered_tasks``: the tasks offered as topic buttons with the refusal."""
        offered = json.dumps(list(offered_tasks)) if offered_tasks else None
        with self._write() as connection:
            # only a user's latest refusal can be chosen from: older offers are of no use
            connection.execute(
                "UPDATE unanswered SET offered_tasks = NULL WHERE user_key = ? "
                "AND offered_tasks IS NOT NULL", (user_key,))
            connection.execute(
                "INSERT INTO unanswered (question, normalized, user_key, created_at, task_id, "
                "offered_tasks) VALUES (?, ?, ?, ?, ?, ?)",
                (question.strip(), normalize_question(question), user_key, _now(), task_id,
                 offered),
            )

    def choose_offered(self, user_key: str, task_id: str, since: datetime) -> bool:
        """The user asked for ``task_id`` by one of the topic buttons of their latest refused
        question (recorded since ``since``): note it as the task that question was about.
        False when that question offered no such task, its choice was made already, or there
        is none (asked otherwise, or too late): an older refusal is never linked."""
        stamp = since.astimezone(UTC).isoformat(timespec="seconds")
        with self._write() as connection:
            rows = connection.execute(
                "SELECT id, offered_tasks FROM unanswered WHERE user_key = ? AND created_at >= ? "
                "ORDER BY id DESC LIMIT 1", (user_key, stamp)).fetchall()
            if not rows or rows[0][1] is None or task_id not in _task_list(rows[0][1]):
                return False
            connection.execute(
                "UPDATE unanswered SET chosen_task = ?, offered_tasks = NULL WHERE id = ?",
                (task_id, rows[0][0]))
        return True

    def chosen_after_refusal(self, limit: int = 2000) -> list[tuple[str, str]]:
        """(task id, question) of refused questions whose asker then chose that task among
        the offered ones, newest first, at most ``limit`` (within the retention period, like
        every question)."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT chosen_task, question FROM unanswered WHERE chosen_task IS NOT NULL "
                "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [(str(task_id), str(question)) for task_id, question in rows]

    def questions_per_task(self, since: datetime) -> dict[str | None, tuple[int, int]]:
        """Per task id (None: no task recognised): (questions asked, of them unanswered)
        since ``since``; answers and unanswered questions together are the questions asked."""
        stamp = since.astimezone(UTC).isoformat(timespec="seconds")
        with self._connect() as connection:
            answered = connection.execute(
                "SELECT task_id, COUNT(*) FROM answers WHERE created_at >= ? GROUP BY task_id",
                (stamp,)).fetchall()
            missed = connection.execute(
                "SELECT task_id, COUNT(*) FROM unanswered WHERE created_at >= ? GROUP BY task_id",
                (stamp,)).fetchall()
        counts: dict[str | None, tuple[int, int]] = {}
        for task_id, n in answered:
            counts[task_id] = (int(n), 0)
        for task_id, n in missed:
            asked, _ = counts.get(task_id, (0, 0))
            counts[task_id] = (asked + int(n), int(n))
        return counts

    def unanswered(self, limit: int = 20) -> list[tuple[str, int]]:
        """Unanswered questions, most frequent first (the latest wording of each)."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT (SELECT question FROM unanswered u2 WHERE u2.normalized = u.normalized "
                "ORDER BY id DESC LIMIT 1), COUNT(*) AS n, MAX(id) AS last "
                "FROM unanswered u GROUP BY normalized ORDER BY n DESC, last DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [(question, count) for question, count, _ in rows]

    def feedback_counts(self) -> dict[str, int]:
        with self._connect() as connection:
            rows = dict(connection.execute(
                "SELECT vote, COUNT(*) FROM feedback GROUP BY vote").fetchall())
        return {vote: int(rows.get(vote, 0)) for vote in VOTES}

    # --- retention and data-protection requests (bot.state.privacy) ------------------------

    def purge(self, retention_days: int, now: datetime | None = None) -> dict[str, int]:
        """Drop what is older than the retention period; counts per table."""
        moment = now or datetime.now(UTC)
        cutoff = privacy.cutoff_for(moment, retention_days)
        stale = (moment - OFFERS_KEPT).astimezone(UTC).isoformat(timespec="seconds")
        with self._write() as connection:
            counts = privacy.purge(connection, cutoff)
            # a refusal's offered buttons matter for minutes (the choice), not for the
            # retention period of its question
            connection.execute("UPDATE unanswered SET offered_tasks = NULL WHERE "
                               "offered_tasks IS NOT NULL AND created_at < ?", (stale,))
            return counts

    def export_person(self, keys: list[str]) -> dict[str, list[dict[str, object]]]:
        """Everything stored under any of ``keys`` (Art. 15 DSGVO)."""
        with self._connect() as connection:
            return privacy.export(connection, privacy.linked_keys(connection, keys))

    def erase_person(self, keys: list[str]) -> dict[str, int]:
        """Delete everything stored under any of ``keys`` (Art. 17 DSGVO); counts per table."""
        with self._write() as connection:
            return privacy.erase(connection, privacy.linked_keys(connection, keys))

    # --- message counters shared by replicas (bot.assistant.throttle) ----------------------

    def count_message(self, sender: str, minute: int) -> int:
        """Count one message of ``sender`` in the minute ``minute`` (minutes since the epoch)
        and return the sender's messages in that minute so far, across all replicas. Counters
        of earlier minutes are dropped on the way (the table holds the last two minutes)."""
        with self._write() as connection:
            connection.execute("DELETE FROM message_counts WHERE minute < ?", (minute - 1,))
            row = connection.execute(
                "INSERT INTO message_counts (sender, minute, messages) VALUES (?, ?, 1) "
                "ON CONFLICT (sender, minute) DO UPDATE SET "
                "messages = message_counts.messages + 1 RETURNING messages",
                (sender_digest(sender), minute)).fetchone()
        return int(row[0])
