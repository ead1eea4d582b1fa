"""The knowledge-risk score of a task: how likely the town hall loses the knowledge of it.

Points, added up (0 to 100), so that a leader can check every number by hand
(``docs/wissensrisiko.md`` explains them in German):

- **Austritt** (who holds the task leaves, by calendar year; ``austritt`` or ``austritt_geplant``
  of ``personen.csv``): this or next year 35, in 2-3 years 25, in 4-5 years 15, in 6-10 years 10.
  A task nobody is responsible for gets the 35 points too: its knowledge is gone already.
- **Vertretung**: no deputy who is present: 25. A deputy counts when named in
  ``zustaendigkeiten.csv``, not away from the report day for ``LONG_ABSENCE_DAYS`` or longer
  (parental leave, not a holiday) and not leaving within ``DEPUTY_NOTICE_YEARS`` calendar
  years.
- **Dokument**: no handover document names the task 20; only documents not reviewed for
  ``review_days`` (or without a review date) 10.
- **Nachfrage** (questions about the task in the last ``DEMAND_DAYS`` days, from the state
  database): at least 10: 10, 3-9: 6, 1-2: 3.
- **Unbeantwortet** (of those, the bot could not answer): at least 5: 10, 2-4: 6, 1: 3.

The weights are a documented choice, not fitted to data: leaving and a missing deputy decide,
a document halves the damage, demand breaks ties between otherwise equal tasks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.directory.directory import Directory
from bot.directory.model import Person, Task
from indexer.model import DocumentMeta

HORIZON_YEARS = 10
DEMAND_DAYS = 90
DEPUTY_NOTICE_YEARS = 2
LONG_ABSENCE_DAYS = 42  # six weeks: longer than any holiday
# (at most this many calendar years ahead, points)
LEAVING_POINTS = ((1, 35), (3, 25), (5, 15), (HORIZON_YEARS, 10))
NOBODY_POINTS = 35
NO_DEPUTY_POINTS = 25
NO_DOCUMENT_POINTS = 20
STALE_DOCUMENT_POINTS = 10
# (at least this many questions, points)
ASKED_POINTS = ((10, 10), (3, 6), (1, 3))
UNANSWERED_POINTS = ((5, 10), (2, 6), (1, 3))

# rule names (keys of the German labels in bot.texts.risk)
LEAVING, NOBODY, NO_DEPUTY, NO_DOCUMENT, STALE, ASKED, UNANSWERED = (
    "austritt", "niemand", "vertretung", "dokument", "veraltet", "nachfrage", "unbeantwortet")
# document states
DOC_MISSING, DOC_STALE, DOC_CURRENT, DOC_UNKNOWN = "fehlt", "veraltet", "aktuell", "unbekannt"


@dataclass(frozen=True)
class TaskRisk:
    """One task, the facts the score rests on, and its points per rule."""

    task: Task
    department: str  # the task's, else its holder's; "" when neither knows one
    holder: Person | None
    leaves_on: date | None  # the holder's leaving day, when within the horizon
    present_deputies: tuple[str, ...]
    document: str  # DOC_MISSING, DOC_STALE, DOC_CURRENT or DOC_UNKNOWN
    asked: int
    unanswered: int
    points: tuple[tuple[str, int], ...]  # (rule, points), rules that apply only

    @property
    def score(self) -> int:
        return sum(points for _, points in self.points)

    def applies(self, rule: str) -> bool:
        return any(name == rule for name, _ in self.points)


def order_key(risk: TaskRisk) -> tuple[int, date, str]:
    """Highest score first; on a tie the earlier leaving, then the name."""
    return (-risk.score, risk.leaves_on or date.max, risk.task.name.casefold())


def leaves_within(person: Person | None, today: date, years: int) -> date | None:
    """The person's leaving day when it lies from today to the end of ``today.year + years``."""
    day = person.leaves_on if person is not None else None
    if day is None or day < today or day.year > today.year + years:
        return None
    return day


def leaving_points(years_ahead: int) -> int:
    return next((points for limit, points in LEAVING_POINTS if years_ahead <= limit), 0)


def _band(count: int, bands: tuple[tuple[int, int], ...]) -> int:
    return next((points for least, points in bands if count >= least), 0)


def document_state(
    task: Task, docs_meta: Mapping[str, DocumentMeta] | None, today: date, review_days: int
) -> str:
    if docs_meta is None:
        return DOC_UNKNOWN
    if not task.documents:
        return DOC_MISSING
    for source in task.documents:
        reviewed = docs_meta[source].last_reviewed if source in docs_meta else None
        if reviewed is not None and (today - reviewed).days <= review_days:
            return DOC_CURRENT
    return DOC_STALE


def present_deputies(directory: Directory, task: Task, today: date) -> tuple[str, ...]:
    present = []
    for pid in task.chain:
        if pid == task.responsible or directory.person(pid) is None:
            continue
        absence = directory.absence_on(pid, today)
        away = absence is not None and (absence.end - today).days >= LONG_ABSENCE_DAYS
        if not away and leaves_within(directory.person(pid), today, DEPUTY_NOTICE_YEARS) is None:
            present.append(pid)
    return tuple(present)


def task_risk(
    directory: Directory,
    task: Task,
    today: date,
    docs_meta: Mapping[str, DocumentMeta] | None,
    demand: Mapping[str | None, tuple[int, int]],
    review_days: int = 365,
) -> TaskRisk:
    holder = directory.person(task.responsible) if task.responsible else None
    leaves_on = leaves_within(holder, today, HORIZON_YEARS)
    deputies = present_deputies(directory, task, today)
    document = document_state(task, docs_meta, today, review_days)
    asked, unanswered = demand.get(task.id, (0, 0))
    points: list[tuple[str, int]] = []
    if holder is None:
        points.append((NOBODY, NOBODY_POINTS))
    elif leaves_on is not None:
        points.append((LEAVING, leaving_points(leaves_on.year - today.year)))
    if not deputies:
        points.append((NO_DEPUTY, NO_DEPUTY_POINTS))
    if document == DOC_MISSING:
        points.append((NO_DOCUMENT, NO_DOCUMENT_POINTS))
    elif document == DOC_STALE:
        points.append((STALE, STALE_DOCUMENT_POINTS))
    for rule, count, bands in ((ASKED, asked, ASKED_POINTS),
                               (UNANSWERED, unanswered, UNANSWERED_POINTS)):
        if _band(count, bands):
            points.append((rule, _band(count, bands)))
    department = task.department or (holder.department if holder else "")
    return TaskRisk(task, department, holder, leaves_on, deputies, document, asked, unanswered,
                    tuple(points))


def rank_tasks(
    directory: Directory,
    today: date,
    docs_meta: Mapping[str, DocumentMeta] | None,
    demand: Mapping[str | None, tuple[int, int]] | None = None,
    review_days: int = 365,
) -> list[TaskRisk]:
    """Every task of the directory with its risk, highest first (``order_key``)."""
    risks = [task_risk(directory, task, today, docs_meta, demand or {}, review_days)
             for task in directory.tasks.values()]
    return sorted(risks, key=order_key)


# next steps (keys of the German sentences in bot.texts.risk), most urgent first
(STEP_NAME_HOLDER, STEP_INTERVIEW, STEP_DEPUTY, STEP_REVIEW, STEP_QUESTIONS, STEP_HANDOVER,
 STEP_NONE) = ("zustaendig_eintragen", "uebergabegespraech", "vertretung_eintragen",
               "dokument_pruefen", "fragen_ansehen", "uebergabe_planen", "keine")


def next_step(risk: TaskRisk) -> str:
    """What to do first: knowledge that walks out needs the interview before anything else; a
    missing deputy is next (one line in zustaendigkeiten.csv); then the documents."""
    if risk.applies(NOBODY):
        return STEP_NAME_HOLDER
    if risk.applies(LEAVING) and risk.document in (DOC_MISSING, DOC_STALE):
        return STEP_INTERVIEW
    if risk.applies(NO_DEPUTY):
        return STEP_DEPUTY
    if risk.applies(NO_DOCUMENT):
        return STEP_INTERVIEW
    if risk.applies(STALE):
        return STEP_REVIEW
    if risk.applies(UNANSWERED):
        return STEP_QUESTIONS
    if risk.applies(LEAVING):  # document and deputy are there: hand over in time
        return STEP_HANDOVER
    return STEP_NONE
