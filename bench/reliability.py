"""The reliability suite's long runs, as one Markdown table (docs/reliability.md).

Runs the rows of ``tests/reliability`` (the same code ``make test`` runs briefly) with long
sizes: load for 60 s per row, thousands of generated bad inputs with every hang counted. Each
row's figures come from the tests themselves (``RELIABILITY_FIGURES``), its verdict from
pytest (passed, failed, or xfail with the finding that is still open).

  python bench/reliability.py --out var/reliability.md
  python bench/reliability.py --seconds 20 --examples 500      # shorter
  python bench/reliability.py --model e5 -k load              # load with the real model
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAG_GOAL_MS = 200
PENDING: list[tuple[str, str, str]] = []  # rows whose code does not exist yet


def run_suite(args: argparse.Namespace, figures: Path, junit: Path) -> int:
    env = {**os.environ, "RELIABILITY_FIGURES": str(figures),
           "RELIABILITY_LOAD_SECONDS": str(args.seconds),
           "RELIABILITY_EXAMPLES": str(args.examples), "RELIABILITY_MAX_HANGS": "1000000",
           "RELIABILITY_MODEL": args.model, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "tests/reliability", "-q", "-p",
               "no:cacheprovider", f"--junitxml={junit}", *(["-k", args.k] if args.k else [])]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def verdicts(junit: Path) -> dict[str, str]:
    """Test name -> "pass", "FAIL: ..." or "xfail: <finding>"."""
    result: dict[str, str] = {}
    for case in ElementTree.parse(junit).iter("testcase"):
        name = case.get("name", "")
        failure, skipped = case.find("failure"), case.find("skipped")
        if failure is not None:
            result[name] = "FAIL: " + (failure.get("message") or "")[:100]
        elif skipped is not None:
            result[name] = "xfail: " + (skipped.get("message") or "")[:100]
        else:
            result[name] = "pass"
    return result


def _figures_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in row.items()
                     if key not in ("row", "detail", "survived") and value not in ("", None)) \
        or str(row.get("detail", ""))


def table(rows: list[dict[str, Any]], outcome: dict[str, str], header: str) -> str:
    lines = [header, "", "| row | figures | verdict |", "|---|---|---|"]
    for row in rows:
        bad = row.get("survived") is False or any(
            row.get(key) for key in ("markers", "errors", "hangs", "probe_failures"))
        verdict = "FAIL" if bad else "pass"
        if not bad and float(row.get("worst_lag_ms") or 0) > LAG_GOAL_MS:
            verdict = f"pass, but lag over the {LAG_GOAL_MS} ms goal"
        lines.append(f"| {row['row']} | {_figures_text(row) or row.get('detail', '')} | "
                     f"{verdict} |")
    for category, name, reason in PENDING:
        lines.append(f"| {category}: {name} | — | {reason} |")
    expected = [f"- `{name}`: {verdict}" for name, verdict in sorted(outcome.items())
                if verdict != "pass"]
    lines += ["", "Tests not passing (xfail names the open finding):", *(expected or ["- none"])]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="load per row")
    parser.add_argument("--examples", type=int, default=2000, help="bad inputs per reader")
    parser.add_argument("--model", default="fake", help="fake (default) or e5")
    parser.add_argument("-k", default="", help="pytest -k expression (a subset of rows)")
    parser.add_argument("--out", type=Path, help="write the Markdown here (default stdout)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures, junit = Path(folder, "figures.jsonl"), Path(folder, "junit.xml")
        started = time.monotonic()
        code = run_suite(args, figures, junit)
        rows = [json.loads(line) for line in figures.read_text(encoding="utf-8").splitlines()] \
            if figures.exists() else []
        outcome = verdicts(junit) if junit.exists() else {}
    header = (f"Reliability, {time.strftime('%Y-%m-%d %H:%M')} UTC, model {args.model}, "
              f"{os.cpu_count()} cores, load {args.seconds:.0f} s per row, {args.examples} "
              f"bad inputs per reader, {time.monotonic() - started:.0f} s in all (pytest exit "
              f"{code})")
    text = table(rows, outcome, header)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0 if code in (0, 1) else code


if __name__ == "__main__":
    sys.exit(main())
