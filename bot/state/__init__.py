"""Everything that must survive a restart (absences from chat, answers, feedback, gaps,
knowledge capture, message counters), behind one interface with two backends: SQLite (the
embedded default) and PostgreSQL (providers, replicas). Open it with ``open_state``
(``bot.state.factory``)."""

from __future__ import annotations

from bot.state.factory import check_namespace, is_postgres, open_state, state_exists
from bot.state.records import SqlState
from bot.state.schema import SCHEMA_VERSION
from bot.state.sqlite import State
from bot.state.store import AbsenceStore, AnswerLog, CaptureLog, StateStore

__all__ = [
    "AbsenceStore",
    "AnswerLog",
    "CaptureLog",
    "StateStore",
    "SCHEMA_VERSION",
    "SqlState",
    "State",
    "check_namespace",
    "is_postgres",
    "open_state",
    "state_exists",
]
