"""Scoring for bench/answer_eval.py: what counts as a right answer, and retrieval with
duplicate documents counted once. Pure functions over plain data, so a test can check them
on a tiny hand-made case (tests/bench/test_answer_scoring.py).

A question (one JSON object per line) has ``question``, ``kind`` (``who`` | ``how`` are in
scope, ``near`` | ``off`` are not), ``relevant`` (path substrings of the documents that hold
the answer, any copy counts), ``task`` (directory task id or null), ``person_today`` (the
person a who-question must name on ``day``, or null) and ``day`` (ISO date it is asked).
Optional: ``other_tasks`` (further task ids that count as right, for a document that serves
several tasks), ``asker`` (the person id who asks, for questions about restricted documents; else
an ordinary member of staff without access groups asks) and ``forbidden`` (path substrings
the asker must never be shown: restricted documents; any such source counts as a leak).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

IN_SCOPE = ("who", "how")
OUT_OF_SCOPE = ("near", "off")
KINDS = IN_SCOPE + OUT_OF_SCOPE
RANK_DEPTH = 10  # MRR@10; hits beyond are "not found"


@dataclass(frozen=True)
class BenchQuestion:
    question: str
    kind: str
    relevant: tuple[str, ...]
    task: str | None
    person_today: str | None
    day: date
    asker: str | None = None
    forbidden: tuple[str, ...] = ()
    other_tasks: tuple[str, ...] = ()

    @property
    def right_tasks(self) -> tuple[str, ...]:
        return ((self.task,) if self.task else ()) + self.other_tasks

    @property
    def in_scope(self) -> bool:
        return self.kind in IN_SCOPE


@dataclass(frozen=True)
class Outcome:
    """What the bot did with one question: found or refused, the task, person and sources."""

    question: BenchQuestion
    found: bool
    task_id: str | None = None
    person_id: str | None = None
    sources: tuple[str, ...] = ()
    uncertain: bool = False  # the answer says it may touch the question only in passing
    confidence: float | None = None  # the gate's confidence (for the --details analysis)
    offered: tuple[str, ...] = ()  # task ids among the topics a refusal offers as buttons


def parse_bench_question(record: Mapping[str, Any], where: str) -> BenchQuestion:
    """One question; a plain ``fragen.jsonl`` line (question + relevant) is a how-question
    asked today."""
    kind = record.get("kind", "how")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {KINDS}, got {kind!r}")
    relevant = tuple(record.get("relevant") or ())
    if kind == "how" and not relevant and not record.get("task"):
        raise ValueError(f"{where}: a how-question needs 'relevant' or 'task'")
    return BenchQuestion(
        question=str(record["question"]),
        kind=str(kind),
        relevant=relevant,
        task=record.get("task") or None,
        person_today=record.get("person_today") or None,
        day=date.fromisoformat(str(record["day"])) if record.get("day") else date.today(),
        asker=record.get("asker") or None,
        forbidden=tuple(record.get("forbidden") or ()),
        other_tasks=tuple(record.get("other_tasks") or ()),
    )


def load_bench_questions(path: Path) -> list[BenchQuestion]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [parse_bench_question(json.loads(line), f"{path}:{number}")
            for number, line in enumerate(lines, start=1) if line.strip()]


def outcome_from_answer(question: BenchQuestion, answer: Mapping[str, Any],
                        task_ids: Mapping[str, str] = {}) -> Outcome:  # fmt: skip
    """An Outcome from the bot's structured answer (``dataclasses.asdict(Answer)``);
    ``task_ids`` (task name -> id, the directory's) tells which offered topics are tasks."""
    who = answer.get("who") or {}
    contact = who.get("contact") or {}
    return Outcome(
        question=question,
        found=bool(answer.get("found")),
        task_id=answer.get("task_id"),
        person_id=contact.get("person_id"),
        sources=tuple(str(s.get("path", "")) for s in answer.get("sources") or ()),
        uncertain=bool(answer.get("uncertain")),
        confidence=answer.get("confidence"),
        offered=tuple(task_ids[t] for t in answer.get("topics") or () if t in task_ids),
    )


def is_relevant(source: str, relevant: Sequence[str]) -> bool:
    return any(r in source for r in relevant)


def verdict(outcome: Outcome) -> str:
    """``right`` / ``wrong`` / ``refused`` in scope; ``answered`` / ``refused`` out of scope.

    In scope, an answer is right when it names the question's task or cites a relevant
    document (any cited source): the two ways the bot can be right about "who" and "how".
    """
    question = outcome.question
    if not outcome.found:
        return "refused"
    if not question.in_scope:
        return "answered"
    task_right = outcome.task_id is not None and outcome.task_id in question.right_tasks
    doc_right = any(is_relevant(source, question.relevant) for source in outcome.sources)
    return "right" if task_right or doc_right else "wrong"


def person_right(outcome: Outcome) -> bool | None:
    """For who-questions with a person for the day: did the answer name that person?"""
    question = outcome.question
    if question.kind != "who" or question.person_today is None:
        return None
    return outcome.found and outcome.person_id == question.person_today


def leaked(outcome: Outcome) -> bool:
    """A source the asker may not see was shown (a restricted document leaked)."""
    return any(is_relevant(source, outcome.question.forbidden) for source in outcome.sources)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Counts and rates per knowledge base (the table's answer columns)."""
    in_scope = [o for o in outcomes if o.question.in_scope]
    verdicts = Counter(verdict(o) for o in in_scope)
    out: dict[str, Any] = {"in_scope": len(in_scope)}
    for name in ("right", "refused", "wrong"):
        out[name] = verdicts[name]
        out[f"{name}_rate"] = _rate(verdicts[name], len(in_scope))
    for label, kinds in (("near", ("near",)), ("off", ("off",)), ("out", OUT_OF_SCOPE)):
        group = [o for o in outcomes if o.question.kind in kinds]
        answered = sum(1 for o in group if verdict(o) == "answered")
        out[f"{label}_n"], out[f"{label}_answered"] = len(group), answered
        out[f"{label}_answered_rate"] = _rate(answered, len(group))
    persons = [p for p in (person_right(o) for o in outcomes) if p is not None]
    out["who_person_n"], out["who_person_right"] = len(persons), sum(persons)
    out["who_person_rate"] = _rate(sum(persons), len(persons))
    # who-questions the bot refused: how many offer the right task as a topic (one click)
    refused_who = [o for o in outcomes if o.question.kind == "who" and verdict(o) == "refused"]
    out["who_refused"] = len(refused_who)
    out["who_refused_offered"] = sum(
        1 for o in refused_who if set(o.offered) & set(o.question.right_tasks))
    out["leaks"] = sum(1 for o in outcomes if leaked(o))
    # answers that say they may touch the question only in passing, by verdict
    out["uncertain"] = dict(Counter(verdict(o) for o in outcomes if o.uncertain))
    out["by_kind"] = {kind: dict(Counter(verdict(o) for o in outcomes if o.question.kind == kind))
                      for kind in KINDS}
    return out


# -- retrieval ------------------------------------------------------------------------------

_SUFFIXES = re.compile(r"\.(md|markdown|pdf|txt|docx|odt|csv)$", re.IGNORECASE)


def duplicate_key(source: str, rule: str = "path") -> str:
    """Which hits are the same document content and count once.

    ``path``: the path without its suffix (a PDF and its text export are one document).
    ``service``: the file name's service part, before the first ``_-_`` or ``__`` (the
    Hamburg pages: one service page copied per district office, a PDF beside its ``.txt``).
    """
    stem = _SUFFIXES.sub("", source)
    if rule == "path":
        return stem
    if rule == "service":
        name = PurePosixPath(stem).name
        return re.split(r"_-_|__", name, maxsplit=1)[0] or name
    raise ValueError(f"unknown duplicate rule {rule!r}")


def collapse(sources: Iterable[str], rule: str = "path") -> list[str]:
    """``sources`` in order, keeping the first of each duplicate group."""
    seen: set[str] = set()
    kept: list[str] = []
    for source in sources:
        key = duplicate_key(source, rule)
        if key not in seen:
            seen.add(key)
            kept.append(source)
    return kept


def first_relevant_rank(ranked: Sequence[str], relevant: Sequence[str],
                        depth: int = RANK_DEPTH) -> int | None:
    for rank, source in enumerate(ranked[:depth], start=1):
        if is_relevant(source, relevant):
            return rank
    return None


def retrieval_measures(ranks: Sequence[int | None]) -> dict[str, float | int]:
    """R@1, R@5, MRR@10 of first-relevant ranks (None = not in the first ten)."""
    n = len(ranks)
    found = [r for r in ranks if r is not None and r <= RANK_DEPTH]
    return {
        "r1": round(sum(1 for r in found if r <= 1) / n, 4) if n else 0.0,
        "r5": round(sum(1 for r in found if r <= 5) / n, 4) if n else 0.0,
        "mrr10": round(sum(1.0 / r for r in found) / n, 4) if n else 0.0,
        "n": n,
    }
