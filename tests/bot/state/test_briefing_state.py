"""The briefing's state (schema step 7), on SQLite and PostgreSQL: a briefing is claimed by
one caller only, a pending one can be claimed again, a stale claim (a process that died
sending) is retried; notes die with their absence; routed returns keep the first absent
holder; retention, Auskunft and Löschung cover notes and briefing records."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from bot.state import SCHEMA_VERSION, SqlState
from bot.state.briefing import absence_key
from tests.bot.state.conftest import run_sql

KEY = absence_key("bschneider", date(2026, 8, 5), date(2026, 8, 20))


def test_one_of_many_concurrent_claims_wins(open_store: Callable[..., SqlState]) -> None:
    replicas = [open_store() for _ in range(6)]  # six processes, one database
    with ThreadPoolExecutor(6) as pool:
        won = list(pool.map(lambda state: state.claim_briefing("tkoch", KEY), replicas))
    assert won.count(True) == 1
    state = replicas[0]
    assert not state.claim_briefing("tkoch", KEY)  # claimed a moment ago: not stale
    state.finish_briefing("tkoch", KEY, delivered=False)
    assert [r.status for r in state.briefings()] == ["pending"]
    assert state.claim_briefing("tkoch", KEY)  # pending: the person wrote, send now
    state.finish_briefing("tkoch", KEY, delivered=True)
    assert not state.claim_briefing("tkoch", KEY)
    assert state.claim_briefing("ukeller", KEY)  # another stand-in of the same absence


def test_a_stale_claim_is_retried(store: SqlState) -> None:
    assert store.claim_briefing("tkoch", KEY)
    run_sql(store, "UPDATE briefings_sent SET updated_at = '2000-01-01T00:00:00+00:00'")
    assert store.claim_briefing("tkoch", KEY)


def test_notes_go_with_their_absence_and_returns_keep_the_first_holder(store: SqlState) -> None:
    absence_id = store.add_absence("bschneider", date(2026, 8, 5), date(2026, 8, 20), None, "x")
    store.set_absence_note(absence_id, "Akte im Fach")
    store.set_absence_note(absence_id, "Akte im Fach 3")  # a second note replaces the first
    assert store.absence_notes() == {absence_id: "Akte im Fach 3"}
    store.purge(0)  # retention: the absence ended long before today's cutoff
    assert store.absences() == [] and store.absence_notes() == {}
    store.remember_return("q1", "bschneider")
    store.remember_return("q1", "tkoch")  # moved on a second time: back to the first
    assert store.routed_returns() == [("q1", "bschneider")]
    store.forget_return("q1")
    assert store.routed_returns() == []
    assert SCHEMA_VERSION == 9


def test_purge_export_and_erase_cover_notes_and_briefings(store: SqlState) -> None:
    old = store.add_absence("bschneider", date(2020, 1, 6), date(2020, 1, 10), None, "x")
    new = store.add_absence("bschneider", date(2099, 1, 5), date(2099, 1, 9), "tkoch", "x")
    store.set_absence_note(old, "alt")
    store.set_absence_note(new, "Akte im Fach")
    store.claim_briefing("tkoch", absence_key("bschneider", date(2020, 1, 6), date(2020, 1, 10)))
    store.claim_briefing("tkoch", absence_key("bschneider", date(2099, 1, 5), date(2099, 1, 9)))
    store.remember_return("gone", "bschneider")  # its routed question no longer exists
    counts = store.purge(90)
    assert counts["absences"] == 1 and counts["briefings_sent"] == 1
    assert counts["routed_returns"] == 1
    assert store.absence_notes() == {new: "Akte im Fach"}
    exported = store.export_person(["bschneider"])
    assert exported["absence_notes"] == [{"absence_id": new, "note": "Akte im Fach"}]
    assert [r["person_id"] for r in store.export_person(["tkoch"])["briefings_sent"]] == ["tkoch"]
    store.remember_return("open-one", "bschneider")  # held while she is away
    assert [r["routed_id"] for r in store.export_person(["bschneider"])["routed_returns"]] == [
        "open-one"]
    erased = store.erase_person(["bschneider"])
    assert erased["absences"] == 1 and store.absence_notes() == {}
    assert erased["routed_returns"] == 1 and store.routed_returns() == []
    assert store.erase_person(["tkoch"])["briefings_sent"] == 1
