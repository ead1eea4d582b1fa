"""``python -m bot kalibrieren``: calibrate the answer gate on the town's own questions.

    python -m bot kalibrieren --questions knowledge_base/fragen.jsonl
    python -m bot kalibrieren --questions fragen.jsonl --outside nicht_hier.jsonl

The questions file is the one ``python -m indexer eval`` reads (one JSON object a line with
``question`` and ``relevant``): questions the knowledge base answers. With those alone the
default weights are kept and only the threshold moves: down to answer at least
``TARGET_ANSWERED`` of the town's questions, never above the default and never so low that
the generic off-topic probes (indexer.calibration) would be answered. With ``--outside``
(questions the documents do not answer, near-domain ones are the most useful) the weights are
refitted too. The rule is written to ``<index>/gate.json`` and read at the bot's start;
delete the file to return to the default.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.assistant.answer import tasks_before_gate
from bot.assistant.confidence import Evidence, evidence_of
from bot.assistant.gate import (
    DEFAULT_RULE,
    GateRule,
    cheapest_threshold,
    fit_logistic,
    save_rule,
)
from indexer.calibration import OFF_TOPIC_PROBES

TARGET_ANSWERED = 0.95  # share of the town's own questions the threshold lets through
SEARCH_K = 8  # as the assistant searches


def calibrate(inside: Sequence[Evidence], probes: Sequence[Evidence],
              outside: Sequence[Evidence] = ()) -> GateRule:  # fmt: skip
    """The rule for a town (see the module docstring)."""
    rule = DEFAULT_RULE
    label = f"{len(inside)} eigene Fragen"
    if outside:
        intercept, w = fit_logistic([e.signals for e in inside],
                                    [e.signals for e in (*outside, *probes)])  # fmt: skip
        rule = GateRule(round(intercept, 3), (round(w[0], 3), round(w[1], 3), round(w[2], 3)),
                        DEFAULT_RULE.threshold)  # fmt: skip
        label += f", {len(outside)} fremde Fragen"
        threshold = cheapest_threshold([e.confidence_under(rule) for e in inside],
                                       [e.confidence_under(rule) for e in outside])  # fmt: skip
    else:
        own = [e.confidence_under(rule) for e in inside]
        threshold = min(float(np.quantile(own, 1 - TARGET_ANSWERED)), rule.threshold)
    floor = max((e.confidence_under(rule) for e in probes), default=0.0) + 0.01
    threshold = round(min(0.99, max(threshold, floor)), 3)
    return GateRule(rule.intercept, rule.weights, threshold, label)


def measure(searcher: Any, directory: Any, questions: Sequence[str], scale: Any) -> list[Evidence]:
    """The evidence the bot computes for each question (with the town's synonyms and a
    question typed in lower case recased, as it reads them when it answers)."""
    thesaurus = directory.thesaurus if directory is not None else None
    casing = getattr(searcher, "casing", None)
    found = []
    for asked in questions:
        question = casing.recase(asked) if casing is not None else asked
        hits = searcher.search(question, k=SEARCH_K, groups=None, thesaurus=thesaurus)
        matches = tasks_before_gate(directory, question, hits)
        task = max((s for _, s in matches), default=0.0)
        found.append(evidence_of(question, hits, task, [t for t, _ in matches], scale,
                                 thesaurus))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    from bot.assistant.warmup import documents_meta
    from bot.directory import open_titles
    from bot.directory.directory import Directory
    from bot.settings import Settings
    from indexer.calibration import scale_of_version
    from indexer.embedding import load_embedder
    from indexer.errors import IndexerError
    from indexer.evaluate import load_questions
    from indexer.search.searcher import Searcher
    from indexer.store.version import open_current

    parser = argparse.ArgumentParser(prog="python -m bot kalibrieren", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, required=True,
                        help="questions the knowledge base answers (JSONL, as indexer eval)")
    parser.add_argument("--outside", type=Path,
                        help="questions it does not answer (JSONL; no 'relevant' needed)")
    parser.add_argument("--kb", type=Path, help="knowledge base folder (WISSENSLOTSE_KB_DIR)")
    parser.add_argument("--index", type=Path, help="index folder (WISSENSLOTSE_INDEX_DIR)")
    parser.add_argument("--dry-run", action="store_true", help="print the rule, write nothing")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("kb_dir", args.kb), ("index_dir", args.index)) if v}
    settings = Settings(**overrides)
    try:
        inside = [q.question for q in load_questions(args.questions)]
        outside = ([q.question for q in load_questions(args.outside, require_relevant=False)]
                   if args.outside else [])  # fmt: skip
        embedder = load_embedder(settings.model)
        version = open_current(settings.index_dir, None)
        scale = scale_of_version(version, embedder)
        version.close()
    except IndexerError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    meta = documents_meta(settings)
    directory = None
    if (settings.directory_path / "zustaendigkeiten.csv").is_file():
        directory = Directory.load(settings.directory_path, meta)
        directory.prepare(embedder, open_titles(meta))
    searcher = Searcher(settings.index_dir, embedder)
    rule = calibrate(measure(searcher, directory, inside, scale),
                     measure(searcher, directory, OFF_TOPIC_PROBES, scale),
                     measure(searcher, directory, outside, scale))  # fmt: skip
    print(f"cosine scale of the index: {scale}")
    print(f"rule: intercept {rule.intercept}, weights {rule.weights}, threshold "
          f"{rule.threshold} ({rule.fitted_on})")  # fmt: skip
    if not args.dry_run:
        print(f"written to {save_rule(settings.index_dir, rule)}; restart the bot to use it")
    return 0
