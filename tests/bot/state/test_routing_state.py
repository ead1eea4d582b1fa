"""Routed questions in the state database: the upgrade from schema 4 keeps the capture
tables, an answer is stored once, an answered question is not moved on; a delivery is
claimed once across replicas (two stores on one database), a stale claim is taken over, a
question is moved only from the holder the caller read."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.state import SCHEMA_VERSION, SqlState, State
from bot.state.routing import CLAIM_STALE
from bot.state.schema import STEPS
from tests.bot.state.conftest import run_sql


def test_a_version_4_file_gains_the_routed_questions(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with sqlite3.connect(path) as connection:
        for version in range(1, 5):
            for step in STEPS[version]:
                if isinstance(step, str):
                    connection.execute(step)
                else:
                    step(connection)
        connection.execute("INSERT INTO conversation_refs VALUES ('aad-uwe', 'ref', 'now')")
        connection.execute("PRAGMA user_version = 4")
    state = State(path)
    assert state.reference_of("aad-uwe") == "ref"  # kept
    routed = state.add_routed("Wie lange gilt die Marke?", "aad-bs", "bschneider",
                              "hundesteuer", "Steueramt", "tkoch")
    row = State(path).routed(routed)  # reopened: it survives a restart
    assert row is not None and row.status == "open" and row.assignee == "tkoch"
    assert not row.delivered and row.answer is None
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 9


def test_an_answer_is_stored_once_and_ends_the_moving_on(store: SqlState) -> None:
    state = store
    routed = state.add_routed("Frage", "aad-bs", None, None, "Steueramt", "ukeller")
    assert state.claim_delivery(routed, "ukeller")
    state.finish_delivery(routed, "ukeller", True)
    assert state.routed(routed).delivered  # type: ignore[union-attr]
    assert state.reassign_routed(routed, "tkoch", "ukeller")
    assert state.routed(routed).assignee == "tkoch"  # type: ignore[union-attr]
    assert not state.routed(routed).delivered  # type: ignore[union-attr]  # new holder
    assert state.answer_routed(routed, "tkoch", "Ein Jahr.")
    assert not state.answer_routed(routed, "ukeller", "Zwei Jahre.")  # second submit
    assert not state.reassign_routed(routed, "ukeller", "tkoch")
    assert not state.claim_delivery(routed, "tkoch")  # answered: nothing to send
    row = state.routed(routed)
    assert row is not None and (row.answer, row.answered_by) == ("Ein Jahr.", "tkoch")
    assert [r.id for r in state.routed_questions("answered")] == [routed]
    assert state.routed_questions("open") == []


def _ask(state: SqlState, holder: str = "ukeller") -> str:
    return state.add_routed("Wer stellt die Ersatzmarke aus?", "aad-pamt", None, None,
                            "Steueramt", holder)


def test_a_delivery_is_claimed_once_across_replicas(
        open_store: Callable[..., SqlState]) -> None:
    one, two = open_store(), open_store()  # two replicas on one state
    routed = _ask(one)
    assert not two.claim_delivery(routed, "tkoch")  # not the holder
    assert one.claim_delivery(routed, "ukeller")
    assert not two.claim_delivery(routed, "ukeller")  # being sent by the first
    assert not two.routed(routed).delivered  # type: ignore[union-attr]  # not arrived yet
    one.finish_delivery(routed, "ukeller", True)
    assert two.routed(routed).delivered  # type: ignore[union-attr]
    assert not two.claim_delivery(routed, "ukeller")  # arrived: never again


def test_of_many_claims_at_the_same_moment_one_wins(
        open_store: Callable[..., SqlState]) -> None:
    replicas = [open_store() for _ in range(4)]
    routed = _ask(replicas[0])
    start = threading.Barrier(len(replicas), timeout=10)

    def claim(state: SqlState) -> bool:
        start.wait()
        return state.claim_delivery(routed, "ukeller")

    with ThreadPoolExecutor(len(replicas)) as pool:
        won = list(pool.map(claim, replicas))
    assert sorted(won) == [False, False, False, True]


def test_a_send_that_reached_no_one_waits_again(store: SqlState) -> None:
    routed = _ask(store)
    assert store.claim_delivery(routed, "ukeller")
    store.finish_delivery(routed, "ukeller", False)  # no chat with him yet
    row = store.routed(routed)
    assert row is not None and not row.delivered
    assert store.claim_delivery(routed, "ukeller")  # his first message, the next sweep


def _age_claim(state: SqlState, routed: str, age: timedelta) -> None:
    stamp = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    run_sql(state, "UPDATE routed_questions SET updated_at = ? WHERE id = ?", (stamp, routed))


def test_a_stale_claim_is_taken_over(open_store: Callable[..., SqlState]) -> None:
    """The replica that claimed died before it sent: after ``CLAIM_STALE`` another sends."""
    dead, alive = open_store(), open_store()
    routed = _ask(dead)
    assert dead.claim_delivery(routed, "ukeller")
    _age_claim(alive, routed, CLAIM_STALE - timedelta(minutes=1))
    assert not alive.claim_delivery(routed, "ukeller")  # may still be sending
    _age_claim(alive, routed, CLAIM_STALE + timedelta(minutes=1))
    assert alive.claim_delivery(routed, "ukeller")
    alive.finish_delivery(routed, "ukeller", True)
    assert alive.routed(routed).delivered  # type: ignore[union-attr]


def test_a_question_moves_only_from_the_holder_read(
        open_store: Callable[..., SqlState]) -> None:
    one, two = open_store(), open_store()
    routed = _ask(one, "tkoch")  # moved to Tom while Uwe was away
    assert not one.reassign_routed(routed, "ukeller", "bschneider")  # not Berta's
    assert one.reassign_routed(routed, "ukeller", "tkoch")  # Uwe is back
    assert not two.reassign_routed(routed, "ukeller", "tkoch")  # the second pass: moved
    row = two.routed(routed)
    assert row is not None and row.assignee == "ukeller"


def test_a_send_to_the_former_holder_does_not_count_for_the_new_one(store: SqlState) -> None:
    routed = _ask(store)
    assert store.claim_delivery(routed, "ukeller")
    assert store.reassign_routed(routed, "tkoch", "ukeller")  # moved while it was sent
    store.finish_delivery(routed, "ukeller", True)
    row = store.routed(routed)
    assert row is not None and row.assignee == "tkoch" and not row.delivered
    assert store.claim_delivery(routed, "tkoch")
    store.finish_delivery(routed, "tkoch", True)
    store.mark_reminded(routed, "ukeller")  # a late reminder to the former holder
    assert store.routed(routed).reminded_at is None  # type: ignore[union-attr]
    store.mark_reminded(routed, "tkoch")
    assert store.routed(routed).reminded_at is not None  # type: ignore[union-attr]
