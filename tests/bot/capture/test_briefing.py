"""The stand-in's briefing (issue 12): the absence note, the morning run delivered once
(across a restart too), a stand-in without chat, ``was vertrete ich?``, a chain that is all
away, a stand-in who left the directory, restricted documents, and routed questions that go
to the stand-in and come back after the absence."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.capture.routing_sweep import sweep as routing_sweep
from bot.turns import Reply, Turn
from tests.bot.capture.briefing_fixtures import (
    MARKER,
    START,
    Day,
    town_assistant,
    town_settings,
)
from tests.bot.capture.conftest import BERTA, PAULA, TOM, UWE, RecordingNotifier, press, say


@pytest.fixture
def town(tmp_path: Path) -> tuple[Any, RecordingNotifier, Day]:
    day = Day(START)
    assistant, notifier = town_assistant(town_settings(tmp_path), day)
    return assistant, notifier, day


def briefings(notifier: RecordingNotifier, key: str) -> list[Reply]:
    return [r for r in notifier.for_user(key) if r.data.get("kind") == "briefing"]


def away(assistant: Any, text: str, user: Any = BERTA) -> Reply:
    [reply] = say(assistant, user, text)
    return reply


# -- the note --------------------------------------------------------------------------------

def test_absence_note_is_stored_with_the_absence_and_called_a_handover_note(town: Any) -> None:
    assistant, _, _ = town
    reply = away(assistant, "abwesend 05.08.-20.08. Notiz: Akte Meyer liegt im Fach 3")
    assert reply.data["stored"] and "Übergabenotiz" in reply.text
    assert "keine Gesundheits" in reply.text
    [absence] = assistant.state.absences()
    assert assistant.state.absence_notes() == {absence.id: "Akte Meyer liegt im Fach 3"}
    say(assistant, BERTA, "zurück")  # the absence starting today vanishes: so does its note
    assert assistant.state.absences() == [] and assistant.state.absence_notes() == {}


@pytest.mark.parametrize(("text", "part"), [
    ("abwesend 05.08.-20.08. Notiz: " + "x" * 501, "zu lang"),
    ("abwesend 05.08.-20.08. Notiz:   ", "fehlt der Text"),
    ("abwesend 05.08.-20.08. Notiz: Passwort: Sommer2026!", "wo es aufbewahrt"),
    ("abwesend 20.08.-05.08. Notiz: Akte Meyer", "vor"),  # ends before it starts
])
def test_a_bad_note_or_range_stores_nothing(town: Any, text: str, part: str) -> None:
    assistant, _, _ = town
    reply = away(assistant, text)
    assert reply.data["stored"] is False and part in reply.text, reply.text
    assert assistant.state.absences() == [] and assistant.state.absence_notes() == {}


# -- the morning run -------------------------------------------------------------------------

def test_the_stand_in_gets_one_briefing_with_tasks_document_note_and_deadlines(
        town: Any) -> None:
    assistant, notifier, _ = town
    say(assistant, TOM, "hallo")  # Tom has a chat with the bot
    away(assistant, "abwesend 05.08.-20.08. Notiz: Akte Meyer liegt im Fach 3")
    assert asyncio.run(assistant.briefing.sweep()) == {"sent": 1, "pending": 0}
    [briefing] = briefings(notifier, TOM.key)
    text = briefing.text
    assert "Berta Schneider" in text and "20.08.2026" in text and "Hundesteuer" in text
    assert "Übergabe Hundesteuer (steueramt/hundesteuer_uebergabe.md)" in text
    assert "Notiz von Berta Schneider: Akte Meyer liegt im Fach 3" in text
    assert "15.08.2026" in text and "15.02., 15.05., 15.08., 15.11." in text  # Fristen row
    assert MARKER not in text  # Tom is not in the Personalamt: not even the title
    assert asyncio.run(assistant.briefing.sweep()) == {"sent": 0, "pending": 0}
    assert briefings(notifier, UWE.key) == [] and briefings(notifier, BERTA.key) == []


def test_a_restart_neither_repeats_nor_loses_the_briefing(tmp_path: Path) -> None:
    settings = town_settings(tmp_path)
    day = Day(START, hour=5)  # the bot restarts at night, before the morning run
    first, first_out = town_assistant(settings, day)
    say(first, TOM, "hallo")
    say(first, BERTA, "abwesend 05.08.-20.08.")
    assert asyncio.run(first.briefing.sweep()) == {"sent": 0, "pending": 0}
    day.hour = 8
    second, second_out = town_assistant(settings, day)  # restarted: same state database
    assert asyncio.run(second.briefing.sweep())["sent"] == 1
    assert len(briefings(second_out, TOM.key)) == 1
    third, third_out = town_assistant(settings, day)  # and again: not sent a second time
    assert asyncio.run(third.briefing.sweep())["sent"] == 0
    day.day = START + timedelta(days=1)
    assert asyncio.run(third.briefing.sweep())["sent"] == 0
    assert briefings(third_out, TOM.key) == [] and briefings(first_out, TOM.key) == []


def test_a_stand_in_without_chat_gets_it_when_writing(town: Any) -> None:
    assistant, notifier, _ = town
    assistant.notify_person = _nobody_reached(assistant.notify_person, "tkoch")
    away(assistant, "abwesend 05.08.-20.08.")
    assert asyncio.run(assistant.briefing.sweep()) == {"sent": 0, "pending": 1}
    [row] = assistant.state.briefings("pending")
    assert row.person_id == "tkoch"
    from bot.gaps.report import format_summary, gap_report

    report = gap_report(assistant.directory, START, {}, assistant.state)
    [gap] = report.of("vertretungsmappe_offen")
    assert gap.label == "Tom Koch" and "Berta Schneider" in gap.detail
    assert "Vertretungsmappen nicht zugestellt (noch kein Chat mit dem Bot): 1" in \
        format_summary(report)
    assistant.notify_person = assistant.__class__.notify_person.__get__(assistant)
    say(assistant, TOM, "hallo")
    assert len(briefings(notifier, TOM.key)) == 1
    say(assistant, TOM, "hallo")
    assert len(briefings(notifier, TOM.key)) == 1 and assistant.state.briefings("pending") == []


def _nobody_reached(send: Any, person_id: str) -> Any:
    async def notify(pid: str, replies: list[Reply]) -> bool:
        return False if pid == person_id else bool(await send(pid, replies))
    return notify


def test_a_chain_all_away_briefs_the_head(town: Any) -> None:
    assistant, notifier, _ = town
    say(assistant, UWE, "hallo")
    away(assistant, "abwesend 05.08.-20.08.")
    warned = away(assistant, "abwesend 05.08.-07.08.", TOM)
    assert ("Für „Hundesteuer“ ist ab dem 05.08.2026 die ganze Vertretungskette abwesend; "
            "Ansprechperson ist dann die Leitung (Uwe Keller)") in warned.text
    assert asyncio.run(assistant.briefing.sweep())["sent"] == 1
    [briefing] = briefings(notifier, UWE.key)
    assert "ganze Vertretungskette" in briefing.text and "Als Leitung" in briefing.text


def test_a_stand_in_who_left_the_directory_is_said_so(town: Any) -> None:
    assistant, notifier, day = town
    assistant.state.add_absence("bschneider", START, START + timedelta(days=3), "xgone", "admin")
    assistant.reload_absences()
    say(assistant, TOM, "hallo")
    asyncio.run(assistant.briefing.sweep())
    [briefing] = briefings(notifier, TOM.key)
    assert "nicht mehr im Verzeichnis" in briefing.text


# -- on request ------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["was vertrete ich?", "Wen vertrete ich gerade?",
                                      "/vertretungsmappe", "Meine Vertretungen"])
def test_was_vertrete_ich_shows_current_and_upcoming(town: Any, question: str) -> None:
    assistant, _, _ = town
    away(assistant, "abwesend 10.08.-12.08. Notiz: bitte Post sichten")
    [reply] = say(assistant, TOM, question)
    assert reply.data["kind"] == "briefing"
    assert "Vom 10.08.2026 bis 12.08.2026 vertreten Sie Berta Schneider" in reply.text
    assert "bitte Post sichten" in reply.text and MARKER not in reply.text


def test_was_vertrete_ich_for_nobody_unknown_and_group(town: Any) -> None:
    assistant, _, _ = town
    [reply] = say(assistant, PAULA, "was vertrete ich?")
    assert "niemanden" in reply.text
    from bot.turns import UserRef

    stranger = UserRef(key="aad-x", email="x@elsewhere.example")
    [reply] = say(assistant, stranger, "was vertrete ich?")
    assert "keiner Person im Verzeichnis" in reply.text
    group = Turn(text="was vertrete ich?", user=TOM, conversation_id="team", is_group=True)
    [reply] = asyncio.run(assistant.handle(group))
    assert "persönlichen Chat" in reply.text


def test_a_restricted_document_is_named_to_its_group(town: Any) -> None:
    assistant, _, _ = town
    directory = assistant.directory
    pamt = directory.person("pamt")
    from bot.capture.briefing import covers_of

    away(assistant, "abwesend 05.08.-20.08.")
    [cover] = covers_of(assistant.directory, "tkoch", START, START)
    writer = assistant.briefing.writer()
    assert any(MARKER in line for line in writer.cover_lines(pamt, cover, START))
    assert not any(MARKER in line for line in writer.cover_lines(directory.person("tkoch"),
                                                                   cover, START))


# -- routed questions go to the stand-in and come back --------------------------------------

def test_routed_question_goes_to_the_stand_in_and_back_after_the_absence(town: Any) -> None:
    assistant, notifier, day = town
    day.day = START - timedelta(days=1)
    say(assistant, BERTA, "hallo")
    say(assistant, TOM, "hallo")
    press(assistant, PAULA, {"action": "frage_weiterleiten", "task": "hundesteuer",
                             "question": "Gilt die Ermäßigung auch für Zweithunde?"})
    [row] = assistant.state.routed_questions("open")
    assert row.assignee == "bschneider"
    away(assistant, "abwesend 05.08.-07.08.")
    day.day = START
    assert asyncio.run(routing_sweep(assistant.routing))["moved"] == 1
    assert assistant.state.routed(row.id).assignee == "tkoch"
    assert asyncio.run(assistant.briefing.return_questions(day.day)) == 0  # still away
    day.day = START + timedelta(days=3)  # Berta is back
    assert asyncio.run(routing_sweep(assistant.routing))["moved"] == 0
    assert asyncio.run(assistant.briefing.return_questions(day.day)) == 1
    assert assistant.state.routed(row.id).assignee == "bschneider"
    back = [r for r in notifier.for_user(BERTA.key) if r.data.get("kind") == "routed_question"]
    assert "Zurück bei Ihnen" in back[-1].text
    assert asyncio.run(assistant.briefing.return_questions(day.day)) == 0  # once


def test_absence_confirmation_warns_only_when_nobody_of_the_chain_is_there(town: Any) -> None:
    assistant, _, _ = town
    plain = away(assistant, "abwesend 05.08.-20.08.")  # Tom stands in: no warning
    assert "Vertretungskette" not in plain.text
    alone = away(assistant, "abwesend 10.08.-11.08.", PAULA)  # no deputy, no head
    assert "Für „Gehaltsabrechnung“ ist ab dem 10.08.2026 die ganze Vertretungskette" in alone.text
    assert "keine Leitung eingetragen" in alone.text and alone.data["stored"]


def test_after_a_restart_at_night_a_waiting_stand_in_still_gets_it_when_writing(
        tmp_path: Path) -> None:
    settings = town_settings(tmp_path)
    day = Day(START)
    first, _ = town_assistant(settings, day)
    say(first, BERTA, "abwesend 05.08.-20.08.")
    assert asyncio.run(first.briefing.sweep()) == {"sent": 0, "pending": 1}  # Tom: no chat
    day.hour = 2  # restarted in the night: the start-up pass sends nothing before 7 ...
    second, notifier = town_assistant(settings, day)
    assert asyncio.run(second.briefing.sweep()) == {"sent": 0, "pending": 0}
    say(second, TOM, "hallo")  # ... but knows whom a briefing waits for
    assert len(briefings(notifier, TOM.key)) == 1


def test_a_long_absence_lists_each_deadline_once_for_its_first_three_months(town: Any) -> None:
    assistant, notifier, _ = town
    say(assistant, TOM, "hallo")
    away(assistant, "abwesend 05.08.2026-30.06.2027")
    asyncio.run(assistant.briefing.sweep())
    [briefing] = briefings(notifier, TOM.key)
    rows = [line for line in briefing.text.splitlines() if "15.05., 15.08., 15.11." in line]
    assert len(rows) == 1 and rows[0].startswith("• 15.08.2026: „Fälligkeit")  # 15.11.: later
    assert "Fristen nach dem 04.11.2026 zeige ich Ihnen später" in briefing.text


def test_a_weekly_deadline_is_one_line_with_its_repeats(town: Any) -> None:
    from bot.capture.deadlines import due_in, extract
    from indexer.model import Section

    assistant, _, _ = town
    section = Section("steueramt/x.md", ("X", "Fristen"),
                      "- Die Fristenliste jeden Montag durchsehen.")
    due = due_in(extract([section]), START, START + timedelta(days=20))  # Mondays 10., 17., 24.
    [title, line] = assistant.briefing.writer().deadline_lines(due)
    assert line.startswith("• 10.08.2026 und 2× wieder bis 24.08.2026: „Die Fristenliste")


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//DE
BEGIN:VEVENT
UID:abw-1@test.example
DTSTAMP:20260801T080000Z
DTSTART;VALUE=DATE:20260805
DTEND;VALUE=DATE:20260808
SUMMARY:Urlaub
X-WISSENSLOTSE-PERSON:bschneider
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize("source", ["csv", "ics"])
def test_absences_from_the_directory_files_are_briefed_too(tmp_path: Path, source: str) -> None:
    settings = town_settings(tmp_path)
    folder = settings.directory_path
    if source == "csv":
        (folder / "abwesenheiten.csv").write_text(
            "person;von;bis;vertretung;grund\nbschneider;05.08.2026;07.08.2026;;Urlaub\n",
            encoding="utf-8")
    else:
        (folder / "abwesenheiten.ics").write_text(ICS, encoding="utf-8")
    assistant, notifier = town_assistant(settings, Day(START))
    say(assistant, TOM, "hallo")
    assert asyncio.run(assistant.briefing.sweep())["sent"] == 1
    [briefing] = briefings(notifier, TOM.key)
    assert "bis einschließlich 07.08.2026" in briefing.text and "Hundesteuer" in briefing.text
