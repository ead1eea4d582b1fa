"""The data of the directory: people, tasks, departments, absences, and the chain walk's result.

Kept apart from ``bot.directory.directory`` so that ``bot.state`` and ``bot.directory.ics``
can use the data classes without importing the loader.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Person:
    """One member of staff (a row of ``personen.csv``)."""

    id: str
    name: str
    department: str = ""
    phone: str = ""
    room: str = ""
    email: str = ""
    teams_id: str = ""
    groups: tuple[str, ...] = ()
    leaving: date | None = None  # planned leaving date (``austritt``)
    # the longer horizon (``austritt_geplant``): a year counts as its last day
    planned_leaving: date | None = None
    planned_year_only: bool = False

    @property
    def leaves_on(self) -> date | None:
        """The day the person leaves: the firm ``austritt`` or the planned one, the earlier."""
        days = [d for d in (self.leaving, self.planned_leaving) if d is not None]
        return min(days) if days else None


@dataclass(frozen=True)
class Department:
    """One department (a row of ``abteilungen.csv``); ``head`` is a person id."""

    name: str
    head: str | None = None
    phone: str = ""


@dataclass(frozen=True)
class Task:
    """One task of the Geschäftsverteilung: who is responsible and who stands in, in order."""

    id: str
    name: str
    keywords: tuple[str, ...] = ()
    department: str = ""
    responsible: str | None = None
    deputies: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()  # sources of documents whose front matter names the task
    # Keywords (stichwoerter) of the open documents that name the task: the words its authors
    # use for it beside the table's (recognition only; never shown).
    document_keywords: tuple[str, ...] = ()
    # Access groups of a task only restricted documents name (the table's tasks are open):
    # such a task, its name, keywords and people are shown only to members of one of them.
    groups: tuple[str, ...] = ()
    # Access groups of each restricted document that names the task (one tuple a document):
    # who may not read them still learns who does the task (bot.assistant.answer).
    closed_documents: tuple[tuple[str, ...], ...] = ()

    def visible_to(self, groups: Collection[str] | None) -> bool:
        """``groups=None``: a trusted caller (gap report for admins) sees every task."""
        return groups is None or not self.groups or bool(set(self.groups) & set(groups))

    def closed_to(self, groups: Collection[str] | None) -> bool:
        """Whether a document about the task is restricted to groups the asker is in none of
        (``groups=None``: a trusted caller, to whom nothing is closed)."""
        if groups is None:
            return False
        return any(not set(closed) & set(groups) for closed in self.closed_documents)

    @property
    def chain(self) -> tuple[str, ...]:
        """Person ids in the order they are asked: responsible, deputy 1, deputy 2."""
        ids = [self.responsible, *self.deputies] if self.responsible else list(self.deputies)
        return tuple(dict.fromkeys(pid for pid in ids if pid))


@dataclass(frozen=True)
class Absence:
    """A person is away from ``start`` to ``end``, both days included (Europe/Berlin dates).

    ``stand_in`` (a person id) wins over the task table's deputies for the absence's period.
    ``origin`` tells where it came from: ``"abwesenheiten.csv:4"``, ``"abwesenheiten.ics"``,
    ``"chat"``. ``reason`` is one of ``ABSENCE_CATEGORIES`` for chat absences (never free text:
    an illness is health data, Art. 9 DSGVO) and is never shown to other staff.
    """

    person: str
    start: date
    end: date
    stand_in: str | None = None
    reason: str = ""
    origin: str = ""
    id: int | None = None  # row id where the absence lives in ``bot.state.sqlite``
    created_by: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


ABSENCE_CATEGORIES = ("Urlaub", "Dienstreise", "Fortbildung", "abwesend")
_CATEGORY_WORDS = {
    "urlaub": "Urlaub", "dienstreise": "Dienstreise", "fortbildung": "Fortbildung",
    "schulung": "Fortbildung", "seminar": "Fortbildung", "bildungsurlaub": "Fortbildung",
}


def absence_category(word: str) -> str:
    """The short category kept for an absence: Urlaub, Dienstreise, Fortbildung, else plain
    "abwesend". Illness, cure, parental leave and any other free text all become "abwesend":
    the bot only needs to know that the person is away, and the rest may be health data."""
    lowered = word.strip().casefold()
    if lowered in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[lowered]
    if lowered.endswith("urlaub"):  # Sonderurlaub, Resturlaub, Jahresurlaub
        return "Urlaub"
    return "abwesend"


@dataclass(frozen=True)
class Problem:
    """Something wrong in the directory's input: reported, never fatal. English (operators),
    except those of ``synonyme.txt``: a file admins write themselves, whose problems they read
    in the gap report (German, ``bot.texts.directory``)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


# Roles of the people in a chain walk.
RESPONSIBLE = "zustaendig"
DEPUTY = "vertretung"
STAND_IN = "abwesenheitsvertretung"  # named by the absence itself
HEAD = "leitung"
FALLBACK = "ansprechpartner"


@dataclass(frozen=True)
class ChainLink:
    """One person the walk looked at, and why they were skipped (``absence``) or chosen."""

    person: Person
    role: str
    absence: Absence | None = None

    @property
    def available(self) -> bool:
        return self.absence is None


@dataclass(frozen=True)
class Availability:
    """Who handles a task on a day.

    ``contact`` is the person to turn to: the first available person of the chain, or, when
    the whole chain is away (``all_away``), the department head or the configured fallback
    contact (``None`` if there is none). ``lines`` are German sentences for the answer.
    """

    task: Task
    day: date
    contact: Person | None
    chain: tuple[ChainLink, ...]
    all_away: bool
    lines: tuple[str, ...]

    @property
    def contact_role(self) -> str | None:
        for link in self.chain:
            if self.contact is not None and link.person.id == self.contact.id:
                return link.role
        return None
