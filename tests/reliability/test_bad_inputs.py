"""Bad inputs tried (short): every reader of outside text, fed by hypothesis, each call with a
time budget in a worker process. Goal: 0 hangs, 0 unexpected exceptions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability import strategies
from tests.reliability.budget import Budget
from tests.reliability.conftest import record

pytestmark = [pytest.mark.slow]

# per reader; bench/reliability.py runs thousands and counts every hang
EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "60"))
MAX_HANGS = int(os.environ.get("RELIABILITY_MAX_HANGS", "1"))
EDGES = ["abwesend 31.12.9999-01.01.", "abwesend bis 31.12.9999", "Ich bin vom 29.02. bis "
         "1.3. krank", "abwesend 01.01.0001-02.01.0001", "\u202eabwesend 3.8.-14.8.\u200b",
         "abwesend \ud800 3.8."]


@pytest.fixture(scope="module")
def budget() -> Iterator[Budget]:
    # one hang settles a reader's row in the short run
    with Budget(seconds=2.0, preload=("tests.reliability.targets",), max_hangs=MAX_HANGS) \
            as runner:
        yield runner


def _fuzz(budget: Budget, target: str, strategy: st.SearchStrategy[Any],
          edges: list[Any]) -> None:
    budget.outcome = type(budget.outcome)()
    for case in edges:
        budget.call(target, case)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case: Any) -> None:
        budget.call(target, case)

    run()
    figures = budget.outcome.figures()
    record(f"bad inputs {target.rsplit('.', 1)[1]}", figures)
    assert figures["hangs"] == 0 and figures["errors"] == 0, budget.outcome.errors[:3] or \
        budget.outcome.hangs[:3]


T = "tests.reliability.targets."


def test_dates(budget: Budget) -> None:
    _fuzz(budget, T + "dates", strategies.date_texts(), EDGES)


def test_absence_sentences(budget: Budget) -> None:
    _fuzz(budget, T + "absence_sentence", strategies.absence_texts(), EDGES)


def test_mentions(budget: Budget) -> None:
    long_tags = {"type": "message", "text": "<at>" * 16384 + "x", "recipient": {"id": "28:b"}}
    _fuzz(budget, T + "mentions", strategies.activities(), [long_tags])


def test_directory_csv(budget: Budget) -> None:
    edges = [("personen.csv", b"\xff\xfe" + "id;name\n".encode("utf-16-le")),
             ("abwesenheiten.csv", b"person;von;bis\nbschneider;29.02.2027;31.12.9999\n")]
    _fuzz(budget, T + "csv_file", strategies.csv_files(), edges)


def test_ics(budget: Budget) -> None:
    _fuzz(budget, T + "ics_file", strategies.ics_files(), [b"", b"BEGIN:VCALENDAR"])


def test_front_matter(budget: Budget) -> None:
    billion_laughs = b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n" \
        b"c: &c [*b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c]\n---\n# T\n"
    _fuzz(budget, T + "front_matter", strategies.markdown_files(), [billion_laughs])
