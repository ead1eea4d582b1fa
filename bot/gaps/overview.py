"""The knowledge-risk overview: the numbers behind the HTML report (``bot.gaps.html``).

A timeline (per calendar year and department: tasks whose holder leaves, with and without a
handover document), the departments side by side, the tasks at highest risk, and what the
report skipped and why. ``departments`` limits it to a head's own department.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.directory.directory import Directory
from bot.gaps.report import HANDOVER_TYPES
from bot.gaps.risk import (
    DEMAND_DAYS,
    DOC_MISSING,
    HORIZON_YEARS,
    TaskRisk,
    rank_tasks,
)
from bot.texts import risk as texts
from indexer.model import DocumentMeta

if TYPE_CHECKING:
    from bot.state.store import AnswerLog

log = logging.getLogger(__name__)

TOP_COUNT = 15


@dataclass(frozen=True)
class DepartmentRow:
    name: str  # "" for tasks without a department
    tasks: int
    single_holder: int  # nobody or one person can do it
    without_document: int
    stale_documents: int
    unanswered: int  # questions the bot could not answer, last DEMAND_DAYS days


@dataclass(frozen=True)
class RiskOverview:
    today: date
    scope: str  # German: "alle Abteilungen" or the department's name
    years: tuple[int, ...]
    # (department, year) -> (tasks whose document exists, tasks without one)
    timeline: Mapping[tuple[str, int], tuple[int, int]]
    departments: tuple[DepartmentRow, ...]
    top: tuple[TaskRisk, ...]
    skipped: tuple[str, ...]  # German sentences: what was left out, and why
    problems: tuple[str, ...]  # the directory's own problems (operator English)
    documents_known: bool
    demand_known: bool

    def leaving_in(self, year: int) -> tuple[int, int]:
        rows = [v for (_, y), v in self.timeline.items() if y == year]
        return sum(a for a, _ in rows), sum(b for _, b in rows)


def build_overview(
    directory: Directory,
    today: date,
    docs_meta: Mapping[str, DocumentMeta] | None,
    state: AnswerLog | None,
    departments: Collection[str] | None = None,
    review_days: int = 365,
    top_count: int = TOP_COUNT,
) -> RiskOverview:
    """The overview of ``directory`` on ``today``; ``departments`` None means all of them."""
    demand = _demand(state, today)
    risks = rank_tasks(directory, today, docs_meta, demand, review_days)
    wanted = {d.casefold() for d in departments} if departments is not None else None
    if wanted is not None:
        risks = [r for r in risks if r.department.casefold() in wanted]
    years = tuple(range(today.year, today.year + HORIZON_YEARS + 1))
    rows = _department_rows(risks, docs_meta, directory, today, review_days)
    skipped = _skipped(directory, today, risks, wanted, demand, state, docs_meta)
    problems = tuple(str(p) for p in directory.problems) if wanted is None else ()
    log.info("risk overview: %d tasks, %d departments, %d skipped", len(risks), len(rows),
             len(skipped))
    return RiskOverview(today, _scope(departments), years, _timeline(risks), tuple(rows),
                        tuple(risks[:top_count]), tuple(skipped), problems,
                        docs_meta is not None, state is not None)


def _scope(departments: Collection[str] | None) -> str:
    if departments is None:
        return texts.SCOPE_ALL
    return ", ".join(sorted(departments)) or texts.SCOPE_NONE


def _demand(state: AnswerLog | None, today: date) -> dict[str | None, tuple[int, int]]:
    if state is None:
        return {}
    since = datetime.combine(today - timedelta(days=DEMAND_DAYS), time(0), UTC)
    return state.questions_per_task(since)


def _timeline(risks: list[TaskRisk]) -> dict[tuple[str, int], tuple[int, int]]:
    counts: Counter[tuple[str, int, bool]] = Counter(
        (r.department, r.leaves_on.year, r.document != DOC_MISSING)
        for r in risks if r.leaves_on is not None
    )
    keys = {(dept, year) for dept, year, _ in counts}
    return {key: (counts[(*key, True)], counts[(*key, False)]) for key in sorted(keys)}


def _department_rows(
    risks: list[TaskRisk], docs_meta: Mapping[str, DocumentMeta] | None, directory: Directory,
    today: date, review_days: int,
) -> list[DepartmentRow]:
    by_department: dict[str, list[TaskRisk]] = {}
    for risk in risks:
        by_department.setdefault(risk.department, []).append(risk)
    stale = _stale_per_department(docs_meta or {}, directory, today, review_days)
    return [
        DepartmentRow(
            name, len(group), sum(1 for r in group if len(r.task.chain) <= 1),
            sum(1 for r in group if r.document == DOC_MISSING),
            stale.get(name.casefold(), 0), sum(r.unanswered for r in group),
        )
        for name, group in sorted(by_department.items(), key=lambda kv: (not kv[0], kv[0]))
    ]


def _stale_per_department(
    docs_meta: Mapping[str, DocumentMeta], directory: Directory, today: date, review_days: int
) -> Counter[str]:
    """Documents not reviewed for ``review_days`` (or undated handover papers), counted with
    the department of their first known task, else the department of their front matter."""
    counts: Counter[str] = Counter()
    for meta in docs_meta.values():
        reviewed = meta.last_reviewed
        if reviewed is None and not (meta.tasks or meta.doc_type in HANDOVER_TYPES):
            continue  # an info sheet needs no review date
        if reviewed is not None and (today - reviewed).days <= review_days:
            continue
        tasks = [directory.task(t) for t in meta.tasks]
        department = next((t.department for t in tasks if t and t.department), meta.department)
        counts[(department or "").casefold()] += 1
    return counts


def _skipped(
    directory: Directory, today: date, risks: list[TaskRisk], wanted: set[str] | None,
    demand: Mapping[str | None, tuple[int, int]], state: AnswerLog | None,
    docs_meta: Mapping[str, DocumentMeta] | None,
) -> list[str]:
    notes = []
    if not directory.tasks:
        notes.append(texts.SKIPPED_NO_TASKS)
    elif wanted is not None and not wanted - {""}:
        notes.append(texts.SKIPPED_HEAD_WITHOUT_DEPARTMENT)
    elif not risks:
        notes.append(texts.SKIPPED_NO_TASKS_IN_SCOPE)
    people = [p for p in directory.people.values()
              if wanted is None or p.department.casefold() in wanted]
    for person in sorted(people, key=lambda p: p.name):
        if person.leaves_on is not None and person.leaves_on < today:
            notes.append(texts.skipped_past(person.name, person.leaves_on, bool(
                directory.tasks_of(person))))
    if wanted is None:
        notes += [texts.skipped_no_department(p.name) for p in
                  sorted(directory.people.values(), key=lambda p: p.name) if not p.department]
        notes += [texts.skipped_bad_year(p.line) for p in directory.problems
                  if p.file == "personen.csv"
                  and ("austritt_geplant" in p.message or "unreadable date" in p.message)]
    notes += [texts.skipped_task_without_department(r.task.name)
              for r in risks if not r.department]
    if docs_meta is None:
        notes.append(texts.SKIPPED_NO_DOCUMENTS)
    if state is None:
        notes.append(texts.SKIPPED_NO_STATE)
    elif wanted is None and demand.get(None, (0, 0))[1]:
        notes.append(texts.skipped_questions_without_task(demand[None][1]))
    return notes
