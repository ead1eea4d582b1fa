"""Retention, schema upgrade and the data-protection requests on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from bot.state import SCHEMA_VERSION, SqlState, State
from bot.state.schema import STEPS

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _version_1_file(path: Path, reasons: list[str]) -> None:
    """A state file as the code before issue 14 wrote it (free-text reasons)."""
    with sqlite3.connect(path) as connection:
        for statement in STEPS[1]:
            connection.execute(statement)
        for number, reason in enumerate(reasons):
            connection.execute(
                'INSERT INTO absences (person_id, start, "end", stand_in, reason, created_by, '
                "created_at) VALUES (?, '2026-12-01', '2026-12-20', NULL, ?, 'x', '2026-11-30')",
                (f"p{number}", reason))
        connection.execute("PRAGMA user_version = 1")


def test_upgrade_cuts_stored_reasons_to_their_category(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    _version_1_file(path, ["Krankheit", "Kur", "Sonderurlaub", "Dienstreise", "Fortbildung",
                           "", "Mutterschutz", "Diagnose: Bandscheibe"])
    state = State(path)
    assert [a.reason for a in sorted(state.absences(), key=lambda a: a.person)] == [
        "abwesend", "abwesend", "Urlaub", "Dienstreise", "Fortbildung", "abwesend", "abwesend",
        "abwesend"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 9
        stored = " ".join(row[0] for row in connection.execute("SELECT reason FROM absences"))
    assert "Krank" not in stored and "Bandscheibe" not in stored


def test_new_absences_keep_only_a_category(store: SqlState) -> None:
    state = store
    state.add_absence("p", date(2026, 12, 3), date(2026, 12, 4), None, "p", "Krankheit")
    state.add_absence("q", date(2026, 12, 3), date(2026, 12, 4), None, "q", "Jahresurlaub")
    assert sorted(a.reason for a in state.absences()) == ["Urlaub", "abwesend"]


def _fill(state: SqlState, key: str, person: str) -> str:
    answer = state.record_answer(f"Frage von {key}", ["a.md"], "v1", key)
    state.record_feedback(answer, "up", key)
    state.record_unanswered(f"Offen von {key}", key)
    state.add_routed(f"Weitergeleitet von {key}", key, person, "hundesteuer", "Steueramt",
                     "ukeller")
    today = datetime.now(UTC).date()  # the rows are "now": the purge is measured from here
    state.add_absence(person, today - timedelta(days=1), today, None, person, "Urlaub")
    return answer


def test_purge_drops_only_what_is_older_than_the_retention(store: SqlState) -> None:
    state = store
    _fill(state, "aad-1", "bschneider")
    today = datetime.now(UTC)
    state.save_reference("aad-1", '{"user": {"id": "29:x", "name": "Birgit Schneider"}}')
    state.link_person("bschneider", "aad-1")
    assert state.purge(90, now=today + timedelta(days=89)) == {
        "feedback": 0, "answers": 0, "unanswered": 0, "absences": 0, "conversation_refs": 0,
        "person_users": 0, "routed_questions": 0, "briefings_sent": 0, "routed_returns": 0}
    assert state.purge(90, now=today + timedelta(days=91)) == {
        "feedback": 1, "answers": 1, "unanswered": 1, "absences": 1, "conversation_refs": 1,
        "person_users": 1, "routed_questions": 1, "briefings_sent": 0, "routed_returns": 0}
    assert state.reference_of("aad-1") is None
    assert state.routed_questions() == []
    assert state.unanswered() == [] and state.absences() == []
    assert state.feedback_counts() == {"up": 0, "down": 0}


def test_absence_is_kept_while_it_runs(store: SqlState) -> None:
    """An absence entered long ago that still runs is the office's plan: not purged."""
    state = store
    state.add_absence("p", date(2026, 1, 1), date(2026, 12, 31), None, "p")
    assert state.purge(90, now=NOW)["absences"] == 0
    assert state.purge(90, now=NOW + timedelta(days=120))["absences"] == 1


def test_export_and_erase_touch_only_that_person(store: SqlState) -> None:
    state = store
    own = _fill(state, "aad-1", "bschneider")
    _fill(state, "aad-2", "tkoch")
    assert state.record_feedback(own, "down", "aad-2")  # another's vote on her answer
    state.add_absence("tkoch", date(2026, 12, 5), date(2026, 12, 6), "bschneider",
                      "bschneider", "Urlaub")  # she entered it and stands in

    data = state.export_person(["aad-1", "bschneider"])
    assert [a["question"] for a in data["answers"]] == ["Frage von aad-1"]
    assert data["answers"][0]["sources"] == ["a.md"]
    assert [f["user_key"] for f in data["feedback"]] == ["aad-1"]
    assert [u["question"] for u in data["unanswered"]] == ["Offen von aad-1"]
    assert sorted(a["person_id"] for a in data["absences"]) == ["bschneider", "tkoch"]
    assert [r["question"] for r in data["routed_questions"]] == ["Weitergeleitet von aad-1"]

    counts = state.erase_person(["aad-1", "bschneider"])
    assert counts == {"feedback": 2, "answers": 1, "unanswered": 1, "absences": 1,
                      "conversation_refs": 0, "person_users": 0, "interviews_kept": 0,
                      "drafts_kept": 0, "routed_questions": 1, "absences_anonymised": 1,
                      "briefings_sent": 0, "routed_returns": 0, "web_inbox": 0}
    assert not any(state.export_person(["aad-1", "bschneider"]).values())
    other = state.export_person(["aad-2", "tkoch"])
    assert len(other["answers"]) == 1 and len(other["unanswered"]) == 1
    assert len(other["routed_questions"]) == 1
    kept = [a for a in state.absences() if a.start == date(2026, 12, 5)]
    assert [(a.person, a.stand_in, a.created_by) for a in kept] == [("tkoch", None, "geloescht")]


@pytest.mark.parametrize("days", [0, 3651, -5])
def test_retention_outside_its_range_stops_the_start(days: int) -> None:
    with pytest.raises(ValidationError, match="retention_days"):
        Settings(retention_days=days, _env_file=None)


def test_retention_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WISSENSLOTSE_RETENTION_DAYS", "30")
    assert Settings(_env_file=None).retention_days == 30
    monkeypatch.delenv("WISSENSLOTSE_RETENTION_DAYS")
    assert Settings(_env_file=None).retention_days == 90


def test_the_person_id_finds_the_chat_keys_the_state_links_to_it(store: SqlState) -> None:
    """Knowledge capture remembers which chat key a person wrote as: asking for the person id
    alone finds (and erases) what was stored under that key."""
    state = store
    state.link_person("bschneider", "aad-1")
    state.save_reference("aad-1", '{"user": {"id": "29:x", "name": "Birgit Schneider"}}')
    state.record_unanswered("Wo ist die Kantine?", "aad-1")
    data = state.export_person(["bschneider"])
    assert [row["question"] for row in data["unanswered"]] == ["Wo ist die Kantine?"]
    assert [row["user_key"] for row in data["conversation_refs"]] == ["aad-1"]
    counts = state.erase_person(["bschneider"])
    assert (counts["unanswered"], counts["conversation_refs"], counts["person_users"]) == (1, 1, 1)
    assert state.reference_of("aad-1") is None and state.unanswered() == []


def test_every_erased_kind_has_a_german_label(store: SqlState) -> None:
    """``datenschutz loeschen`` prints each count with its German label."""
    from bot.state.cli import _LABELS

    assert set(store.erase_person(["niemand"])) <= set(_LABELS)
