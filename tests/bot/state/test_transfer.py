"""Copying a whole state to the other backend (``python -m bot zustand kopieren``): every
record arrives with its id, new ids go on after the copied ones, a filled target is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.directory import StateError
from bot.state import SqlState, open_state
from bot.state.transfer import _ordered, copy_state

ROOT = Path(__file__).resolve().parents[3]


def _fill(state: SqlState) -> None:
    answer = state.record_answer("Wer macht die Hundesteuer?", ["steueramt/hund.md"], "v1",
                                 "aad-1", task_id="hundesteuer")
    state.record_feedback(answer, "up", "aad-2")
    state.record_unanswered("Wo ist die Kantine?", "aad-1")
    absence = state.add_absence("bschneider", date(2026, 8, 3), date(2026, 8, 14), "tkoch",
                                "bschneider")
    state.set_absence_note(absence, "Akten liegen im Schrank")  # a foreign key to absences
    state.add_absence("tkoch", date(2026, 9, 1), date(2026, 9, 2), None, "tkoch", "Dienstreise")
    state.save_reference("aad-1", '{"conversation": {"id": "a:1"}}')
    state.link_person("bschneider", "aad-1")
    interview = state.start_interview("bschneider", "hundesteuer", "ukeller", None, {"a": "x"})
    state.add_draft("uebergabe", interview.id, "steueramt/uebergabe.md", "Steueramt",
                    "bschneider")
    routed = state.add_routed("Wie lange gilt die Marke?", "aad-1", "bschneider",
                              "hundesteuer", "Steueramt", "tkoch")
    state.answer_routed(routed, "tkoch", "Ein Jahr.")


def _everything(state: SqlState) -> dict[str, object]:
    return {"export": state.export_person(["aad-1", "aad-2", "bschneider", "tkoch", "ukeller"]),
            "absences": state.absences(), "unanswered": state.unanswered(),
            "feedback": state.feedback_counts(), "drafts": state.pending_drafts(),
            "routed": state.routed_questions(), "notes": state.absence_notes()}


@pytest.fixture
def other_backend(state_source: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The target: PostgreSQL for a SQLite source, a SQLite file for a PostgreSQL source."""
    if state_source.startswith("postgresql://"):
        return str(tmp_path / "kopie.sqlite")
    return str(request.getfixturevalue("postgres_database"))


def test_everything_arrives_and_new_ids_go_on(store: SqlState, other_backend: str) -> None:
    _fill(store)
    target = open_state(other_backend, "lemgo")
    try:
        counts = copy_state(store, target)
        assert counts["absences"] == 2 and counts["answers"] == 1
        assert counts["interview_answers"] == 1 and counts["routed_questions"] == 1
        assert _everything(target) == _everything(store)
        new = target.add_absence("p", date(2026, 10, 1), date(2026, 10, 2), None, "p")
        assert new > max(a.id or 0 for a in store.absences())
        with pytest.raises(StateError, match="already holds records"):
            copy_state(store, target)
    finally:
        target.close()


def test_the_command_copies_once_and_then_refuses(tmp_path: Path, postgres_database: str) -> None:
    source = tmp_path / "state.sqlite"
    state = open_state(source)
    _fill(state)

    def run() -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WISSENSLOTSE_")}
        return subprocess.run([sys.executable, "-m", "bot", "zustand", "kopieren", "--von",
                               str(source), "--nach", postgres_database, "--namespace", "lemgo"],
                              cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True, timeout=120)

    first = run()
    assert first.returncode == 0, first.stderr
    assert "unanswered 1" in first.stdout and "absences 2" in first.stdout
    again = run()
    assert again.returncode == 2 and "Fehler: the target already holds records" in again.stderr
    copied = open_state(postgres_database, "lemgo")
    try:
        assert copied.unanswered() == state.unanswered() == [("Wo ist die Kantine?", 1)]
    finally:
        copied.close()


def test_parents_are_copied_before_the_tables_that_point_to_them(tmp_path: Path) -> None:
    """Every foreign key of the schema (read from SQLite) points to a table copied earlier."""
    import sqlite3

    state = open_state(str(tmp_path / "s.sqlite"))
    state.close()
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        parents = {t: {r[2] for r in db.execute(f"PRAGMA foreign_key_list({t})")}
                   for t in tables}
    order = _ordered(tables)
    assert any(parents.values())  # the check has something to check
    for table, its_parents in parents.items():
        for parent in its_parents - {table}:
            assert order.index(parent) < order.index(table), (parent, table)
