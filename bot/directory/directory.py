"""Who handles a task today: people, the Geschäftsverteilung, absences and the chain walk.

``Directory.load(folder)`` reads ``personen.csv``, ``abteilungen.csv``,
``zustaendigkeiten.csv``, ``abwesenheiten.csv``, ``abwesenheiten.ics`` and the town's own
synonyms ``synonyme.txt`` from the directory folder (``knowledge_base/_verzeichnis``).
Malformed rows end up in ``.problems`` (file, line, message); everything else loads.
Handover documents' front matter (``docs_meta``) adds tasks the table lacks and is checked
against the table where both name a task.
Absences entered in chat come from ``bot.state.sqlite`` (``extra_absences`` / ``with_absences``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, MutableMapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.directory.csv import (
    read_absences,
    read_departments,
    read_people,
    read_tasks,
    report_overlaps,
)
from bot.directory.docs import merge_documents
from bot.directory.errors import UnknownTask
from bot.directory.match import TaskMatcher
from bot.directory.model import (
    DEPUTY,
    FALLBACK,
    HEAD,
    RESPONSIBLE,
    STAND_IN,
    Absence,
    Availability,
    ChainLink,
    Department,
    Person,
    Problem,
    Task,
)
from bot.directory.recognise import TaskEmbedding, combine, document_votes
from bot.directory.synonyms import read_synonyms
from bot.texts import directory as texts
from indexer.lexical.thesaurus import Thesaurus, built_in
from indexer.model import DocumentMeta

__all__ = [
    "Absence", "Availability", "ChainLink", "Department", "Directory", "Person", "Problem",
    "Task", "UnknownTask",
]

log = logging.getLogger(__name__)
ICS_FILE = "abwesenheiten.ics"
_SALUTATION = re.compile(r"^(frau|herr|herrn|fr\.|hr\.|dr\.)\s+", re.IGNORECASE)


class Directory:
    """People, tasks, departments, absences and the town's thesaurus; immutable once built.

    ``thesaurus``: the built-in synonyms with the town's own (``synonyme.txt``), read by every
    lexical reader of this town: the task matcher here, the answer gate and BM25 (the
    assistant passes it on); None for the built-in list alone."""

    def __init__(
        self,
        people: Mapping[str, Person],
        tasks: Mapping[str, Task],
        departments: Mapping[str, Department],
        absences: Iterable[Absence] = (),
        problems: Iterable[Problem] = (),
        fallback_contact: str | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> None:
        self.people: dict[str, Person] = dict(people)
        self.tasks: dict[str, Task] = dict(tasks)
        self.departments: dict[str, Department] = {k.casefold(): v for k, v in departments.items()}
        self.absences: tuple[Absence, ...] = tuple(absences)
        self.problems: list[Problem] = list(problems)
        self.fallback_contact = fallback_contact if fallback_contact in self.people else None
        self.thesaurus = built_in() if thesaurus is None else thesaurus
        self._matcher: TaskMatcher | None = None
        self._embedded: TaskEmbedding | None = None

    @property
    def own_synonym_groups(self) -> int:
        """Groups of the town's ``synonyme.txt`` beyond the built-in list (one already there
        does not count)."""
        return max(0, len(self.thesaurus) - len(built_in()))

    # --- building ---------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        folder: Path,
        docs_meta: Mapping[str, DocumentMeta] | None = None,
        extra_absences: Iterable[Absence] = (),
        fallback_contact: str | None = None,
    ) -> Directory:
        from bot.directory.ics import read_ics  # the icalendar package loads only with a directory

        problems: list[Problem] = []
        people = read_people(folder, problems)
        departments = read_departments(folder, people, problems)
        tasks = read_tasks(folder, people, problems)
        tasks = merge_documents(tasks, people, docs_meta or {}, problems)
        absences = read_absences(folder, people, problems)
        if (folder / ICS_FILE).exists():
            absences += read_ics(folder / ICS_FILE, _ics_lookup(people), problems)
        report_overlaps(absences, problems)
        thesaurus = read_synonyms(folder, problems)
        if fallback_contact and fallback_contact not in people:
            problems.append(
                Problem("settings", None, f"unknown fallback contact {fallback_contact!r}")
            )
        # Only where, never what: a problem's message may quote a name or a calendar entry's
        # summary ("Kur", "Elternzeit"); admins read it in the gap report, not in the log.
        for problem in problems:
            log.info("directory problem in %s line %s", problem.file, problem.line)
        if problems:
            log.warning("directory data has %d problem(s) (see `python -m bot luecken`), "
                        "first in %s", len(problems), problems[0].file)
        log.info("directory: %d people, %d tasks, %d absences, %d problems",
                 len(people), len(tasks), len(absences), len(problems))
        return cls(people, tasks, departments, [*absences, *extra_absences], problems,
                   fallback_contact, thesaurus)

    def with_absences(self, extra: Iterable[Absence]) -> Directory:
        """A copy with chat absences added (cheap: call it before each question)."""
        copy = Directory(self.people, self.tasks, self.departments,
                         [*(a for a in self.absences if a.origin != "chat"), *extra],
                         self.problems, self.fallback_contact, self.thesaurus)
        copy._matcher, copy._embedded = self._matcher, self._embedded
        return copy

    # --- look-ups -----------------------------------------------------------------------

    def person(self, pid: str) -> Person | None:
        return self.people.get(pid)

    def task(self, task_id: str) -> Task | None:
        return self.tasks.get(task_id)

    def department(self, name: str) -> Department | None:
        return self.departments.get(name.casefold())

    def tasks_of(self, person: Person | str) -> list[Task]:
        """Tasks a person holds, as responsible or deputy (responsible first)."""
        pid = person if isinstance(person, str) else person.id
        held = [t for t in self.tasks.values() if pid in t.chain]
        return sorted(held, key=lambda t: (t.chain.index(pid), t.name))

    def find_people(self, query: str) -> list[Person]:
        """People matching an id, e-mail, Teams id or name ("Frau Schneider", "Tobias")."""
        key = unicodedata.normalize("NFC", query.strip().removeprefix("@")).casefold()
        if not key:
            return []
        for field in ("id", "email", "teams_id", "name"):
            exact = [p for p in self.people.values() if getattr(p, field).casefold() == key]
            if exact:
                return exact
        key = _SALUTATION.sub("", key)
        if "," in key:  # "Schneider, Birgit"
            last, _, first = key.partition(",")
            key = f"{first.strip()} {last.strip()}"
        return [p for p in self.people.values() if _name_matches(p.name, key)]

    def find_person(self, query: str) -> Person | None:
        """The one person a query names, or None when nobody or several match."""
        found = self.find_people(query)
        return found[0] if len(found) == 1 else None

    def absence_on(self, pid: str, day: date) -> Absence | None:
        """The person's absence covering ``day`` (one naming a stand-in preferred)."""
        covering = [a for a in self.absences if a.person == pid and a.covers(day)]
        covering.sort(key=lambda a: (a.stand_in is None, a.origin != "chat", -a.end.toordinal()))
        return covering[0] if covering else None

    def absences_of(self, pid: str) -> list[Absence]:
        return sorted((a for a in self.absences if a.person == pid), key=lambda a: a.start)

    # --- finding the task ------------------------------------------------------------------

    def prepare(self, embedder: Any, titles: Mapping[str, str] = {},
                cache: MutableMapping[str, Any] | None = None) -> None:  # fmt: skip
        """Warm-up: embed the tasks (name, keywords, ``titles`` of their documents by
        source) so that a question without a shared word still finds its task.
        ``embedder``: an ``indexer.embedding.Embedder``; ``cache`` (text hash -> vector)
        keeps the vectors of unchanged tasks across reloads."""
        self._task_matcher()
        self._embedded = TaskEmbedding(list(self.tasks.values()), embedder, titles, cache)

    def _task_matcher(self) -> TaskMatcher:
        """The lexical matcher of the tasks (built on first use, shared by copies)."""
        if self._matcher is None:
            self._matcher = TaskMatcher(list(self.tasks.values()), self.thesaurus)
        return self._matcher

    def match_tasks(
        self, question: str, k: int = 3, query_vector: Any = None,
        documents: Sequence[Sequence[str]] = (),
        groups: Collection[str] | None = None,
        trusted: bool = True,
        asks_person: bool = False,
    ) -> list[tuple[Task, float]]:
        """Tasks the question is about, best first, with a score in [0, 1]
        (``bot.directory.match.MATCH`` and ``GUESS`` are the thresholds), from the lexical
        match, the dense standing (after ``prepare``) and the tasks of the retrieved
        ``documents`` (one tuple of task ids per document, best first): see
        ``bot.directory.recognise``. ``query_vector`` reuses the question's vector.
        ``groups``: only tasks a user of these groups may see (``Task.visible_to``); None for
        trusted callers. ``trusted``: whether the answer gate trusts the ``documents``; untrusted
        ones only confirm the dense side (``recognise.document_votes``). ``asks_person``: the
        question asks who (``recognise.combine``)."""
        lexical = self._task_matcher().scores(question)
        dense = self._embedded.standing(question, query_vector) if self._embedded else {}
        votes = {t: v for t, v in document_votes(documents, trusted, dense, lexical).items()
                 if t in self.tasks}
        combined = combine(lexical, votes, dense, asks_person)
        visible = [t for t in combined if self.tasks[t].visible_to(groups)]
        ranked = sorted(visible, key=lambda t: (-combined[t], -lexical.get(t, 0.0),
                                                -dense.get(t, 0.0), self.tasks[t].name))
        return [(self.tasks[t], combined[t]) for t in ranked[:k]]

    def nearest_tasks(self, question: str, groups: Collection[str] | None = None,
                      query_vector: Any = None) -> list[Task]:  # fmt: skip
        """The tasks whose meaning the question is closest to: the dense side's first ones
        that may vote (``recognise.TaskEmbedding.standing``), best first; offered as topics
        when the bot found nothing to answer a question asking who. Empty before ``prepare``.
        ``groups``: as in ``match_tasks``."""
        if self._embedded is None:
            return []
        standing = self._embedded.standing(question, query_vector)
        ranked = sorted(standing, key=lambda t: -standing[t])
        return [self.tasks[t] for t in ranked
                if t in self.tasks and self.tasks[t].visible_to(groups)]

    # --- the chain walk ---------------------------------------------------------------------

    def who_handles(self, task_id: str, day: date) -> Availability:
        """Walk responsible -> deputy 1 -> deputy 2 past people absent on ``day``.

        An absence naming its own stand-in sends the walk to that stand-in first. When the
        whole chain is away, the department head or the fallback contact is the contact.
        """
        task = self.tasks.get(task_id)
        if task is None:
            raise UnknownTask(task_id)
        links: list[ChainLink] = []
        visited: set[str] = set()
        contact = None
        for position, pid in enumerate(task.chain):
            role = RESPONSIBLE if pid == task.responsible and position == 0 else DEPUTY
            contact = self._visit(pid, role, day, links, visited)
            if contact is not None:
                break
        lines = self._explain(task, day, links, contact)
        if contact is not None:
            return Availability(task, day, contact, tuple(links), False, tuple(lines))
        contact = self._fallback(task, day, links, lines)
        return Availability(task, day, contact, tuple(links), True, tuple(lines))

    def _visit(
        self, pid: str, role: str, day: date, links: list[ChainLink], visited: set[str]
    ) -> Person | None:
        person = self.people.get(pid)
        if person is None or pid in visited:
            return None
        visited.add(pid)
        absence = self.absence_on(pid, day)
        links.append(ChainLink(person, role, absence))
        if absence is None:
            return person
        if absence.stand_in:
            return self._visit(absence.stand_in, STAND_IN, day, links, visited)
        return None

    def _explain(
        self, task: Task, day: date, links: list[ChainLink], contact: Person | None
    ) -> list[str]:
        if not links:
            return [texts.no_responsible_line(task)]
        if contact is not None and links[0].available:
            if links[0].role == RESPONSIBLE:
                return [texts.responsible_line(contact)]
            return [texts.no_responsible_line(task), texts.deputy_line(contact)]
        lines = [texts.away_line(k.person, k.absence) for k in links if k.absence is not None]
        if contact is not None:
            own = links[-1].role == STAND_IN
            lines[-1] += texts.deputy_suffix(contact, own)
        else:
            lines = [line + "." for line in lines]
            lines.append(texts.all_away_line(task, day))
        return lines

    def _fallback(
        self, task: Task, day: date, links: list[ChainLink], lines: list[str]
    ) -> Person | None:
        """Department head first, then the configured fallback contact; absent ones are
        named only when nobody better is there."""
        department = self.department(task.department) if task.department else None
        candidates = [
            (department.head if department else None, HEAD),
            (self.fallback_contact, FALLBACK),
        ]
        seen = {link.person.id for link in links}
        options = [
            (self.people[pid], role, self.absence_on(pid, day))
            for pid, role in candidates
            if pid and pid in self.people and pid not in seen
        ]
        if not options:
            lines.append(texts.no_one_line())
            return None
        present = [o for o in options if o[2] is None]
        person, role, absence = present[0] if present else options[0]
        links.append(ChainLink(person, role, absence))
        line = texts.head_line if role == HEAD else texts.fallback_line
        lines.append(line(person, absence))
        return person


def _name_matches(full_name: str, key: str) -> bool:
    parts = unicodedata.normalize("NFC", full_name).casefold().split()
    wanted = key.split()
    return bool(wanted) and all(w in parts for w in wanted)


def _ics_lookup(people: Mapping[str, Person]) -> dict[str, str]:
    """E-mail (lower-case) and id -> person id, for calendar entries."""
    lookup = {p.email.casefold(): p.id for p in people.values() if p.email}
    lookup.update({p.id.casefold(): p.id for p in people.values()})
    return lookup
