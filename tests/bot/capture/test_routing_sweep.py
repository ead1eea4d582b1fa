"""The periodic pass: a question waits for a holder without chat and arrives once they
write; it moves on when its holder becomes absent; reminders after working days (public
holidays not counted); its database work never holds the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date
from typing import Any

from bot.capture.routing_sweep import sweep, working_days_between
from tests.bot.capture.conftest import (
    PAULA,
    TOM,
    UWE,
    RecordingNotifier,
    needs_free_loop,
    press,
    say,
)

QUESTION = "Wer stellt die Ersatzmarke aus?"


def test_working_days_skip_weekends() -> None:
    assert working_days_between(date(2026, 8, 7), date(2026, 8, 10)) == 1  # Fri -> Mon
    assert working_days_between(date(2026, 8, 3), date(2026, 8, 5)) == 2
    assert working_days_between(date(2026, 8, 5), date(2026, 8, 5)) == 0


def test_waiting_question_arrives_when_the_holder_first_writes(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "department": "Steueramt"})  # Uwe never wrote: kept open
    assert asyncio.run(sweep(assistant.routing))["delivered"] == 0
    say(assistant, UWE, "hallo")  # at once, not at the next sweep
    arrived = [r for r in notifier.for_user(UWE.key) if r.data.get("kind") == "routed_question"]
    assert len(arrived) == 1 and QUESTION in arrived[0].text
    assert asyncio.run(sweep(assistant.routing))["delivered"] == 0  # once, not every pass
    say(assistant, UWE, "noch einmal")
    assert len([r for r in notifier.for_user(UWE.key)
                if r.data.get("kind") == "routed_question"]) == 1
    [row] = assistant.state.routed_questions("open")
    assert row.delivered and row.assignee == "ukeller"


def test_sweep_delivers_what_could_not_be_sent(desk: tuple[Any, RecordingNotifier]) -> None:
    """The holder's chat was known but the channel failed: the next pass delivers."""
    assistant, notifier = desk
    say(assistant, UWE, "hallo")
    working = notifier.notify_user

    async def down(user_key: str, replies: list[Any]) -> bool:
        raise ConnectionError("connector down")

    notifier.notify_user = down  # type: ignore[method-assign]
    sent = press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                                    "department": "Steueramt"})
    assert kinds_of(sent) == ["routed_unreachable"]
    notifier.notify_user = working  # type: ignore[method-assign]
    assert asyncio.run(sweep(assistant.routing)) == {"delivered": 1, "moved": 0, "reminded": 0}
    assert asyncio.run(sweep(assistant.routing))["delivered"] == 0


def kinds_of(replies: list[Any]) -> list[str]:
    return [r.data.get("kind", "") for r in replies]


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
    state file); the head writes once and gets all ten, each once."""
    from tests.bot.capture.conftest import make_assistant

    first, _ = make_assistant(capture_settings)
    for number in range(10):
        press(first, PAULA, {"action": "frage_weiterleiten", "department": "Steueramt",
                             "question": f"{QUESTION} ({number})"})
    again, notifier = make_assistant(capture_settings)  # the restart
    assert asyncio.run(sweep(again.routing))["delivered"] == 0  # Uwe has no chat yet
    say(again, UWE, "hallo")  # his first message delivers all ten
    assert asyncio.run(sweep(again.routing))["delivered"] == 0
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
                             "department": "Steueramt"})  # Uwe has no chat yet
    assistant.state.link_person("ukeller", UWE.key)  # he wrote before the restart
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


def _stamp(settings: Any, routed_id: str, created: str) -> None:
    with sqlite3.connect(settings.state_db) as db:
        db.execute("UPDATE routed_questions SET created_at = ? WHERE id = ?",
                   (created, routed_id))


def test_reminder_counts_no_public_holiday(desk: tuple[Any, RecordingNotifier]) -> None:
    """Asked on the Thursday before Easter 2026: Good Friday and Easter Monday are not working
    days, so on Tuesday one day has passed (not three) and the reminder (after 2) waits."""
    assistant, notifier = desk
    say(assistant, UWE, "hallo")
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "department": "Steueramt"})
    [row] = assistant.state.routed_questions("open")
    _stamp(assistant.settings, row.id, "2026-04-02T09:00:00+00:00")
    assistant.today = lambda: date(2026, 4, 7)
    assert asyncio.run(sweep(assistant.routing))["reminded"] == 0
    assistant.today = lambda: date(2026, 4, 8)
    assert asyncio.run(sweep(assistant.routing))["reminded"] == 1
    reminder = [r for r in notifier.for_user(UWE.key) if r.data.get("kind") == "routed_question"]
    assert "seit 2 Arbeitstagen" in reminder[-1].text and QUESTION in reminder[-1].text
    assert asyncio.run(sweep(assistant.routing))["reminded"] == 0  # counted from the reminder


def test_sweep_does_its_database_work_off_the_event_loop(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    say(assistant, UWE, "hallo")
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "task": "hundesteuer"})  # to Tom, then Tom becomes absent
    day = assistant.today()
    assistant.state.add_absence("tkoch", day, day, None, "tkoch")
    assistant.reload_absences()
    state, free = assistant.state, []

    async def scenario() -> dict[str, int]:
        loop = asyncio.get_running_loop()
        for name in ("routed_questions", "routed", "reassign_routed", "claim_delivery",
                     "finish_delivery", "user_keys_of"):
            setattr(state, name, needs_free_loop(loop, getattr(state, name), free))
        return await sweep(assistant.routing)

    counts = asyncio.run(scenario())
    assert counts == {"delivered": 1, "moved": 1, "reminded": 0}
    assert len(free) >= 5 and all(free), free


def test_sweep_and_first_message_deliver_a_waiting_question_once(
        desk: tuple[Any, RecordingNotifier]) -> None:
    """The start-up pass and the holder's first message reach the same waiting question at
    the same moment: it arrives once."""
    assistant, notifier = desk
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "department": "Steueramt"})  # Uwe has no chat yet
    assistant.state.link_person("ukeller", UWE.key)  # he wrote before the restart

    async def both() -> None:
        await asyncio.gather(sweep(assistant.routing),
                             assistant.routing.deliver_waiting("ukeller"))

    asyncio.run(both())
    arrived = [r for r in notifier.for_user(UWE.key) if r.data.get("kind") == "routed_question"]
    assert len(arrived) == 1


def test_a_question_another_sender_puts_back_arrives_with_the_first_message(
        desk: tuple[Any, RecordingNotifier]) -> None:
    """The sweep has claimed the waiting question and is sending it just before the holder's
    chat is known, so its send fails and the question goes back to waiting: the holder's
    first message, arriving meanwhile, still brings it (not a sweep period later)."""
    from bot.state.routing import ROUTED_OPEN

    assistant, notifier = desk
    press(assistant, PAULA, {"action": "frage_weiterleiten", "question": QUESTION,
                             "department": "Steueramt"})  # Uwe has no chat yet
    [row] = assistant.state.routed_questions(ROUTED_OPEN)
    assert assistant.state.claim_delivery(row.id, "ukeller")  # the sweep is sending it
    assistant.state.link_person("ukeller", UWE.key)  # Uwe writes: his chat is known now

    async def both() -> int:
        async def sweep_fails_late() -> None:
            await asyncio.sleep(0.5)
            await asyncio.to_thread(assistant.state.finish_delivery, row.id, "ukeller", False)

        sent, _ = await asyncio.gather(assistant.routing.deliver_waiting("ukeller"),
                                       sweep_fails_late())
        return int(sent)

    assert asyncio.run(both()) == 1
    arrived = [r for r in notifier.for_user(UWE.key) if r.data.get("kind") == "routed_question"]
    assert len(arrived) == 1 and QUESTION in arrived[0].text
