"""Retention and the data subject's rights (Art. 15 and 17 DSGVO) on the state database.

Personal data in the state: questions with the asker's key (Teams AAD object id, e-mail or
"web:<session>"), their votes, absences entered in chat (person, dates, stand-in, a
category), and for knowledge capture the conversation references (where to reach a user),
which chat keys a person wrote as, handover interviews and drafts. Interviews and drafts are
the administration's work documents: exported, but kept on erasure (counted, for the admin to
decide). ``purge`` drops what is older than the retention period; ``export`` and ``erase``
find everything stored under any of a person's identifiers. The functions take an open
connection (either backend) so that the store runs each in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from bot.state.dialect import Connection

ERASED = "geloescht"  # who entered an absence, once that person had their data erased


def purge(connection: Connection, cutoff: datetime) -> dict[str, int]:
    """Delete answers, votes and unanswered questions recorded before ``cutoff`` and chat
    absences that ended before its date. Counts per table."""
    moment, day = cutoff.isoformat(timespec="seconds"), cutoff.date().isoformat()
    counts = {
        "feedback": connection.execute(
            "DELETE FROM feedback WHERE created_at < ? OR answer_id IN "
            "(SELECT id FROM answers WHERE created_at < ?)", (moment, moment)).rowcount,
        "answers": connection.execute(
            "DELETE FROM answers WHERE created_at < ?", (moment,)).rowcount,
        "unanswered": connection.execute(
            "DELETE FROM unanswered WHERE created_at < ?", (moment,)).rowcount,
        "absences": connection.execute(
            'DELETE FROM absences WHERE "end" < ?', (day,)).rowcount,
        # whoever has not written for the retention period is not reached proactively
        "conversation_refs": connection.execute(
            "DELETE FROM conversation_refs WHERE updated_at < ?", (moment,)).rowcount,
        "person_users": connection.execute(
            "DELETE FROM person_users WHERE updated_at < ?", (moment,)).rowcount,
        # routed questions carry the question and who asked: the same period as questions
        "routed_questions": connection.execute(
            "DELETE FROM routed_questions WHERE created_at < ?", (moment,)).rowcount,
        # issue 12: notes go with their absence (ON DELETE CASCADE); a briefing record is
        # kept as long as its absence
        "briefings_sent": connection.execute(
            "DELETE FROM briefings_sent WHERE absence_end < ?", (day,)).rowcount,
        "routed_returns": connection.execute(
            "DELETE FROM routed_returns WHERE routed_id NOT IN (SELECT id FROM "
            "routed_questions WHERE status = 'open')").rowcount,
    }
    return counts


def linked_keys(connection: Connection, keys: Collection[str]) -> list[str]:
    """``keys`` and the chat keys the state links to them (``person_users``)."""
    marks, values = _marks(keys), tuple(keys)
    rows = connection.execute(
        f"SELECT person_id, user_key FROM person_users WHERE person_id IN ({marks}) "
        f"OR user_key IN ({marks})", values * 2).fetchall()
    return list(dict.fromkeys([*keys, *(key for row in rows for key in row)]))


def export(connection: Connection, keys: Collection[str]) -> dict[str, Any]:
    """Every row stored under one of ``keys`` (person ids and chat user keys)."""
    marks = _marks(keys)
    values = tuple(keys)
    return {
        "absences": _rows(connection,
                          'SELECT id, person_id, start, "end", stand_in, reason, created_by, '
                          f"created_at FROM absences WHERE person_id IN ({marks}) "
                          f"OR created_by IN ({marks}) OR stand_in IN ({marks}) ORDER BY id",
                          values * 3),
        "answers": [_sources_as_list(row) for row in _rows(
            connection, "SELECT id, question, sources, index_version, user_key, task_id, "
            f"created_at FROM answers WHERE user_key IN ({marks}) ORDER BY created_at", values)],
        "feedback": _rows(connection, "SELECT answer_id, user_key, vote, created_at FROM "
                          f"feedback WHERE user_key IN ({marks}) ORDER BY created_at", values),
        "unanswered": _rows(connection, "SELECT id, question, user_key, task_id, offered_tasks, "
                            "chosen_task, created_at FROM "
                            f"unanswered WHERE user_key IN ({marks}) ORDER BY id", values),
        "conversation_refs": _rows(connection, "SELECT * FROM conversation_refs WHERE "
                                   f"user_key IN ({marks})", values),
        "person_users": _rows(connection, "SELECT * FROM person_users WHERE person_id IN "
                              f"({marks}) OR user_key IN ({marks})", values * 2),
        "interviews": _rows(connection, f"SELECT * FROM interviews WHERE person_id IN ({marks}) "
                            f"OR started_by IN ({marks}) ORDER BY created_at", values * 2),
        "interview_answers": _rows(
            connection, "SELECT * FROM interview_answers WHERE interview_id IN (SELECT id FROM "
            f"interviews WHERE person_id IN ({marks}))", values),
        "drafts": _rows(connection, f"SELECT * FROM drafts WHERE author IN ({marks}) "
                        f"OR decided_by IN ({marks}) ORDER BY created_at", values * 2),
        "routed_questions": _rows(
            connection, "SELECT id, question, asker_key, task_id, assignee, status, answer, "
            f"answered_by, created_at FROM routed_questions WHERE asker_key IN ({marks}) "
            f"OR asker_person IN ({marks}) ORDER BY created_at", values * 2),
        # issue 12: the person's handover notes and the briefings sent to them
        "absence_notes": _rows(connection, "SELECT absence_id, note FROM absence_notes WHERE "
                               f"absence_id IN (SELECT id FROM absences WHERE person_id IN "
                               f"({marks}))", values),
        "briefings_sent": _rows(connection, "SELECT * FROM briefings_sent WHERE person_id IN "
                                f"({marks})", values),
        "routed_returns": _rows(connection, "SELECT * FROM routed_returns WHERE person_id IN "
                                f"({marks})", values),
        # web chat replies not yet fetched (kept a day at most), by the chat's conversation
        "web_inbox": _rows(connection, "SELECT conversation_id, reply, created_at FROM "
                           f"web_inbox WHERE conversation_id IN ({marks})", values),
    }


def erase(connection: Connection, keys: Collection[str]) -> dict[str, int]:
    """Delete what belongs to ``keys``: their questions (with every vote on them), their votes,
    their absences. Absences they entered for others or stand in for stay (they are the other
    person's data and the plan of the office) with that reference removed."""
    marks, values = _marks(keys), tuple(keys)
    feedback = connection.execute(
        f"DELETE FROM feedback WHERE user_key IN ({marks}) OR answer_id IN "
        f"(SELECT id FROM answers WHERE user_key IN ({marks}))", values * 2).rowcount
    counts = {
        "feedback": feedback,
        "answers": connection.execute(
            f"DELETE FROM answers WHERE user_key IN ({marks})", values).rowcount,
        "unanswered": connection.execute(
            f"DELETE FROM unanswered WHERE user_key IN ({marks})", values).rowcount,
        "absences": connection.execute(
            f"DELETE FROM absences WHERE person_id IN ({marks})", values).rowcount,
        "routed_questions": connection.execute(
            f"DELETE FROM routed_questions WHERE asker_key IN ({marks}) "
            f"OR asker_person IN ({marks})", values * 2).rowcount,
    }
    counts["briefings_sent"] = connection.execute(
        f"DELETE FROM briefings_sent WHERE person_id IN ({marks})", values).rowcount
    counts["routed_returns"] = connection.execute(
        f"DELETE FROM routed_returns WHERE person_id IN ({marks})", values).rowcount
    counts["web_inbox"] = connection.execute(
        f"DELETE FROM web_inbox WHERE conversation_id IN ({marks})", values).rowcount
    counts["conversation_refs"] = connection.execute(
        f"DELETE FROM conversation_refs WHERE user_key IN ({marks})", values).rowcount
    counts["person_users"] = connection.execute(
        f"DELETE FROM person_users WHERE person_id IN ({marks}) OR user_key IN ({marks})",
        values * 2).rowcount
    counts["interviews_kept"] = connection.execute(
        f"SELECT COUNT(*) FROM interviews WHERE person_id IN ({marks})", values).fetchone()[0]
    counts["drafts_kept"] = connection.execute(
        f"SELECT COUNT(*) FROM drafts WHERE author IN ({marks})", values).fetchone()[0]
    counts["absences_anonymised"] = connection.execute(
        f"UPDATE absences SET created_by = CASE WHEN created_by IN ({marks}) THEN ? "
        f"ELSE created_by END, stand_in = CASE WHEN stand_in IN ({marks}) THEN NULL "
        f"ELSE stand_in END WHERE created_by IN ({marks}) OR stand_in IN ({marks})",
        (*values, ERASED, *values, *values, *values)).rowcount
    return counts


def _marks(keys: Collection[str]) -> str:
    if not keys:
        raise ValueError("no identifier given")
    return ", ".join("?" * len(keys))


def _rows(
    connection: Connection, sql: str, values: tuple[str, ...]
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, values)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sources_as_list(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "sources": json.loads(row["sources"] or "[]")}


def cutoff_for(today: date | datetime, days: int) -> datetime:
    """The moment before which data is dropped, ``days`` before ``today`` (UTC)."""
    from datetime import UTC, timedelta

    moment = today if isinstance(today, datetime) else datetime(
        today.year, today.month, today.day, tzinfo=UTC)
    return moment.astimezone(UTC) - timedelta(days=days)
