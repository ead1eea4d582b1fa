"""What the rest of the bot may ask of the state: one interface, whatever the backend.

``bot.state.sqlite.State`` is the embedded backend; callers are typed against ``StateStore`` so
that another backend (PostgreSQL for providers with several replicas) slots in unchanged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.directory.model import Absence


class AbsenceStore(Protocol):
    """Absences entered in chat (``abwesend ...``, ``zurück``)."""

    def add_absence(
        self, person_id: str, start: date, end: date, stand_in: str | None, created_by: str,
        reason: str = "",
    ) -> int: ...
    def end_absence(self, person_id: str, today: date) -> int: ...
    def remove_absence(self, absence_id: int) -> bool: ...
    def absences(self) -> list[Absence]: ...


class AnswerLog(Protocol):
    """Answers given (for feedback), feedback, and questions the bot could not answer."""

    def record_answer(
        self, question: str | None, sources: list[str], index_version: str, user_key: str,
        task_id: str | None = None,
    ) -> str: ...
    def record_feedback(self, answer_id: str, vote: str, user_key: str) -> bool: ...
    def record_unanswered(
        self, question: str, user_key: str, task_id: str | None = None
    ) -> None: ...
    def questions_per_task(self, since: datetime) -> dict[str | None, tuple[int, int]]: ...
    def unanswered(self, limit: int = 20) -> list[tuple[str, int]]: ...
    def feedback_counts(self) -> dict[str, int]: ...


class StateStore(AbsenceStore, AnswerLog, Protocol):
    """Everything the bot keeps across restarts."""
