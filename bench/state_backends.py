"""Time for N ``record_answer`` calls (one write transaction each, as the bot stores every
answer) on the SQLite backend and on PostgreSQL, run one after the other from one thread.

PostgreSQL runs as a private cluster from tests/postgres.py (needs the ``postgresql``
package; as root its binaries run as ``nobody``), twice: durable (``fsync=on``,
``synchronous_commit=on``: every commit waits for the WAL flush) and with
``synchronous_commit=off`` (a server crash may lose the last commits but never corrupts,
which is what SQLite's WAL + ``synchronous=NORMAL`` promises too). Prints the figures as JSON
with ratios to SQLite; timings are noisy on a shared machine, compare ratios.

    nice python bench/state_backends.py --calls 1000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.state import SqlState, open_state  # noqa: E402
from tests.postgres import PostgresCluster, postgres_bin  # noqa: E402


def time_answers(state: SqlState, calls: int) -> float:
    """Seconds for ``calls`` answers (after ten to warm up the connection)."""
    for _ in range(10):
        state.record_answer("Aufwärmen?", ["a.md"], "v1", "aad-warm")
    started = time.perf_counter()
    for number in range(calls):
        state.record_answer(f"Frage {number}?", ["steueramt/hund.md"], "v1", f"aad-{number % 7}")
    return time.perf_counter() - started


def best_of(make: Any, calls: int, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        state = make()
        try:
            times.append(time_answers(state, calls))
        finally:
            state.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = postgres_bin()
    if folder is None:
        print("needs PostgreSQL: apt-get install -y postgresql", file=sys.stderr)
        return 2
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(100))
        results["sqlite"] = best_of(
            lambda: open_state(Path(tmp) / f"s{next(counter)}.sqlite"), args.calls, args.rounds)
    cluster = PostgresCluster(folder, durable=True).start()
    try:
        results["postgres_durable"] = best_of(
            lambda: open_state(cluster.create_database("bench")), args.calls, args.rounds)
        results["postgres_async_commit"] = best_of(
            lambda: open_state(cluster.create_database("bench") + "?options=-c%20"
                               "synchronous_commit%3Doff"), args.calls, args.rounds)
    finally:
        cluster.stop()
    base = statistics.median(results["sqlite"])
    report = {
        "calls": args.calls,
        "rounds": args.rounds,
        "median_seconds": {name: round(statistics.median(t), 3) for name, t in results.items()},
        "ms_per_call": {name: round(1000 * statistics.median(t) / args.calls, 3)
                        for name, t in results.items()},
        "ratio_to_sqlite": {name: round(statistics.median(t) / base, 2)
                            for name, t in results.items()},
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
