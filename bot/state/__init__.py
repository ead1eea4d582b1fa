"""Everything that must survive a restart (absences from chat, answers, feedback, gaps)."""

from __future__ import annotations

from bot.state.schema import SCHEMA_VERSION
from bot.state.sqlite import State
from bot.state.store import AbsenceStore, AnswerLog, CaptureLog, StateStore

__all__ = [
    "AbsenceStore",
    "AnswerLog",
    "CaptureLog",
    "StateStore",
    "SCHEMA_VERSION",
    "State",
]
