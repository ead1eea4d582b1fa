"""Markdown tables for bench/answer_eval.py's results (one row per knowledge base)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def _count(part: int, whole: int, rate: float | None) -> str:
    return f"{part}/{whole} ({_pct(rate)})"


def _label(result: dict[str, Any]) -> str:
    status = result.get("status") or ("held out" if result["held_out"] else "TUNING")
    return f"{result['kb']} ({status})"


def answer_rows(results: Sequence[dict[str, Any]]) -> list[str]:
    head = ("| knowledge base | in scope: right task or document | refused | wrong document "
            "| near answered | off answered | out of scope answered | who: right person "
            "| who refused: right task offered | leaks |")
    rows = [head, "|" + "---|" * 10]
    for result in results:
        a = result["answers"]
        n = a["in_scope"]
        rows.append("| " + " | ".join([
            _label(result),
            _count(a["right"], n, a["right_rate"]),
            _count(a["refused"], n, a["refused_rate"]),
            _count(a["wrong"], n, a["wrong_rate"]),
            _count(a["near_answered"], a["near_n"], a["near_answered_rate"]),
            _count(a["off_answered"], a["off_n"], a["off_answered_rate"]),
            _count(a["out_answered"], a["out_n"], a["out_answered_rate"]),
            _count(a["who_person_right"], a["who_person_n"], a["who_person_rate"]),
            f"{a.get('who_refused_offered', 0)}/{a.get('who_refused', 0)}",
            str(a["leaks"]),
        ]) + " |")
    return rows


def retrieval_rows(results: Sequence[dict[str, Any]]) -> list[str]:
    rows = ["| knowledge base | retriever | n | R@1 | R@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for result in results:
        for mode, m in result["retrieval"].items():
            rows.append(f"| {_label(result)} | {mode} | {m['n']} | {m['r1']:.2f} "
                        f"| {m['r5']:.2f} | {m['mrr10']:.2f} |")
    return rows


def markdown_table(results: Sequence[dict[str, Any]]) -> str:
    return "\n".join(["### Answers", "", *answer_rows(results), "",
                      "### Retrieval (in-scope questions, duplicates counted once)", "",
                      *retrieval_rows(results)])
