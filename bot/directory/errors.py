"""Exceptions of the directory, dates, absences and state. German text only at the edge
(``bot.texts.directory.error_message`` turns each into a sentence for the user).

    BotError (bot.errors)
    ├── NotAllowed               the one admin rule (bot.directory.roles) says no
    └── DirectoryError
        ├── UnknownTask          (also a KeyError)
        ├── DateError            a German date or range that cannot be read (also a ValueError)
        ├── AbsenceError         an absence request that cannot be carried out
        │   ├── NotOwnAbsence    a non-admin set someone else's absence (also a NotAllowed)
        │   ├── UnknownPerson    a name that matches nobody or several people
        │   ├── UnknownSelf      the writer is not in personen.csv
        │   ├── StandInIsSelf    the stand-in is the absent person
        │   └── AbsenceInPast    the absence ended before today
        └── StateError           the state database cannot be used
"""

from __future__ import annotations

from bot.errors import BotError


class NotAllowed(BotError):
    """The user asked for something only an admin (or the person themself) may do."""


class DirectoryError(BotError):
    """Base of every error the directory modules raise on purpose."""


class UnknownTask(DirectoryError, KeyError):
    def __init__(self, task_id: str) -> None:
        super().__init__(task_id)
        self.task_id = task_id


class DateError(DirectoryError, ValueError):
    """A date or range in German notation could not be read.

    ``kind``: ``unreadable`` | ``no_such_day`` (31.02.) | ``inverted`` (end before start) |
    ``too_long`` (a range over a year) | ``year_out_of_range`` (outside 2000-2099).
    ``value`` is the text as the user wrote it.
    """

    def __init__(self, value: str, kind: str = "unreadable") -> None:
        super().__init__(f"{kind}: {value!r}")
        self.value = value
        self.kind = kind


class AbsenceError(DirectoryError):
    """An absence request that cannot be carried out."""


class NotOwnAbsence(AbsenceError, NotAllowed):
    """A non-admin tried to set or end someone else's absence."""

    def __init__(self, actor_id: str | None, target_id: str) -> None:
        super().__init__(f"{actor_id!r} may not set the absence of {target_id!r}")
        self.actor_id = actor_id
        self.target_id = target_id


class UnknownPerson(AbsenceError):
    """A name in an absence request matches nobody (``candidates`` empty) or several people."""

    def __init__(self, name: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(f"no unique person for {name!r}: {list(candidates)}")
        self.name = name
        self.candidates = candidates


class UnknownSelf(AbsenceError):
    """The user writing in chat is not in ``personen.csv``."""


class StandInIsSelf(AbsenceError):
    """The named stand-in is the absent person."""


class AbsenceInPast(AbsenceError):
    """The absence ended before today."""

    def __init__(self, end: object) -> None:
        super().__init__(f"absence ended on {end}")
        self.end = end


class NoteError(AbsenceError):
    """The handover note of ``abwesend ... Notiz: ...`` cannot be stored: ``kind`` is
    ``empty``, ``too_long`` (``length``) or ``secret`` (``what``: the kind of secret)."""

    def __init__(self, kind: str, length: int = 0, what: str = "") -> None:
        super().__init__(f"absence note refused: {kind}")
        self.kind = kind
        self.length = length
        self.what = what


class StateError(DirectoryError):
    """The state database cannot be used (e.g. written by a newer schema)."""
