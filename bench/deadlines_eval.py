"""Precision and recall of the deadline extractor (``bot.capture.deadlines``) against the
hand-checked list ``tests/fixtures/deadlines_expected.yaml`` (the sample town), and its raw
output for another knowledge base (the held-out town: hand-check a sample, do not tune).

    python bench/deadlines_eval.py                       # figures on knowledge_base/
    python bench/deadlines_eval.py --dump bench/towns/lindenbach/knowledge_base
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bot.capture.deadlines import extract
from indexer.errors import IndexerError
from indexer.loaders import LOADERS, is_sidecar, load_file

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "fixtures" / "deadlines_expected.yaml"


def found_pairs(kb: Path) -> dict[tuple[str, str], str]:
    """(document, rule key) -> the first quote, for every document of a knowledge base."""
    pairs: dict[tuple[str, str], str] = {}
    for path in sorted(kb.rglob("*")):
        if (not path.is_file() or is_sidecar(path) or path.suffix.lower() not in LOADERS
                or path.name == "README.md"
                or any(part.startswith("_") for part in path.relative_to(kb).parts)):
            continue
        try:
            sections = load_file(path, kb)
        except IndexerError:
            continue
        for deadline in extract(sections):
            pairs.setdefault((deadline.source, deadline.rule.key), deadline.quote)
    return pairs


def expected_pairs(path: Path = EXPECTED) -> set[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {(item["document"], item["rule"]) for item in data["deadlines"]}


def scores(found: set[tuple[str, str]], expected: set[tuple[str, str]]) -> dict[str, float]:
    hits = len(found & expected)
    return {"found": len(found), "expected": len(expected), "correct": hits,
            "precision": hits / len(found) if found else 0.0,
            "recall": hits / len(expected) if expected else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--dump", type=Path, help="print every deadline of this knowledge base")
    args = parser.parse_args(argv)
    if args.dump:
        for (source, key), quote in sorted(found_pairs(args.dump).items()):
            print(f"{source}\t{key}\t{quote[:160]}")
        return 0
    found = set(found_pairs(args.kb))
    result = scores(found, expected_pairs())
    print("deadlines on the hand-checked list (sample town, tuning data): "
          f"precision {result['precision']:.3f} ({result['correct']}/{result['found']}), "
          f"recall {result['recall']:.3f} ({result['correct']}/{result['expected']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
