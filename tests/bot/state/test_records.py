"""Runtime state on both backends: durable across re-open, shared by threads and processes;
the SQLite file in WAL mode."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.state import SCHEMA_VERSION, SqlState, State, open_state
from tests.bot.state.conftest import run_sql


def test_everything_survives_reopening(open_store: Callable[..., SqlState]) -> None:
    state = open_store()
    absence_id = state.add_absence("bschneider", date(2026, 8, 3), date(2026, 8, 14), "tkoch",
                                   "bschneider", "Urlaub")
    answer = state.record_answer("Wer macht die Hundesteuer?", ["steueramt/hund.md"], "v1", "u1")
    assert state.record_feedback(answer, "up", "u1")
    state.record_unanswered("Wo ist die Kantine?", "u1")
    state.close()

    again = open_store()
    [absence] = again.absences()
    assert (absence.id, absence.person, absence.start, absence.end, absence.stand_in,
            absence.origin, absence.created_by, absence.reason) == (
        absence_id, "bschneider", date(2026, 8, 3), date(2026, 8, 14), "tkoch", "chat",
        "bschneider", "Urlaub")
    assert absence_id >= 1
    assert again.feedback_counts() == {"up": 1, "down": 0}
    assert again.unanswered(10) == [("Wo ist die Kantine?", 1)]


def test_the_sqlite_file_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "var" / "state.sqlite"
    State(path).record_unanswered("Wo ist die Kantine?", "u1")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_feedback_unknown_answer_and_revote(store: SqlState) -> None:
    state = store
    assert not state.record_feedback("nicht-da", "up", "u1")
    answer = state.record_answer(None, [], "v1", "u1")
    assert state.record_feedback(answer, "up", "u1")
    assert state.record_feedback(answer, "down", "u1")  # replaces the first vote
    assert state.record_feedback(answer, "down", "u2")
    assert state.feedback_counts() == {"up": 0, "down": 2}
    with pytest.raises(ValueError):
        state.record_feedback(answer, "meh", "u1")


def test_unanswered_most_frequent_first(store: SqlState) -> None:
    for question in ("Wo ist die Kantine?", "Parkausweis?", "wo ist die kantine",
                     "Wo ist die  Kantine!", "Parkausweis", "WLAN-Passwort?"):
        store.record_unanswered(question, "u")
    assert store.unanswered(2) == [("Wo ist die  Kantine!", 3), ("Parkausweis", 2)]
    assert len(store.unanswered(10)) == 3


def test_a_click_on_an_offered_task_is_noted_for_the_refused_question(store: SqlState) -> None:
    before = datetime.now(UTC) - timedelta(minutes=5)
    store.record_unanswered("Ummeldugn, wer macht das?", "u1", "meldewesen",
                            offered_tasks=["meldewesen", "gewerbe"])
    store.record_unanswered("Wo ist die Kantine?", "u2")  # offered nothing
    assert not store.choose_offered("u1", "hundesteuer", before)  # not among the offered
    assert not store.choose_offered("u2", "meldewesen", before)  # someone else's refusal
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert not store.choose_offered("u1", "meldewesen", later)  # too late: it was asked before
    assert store.choose_offered("u1", "gewerbe", before)
    assert store.chosen_after_refusal() == [("gewerbe", "Ummeldugn, wer macht das?")]
    assert not store.choose_offered("u1", "meldewesen", before)  # one choice per refusal
    # the choice is the user's data: exported with the question, erased with it
    [row] = store.export_person(["u1"])["unanswered"]
    assert (row["chosen_task"], row["offered_tasks"]) == ("gewerbe", None)
    store.erase_person(["u1"])
    assert store.chosen_after_refusal() == []


def test_only_the_latest_refusal_of_a_user_can_be_chosen_from(store: SqlState) -> None:
    since = datetime.now(UTC) - timedelta(minutes=5)
    store.record_unanswered("Wo parke ich am Rathaus?", "u1", offered_tasks=["hund", "parken"])
    store.record_unanswered("Wo parke ich?", "u2", offered_tasks=["parken"])
    store.record_unanswered("Hundemarke verloren", "u1", offered_tasks=["hund"])
    assert not store.choose_offered("u1", "parken", since)  # the older refusal's button
    assert store.choose_offered("u1", "hund", since)
    assert not store.choose_offered("u1", "hund", since)  # clicked again: nothing older
    assert store.choose_offered("u2", "parken", since)  # another user's offers stay theirs
    assert store.chosen_after_refusal() == [("hund", "Hundemarke verloren"),  # newest first
                                            ("parken", "Wo parke ich?")]
    assert store.chosen_after_refusal(limit=1) == [("hund", "Hundemarke verloren")]


def test_offers_nobody_chose_are_dropped_by_the_nightly_purge(store: SqlState) -> None:
    store.record_unanswered("Frage?", "u1", offered_tasks=["a"])
    store.purge(90, now=datetime.now(UTC) + timedelta(minutes=40))  # still within the hour
    assert run_sql(store, "SELECT offered_tasks FROM unanswered") == [('["a"]',)]
    store.purge(90, now=datetime.now(UTC) + timedelta(hours=2))
    assert run_sql(store, "SELECT question, offered_tasks FROM unanswered") == [("Frage?", None)]


def test_an_older_refusals_offer_still_stored_is_never_linked(store: SqlState) -> None:
    since = datetime.now(UTC) - timedelta(minutes=5)
    store.record_unanswered("Hund im Park?", "u1", offered_tasks=["hund"])
    store.record_unanswered("Wo ist die Kantine?", "u1")  # the latest refusal offered nothing
    # as a row of an earlier version could look: the older offer was never cleared
    run_sql(store, "UPDATE unanswered SET offered_tasks = ? WHERE question = ?",
            ('["hund"]', "Hund im Park?"))
    assert not store.choose_offered("u1", "hund", since)
    assert store.chosen_after_refusal() == []


def test_an_unreadable_offer_is_no_offer(store: SqlState) -> None:
    store.record_unanswered("Frage?", "u1", offered_tasks=["a"])
    run_sql(store, "UPDATE unanswered SET offered_tasks = ?", ("{kaputt",))
    assert not store.choose_offered("u1", "a", datetime.now(UTC) - timedelta(minutes=5))


def test_end_absence(store: SqlState) -> None:
    state = store
    state.add_absence("a", date(2026, 8, 3), date(2026, 8, 14), None, "a")  # running
    state.add_absence("a", date(2026, 8, 10), date(2026, 8, 12), None, "a")  # starts today
    state.add_absence("a", date(2026, 9, 1), date(2026, 9, 5), None, "a")  # later: stays
    state.add_absence("b", date(2026, 8, 1), date(2026, 8, 20), None, "b")  # someone else
    assert state.end_absence("a", date(2026, 8, 10)) == 2
    assert sorted((a.person, a.start, a.end) for a in state.absences()) == [
        ("a", date(2026, 8, 3), date(2026, 8, 9)),
        ("a", date(2026, 9, 1), date(2026, 9, 5)),
        ("b", date(2026, 8, 1), date(2026, 8, 20)),
    ]
    assert state.end_absence("a", date(2026, 8, 10)) == 0


def test_absences_can_be_removed_by_id(store: SqlState) -> None:
    first = store.add_absence("a", date(2026, 8, 3), date(2026, 8, 4), None, "a")
    second = store.add_absence("b", date(2026, 8, 3), date(2026, 8, 4), None, "b")
    assert first != second
    assert store.remove_absence(first) and not store.remove_absence(first)
    assert [a.id for a in store.absences()] == [second]


def test_inverted_absence_is_refused(store: SqlState) -> None:
    with pytest.raises(ValueError):
        store.add_absence("a", date(2026, 8, 14), date(2026, 8, 3), None, "a")
    assert store.absences() == []


def test_newer_sqlite_schema_is_refused(tmp_path: Path) -> None:
    from bot.directory import StateError

    path = tmp_path / "s.sqlite"
    State(path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StateError, match=f"schema version {SCHEMA_VERSION + 1}"):
        State(path)


def test_threads_share_one_state(store: SqlState) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: store.record_unanswered(f"Frage {n % 5}", f"u{n}"), range(40)))
    assert sorted(count for _, count in store.unanswered(10)) == [8, 8, 8, 8, 8]


def _write_many(source: str, worker: int) -> None:
    state = open_state(source)
    for n in range(25):
        state.record_unanswered(f"Frage {worker}", f"u{n}")
        state.add_absence(f"p{worker}", date(2026, 8, 1), date(2026, 8, 2), None, "x")
    state.close()


def test_processes_share_one_state(state_source: str, store: SqlState) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(state_source, w)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert sorted(store.unanswered(10)) == [("Frage 0", 25), ("Frage 1", 25), ("Frage 2", 25)]
    assert len(store.absences()) == 75
    assert len({a.id for a in store.absences()}) == 75
