"""What one round of keyword suggestions is worth: refused questions, a click, the admin adds.

A refusal offers the tasks closest to the question as buttons. When the asker clicks one, the
gap report suggests the question's words the task lacks as keywords (``stichwortvorschlag``,
``bot.gaps.report.suggested_words``). This benchmark plays one round of it per knowledge base:

1. ask every question as ``answer_eval`` does; then, for each in-scope question of one half
   (``learn``: even positions) that was refused with its right task among the buttons, click
   that button as the same user (the bot's 30-minute window is widened for the run: the
   clicks come after the whole set, not a minute after each refusal);
2. add every suggested word to its task's ``stichwoerter`` (an admin accepting them all), in a
   copy of the directory;
3. ask the whole set again, with the original directory and with the learned one.

It reports, per knowledge base and in total: clicks, the clicks the bot linked to their
refused question, and words learned; right answers among
the learned questions themselves (their wording is now known: an upper bound) and among the
other half (``test``: other wordings, what a colleague asking later gets); out-of-scope
questions answered (what too generic a word costs). Counts only, as ``answer_eval`` summarises
them.

    nice python bench/keyword_learning.py --index-dir /tmp/wl-eval --kb kirchwalde --kb talheim

The indexes are built (or reused) as ``bench/answer_eval.py`` builds them, in the same folder.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.answer_eval import (  # noqa: E402
    ask_all,
    knowledge_bases,
    prepare_index,
    start_assistant,
)
from bench.answer_scoring import (  # noqa: E402
    BenchQuestion,
    Outcome,
    load_bench_questions,
    verdict,
)

COUNTED = ("right", "in_scope", "out_answered", "out_n", "who_person_right", "who_person_n")


async def click_offered(assistant: Any, questions: list[BenchQuestion],
                        outcomes: list[Outcome], positions: list[int],
                        clock: dict[str, Any]) -> int:
    """Click the right task's button after each refused in-scope question of ``positions``
    (the user keys are ``ask_all``'s). The number of clicks."""
    from bot.turns import Turn, UserRef

    clicks = 0
    for number in positions:
        question, outcome = questions[number], outcomes[number]
        chosen = [t for t in outcome.offered if t in question.right_tasks]
        if not question.in_scope or verdict(outcome) != "refused" or not chosen:
            continue
        clock["day"] = question.day
        user = UserRef(key=f"bench:{number}", person_id=question.asker)
        name = assistant.directory.tasks[chosen[0]].name
        await assistant.handle(Turn("", user, f"bench-{number}",
                                    value={"action": "ask", "text": name}))
        clicks += 1
    return clicks


def learned_directory(source: Path, target: Path, words: dict[str, list[str]]) -> Path:
    """A copy of the directory folder ``source`` with ``words`` (task id -> words) added to
    the tasks' keywords in zustaendigkeiten.csv."""
    shutil.copytree(source, target)
    table = target / "zustaendigkeiten.csv"
    text = table.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    id_at, keywords_at = header.index("aufgabe_id"), header.index("stichwoerter")
    for row in rows[1:]:
        if row and row[id_at] in words:
            known = [k.strip() for k in row[keywords_at].split(",") if k.strip()]
            row[keywords_at] = ",".join(dict.fromkeys([*known, *words[row[id_at]]]))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    table.write_text(out.getvalue(), encoding="utf-8")
    return target


def counts(outcomes: list[Outcome], positions: list[int]) -> dict[str, int]:
    from bench.answer_scoring import summarise

    summary = summarise([outcomes[n] for n in positions])
    return {key: int(summary.get(key, 0)) for key in COUNTED}


def measure(name: str, index_dir: Path) -> dict[str, Any]:
    from bot.gaps.report import suggested_words

    base = knowledge_bases()[name]
    questions = load_bench_questions(base.questions)
    index = prepare_index(base, index_dir, None, None)
    work = index_dir / "work"
    learn = list(range(0, len(questions), 2))
    test = list(range(1, len(questions), 2))
    clock: dict[str, Any] = {"day": questions[0].day}
    plain = start_assistant(base, index, work, clock, state_name="learning")
    before = asyncio.run(ask_all(plain, questions, clock))
    from bot.assistant import answering

    window, answering.CHOICE_WINDOW = answering.CHOICE_WINDOW, timedelta(days=1)
    try:
        clicks = asyncio.run(click_offered(plain, questions, before, learn, clock))
    finally:
        answering.CHOICE_WINDOW = window
    chosen = plain.state.chosen_after_refusal()
    suggestions = suggested_words(plain.directory, chosen)
    words = {task: [w for w, _ in found] for task, (_, found) in suggestions.items() if found}
    with tempfile.TemporaryDirectory() as folder:
        directory = learned_directory(plain.settings.directory_path, Path(folder) / "v", words)
        learned = start_assistant(base, index, work, clock, directory, state_name="learned")
        after = asyncio.run(ask_all(learned, questions, clock))
    taught = [n for n in learn if questions[n].in_scope and verdict(before[n]) == "refused"
              and set(before[n].offered) & set(questions[n].right_tasks)]
    changed = [{"question": questions[n].question, "before": verdict(before[n]),
                "after": verdict(after[n]), "task": after[n].task_id}
               for n in range(len(questions))
               if (verdict(before[n]), before[n].task_id)
               != (verdict(after[n]), after[n].task_id)]  # fmt: skip
    # a held-out set's words and questions are not for reading (docs/evaluation.md): totals only
    read = {} if base.held_out else {"learned": words, "changed": changed}
    return {
        **read,
        "kb": name, "held_out": base.held_out, "clicks": clicks, "linked": len(chosen),
        "tasks_taught": len(words), "words": sum(len(w) for w in words.values()),
        "taught": {"before": counts(before, taught), "after": counts(after, taught)},
        "test": {"before": counts(before, test), "after": counts(after, test)},
        "all": {"before": counts(before, list(range(len(questions)))),
                "after": counts(after, list(range(len(questions))))},
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| knowledge base | clicks (linked) | words | taught questions right | "
             "other half right | other half out of scope answered | all right | "
             "all out of scope answered |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        def pair(part: str, key: str, total: str, r: dict[str, Any] = r) -> str:
            b, a = r[part]["before"], r[part]["after"]
            return f"{b[key]} -> {a[key]}/{b[total]}"
        status = "held out" if r["held_out"] else "development"
        cells = [f"{r['kb']} ({status})", f"{r['clicks']} ({r['linked']})", str(r["words"]),
                 pair("taught", "right", "in_scope"), pair("test", "right", "in_scope"),
                 pair("test", "out_answered", "out_n"), pair("all", "right", "in_scope"),
                 pair("all", "out_answered", "out_n")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--kb", action="append", required=True, choices=sorted(knowledge_bases()))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = [measure(name, args.index_dir) for name in args.kb]
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
