"""The briefing's state (schema step 6): a briefing is claimed by one caller only, a pending
one can be claimed again, a stale claim (a process that died sending) is retried; notes die
with their absence; routed returns keep the first absent holder."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from bot.state import SCHEMA_VERSION, State
from bot.state.briefing import absence_key


def test_one_of_many_concurrent_claims_wins(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    key = absence_key("bschneider", date(2026, 8, 5), date(2026, 8, 20))
    with ThreadPoolExecutor(8) as pool:  # eight replicas, one file
        won = list(pool.map(lambda _: State(path).claim_briefing("tkoch", key), range(8)))
    assert won.count(True) == 1
    state = State(path)
    assert not state.claim_briefing("tkoch", key)  # claimed a moment ago: not stale
    state.finish_briefing("tkoch", key, delivered=False)
    assert [r.status for r in state.briefings()] == ["pending"]
    assert state.claim_briefing("tkoch", key)  # pending: the person wrote, send now
    state.finish_briefing("tkoch", key, delivered=True)
    assert not state.claim_briefing("tkoch", key)
    assert state.claim_briefing("ukeller", key)  # another stand-in of the same absence


def test_a_stale_claim_is_retried(tmp_path: Path) -> None:
    state = State(tmp_path / "s.sqlite")
    assert state.claim_briefing("tkoch", "k")
    with sqlite3.connect(state.path) as db:
        db.execute("UPDATE briefings_sent SET updated_at = '2000-01-01T00:00:00+00:00'")
    assert state.claim_briefing("tkoch", "k")


def test_notes_go_with_their_absence_and_returns_keep_the_first_holder(tmp_path: Path) -> None:
    state = State(tmp_path / "s.sqlite")
    absence_id = state.add_absence("bschneider", date(2026, 8, 5), date(2026, 8, 20), None, "x")
    state.set_absence_note(absence_id, "Akte im Fach")
    state.purge(0)  # retention: the absence ended long before today's cutoff
    assert state.absences() == [] and state.absence_notes() == {}
    state.remember_return("q1", "bschneider")
    state.remember_return("q1", "tkoch")  # moved on a second time: back to the first
    assert state.routed_returns() == [("q1", "bschneider")]
    state.forget_return("q1")
    assert state.routed_returns() == []
    with sqlite3.connect(state.path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6


def test_purge_export_and_erase_cover_notes_and_briefings(tmp_path: Path) -> None:
    state = State(tmp_path / "s.sqlite")
    old = state.add_absence("bschneider", date(2020, 1, 6), date(2020, 1, 10), None, "x")
    new = state.add_absence("bschneider", date(2099, 1, 5), date(2099, 1, 9), "tkoch", "x")
    state.set_absence_note(old, "alt")
    state.set_absence_note(new, "Akte im Fach")
    state.claim_briefing("tkoch", absence_key("bschneider", date(2020, 1, 6), date(2020, 1, 10)))
    state.claim_briefing("tkoch", absence_key("bschneider", date(2099, 1, 5), date(2099, 1, 9)))
    state.remember_return("gone", "bschneider")  # its routed question no longer exists
    counts = state.purge(90)
    assert counts["absences"] == 1 and counts["briefings_sent"] == 1
    assert counts["routed_returns"] == 1
    assert state.absence_notes() == {new: "Akte im Fach"}
    exported = state.export_person(["bschneider"])
    assert exported["absence_notes"] == [{"absence_id": new, "note": "Akte im Fach"}]
    assert [r["person_id"] for r in state.export_person(["tkoch"])["briefings_sent"]] == ["tkoch"]
    erased = state.erase_person(["bschneider"])
    assert erased["absences"] == 1 and state.absence_notes() == {}
    assert state.erase_person(["tkoch"])["briefings_sent"] == 1
