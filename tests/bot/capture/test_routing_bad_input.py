"""Bad input of issue 12 for routed questions, each with a clear German message and nothing
lost: a holder who left the directory, an answer form sent twice (also at the same moment) or
by someone else with forged card data, a reply of 20,000 characters, front matter smuggled
into the FAQ draft, and a chain that is all away."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.directory.directory import Directory
from bot.settings import Settings
from indexer.loaders.markdown import load as load_markdown
from indexer.model import DocumentMeta
from tests.bot.assistant.conftest import PEOPLE
from tests.bot.capture.conftest import (
    ADMIN,
    BERTA,
    PAULA,
    TOM,
    UWE,
    RecordingNotifier,
    a_press,
    a_say,
    button,
    make_assistant,
    press,
    say,
)
from tests.bot.capture.test_routing import FORWARD, QUESTION, kinds, routed_to


def _answers_to(notifier: RecordingNotifier, key: str) -> list[str]:
    return [r.text for r in notifier.for_user(key) if r.data.get("kind") == "routed_answer"]


def test_holder_who_left_the_directory(desk: tuple[Any, RecordingNotifier],
                                       tmp_path: Path) -> None:
    """Tom holds the question and leaves (gone from personen.csv): his answer is refused with
    a reason, the sweep hands the question to the head, who answers it."""
    from bot.capture.routing_sweep import sweep

    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    say(assistant, UWE, "hallo")
    press(assistant, PAULA, FORWARD)
    form = button(routed_to(notifier, TOM), "Antwort senden")
    folder = tmp_path / "nach_austritt"
    folder.mkdir()
    for csv in assistant.settings.directory_path.iterdir():
        text = csv.read_text(encoding="utf-8")
        if csv.name == "personen.csv":
            text = "".join(line + "\n" for line in PEOPLE.splitlines() if "tkoch" not in line)
        (folder / csv.name).write_text(text, encoding="utf-8")
    assistant.directory = Directory.load(folder).with_absences(assistant.state.absences())

    refused = press(assistant, TOM, {**form, "antwort": "Ein Jahr."})
    assert kinds(refused) == ["routed_unknown"] and "Personenverzeichnis" in refused[0].text
    assert asyncio.run(sweep(assistant.routing))["moved"] == 1
    [row] = assistant.state.routed_questions("open")
    assert (row.assignee, row.question, row.answer) == ("ukeller", QUESTION, None)
    moved = routed_to(notifier, UWE)
    assert QUESTION in moved.text and "nicht mehr im Verzeichnis" in moved.text
    done = press(assistant, UWE, {**button(moved, "Antwort senden"), "antwort": "Ein Jahr."})
    assert kinds(done) == ["routed_answered"]
    assert len(_answers_to(notifier, PAULA.key)) == 1


def test_answer_sent_twice_at_the_same_moment_is_stored_once(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    press(assistant, PAULA, FORWARD)
    form = button(routed_to(notifier, TOM), "Antwort senden")

    async def both() -> list[list[Any]]:
        return list(await asyncio.gather(a_press(assistant, TOM, {**form, "antwort": "Eins."}),
                                          a_press(assistant, TOM, {**form, "antwort": "Zwei."})))

    results = sorted(kinds(replies)[0] for replies in asyncio.run(both()))
    assert results == ["routed_already_answered", "routed_answered"]
    assert len(_answers_to(notifier, PAULA.key)) == 1
    row = assistant.state.routed(form["routed"])
    assert _answers_to(notifier, PAULA.key)[0].endswith(row.answer)


def test_forged_card_data_changes_nothing(desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    press(assistant, PAULA, FORWARD)
    form = button(routed_to(notifier, TOM), "Antwort senden")
    for forged in ({**form, "routed": ["x"]}, {**form, "routed": 7}, {**form, "routed": None},
                   {**form, "routed": form["routed"].upper()}):
        assert kinds(press(assistant, TOM, {**forged, "antwort": "x"})) == ["routed_unknown"]
    for intruder in (BERTA, UWE, ADMIN):  # the head and an admin do not answer in his place
        said = press(assistant, intruder, {**form, "antwort": "Falsch."})
        assert kinds(said) == ["routed_not_yours"] and "Tom Koch" in said[0].text
    assert kinds(press(assistant, TOM, {**form, "antwort": ["Liste"]})) == [
        "routed_answer_empty"]
    adopt = {"action": "frage_uebernehmen", "routed": form["routed"]}
    assert kinds(press(assistant, TOM, adopt)) == ["routed_not_answered"]
    row = assistant.state.routed(form["routed"])
    assert (row.status, row.answer, row.assignee) == ("open", None, "tkoch")
    assert _answers_to(notifier, PAULA.key) == [] and assistant.state.pending_drafts() == []


def test_reply_of_20000_characters_keeps_the_question_open(
        desk: tuple[Any, RecordingNotifier]) -> None:
    assistant, notifier = desk
    say(assistant, TOM, "hallo")
    press(assistant, PAULA, FORWARD)
    form = button(routed_to(notifier, TOM), "Antwort senden")
    reply = "Zuerst die Hundemarke prüfen. " + "x" * 19_970
    assert len(reply) == 20_000
    said = press(assistant, TOM, {**form, "antwort": reply})
    assert kinds(said) == ["routed_answer_too_long", "routed_question"]
    assert "20.000" in said[0].text and "4.000" in said[0].text
    assert said[1].card["body"][4]["value"] == reply[:4000]  # the start is given back
    assert assistant.state.routed(form["routed"]).status == "open"
    assert _answers_to(notifier, PAULA.key) == []
    retry = press(assistant, TOM, {**form, "antwort": reply[:4000]})
    assert kinds(retry) == ["routed_answered"]


def test_front_matter_injection_does_not_open_a_restricted_faq(
        capture_settings: Settings) -> None:
    """The Hundesteuer documents are for the Steueramt only; question and answer both try to
    open the FAQ with their own front matter. The indexer's own loader reads the released
    file: still restricted, still one task, one entry."""
    restricted = {"steueramt/hundesteuer.md": DocumentMeta(
        title="Hundesteuer", tasks=("hundesteuer",), groups=("steueramt",))}
    assistant, notifier = make_assistant(capture_settings, restricted)
    question = "Gilt die Marke weiter?\n---\nzugriff: []\naufgaben: [gehaelter]\n---"
    answer = "---\nzugriff: []\ntitel: Offen\n---\n# Neues Dokument\nJa, ein Jahr."

    async def scenario() -> None:
        await a_say(assistant, TOM, "hallo")
        await a_say(assistant, UWE, "hallo")
        await a_press(assistant, UWE, {**FORWARD, "question": question})
        form = button(routed_to(notifier, TOM), "Antwort senden")
        thanks = (await a_press(assistant, TOM, {**form, "antwort": answer}))[0]
        await a_press(assistant, TOM, button(thanks, "In die Wissensbasis übernehmen"))
        review = [r for r in notifier.for_user(UWE.key)
                  if r.data.get("kind") == "draft_review"][-1]
        assert kinds(await a_press(assistant, UWE, button(review, "Freigeben"))) == ["released"]
        await asyncio.wait_for(assistant.reindexer._task, 30)

    asyncio.run(scenario())
    path = Path(capture_settings.release_dir) / "steueramt" / "faq_hundesteuer.md"
    sections = load_markdown(path, "steueramt/faq_hundesteuer.md")
    metas = {(s.meta.groups, s.meta.tasks, s.meta.title) for s in sections}
    assert metas == {(("steueramt",), ("hundesteuer",), "Häufige Fragen: Hundesteuer")}
    entries = [s for s in sections if len(s.heading_path) > 1]
    assert len(entries) == 1 and "Ja, ein Jahr." in entries[0].text
    assert "Gilt die Marke weiter?" in entries[0].heading_path[-1]


def test_chain_all_away_goes_to_the_head_and_stays_open(
        desk: tuple[Any, RecordingNotifier]) -> None:
    """Berta (owner) and Tom (deputy) are away: the head gets it and the asker is told why;
    when the head is away too, the question still waits with him, flagged, and the sweep
    neither loses nor bounces it."""
    from bot.capture.routing_sweep import sweep

    assistant, notifier = desk
    say(assistant, UWE, "hallo")
    day = assistant.today()
    assistant.state.add_absence("tkoch", day, day, None, "tkoch")
    assistant.reload_absences()
    sent = press(assistant, PAULA, FORWARD)
    assert kinds(sent) == ["routed_sent"]
    assert "Uwe Keller" in sent[0].text and "abwesend" in sent[0].text
    assert QUESTION in routed_to(notifier, UWE).text
    assistant.state.add_absence("ukeller", day, day, None, "ukeller")
    assistant.reload_absences()
    again = press(assistant, PAULA, {**FORWARD, "question": "Und die Ersatzmarke?"})
    assert kinds(again) == ["routed_sent"] and "heute abwesend" in again[0].text
    assert asyncio.run(sweep(assistant.routing))["moved"] == 0
    assert {r.assignee for r in assistant.state.routed_questions("open")} == {"ukeller"}
    assert len(assistant.state.routed_questions("open")) == 2
