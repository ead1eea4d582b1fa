"""The knowledge-risk score on hand-made directories: each rule moves a task up as documented."""

from __future__ import annotations

from datetime import date

from bot.directory import Absence, Directory, Person, Task
from bot.gaps.risk import (
    DOC_CURRENT,
    DOC_MISSING,
    DOC_STALE,
    STEP_DEPUTY,
    STEP_HANDOVER,
    STEP_INTERVIEW,
    STEP_NAME_HOLDER,
    STEP_NONE,
    STEP_REVIEW,
    next_step,
    rank_tasks,
)
from indexer.model import DocumentMeta

TODAY = date(2026, 12, 2)
FRESH = DocumentMeta(title="frisch", last_reviewed=date(2026, 6, 1))
OLD = DocumentMeta(title="alt", last_reviewed=date(2023, 1, 1))


def _person(pid: str, leaves: date | None = None, planned: date | None = None) -> Person:
    return Person(pid, pid.title(), "Amt", leaving=leaves, planned_leaving=planned)


def _task(tid: str, holder: str | None, deputies: tuple[str, ...] = ("dep",),
          docs: tuple[str, ...] = ("fresh.md",)) -> Task:
    return Task(tid, tid, department="Amt", responsible=holder, deputies=deputies,
                documents=docs)


def _order(tasks: list[Task], people: list[Person], absences: tuple[Absence, ...] = (),
           demand: dict[str | None, tuple[int, int]] | None = None) -> list[str]:
    directory = Directory({p.id: p for p in [*people, _person("dep")]},
                          {t.id: t for t in tasks}, {}, absences)
    docs = {"fresh.md": FRESH, "old.md": OLD}
    return [r.task.id for r in rank_tasks(directory, TODAY, docs, demand)]


def test_a_calm_task_scores_nothing_and_needs_no_step() -> None:
    directory = Directory({"a": _person("a"), "dep": _person("dep")},
                          {"t": _task("t", "a")}, {})
    [risk] = rank_tasks(directory, TODAY, {"fresh.md": FRESH})
    assert (risk.score, risk.document, next_step(risk)) == (0, DOC_CURRENT, STEP_NONE)


def test_leaving_holder_ranks_first_and_sooner_before_later() -> None:
    people = [_person("stays"), _person("later", planned=date(2033, 12, 31)),
              _person("soon", leaves=date(2027, 6, 30))]
    tasks = [_task("a_stays", "stays"), _task("b_later", "later"), _task("c_soon", "soon")]
    assert _order(tasks, people) == ["c_soon", "b_later", "a_stays"]


def test_leaving_beyond_the_horizon_or_in_the_past_does_not_count() -> None:
    people = [_person("far", planned=date(2040, 12, 31)), _person("gone", leaves=date(2020, 1, 1)),
              _person("near", planned=date(2036, 12, 31))]
    tasks = [_task("a_far", "far"), _task("b_gone", "gone"), _task("c_near", "near")]
    assert _order(tasks, people)[0] == "c_near"
    directory = Directory({p.id: p for p in people}, {t.id: t for t in tasks}, {})
    scores = {r.task.id: r.score for r in rank_tasks(directory, TODAY, {"fresh.md": FRESH})}
    assert scores["a_far"] == scores["b_gone"] < scores["c_near"]


def test_no_deputy_moves_a_task_up() -> None:
    people = [_person("a"), _person("b")]
    tasks = [_task("a_with", "a"), _task("b_without", "b", deputies=())]
    assert _order(tasks, people) == ["b_without", "a_with"]


def test_a_long_absent_or_leaving_deputy_is_no_present_deputy() -> None:
    people = [_person("a"), _person("away"), _person("going", leaves=date(2027, 3, 31)),
              _person("holiday")]
    tasks = [_task("a_ok", "a"), _task("b_away", "a", deputies=("away",)),
             _task("c_going", "a", deputies=("going",)),
             _task("d_holiday", "a", deputies=("holiday",))]
    away = (Absence("away", date(2026, 1, 1), date(2028, 12, 31)),
            Absence("holiday", date(2026, 11, 30), date(2026, 12, 18)))  # two weeks: present
    assert _order(tasks, people, away) == ["b_away", "c_going", "a_ok", "d_holiday"]
    directory = Directory({p.id: p for p in [*people, _person("dep")]},
                          {t.id: t for t in tasks}, {}, away)
    [risk] = [r for r in rank_tasks(directory, TODAY, {"fresh.md": FRESH}) if r.task.id == "b_away"]
    assert risk.present_deputies == () and next_step(risk) == STEP_DEPUTY


def test_missing_document_outranks_stale_outranks_fresh() -> None:
    people = [_person("a")]
    tasks = [_task("a_fresh", "a"), _task("b_stale", "a", docs=("old.md",)),
             _task("c_missing", "a", docs=())]
    assert _order(tasks, people) == ["c_missing", "b_stale", "a_fresh"]


def test_demand_and_unanswered_questions_break_ties() -> None:
    people = [_person("a")]
    tasks = [_task("a_quiet", "a"), _task("b_asked", "a"), _task("c_unanswered", "a")]
    demand: dict[str | None, tuple[int, int]] = {"b_asked": (12, 0), "c_unanswered": (12, 6)}
    assert _order(tasks, people, demand=demand) == ["c_unanswered", "b_asked", "a_quiet"]


def test_rules_weigh_as_documented() -> None:
    """Leaving soon (35) > no deputy (25) > no document (20) > many questions (10); the names
    run against the expected order so that a tie would show."""
    people = [_person("soon", leaves=date(2027, 1, 31)), _person("a")]
    tasks = [_task("z_leaving", "soon"), _task("y_no_deputy", "a", deputies=()),
             _task("x_no_doc", "a", docs=()), _task("w_asked", "a")]
    demand: dict[str | None, tuple[int, int]] = {"w_asked": (50, 0)}
    assert _order(tasks, people, demand=demand) == ["z_leaving", "y_no_deputy", "x_no_doc",
                                                    "w_asked"]


def test_next_step_follows_the_most_urgent_gap() -> None:
    people = {p.id: p for p in [_person("soon", leaves=date(2027, 1, 31)), _person("a"),
                                _person("dep")]}
    tasks = {t.id: t for t in [_task("nobody", None), _task("leaving", "soon", docs=()),
                               _task("alone", "a", deputies=()),
                               _task("stale", "a", docs=("old.md",)),
                               _task("ready", "soon")]}
    risks = rank_tasks(Directory(people, tasks, {}), TODAY, {"fresh.md": FRESH, "old.md": OLD})
    steps = {r.task.id: next_step(r) for r in risks}
    assert steps == {"nobody": STEP_NAME_HOLDER, "leaving": STEP_INTERVIEW, "alone": STEP_DEPUTY,
                     "stale": STEP_REVIEW, "ready": STEP_HANDOVER}
    documents = {r.task.id: r.document for r in risks}
    assert documents["leaving"] == DOC_MISSING and documents["stale"] == DOC_STALE
