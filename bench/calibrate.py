"""Measure the answer gate on the sample town's question sets, and refit its default rule.

    python bench/calibrate.py --kb knowledge_base --index var/index [--fit] [--dump ev.tsv]

Fitted on (``--fit``): the tuning sets only (fragen.jsonl in-domain, OUT_OF_DOMAIN far-off,
NEAR_DOMAIN_TUNING). held-out1 (HELD_OUT_*) was looked at while fixing the task matcher, so it
is no clean test; held-out2 (HELD_OUT_2_*) is: only measured, never fitted or tuned on.
DIRECTORY_ONLY: "who" questions on tasks without a document.
"gate" is the document gate alone; "bot" adds the directory's task path
(bot.assistant.confidence.names_a_task). The question data is bench/confidence_questions.py.
A town calibrates on its own questions with ``python -m bot kalibrieren`` instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import confidence_questions as cq  # noqa: E402
from bot.assistant.confidence import (  # noqa: E402
    Evidence,
    covers_topic,
    names_a_task,
)
from bot.assistant.gate import (  # noqa: E402
    DEFAULT_RULE,
    GateRule,
    cheapest_threshold,
    fit_logistic,
)
from indexer.calibration import CosineScale  # noqa: E402

FITTED = ("tuning",)  # the sets the default rule is fitted on


def question_sets(kb: Path) -> dict[str, tuple[list[str], bool]]:
    """Name -> (questions, in-domain?)."""
    return {
        "tuning in-domain": (cq.in_domain(kb), True),
        "tuning far-off": (list(cq.OUT_OF_DOMAIN), False),
        "tuning near-domain": (list(cq.NEAR_DOMAIN_TUNING), False),
        "held-out1 in-domain": (list(cq.HELD_OUT_IN_DOMAIN), True),
        "held-out1 near-domain": (list(cq.HELD_OUT_NEAR_DOMAIN), False),
        "held-out1 far-off": (list(cq.HELD_OUT_FAR), False),
        "held-out2 in-domain": (list(cq.HELD_OUT_2_IN_DOMAIN), True),
        "held-out2 near-domain": (list(cq.HELD_OUT_2_NEAR_DOMAIN), False),
        "check directory-only": (list(cq.DIRECTORY_ONLY), True),  # answered by the task path
    }


def evidences(searcher: Any, directory: Any, questions: Sequence[str],
              scale: CosineScale | None) -> list[Evidence]:  # fmt: skip
    """The evidence the bot computes for each question: ``python -m bot kalibrieren``'s
    measure (search k=8 as the assistant does, with the town's synonyms and a question typed
    in lower case recased)."""
    from bot.assistant.calibrate import measure

    return measure(searcher, directory, questions, scale)


def answered(evidence: Evidence, rule: GateRule = DEFAULT_RULE, bot: bool = True) -> bool:
    """Whether the bot answers (``bot``: also through the directory's task path, counted as
    for a question that asks who; the bot asks more of other questions there, see
    bot.assistant.answer._person_is_the_answer, which this evidence alone cannot tell)."""
    if evidence.cosine == 0.0:
        return False
    documents = evidence.confidence_under(rule) >= rule.threshold and covers_topic(evidence)
    return documents or bot and names_a_task(evidence)


def fit(inside: Sequence[Evidence], outside: Sequence[Evidence], label: str) -> GateRule:
    """The rule fitted on ``inside`` (answerable) and ``outside`` questions, with the cheapest
    threshold when a wrong answer costs twice a wrong refusal."""
    intercept, weights = fit_logistic([e.signals for e in inside], [e.signals for e in outside])
    rule = GateRule(intercept, (weights[0], weights[1], weights[2]), 0.5, label)
    threshold = cheapest_threshold([e.confidence_under(rule) for e in inside],
                                   [e.confidence_under(rule) for e in outside])  # fmt: skip
    return GateRule(round(intercept, 3), tuple(round(w, 3) for w in weights),  # type: ignore[arg-type]
                    threshold, label)  # fmt: skip


def report(measured: dict[str, tuple[list[Evidence], bool]], rule: GateRule) -> str:
    lines = [f"{'set':22s} {'n':>3s}  {'gate':>6s} {'bot':>6s}   (share judged right)"]
    for name, (found, inside) in measured.items():
        gate = sum(answered(e, rule, bot=False) == inside for e in found) / len(found)
        bot = sum(answered(e, rule) == inside for e in found) / len(found)
        lines.append(f"{name:22s} {len(found):3d}  {gate:6.2f} {bot:6.2f}")
    return "\n".join(lines)


def dump(sets: dict[str, tuple[list[str], bool]],
         measured: dict[str, tuple[list[Evidence], bool]]) -> str:  # fmt: skip
    """One line per question: set, signals, task, unknown, confidence, question."""
    lines = []
    for name, (questions, _) in sets.items():
        for question, e in zip(questions, measured[name][0], strict=True):
            values = (e.cosine, *e.signals, e.task, e.unknown, e.confidence)
            lines.append(f"{name}\t" + "\t".join(f"{v:.3f}" for v in values) + f"\t{question}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from bot.assistant.warmup import documents_meta
    from bot.directory import open_titles
    from bot.directory.directory import Directory
    from bot.settings import Settings
    from indexer.calibration import scale_of_version
    from indexer.embedding import load_embedder
    from indexer.search.searcher import Searcher
    from indexer.store.version import open_current

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=Path("knowledge_base"))
    parser.add_argument("--index", type=Path, default=Path("var/index"))
    parser.add_argument("--model", default="e5")
    parser.add_argument("--fit", action="store_true", help="refit the rule on the tuning set")
    parser.add_argument("--dump", type=Path, help="write each question's evidence (TSV) here")
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None, kb_dir=args.kb, index_dir=args.index)
    embedder = load_embedder(args.model)
    meta = documents_meta(settings)
    directory = Directory.load(settings.directory_path, meta)
    directory.prepare(embedder, open_titles(meta))
    version = open_current(args.index, None)
    scale = scale_of_version(version, embedder)
    version.close()
    print(f"cosine scale: {scale}")
    searcher = Searcher(args.index, embedder)
    sets = question_sets(args.kb)
    measured = {name: (evidences(searcher, directory, questions, scale), inside)
                for name, (questions, inside) in sets.items()}  # fmt: skip
    print(report(measured, DEFAULT_RULE))
    if args.dump:
        args.dump.write_text(dump(sets, measured), encoding="utf-8")
    if args.fit:
        tuning = [m for n, m in measured.items() if n.startswith(FITTED)]
        rule = fit([e for found, is_in in tuning if is_in for e in found],
                   [e for found, is_in in tuning if not is_in for e in found],
                   "sample town tuning questions")  # fmt: skip
        print(f"fitted: {rule}")
        print(report(measured, rule))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
