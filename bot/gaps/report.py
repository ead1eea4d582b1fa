"""The knowledge-gap report for admins: where the town hall would lose knowledge.

Tasks with no deputy; tasks whose whole chain is away on a working day (Mon-Fri) of the next
``horizon_days``; people leaving within ``leaving_days`` and the tasks only they hold; tasks
no handover document names; documents not reviewed for ``review_days``; questions the bot
could not answer (most frequent first) and the feedback counts; the directory's own problems.
Output: a terminal table (``format_table``), CSV (``write_csv``), a short chat summary
(``format_summary``). ``bot.gaps.cli`` is ``python -m bot luecken``.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from bot.directory import format_date
from bot.directory.directory import Directory, Task
from bot.directory.match import task_stems, words_missing
from bot.texts import directory as texts
from indexer.lexical import question_stems
from indexer.model import DocumentMeta

if TYPE_CHECKING:
    from bot.state.store import AnswerLog

log = logging.getLogger(__name__)

KINDS = tuple(texts.GAP_TITLES)
HANDOVER_TYPES = ("uebergabe", "verfahren", "checkliste")


@dataclass(frozen=True)
class GapItem:
    """One row of the report. ``key`` is a task id, person id or document source."""

    kind: str
    key: str
    label: str
    detail: str
    day: date | None = None
    count: int | None = None


@dataclass(frozen=True)
class GapReport:
    today: date
    horizon_days: int
    items: tuple[GapItem, ...]
    feedback: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what the report could not check

    def of(self, kind: str) -> list[GapItem]:
        return [item for item in self.items if item.kind == kind]


def gap_report(
    directory: Directory,
    today: date,
    docs_meta: Mapping[str, DocumentMeta] | None = None,
    state: AnswerLog | None = None,
    leaving_days: int = 180,
    review_days: int = 365,
    horizon_days: int = 14,
    unanswered_limit: int = 20,
) -> GapReport:
    """Build the report. ``directory`` should be loaded with the same ``docs_meta`` (so tasks
    know their documents) and with the chat absences of ``state``."""
    items = [
        *_without_deputy(directory),
        *_chain_away(directory, today, horizon_days),
        *_leaving(directory, today, leaving_days),
    ]
    notes = []
    if docs_meta is None:
        notes.append(texts.gap_docs_unknown())
    else:
        items += _without_document(directory)
        items += _stale(docs_meta, today, review_days)
    feedback: dict[str, int] = {}
    if state is None:
        notes.append(texts.gap_no_state())
    else:
        items += [GapItem("unbeantwortet", "", question, "", count=count)
                  for question, count in state.unanswered(unanswered_limit)]
        items += _keyword_suggestions(directory, state)
        feedback = state.feedback_counts()
        items += _routed(directory, state)
        items += _briefings_pending(directory, state)
    items += [GapItem("datenfehler", p.file, str(p.line or ""), p.message)
              for p in directory.problems]
    log.info("gap report for %s: %d items", today, len(items))
    return GapReport(today, horizon_days, tuple(items), feedback, tuple(notes))


SUGGESTED_WORDS = 6  # per task, most frequent first


def _keyword_suggestions(directory: Directory, state: Any) -> list[GapItem]:
    """Per task, most asked first: the words of refused questions whose askers then chose the
    task among the offered topics, where the task's name and keywords lack them. Adding them
    as keywords (or synonyms) lets the bot answer such a question next time."""
    rows = getattr(state, "chosen_after_refusal", None)
    if not callable(rows):
        return []
    return [GapItem("stichwortvorschlag", task_id, directory.tasks[task_id].name,
                    texts.gap_keyword_suggestion(found), count=asked)
            for task_id, (asked, found) in suggested_words(directory, rows()).items() if found]


Suggestions = dict[str, tuple[int, list[tuple[str, int]]]]


def suggested_words(directory: Directory, chosen: Iterable[tuple[str, str]],
                    per_task: int = SUGGESTED_WORDS) -> Suggestions:
    """``chosen``: (task id, refused question) pairs, newest first. Per task of the directory,
    most asked first: how many questions, and their words the task lacks
    (``bot.directory.match.words_missing``, with the town's synonyms) with how many questions
    used each (forms of one stem together), most used first, each as first written. Words
    another task has, and the names of the directory's people, are left out."""
    stems = {task_id: task_stems(task) for task_id, task in directory.tasks.items()}
    owners = Counter(stem for words in stems.values() for stem in words)
    names = {part.casefold() for person in directory.people.values()
             for part in _NAME_PART.findall(person.name)}
    taken_by: dict[str, set[str]] = {}
    words: dict[str, Counter[str]] = {}
    written: dict[str, str] = {}
    asked: Counter[str] = Counter()
    for task_id, question in chosen:
        task = directory.tasks.get(task_id)
        if task is None:  # the task was removed from the directory since
            continue
        asked[task_id] += 1
        if task_id not in taken_by:
            own = stems[task_id]
            taken_by[task_id] = {stem for stem, n in owners.items() if n > (stem in own)}
        taken = taken_by[task_id]
        keys = []
        for word in words_missing(question, task, taken, directory.thesaurus):
            if word.casefold() in names:
                continue
            key = " ".join(question_stems(word))
            written.setdefault(key, word)
            keys.append(key)
        words.setdefault(task_id, Counter()).update(keys)
    return {task_id: (n, [(written[w], c) for w, c in words.get(task_id, Counter())
                          .most_common(per_task)])
            for task_id, n in asked.most_common()}


_NAME_PART = re.compile(r"[^\W\d_]+")


def _routed(directory: Directory, state: Any) -> list[GapItem]:
    """Routed questions (issue 12): the question, who holds or answered it, since when."""
    rows = getattr(state, "routed_questions", None)
    if not callable(rows):
        return []
    items = []
    for row in rows():
        answered = row.status == "answered"
        kind = "weitergeleitet_beantwortet" if answered else "weitergeleitet_offen"
        who = _name(directory, row.answered_by if answered else row.assignee)
        items.append(GapItem(kind, row.task_id or row.department, row.question, who,
                             date.fromisoformat(row.created_at[:10])))
    return items


def _briefings_pending(directory: Directory, state: Any) -> list[GapItem]:
    """Stand-ins whose briefing could not be delivered: no chat with the bot yet (issue 12).
    Their colleagues should tell them to write to the bot once, or phone them."""
    rows = getattr(state, "briefings", None)
    if not callable(rows):
        return []
    items = []
    for row in rows("pending"):
        absent, _, span = row.absence_key.partition(":")
        start, _, end = span.partition(":")
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            continue
        detail = texts.gap_briefing_pending(_name(directory, absent), format_date(first),
                                            format_date(last))
        items.append(GapItem("vertretungsmappe_offen", row.person_id,
                             _name(directory, row.person_id), detail, first))
    return items


def _name(directory: Directory, pid: str | None) -> str:
    person = directory.person(pid) if pid else None
    return person.name if person else (pid or texts.gap_nobody())


def _without_deputy(directory: Directory) -> list[GapItem]:
    items = []
    for task in sorted(directory.tasks.values(), key=lambda t: t.name):
        if len(task.chain) == 0:
            items.append(GapItem("ohne_vertretung", task.id, task.name, texts.gap_nobody()))
        elif len(task.chain) == 1:
            only = texts.gap_only(_name(directory, task.chain[0]))
            items.append(GapItem("ohne_vertretung", task.id, task.name, only))
    return items


def _chain_away(directory: Directory, today: date, horizon_days: int) -> list[GapItem]:
    days = [today + timedelta(days=n) for n in range(horizon_days)]
    workdays = [d for d in days if d.weekday() < 5]
    items = []
    for task in sorted(directory.tasks.values(), key=lambda t: t.name):
        if not task.chain:
            continue  # already reported as "niemand zuständig"
        away = [d for d in workdays if directory.who_handles(task.id, d).all_away]
        if away:
            chain = ", ".join(_name(directory, pid) for pid in task.chain)
            detail = texts.gap_all_away(_spans(away), chain)
            items.append(GapItem("kette_abwesend", task.id, task.name, detail, away[0],
                                 len(away)))
    return sorted(items, key=lambda i: (i.day or today, i.label))


def _spans(days: list[date]) -> str:
    """'23.11.2026-27.11.2026, 30.11.2026' (working days; a weekend does not break a span)."""
    spans: list[list[date]] = []
    for day in days:
        if spans and (day - spans[-1][1]).days <= 3 and all(
            (spans[-1][1] + timedelta(days=n)).weekday() >= 5
            for n in range(1, (day - spans[-1][1]).days)
        ):
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return ", ".join(
        format_date(a) if a == b else f"{format_date(a)}–{format_date(b)}"
        for a, b in spans
    )


def _leaving(directory: Directory, today: date, leaving_days: int) -> list[GapItem]:
    """People whose ``austritt`` or ``austritt_geplant`` (the earlier) falls before the horizon."""
    horizon = today + timedelta(days=leaving_days)
    items = []
    leavers = [(p, p.leaves_on) for p in directory.people.values()
               if p.leaves_on and p.leaves_on <= horizon]
    for person, day in sorted(leavers, key=lambda pair: (pair[1], pair[0].name)):
        assert day is not None
        held = directory.tasks_of(person)
        if day < today and not held:
            continue  # gone, and nothing left behind
        only = [t.name for t in held if set(t.chain) == {person.id}]
        responsible = sum(1 for t in held if t.responsible == person.id)
        detail = texts.gap_leaving(day, day < today, only, responsible)
        items.append(GapItem("austritt", person.id, person.name, detail, day, len(only)))
    return items


def _without_document(directory: Directory) -> list[GapItem]:
    return [
        GapItem("ohne_dokument", task.id, task.name,
                texts.gap_no_document(_name(directory, task.responsible)))
        for task in sorted(directory.tasks.values(), key=_by_name)
        if not task.documents
    ]


def _by_name(task: Task) -> str:
    return task.name.casefold()


def _stale(docs_meta: Mapping[str, DocumentMeta], today: date, review_days: int) -> list[GapItem]:
    items = []
    for source, meta in sorted(docs_meta.items()):
        reviewed = meta.last_reviewed
        if reviewed is None:
            if meta.tasks or meta.doc_type in HANDOVER_TYPES:  # handover papers need a date
                items.append(GapItem("veraltet", source, meta.title or source,
                                     texts.gap_stale(None, None)))
            continue
        age = (today - reviewed).days
        if age > review_days:
            items.append(GapItem("veraltet", source, meta.title or source,
                                 texts.gap_stale(reviewed, age), reviewed, age))
    return sorted(items, key=lambda i: (i.day or date.min, i.key))


# --- output ---------------------------------------------------------------------------------

def format_table(report: GapReport, width: int = 110) -> str:
    """The report as a plain-text table for the terminal, one block per category; a name
    too long for the first column gets a line of its own."""
    lines = [texts.gap_heading(report.today, report.horizon_days), ""]
    for kind in KINDS:
        rows = report.of(kind)
        title = f"{texts.GAP_TITLES[kind]} ({len(rows)})"
        lines += [title, "-" * len(title)]
        if not rows:
            lines.append(f"  {texts.gap_none()}")
        for row in rows:
            first, second = _first(row), _second(row)
            if len(first) > _FIRST_COLUMN:
                lines.append(_cut(f"  {first}", width))
                first = ""
            lines.append(_cut(f"  {first:<{_FIRST_COLUMN}}  {second}", width))
        lines.append("")
    if report.feedback:
        lines.append(texts.gap_feedback(report.feedback.get("up", 0),
                                        report.feedback.get("down", 0)))
    lines.extend(report.notes)
    return "\n".join(lines).rstrip() + "\n"


_FIRST_COLUMN = 34


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _first(item: GapItem) -> str:
    if item.kind == "unbeantwortet":
        return f"{item.count} ×"
    if item.kind == "datenfehler":
        return f"{item.key}:{item.label}" if item.label else item.key
    return item.label


def _second(item: GapItem) -> str:
    return item.label if item.kind == "unbeantwortet" else item.detail


def write_csv(report: GapReport, out: TextIO) -> None:
    """The report as CSV: ``;``-separated, header row, one row per item (Excel-friendly)."""
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(texts.GAP_CSV_HEADER)
    for item in report.items:
        writer.writerow([
            item.kind, _inert(item.key), _inert(item.label), _inert(item.detail),
            item.day.isoformat() if item.day else "",
            "" if item.count is None else item.count,
        ])


def _inert(cell: str) -> str:
    """Staff questions land in this file: a cell Excel would read as a formula gets a quote."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def format_summary(report: GapReport, per_kind: int = 3) -> str:
    """A short German summary for the chat: counts and the first items of each category."""
    lines = [texts.gap_heading(report.today, report.horizon_days)]
    for kind in KINDS:
        rows = report.of(kind)
        lines.append(texts.gap_count_line(texts.GAP_TITLES[kind], len(rows)))
        lines += [f"  • {_first(r)}: {_second(r)}" for r in rows[:per_kind]]
    if report.feedback:
        lines.append(texts.gap_feedback(report.feedback.get("up", 0),
                                        report.feedback.get("down", 0)))
    lines.extend(report.notes)
    return "\n".join(lines)

