"""The handover interview through the assistant: sections one at a time, skip, back,
"später weiter", refusals that lose nothing, restarts, and who may do what."""

from __future__ import annotations

from typing import Any

from bot.capture import ACTION_RESUME, ACTION_START, ACTION_STEP
from bot.capture.cards import MAX_ANSWER_CHARS
from tests.bot.capture.conftest import (
    ADMIN,
    BERTA,
    PAULA,
    TOM,
    UWE,
    answer,
    button,
    make_assistant,
    press,
    say,
)

STEPS = ("1. Antrag prüfen\n2. Hund im Fachverfahren anlegen\n3. Hundemarke ausgeben")


def start(assistant: Any, user: Any = BERTA) -> Any:
    overview = say(assistant, user, "übergabe")
    assert overview[0].data["kind"] == "handover_overview"
    return press(assistant, user, button(overview[0], "Hundesteuer"))[0]


def step_data(reply: Any) -> dict[str, Any]:
    return button(reply, "Weiter")


def test_the_interview_walks_through_the_template_sections(desk: Any) -> None:
    assistant, _ = desk
    first = start(assistant)
    assert first.data["kind"] == "handover_section"
    titles = [s.title for s in assistant.handover.sections]
    assert titles[:3] == ["Aufgabe und Zweck", "Rechtsgrundlagen", "Ablauf Schritt für Schritt"]
    assert "Abschnitt 1 von 9" in str(first.card)
    second = press(assistant, BERTA, answer(step_data(first), "Steuer für Hunde im Stadtgebiet."))
    assert second[0].data["section"] == "rechtsgrundlagen"
    skipped = press(assistant, BERTA, {**step_data(second[0]), "step": "skip"})
    assert skipped[0].data["section"] == "ablauf-schritt-fur-schritt"
    back = press(assistant, BERTA, {**step_data(skipped[0]), "step": "back"})
    back = press(assistant, BERTA, {**step_data(back[0]), "step": "back"})
    field = next(i for i in back[0].card["body"] if i["type"] == "Input.Text")
    assert field["value"] == "Steuer für Hunde im Stadtgebiet."  # the answer is prefilled


def test_empty_too_long_and_secret_answers_are_refused_and_nothing_is_lost(desk: Any) -> None:
    assistant, _ = desk
    first = start(assistant)
    interview = first.data["interview"]
    press(assistant, BERTA, answer(step_data(first), "Zweck: Hundesteuer erheben."))
    current = say(assistant, BERTA, "übergabe")  # resume shows where she stands
    second = press(assistant, BERTA, button(current[0], "Weiter: Hundesteuer"))[0]
    empty = press(assistant, BERTA, answer(step_data(second), "   "))
    assert empty[0].data["kind"] == "handover_refused" and "leer" in empty[0].text
    assert empty[1].data["section"] == second.data["section"]
    long_text = "Satzung§" * 2500  # 20,000 characters
    too_long = press(assistant, BERTA, answer(step_data(second), long_text))
    assert "20.000 Zeichen" in too_long[0].text
    field = next(i for i in too_long[1].card["body"] if i["type"] == "Input.Text")
    assert len(field["value"]) == MAX_ANSWER_CHARS  # given back to shorten, not stored
    secret = press(assistant, BERTA, answer(step_data(second), "Kennwort: Hund2024!"))
    assert "speichere ich nicht" in secret[0].text and "Hund2024" not in str(secret)
    stored = assistant.state.answers(interview)
    assert stored == {"aufgabe-und-zweck": "Zweck: Hundesteuer erheben."}


def test_later_pauses_and_a_restart_resumes_at_the_same_section(capture_settings: Any) -> None:
    assistant, _ = make_assistant(capture_settings)
    first = start(assistant)
    second = press(assistant, BERTA, answer(step_data(first), "Zweck."))[0]
    paused = press(assistant, BERTA, answer(step_data(second), "Hundesteuersatzung § 5",
                                            step="later"))
    assert paused[0].data["kind"] == "handover_paused" and "Abschnitt 2 von 9" in paused[0].text
    restarted, _ = make_assistant(capture_settings)  # a new process over the same database
    overview = say(restarted, BERTA, "übergabe")
    resumed = press(restarted, BERTA, button(overview[0], "Weiter: Hundesteuer (2 von 9)"))
    assert resumed[0].data["section"] == "rechtsgrundlagen"
    field = next(i for i in resumed[0].card["body"] if i["type"] == "Input.Text")
    assert field["value"] == "Hundesteuersatzung § 5"


def test_a_forged_interview_id_of_another_person_is_refused(desk: Any) -> None:
    assistant, _ = desk
    first = start(assistant)
    forged = answer(step_data(first), "Ich überschreibe das.")
    refused = press(assistant, TOM, forged)
    assert refused[0].data["kind"] == "handover_not_yours"
    assert assistant.state.answers(first.data["interview"]) == {}
    unknown = press(assistant, BERTA, {**forged, "interview": "f" * 32})
    assert unknown[0].data["kind"] == "handover_unknown"
    odd = press(assistant, BERTA, {"action": ACTION_STEP, "interview": ["x"], "step": "next"})
    assert odd[0].data["kind"] == "handover_unknown"


def test_only_heads_of_the_department_and_admins_start_for_someone_else(desk: Any) -> None:
    assistant, _ = desk
    assert say(assistant, PAULA, "übergabe für Berta Schneider")[0].data["kind"] == \
        "handover_not_allowed"
    forged = {"action": ACTION_START, "person": "bschneider", "task": "hundesteuer"}
    assert press(assistant, PAULA, forged)[0].data["kind"] == "handover_not_allowed"
    for head in (UWE, ADMIN):
        overview = say(assistant, head, "übergabe für Frau Schneider")[0]
        assert "Berta Schneider" in overview.text
        started = press(assistant, head, button(overview, "Hundesteuer"))[0]
        assert started.data["kind"] == "handover_section"
        assert "Interview mit Berta Schneider" in str(started.card)
    # the head started it; Berta herself continues the same interview (one per task)
    mine = say(assistant, BERTA, "übergabe")[0]
    assert "Weiter: Hundesteuer" in mine.text


def test_a_task_that_leaves_the_directory_mid_interview_keeps_the_answers(
        capture_settings: Any) -> None:
    assistant, _ = make_assistant(capture_settings)
    first = start(assistant)
    folder = capture_settings.directory_path
    tasks = (folder / "zustaendigkeiten.csv").read_text(encoding="utf-8")
    (folder / "zustaendigkeiten.csv").write_text(
        "\n".join(line for line in tasks.splitlines() if not line.startswith("hundesteuer")),
        encoding="utf-8")
    from bot.directory.directory import Directory

    assistant.directory = Directory.load(folder)
    gone = press(assistant, BERTA, answer(step_data(first), "Zweck der Aufgabe."))
    assert gone[0].data["kind"] == "handover_gone" and "gespeichert" in gone[0].text
    assert assistant.state.answers(first.data["interview"]) == {
        "aufgabe-und-zweck": "Zweck der Aufgabe."}
    resume = {"action": ACTION_RESUME, "interview": first.data["interview"]}
    assert press(assistant, BERTA, resume)[0].data["kind"] == "handover_gone"


def test_uebergabe_words_that_name_no_task_are_a_question(desk: Any) -> None:
    assistant, _ = desk
    replies = say(assistant, BERTA, "Übergabe der Barkasse, wie läuft das?")
    assert replies[0].data["kind"] in ("answer", "not_found")
    direct = say(assistant, BERTA, "übergabe Hundesteuer")
    assert direct[0].data["kind"] == "handover_section"


def test_back_from_the_summary_shows_the_last_section(desk: Any) -> None:
    assistant, _ = desk
    reply = start(assistant)
    while reply.data["kind"] == "handover_section":
        reply = press(assistant, BERTA, {**step_data(reply), "step": "skip"})[0]
    assert reply.data["kind"] == "handover_summary" and "Entwurf erstellen" not in str(
        reply.card)  # nothing answered: no empty document
    back = press(assistant, BERTA, button(reply, "Zurück"))[0]
    assert back.data["section"] == assistant.handover.sections[-1].key
