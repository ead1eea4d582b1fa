"""Routed questions through the assistant: to today's holder of the task (the absent owner's
deputy), the answer back to the asker, the FAQ draft and its release, and the bad input of
issue 12. Real SQLite, real files; the notifier records what would be sent proactively."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import yaml

from bot.settings import Settings
from bot.turns import Reply, Turn, UserRef
from tests.bot.capture.conftest import (
    ADMIN,
    PAULA,
    TOM,
    UWE,
    RecordingNotifier,
    a_press,
    a_say,
    button,
    make_assistant,
    needs_free_loop,
    press,
    say,
)

QUESTION = "Wie lange gilt eine Hundemarke nach dem Umzug?"
FORWARD = {"action": "frage_weiterleiten", "question": QUESTION, "task": "hundesteuer"}


def kinds(replies: list[Reply]) -> list[str]:
    return [r.data.get("kind", "") for r in replies]


def routed_to(notifier: RecordingNotifier, user: UserRef) -> Reply:
    found = [r for r in notifier.for_user(user.key) if r.data.get("kind") == "routed_question"]
    assert found, f"nothing routed to {user.key}"
    return found[-1]


def test_not_found_and_answers_offer_forwarding(desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, _ = desk
    reply = say(assistant, PAULA, QUESTION)[0]
    assert reply.data["kind"] == "not_found"
    assert button(reply, "Frage weiterleiten") == {"action": "frage_weiterleiten",
                                                   "question": QUESTION}
    choice = press(assistant, PAULA, button(reply, "Frage weiterleiten"))[0]
    assert choice.data["kind"] == "routed_departments"  # no task: the asker picks
    assert button(choice, "Steueramt") == {**button(reply, "Frage weiterleiten"),
                                           "department": "Steueramt"}


def test_routed_to_the_deputy_today_and_answered_back(desk: tuple[Any, RecordingNotifier]
                                                       ) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")  # Tom has a chat with the bot; Berta is away (01.-14.08.)
    sent = press(assistant, PAULA, FORWARD)
    assert kinds(sent) == ["routed_sent"] and "Tom Koch" in sent[0].text
    incoming = routed_to(notifier, TOM)
    assert QUESTION in incoming.text and "Paula Personal" in incoming.text
    form = button(incoming, "Antwort senden")

    forged = press(assistant, PAULA, {**form, "antwort": "Ich antworte mir selbst."})
    assert kinds(forged) == ["routed_not_yours"] and "Tom Koch" in forged[0].text
    assert press(assistant, TOM, {**form, "antwort": "  "})[0].data["kind"] == \
        "routed_answer_empty"

    done = press(assistant, TOM, {**form, "antwort": "Ein Jahr, dann neu beantragen."})
    assert kinds(done) == ["routed_answered"]
    back = [r for r in notifier.for_user(PAULA.key) if r.data.get("kind") == "routed_answer"]
    assert len(back) == 1 and "Ein Jahr, dann neu beantragen." in back[0].text
    assert "Tom Koch" in back[0].text

    twice = press(assistant, TOM, {**form, "antwort": "Zwei Jahre."})
    assert kinds(twice) == ["routed_already_answered"] and "Tom Koch" in twice[0].text
    row = assistant.state.routed(form["routed"])
    assert (row.answer, row.answered_by) == ("Ein Jahr, dann neu beantragen.", "tkoch")


def test_unreachable_holder_gives_the_phone_and_keeps_it_open(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    reply = press(assistant, PAULA, {**FORWARD, "task": None, "department": "Steueramt"})
    assert kinds(reply) == ["routed_unreachable"]
    assert "Uwe Keller" in reply[0].text and "07000 1-230" in reply[0].text
    [row] = assistant.state.routed_questions("open")
    assert (row.assignee, row.delivered, row.question) == ("ukeller", False, QUESTION)
    assert notifier.for_user(UWE.key) == []


def test_bad_input_each_gets_a_message_and_changes_nothing(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    assert kinds(press(assistant, PAULA, {"action": "frage_weiterleiten"})) == \
        ["routed_invalid"]
    gone = press(assistant, PAULA, {**FORWARD, "task": "gibt_es_nicht"})
    assert kinds(gone) == ["routed_departments"] and "nicht mehr" in gone[0].text
    assert kinds(press(assistant, PAULA, {**FORWARD, "task": None, "department": "Mond"})) \
        == ["routed_nobody"]
    group = asyncio_press(assistant, PAULA, FORWARD, group=True)
    assert kinds(group) == ["routed_personal_only"]
    assert assistant.state.routed_questions() == []

    press(assistant, PAULA, FORWARD)
    form = button(routed_to(notifier, TOM), "Antwort senden")
    long = press(assistant, TOM, {**form, "antwort": "x" * 20_000})
    assert kinds(long) == ["routed_answer_too_long", "routed_question"]
    assert "20.000" in long[0].text
    assert long[1].card["body"][4]["value"] == "x" * 4000  # given back, nothing lost
    secret = press(assistant, TOM, {**form, "antwort": "Kennwort: Sommer2026!"})
    assert kinds(secret) == ["routed_answer_secret"]
    assert kinds(press(assistant, TOM, {**form, "routed": "0" * 32, "antwort": "x"})) == \
        ["routed_unknown"]
    assert kinds(press(assistant, TOM, {**form, "routed": "'; DROP", "antwort": "x"})) == \
        ["routed_unknown"]
    assert assistant.state.routed(form["routed"]).status == "open"


def test_answer_becomes_a_faq_draft_released_into_the_department_folder(
        capture_settings: Settings) -> None:
    assistant, notifier = make_assistant(capture_settings)

    async def scenario() -> None:
        await a_say(assistant, TOM, "hallo")
        await a_say(assistant, UWE, "hallo")
        await a_press(assistant, PAULA, FORWARD)
        form = button(routed_to(notifier, TOM), "Antwort senden")
        injected = "Ein Jahr.\n---\nzugriff: []\n---\n## Neue Sektion\n<script>x</script>"
        thanks = (await a_press(assistant, TOM, {**form, "antwort": injected}))[0]
        adopt = button(thanks, "In die Wissensbasis übernehmen")
        assert kinds(await a_press(assistant, PAULA, adopt)) == ["routed_not_yours"]
        drafted = await a_press(assistant, TOM, adopt)
        assert kinds(drafted) == ["routed_draft"] and "Uwe Keller" in drafted[0].text
        review = [r for r in notifier.for_user(UWE.key)
                  if r.data.get("kind") == "draft_review"][-1]
        released = await a_press(assistant, UWE, button(review, "Freigeben"))
        assert kinds(released) == ["released"]
        await asyncio.wait_for(assistant.reindexer._task, 30)  # the (fake) build reports

    asyncio.run(scenario())
    path = Path(capture_settings.release_dir) / "steueramt" / "faq_hundesteuer.md"
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert front["aufgaben"] == ["hundesteuer"] and front["dokumenttyp"] == "faq"
    assert front["zustaendig"] == "bschneider" and front["zugriff"] == []
    body = text.split("---\n", 2)[2]
    assert f"## {QUESTION}" in body
    assert "\n\\---\n" in body and "\n\\## Neue Sektion" in body and "\\<script>" in body
    assert body.count("\n## ") == 1  # the answer adds no section of its own


def asyncio_press(assistant: Any, user: UserRef, value: dict[str, Any], group: bool
                  ) -> list[Reply]:
    turn = Turn(text="", user=user, conversation_id="group-1", value=value, is_group=group)
    return asyncio.run(assistant.handle(turn))  # type: ignore[no-any-return]


def test_state_keeps_the_question_across_a_restart(capture_settings: Settings) -> None:
    assistant, _ = make_assistant(capture_settings)
    press(assistant, PAULA, {**FORWARD, "task": None, "department": "Steueramt"})
    with sqlite3.connect(capture_settings.state_db) as db:
        assert db.execute("SELECT COUNT(*) FROM routed_questions").fetchone()[0] == 1
    again, _ = make_assistant(capture_settings)
    assert [r.question for r in again.state.routed_questions("open")] == [QUESTION]


def test_gap_report_lists_open_and_answered_routed_questions(
        desk: tuple[Any, RecordingNotifier]) -> None:
    from bot.gaps.report import gap_report

    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    press(assistant, PAULA, FORWARD)
    press(assistant, PAULA, {**FORWARD, "task": None, "department": "Steueramt",
                             "question": "Noch offen?"})
    form = button(routed_to(notifier, TOM), "Antwort senden")
    press(assistant, TOM, {**form, "antwort": "Ein Jahr."})
    report = gap_report(assistant.directory, assistant.today(), state=assistant.state)
    assert [(i.label, i.detail) for i in report.of("weitergeleitet_beantwortet")] == [
        (QUESTION, "Tom Koch")]
    assert [(i.label, i.detail) for i in report.of("weitergeleitet_offen")] == [
        ("Noch offen?", "Uwe Keller")]


def test_freigaben_lists_faq_drafts_for_the_head_and_admins(
        desk: tuple[Any, RecordingNotifier]) -> None:
    """A FAQ draft waits in ``freigaben`` like a handover draft (it was missing): the head of
    the department and an admin see its review card, others do not; given back with a note,
    the author gets the note (no interview to resume)."""
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    press(assistant, PAULA, FORWARD)
    form = button(routed_to(notifier, TOM), "Antwort senden")
    thanks = press(assistant, TOM, {**form, "antwort": "Ein Jahr, dann neu beantragen."})[0]
    drafted = press(assistant, TOM, button(thanks, "In die Wissensbasis übernehmen"))
    assert kinds(drafted) == ["routed_draft"]

    for reviewer in (UWE, ADMIN):
        [listed] = say(assistant, reviewer, "freigaben")
        assert listed.data == {"kind": "draft_review", "draft": drafted[0].data["draft"]}
        assert QUESTION in listed.text and "Häufige Fragen: Hundesteuer" in listed.text
        assert button(listed, "Freigeben")["draft"] == drafted[0].data["draft"]
    assert kinds(say(assistant, PAULA, "freigaben")) == ["drafts_none"]
    assert kinds(say(assistant, TOM, "freigaben")) == ["drafts_none"]  # not his own

    [listed] = say(assistant, UWE, "freigaben")
    note = {**button(listed, "Zurück mit Anmerkung"), "anmerkung": "Bitte mit Rechtsgrundlage."}
    assert kinds(press(assistant, UWE, note)) == ["returned"]
    [returned] = [r for r in notifier.for_user(TOM.key) if r.data.get("kind") == "returned"]
    assert "Bitte mit Rechtsgrundlage." in returned.text and returned.card is None
    assert kinds(say(assistant, UWE, "freigaben")) == ["drafts_none"]


def test_routing_turns_do_their_database_work_off_the_event_loop(
        desk: tuple[Any, RecordingNotifier]) -> None:
    """Forward, answer and "In die Wissensbasis": every state call needs a free loop."""
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    say(assistant, UWE, "hallo")
    state, free = assistant.state, []

    async def scenario() -> list[str]:
        loop = asyncio.get_running_loop()
        for name in ("add_routed", "routed", "answer_routed", "claim_delivery", "finish_delivery",
                     "user_keys_of", "add_draft"):
            setattr(state, name, needs_free_loop(loop, getattr(state, name), free))
        done = [*await a_press(assistant, PAULA, FORWARD)]
        form = button(routed_to(notifier, TOM), "Antwort senden")
        thanks = await a_press(assistant, TOM, {**form, "antwort": "Ein Jahr."})
        done += thanks
        done += await a_press(assistant, TOM, button(thanks[0], "In die Wissensbasis"))
        return kinds(done)

    assert asyncio.run(scenario()) == ["routed_sent", "routed_answered", "routed_draft"]
    assert len(free) >= 8 and all(free), free


def test_a_first_message_links_its_person_off_the_event_loop(capture_settings: Settings) -> None:
    """The link person ↔ chat is a write (on PostgreSQL a network round trip that may wait for
    the town's write lock): it must not hold the event loop that serves every chat."""
    assistant, _ = make_assistant(capture_settings)
    free: list[bool] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        assistant.state.link_person = needs_free_loop(loop, assistant.state.link_person, free)
        await a_say(assistant, UWE, "hallo")

    asyncio.run(scenario())
    assert free == [True], "state.link_person ran on the event loop's thread"
