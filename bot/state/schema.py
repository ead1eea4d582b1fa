"""The state database's schema and its upgrades: numbered steps, the same for both backends.

SQLite keeps the version in ``PRAGMA user_version``, PostgreSQL in the table ``schema_version``
(one row per step applied, ``bot.state.postgres``). A database of a newer version than
``SCHEMA_VERSION`` is refused by both. Steps are SQL in the common subset of both dialects
(``AUTO_ID`` stands for the dialect's generated key) or Python functions on a connection.

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
Version 6 (issue 15, replicas): per-minute message counters of (hashed) senders, shared by all
replicas (``bot.state.records.SqlState.count_message``).
Version 7 (issue 15, replicas): draft texts and the web chat's inbox in the state, so that
any replica reads them (``bot.state.inbox``).
Version 8 (issue 12, the stand-in's briefing): absence notes, briefings sent, routed
questions to return after an absence (``bot.state.briefing``).
Version 9 (issue 10, keyword suggestions): the tasks a refusal offered as buttons and the one
its asker then chose, on unanswered questions (``bot.gaps.report.suggested_words``).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.directory import absence_category
from bot.state.briefing import SCHEMA_8 as BRIEFING_TABLES
from bot.state.capture import SCHEMA_2 as CAPTURE_TABLES
from bot.state.dialect import SQLITE, Connection, Dialect
from bot.state.inbox import SCHEMA_7 as REPLICA_TABLES
from bot.state.routing import SCHEMA_5 as ROUTING_TABLES

SCHEMA_VERSION = 9

Step = str | Callable[[Connection], None]

_VERSION_1 = [
    """CREATE TABLE IF NOT EXISTS absences (
        id AUTO_ID,
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
        id AUTO_ID, question TEXT NOT NULL, normalized TEXT NOT NULL,
        user_key TEXT NOT NULL, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS unanswered_normalized ON unanswered(normalized)",
]



def _cut_reasons_to_categories(connection: Connection) -> None:
    """Free-text reasons stored before issue 14 become their category (no health data)."""
    rows = connection.execute("SELECT id, reason FROM absences").fetchall()
    for row_id, reason in rows:
        category = absence_category(reason or "")
        if category != reason:
            connection.execute("UPDATE absences SET reason = ? WHERE id = ?", (category, row_id))


_VERSION_2: list[Step] = [
    _cut_reasons_to_categories,
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

_VERSION_6 = [
    """CREATE TABLE IF NOT EXISTS message_counts (
        sender TEXT NOT NULL, minute BIGINT NOT NULL, messages INTEGER NOT NULL,
        PRIMARY KEY (sender, minute))""",
    "CREATE INDEX IF NOT EXISTS message_counts_minute ON message_counts(minute)",
]

# A refused question's offered task buttons, and the one its asker then clicked: the words
# staff use for a task its keywords miss (bot.gaps.report, "stichwortvorschlag").
_VERSION_9 = [
    "ALTER TABLE unanswered ADD COLUMN offered_tasks TEXT",
    "ALTER TABLE unanswered ADD COLUMN chosen_task TEXT",
    "CREATE INDEX IF NOT EXISTS unanswered_chosen ON unanswered(chosen_task)",
]

_STEPS: dict[int, list[Step]] = {
    1: list(_VERSION_1), 2: _VERSION_2, 3: list(_VERSION_3), 4: list(CAPTURE_TABLES),
    5: list(ROUTING_TABLES), 6: list(_VERSION_6), 7: list(REPLICA_TABLES),
    8: list(BRIEFING_TABLES), 9: list(_VERSION_9),
}


def steps_for(dialect: Dialect) -> dict[int, list[Step]]:
    """Every step with its SQL written for ``dialect``."""
    return {number: [step.replace("AUTO_ID", dialect.auto_id) if isinstance(step, str) else step
                     for step in steps] for number, steps in _STEPS.items()}


STEPS = steps_for(SQLITE)  # what the SQLite backend runs (and old-file fixtures of the tests)


def upgrade(connection: Connection, version: int, dialect: Dialect = SQLITE) -> list[int]:
    """Run every step above ``version`` inside the caller's transaction; the steps run (the
    caller records the new version: the backends keep it in different places)."""
    done = []
    for number, steps in steps_for(dialect).items():
        if number <= version:
            continue
        for step in steps:
            if isinstance(step, str):
                connection.execute(step)
            else:
                step(connection)
        done.append(number)
    return done
