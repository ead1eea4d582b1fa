"""The periodic pass: a question waits for a holder without chat and arrives once they
write; it moves on when its holder becomes absent; reminders after working days."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from bot.capture.routing_sweep import sweep, working_days_between
from tests.bot.capture.conftest import PAULA, TOM, UWE, RecordingNotifier, press, say

QUESTION = "Wer stellt die Ersatzmarke aus?"


def test_working_days_skip_weekends() -> None:
    assert working_days_between(date(2026, 8, 7), date(2026, 8, 10)) == 1  # Fri -> Mon
    assert working_days_between(date(2026, 8, 3), date(2026, 8, 5)) == 2
    assert working_days_between(date(2026, 8, 5), date(2026, 8, 5)) == 0


def test_waiting_question_arrives_then_moves_on(desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "department": "Steueramt"})  # Uwe never wrote: kept open
    assert asyncio.run(sweep(assistant.routing))["delivered"] == 0
    say(assistant, UWE, "hallo")
    assert asyncio.run(sweep(assistant.routing)) == {"delivered": 1, "moved": 0, "reminded": 0}
    assert asyncio.run(sweep(assistant.routing))["delivered"] == 0  # once, not every pass
    [row] = assistant.state.routed_questions("open")
    assert row.delivered and row.assignee == "ukeller"


def test_task_question_moves_along_the_chain_when_the_holder_is_away(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    say(assistant, UWE, "hallo")
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "task": "hundesteuer"})
    day = assistant.today()
    assistant.state.add_absence("tkoch", day, day, None, "tkoch")  # Tom away too
    assistant.reload_absences()  # (Berta is away already): the head gets it
    counts = asyncio.run(sweep(assistant.routing))
    assert counts["moved"] == 1 and counts["delivered"] == 1
    [row] = assistant.state.routed_questions("open")
    assert row.assignee == "ukeller"
    moved = [r for r in notifier.for_user(UWE.key) if r.data.get("kind") == "routed_question"]
    assert len(moved) == 1 and "Tom Koch" in moved[0].text and QUESTION in moved[0].text


def test_open_questions_are_delivered_n_of_n_after_a_restart(capture_settings: Any) -> None:
    """Ten questions to a head without chat; the bot restarts (a new assistant over the same
    state file); the head writes once; the start-up pass delivers all ten, each once."""
    from tests.bot.capture.conftest import make_assistant

    first, _ = make_assistant(capture_settings)
    for number in range(10):
        press(first, PAULA, {"action": "frage_weiterleiten", "department": "Steueramt",
                             "question": f"{QUESTION} ({number})"})
    again, notifier = make_assistant(capture_settings)  # the restart
    say(again, UWE, "hallo")
    assert asyncio.run(sweep(again.routing))["delivered"] == 10
    asyncio.run(sweep(again.routing))
    arrived = [r.text for r in notifier.for_user(UWE.key)
               if r.data.get("kind") == "routed_question"]
    assert sorted(arrived) == sorted(set(arrived)) and len(arrived) == 10
    print(f"routed questions delivered after a restart: {len(arrived)} of 10")


def test_a_replica_skips_the_pass_while_another_sweeps(
        desk: tuple[Any, RecordingNotifier]) -> None:
    """Two replicas sweeping at once would each send the same question: the pass takes the
    replicas' lock (a file beside the SQLite state here), the second one skips."""
    from bot.capture.routing_sweep import sweep_once
    from bot.state.locks import replica_lock

    assistant, notifier = desk
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "department": "Steueramt"})
    say(assistant, UWE, "hallo")
    other = replica_lock(assistant.settings, "routing-sweep:town")  # the other replica's
    mine = replica_lock(assistant.settings, "routing-sweep:town")
    assert other.acquire()
    try:
        assert asyncio.run(sweep_once(assistant.routing, mine)) is None
        assert not assistant.state.routed_questions("open")[0].delivered
    finally:
        other.release()
    assert asyncio.run(sweep_once(assistant.routing, mine)) == {
        "delivered": 1, "moved": 0, "reminded": 0}
    assert mine.acquire()  # released after the pass
    mine.release()
