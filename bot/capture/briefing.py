"""The stand-in's briefing ("Vertretungsmappe", issue 12): whose tasks a person covers, until
when, the handover document of each task, the absent person's note and the deadlines in the
period found in the documents (``bot.capture.deadlines``).

Who covers what is the directory's chain walk (``Directory.who_handles``) on the first day of
the absence that is still ahead: a task is covered by a person when the walk skips the absent
person and ends at them (a stand-in named by the absence, a deputy, or the head when the whole
chain is away). Only documents the stand-in may read are named or searched for deadlines.
Everything here reads files and the state database: callers run it in a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.capture.cards import card, text
from bot.capture.deadline_rules import Deadline, DueDate
from bot.capture.deadlines import due_in, extract
from bot.directory import Absence, Directory, Person, Task, format_date
from bot.texts import briefing as texts
from bot.turns import Reply

log = logging.getLogger(__name__)
MAX_DEADLINE_LINES = 12
MAX_QUOTE_CHARS = 160
DEADLINE_DAYS = 92  # deadlines of the first three months of a long absence (then on request)


@dataclass(frozen=True)
class Cover:
    """One absence a person covers, and the tasks they take over."""

    absence: Absence
    absent: Person
    tasks: tuple[Task, ...]
    as_head: bool = False  # the whole chain is away: the head takes over
    stand_in_gone: bool = False  # the absence names a stand-in who left the directory
    note: str | None = None


@dataclass
class DeadlineReader:
    """Deadlines of knowledge-base documents, read once per file version (path, mtime)."""

    roots: tuple[Path, ...]
    _cache: dict[tuple[str, int], list[Deadline]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, source: str) -> list[Deadline]:
        from indexer.errors import IndexerError
        from indexer.loaders import load_file

        for root in self.roots:
            path = root / source
            try:
                stamp = path.stat().st_mtime_ns
            except OSError:
                continue
            with self._lock:
                if (source, stamp) in self._cache:
                    return self._cache[(source, stamp)]
            try:
                found = extract(load_file(path, root))
            except (IndexerError, OSError, ValueError):
                log.warning("deadlines: a document could not be read (%s)", path.suffix)
                found = []
            with self._lock:
                self._cache[(source, stamp)] = found
            return found
        return []


def covers_of(directory: Directory, person_id: str, start: date, end: date,
              notes: Mapping[int, str] | None = None) -> list[Cover]:
    """The absences between ``start`` and ``end`` in which ``person_id`` takes over tasks."""
    found = []
    for absence in sorted(directory.absences, key=lambda a: (a.start, a.person)):
        if absence.person == person_id or absence.end < start or absence.start > end:
            continue
        cover = cover_for(directory, absence, person_id, max(absence.start, start), notes)
        if cover is not None:
            found.append(cover)
    return found


def cover_for(directory: Directory, absence: Absence, person_id: str, day: date,
              notes: Mapping[int, str] | None = None) -> Cover | None:
    absent = directory.person(absence.person)
    if absent is None:
        return None
    tasks, as_head = [], False
    for task in directory.tasks_of(absent):
        walk = directory.who_handles(task.id, day)
        skipped = [link.person.id for link in walk.chain if not link.available]
        if walk.contact is None or walk.contact.id != person_id or not skipped:
            continue
        if skipped[0] == absent.id:
            tasks.append(task)
            as_head = as_head or walk.all_away
    if not tasks:
        return None
    gone = bool(absence.stand_in) and directory.person(absence.stand_in or "") is None
    note = (notes or {}).get(absence.id) if absence.id is not None else None
    return Cover(absence, absent, tuple(tasks), as_head, gone, note)


def stand_ins_of(directory: Directory, absence: Absence, day: date) -> dict[str, list[Task]]:
    """Who takes over which of the absent person's tasks on ``day`` (person id -> tasks)."""
    result: dict[str, list[Task]] = {}
    for task in directory.tasks_of(absence.person):
        walk = directory.who_handles(task.id, day)
        skipped = [link.person.id for link in walk.chain if not link.available]
        if walk.contact is not None and skipped and skipped[0] == absence.person:
            result.setdefault(walk.contact.id, []).append(task)
    return result


class BriefingWriter:
    """Turns covers into the German message (text and Adaptive Card)."""

    def __init__(self, settings: Any, docs_meta: Mapping[str, Any] | None,
                 reader: DeadlineReader) -> None:
        self.settings = settings
        self.docs_meta = docs_meta or {}
        self.reader = reader

    def reply(self, reader: Person, covers: list[Cover], today: date, title: str,
              kind: str) -> Reply:
        lines: list[str] = []
        for cover in covers:
            lines += [""] if lines else []
            lines += self.cover_lines(reader, cover, today)
        lines += ["", texts.CHECK_HINT]
        body = [text(title, size="Large", weight="Bolder", style="heading")]
        body += [text(line) for line in lines if line]
        keys = [f"{c.absence.person}:{c.absence.start}:{c.absence.end}" for c in covers]
        return Reply("\n".join([title, *lines]), card(body, []),
                     {"kind": kind, "covers": keys})

    def cover_lines(self, reader: Person, cover: Cover, today: date) -> list[str]:
        start, end = max(cover.absence.start, today), cover.absence.end
        until = min(end, start + timedelta(days=DEADLINE_DAYS - 1))  # a long absence: the
        span = {"name": cover.absent.name, "start": format_date(cover.absence.start),
                "end": format_date(end)}
        if cover.as_head:
            lines = [texts.INTRO_HEAD.format(**span)]
        elif cover.absence.start <= today:
            lines = [texts.INTRO.format(**span)]
        else:
            lines = [texts.INTRO_UPCOMING.format(**span)]
        if cover.stand_in_gone:
            lines.append(texts.STAND_IN_GONE)
        lines.append(texts.TASKS)
        due: list[DueDate] = []
        for task in cover.tasks:
            lines.append(texts.TASK_LINE.format(task=task.name))
            sources = self.readable(reader, task)
            lines += [self.document_line(s) for s in sources[:3]] or [texts.NO_DOCUMENT]
            for source in sources:
                due += due_in(self.reader.of(source), start, until)  # first weeks only
        if cover.note:
            lines.append(texts.NOTE.format(name=cover.absent.name, note=cover.note))
        lines += self.deadline_lines(due)
        if until < end and due:
            lines.append(texts.LATER_DEADLINES.format(day=format_date(until)))
        return lines

    def readable(self, reader: Person, task: Task) -> list[str]:
        """The task's documents the reader may open (restricted ones are not even named)."""
        groups = set(reader.groups)
        result = []
        for source in task.documents:
            meta = self.docs_meta.get(source)
            allowed = meta is not None and (not meta.groups or groups & set(meta.groups))
            if allowed:
                result.append(source)
        return result

    def document_line(self, source: str) -> str:
        meta = self.docs_meta.get(source)
        title = getattr(meta, "title", "") or source
        base = getattr(self.settings, "doc_base_url", "") or ""
        where = base.rstrip("/") + "/" + quote(source) if base else source
        return texts.DOCUMENT_LINE.format(title=title, where=where)

    def deadline_lines(self, due: list[DueDate]) -> list[str]:
        """One line per deadline (a weekly rule is one line with its first day and how often
        it comes again), soonest first."""
        if not due:
            return [texts.NO_DEADLINES]
        groups: dict[tuple[str, str], list[DueDate]] = {}
        for item in sorted(due, key=lambda d: d.day):
            groups.setdefault((item.deadline.source, item.deadline.quote), []).append(item)
        ordered = sorted(groups.values(), key=lambda items: (items[0].day,
                                                             items[0].deadline.quote))
        lines = [texts.DEADLINES]
        for items in ordered[:MAX_DEADLINE_LINES]:
            first = items[0]
            meta = self.docs_meta.get(first.deadline.source)
            title = getattr(meta, "title", "") or first.deadline.source
            quote_text = first.deadline.quote
            if len(quote_text) > MAX_QUOTE_CHARS:
                quote_text = quote_text[: MAX_QUOTE_CHARS - 1] + "…"
            section = first.deadline.section.split(" > ")[-1] or title
            days = sorted({i.day for i in items})
            when = format_date(days[0])
            if len(days) > 1:
                when += texts.AGAIN.format(count=len(days) - 1, last=format_date(days[-1]))
            lines.append(texts.DEADLINE_LINE.format(day=when, quote=quote_text, title=title,
                                                    section=section))
        if len(ordered) > MAX_DEADLINE_LINES:
            lines.append(texts.MORE_DEADLINES.format(count=len(ordered) - MAX_DEADLINE_LINES))
        return lines


def chain_warnings(directory: Directory, person_id: str, start: date, end: date) -> list[str]:
    """For the absence's confirmation: the tasks of ``person_id`` whose whole chain is away on
    a working day of ``start``..``end`` (at most a year: ``bot.directory.dates``)."""
    lines = []
    days = [start + timedelta(days=n) for n in range(min((end - start).days, 366) + 1)]
    for task in directory.tasks_of(person_id):
        for day in (d for d in days if d.weekday() < 5):
            walk = directory.who_handles(task.id, day)
            if not walk.all_away:
                continue
            head = (texts.ALL_AWAY_HEAD.format(name=walk.contact.name) if walk.contact
                    else texts.ALL_AWAY_NOBODY)
            lines.append(texts.ALL_AWAY.format(task=task.name, day=format_date(day), head=head))
            break
    return lines
