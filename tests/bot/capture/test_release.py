"""Drafts and their release: the head gets a preview, releases once (also when two press at
the same time), the file lands in the department's folder of the release folder with front
matter from the directory only, and the reindex reports back."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from bot.capture import ACTION_RESUME
from bot.state.sqlite import State
from indexer.loaders import load_file
from tests.bot.capture.conftest import (
    BERTA,
    PAULA,
    TOM,
    UWE,
    a_press,
    a_say,
    answer,
    button,
    make_assistant,
)

INJECTION = ("1. Antrag prüfen\n---\nzugriff: [geheim]\ntitel: Gefälscht\n---\n"
             "## Neue Sektion\n<script>alert(1)</script>\n```\n2. Marke ausgeben")


async def interview_to_draft(assistant: Any, texts: list[str]) -> Any:
    """Berta answers the first sections, skips the rest and creates the draft."""
    overview = await a_say(assistant, BERTA, "übergabe")
    reply = (await a_press(assistant, BERTA, button(overview[0], "Hundesteuer")))[0]
    for text in texts:
        reply = (await a_press(assistant, BERTA, answer(button(reply, "Weiter"), text)))[0]
    while reply.data["kind"] == "handover_section":
        reply = (await a_press(assistant, BERTA, {**button(reply, "Weiter"), "step": "skip"}))[0]
    assert reply.data["kind"] == "handover_summary"
    return (await a_press(assistant, BERTA, button(reply, "Entwurf erstellen")))[0]


def test_release_writes_the_document_and_reindexes(capture_settings: Any) -> None:
    async def scenario() -> None:
        assistant, notifier = make_assistant(capture_settings)
        await a_say(assistant, UWE, "status")  # the head wrote once: he can be reached
        created = await interview_to_draft(assistant, ["Hundesteuer erheben.", "Satzung § 5",
                                                       INJECTION])
        assert created.data["kind"] == "draft_created" and "Uwe Keller" in created.text
        drafts = list((capture_settings.state_db.parent / "drafts").glob("*.md"))
        assert len(drafts) == 1 and not (capture_settings.release_dir).exists()
        review = notifier.for_user("aad-uwe")[0]
        assert review.data["kind"] == "draft_review" and "Freigeben" in str(review.card)
        refused = await a_press(assistant, PAULA, button(review, "Freigeben"))
        assert refused[0].data["kind"] == "draft_not_allowed"
        own = await a_press(assistant, BERTA, button(review, "Freigeben"))
        assert own[0].data["kind"] == "draft_not_allowed"  # no releasing one's own draft
        released = await a_press(assistant, UWE, button(review, "Freigeben"))
        assert released[0].data["kind"] == "released"
        again = await a_press(assistant, UWE, button(review, "Freigeben"))
        assert again[0].data["kind"] == "draft_decided" and "Uwe Keller" in again[0].text
        target = capture_settings.release_dir / "steueramt" / "uebergabe_hundesteuer.md"
        assert target.is_file()
        assert "freigegeben" in notifier.for_user("aad-bs")[-1].text
        await asyncio.wait_for(assistant.reindexer._task, 30)
        indexed = [r for conv, rs in notifier.sent for r in rs if conv == "conv-aad-uwe"]
        assert indexed[-1].data["kind"] == "release_indexed"
        check_document(target)

    asyncio.run(scenario())


def check_document(target: Path) -> None:
    """Injected `---`, `zugriff:`, headings and HTML stayed text in the body."""
    sections = load_file(target, target.parents[1])
    meta = sections[0].meta
    assert meta.groups == () and meta.title == "Übergabe Hundesteuer"
    assert meta.tasks == ("hundesteuer",) and meta.responsible == "bschneider"
    assert meta.deputies == ("tkoch",) and meta.doc_type == "uebergabe"
    headings = {s.heading_path[-1] for s in sections if s.heading_path}
    assert headings == {"Übergabe Hundesteuer", "Aufgabe und Zweck", "Rechtsgrundlagen",
                        "Ablauf Schritt für Schritt"}
    steps = next(s.text for s in sections if s.heading_path[-1] == "Ablauf Schritt für Schritt")
    assert "zugriff: [geheim]" in steps and "2. Marke ausgeben" in steps
    assert "<script>" not in steps.replace("\\<", "")


def test_return_with_a_note_and_a_second_draft(capture_settings: Any) -> None:
    async def scenario() -> None:
        assistant, notifier = make_assistant(capture_settings)
        await a_say(assistant, UWE, "hallo")
        await interview_to_draft(assistant, ["Zweck."])
        review = notifier.for_user("aad-uwe")[0]
        no_note = await a_press(assistant, UWE, {**button(review, "Zurück mit Anmerkung"),
                                                 "anmerkung": "  "})
        assert no_note[0].data["kind"] == "return_needs_note"
        returned = await a_press(assistant, UWE, {**button(review, "Zurück mit Anmerkung"),
                                                  "anmerkung": "Bitte die Fristen ergänzen."})
        assert returned[0].data["kind"] == "returned"
        to_berta = notifier.for_user("aad-bs")[-1]
        assert "Bitte die Fristen ergänzen." in to_berta.text
        resume = button(to_berta, "Interview fortsetzen")
        assert resume["action"] == ACTION_RESUME
        first = (await a_press(assistant, BERTA, resume))[0]
        assert first.data["kind"] == "handover_section"  # from the top, answers prefilled
        assert "Zweck." in str(first.card)
        second = await interview_to_draft(assistant, ["Zweck.", "Satzung", "1. Prüfen"])
        assert second.data["draft"] != review.data["draft"]
        assert notifier.for_user("aad-uwe")[-1].data["draft"] == second.data["draft"]
        late = await a_press(assistant, UWE, button(review, "Freigeben"))
        assert late[0].data["kind"] == "draft_decided"

    asyncio.run(scenario())


def test_an_unreachable_head_is_named_with_phone(capture_settings: Any) -> None:
    async def scenario() -> None:
        assistant, notifier = make_assistant(capture_settings)
        notifier.notify_user = _unreachable  # type: ignore[method-assign]
        await a_say(assistant, UWE, "hallo")
        created = await interview_to_draft(assistant, ["Zweck."])
        assert "07000 1-230" in created.text and "freigaben" in created.text
        pending = await a_say(assistant, UWE, "freigaben")
        assert pending[0].data["kind"] == "draft_review"
        assert (await a_say(assistant, TOM, "freigaben"))[0].data["kind"] == "drafts_none"

    asyncio.run(scenario())


async def _unreachable(user_key: str, replies: list[Any]) -> bool:
    return False


def test_two_heads_releasing_at_once_one_wins(capture_settings: Any) -> None:
    """Two bot processes (two State objects on one file) decide the same draft at once."""
    first = State(capture_settings.state_db)
    row = first.start_interview("bschneider", "hundesteuer", "bschneider", None, {"a": "b"})
    draft = first.add_draft("uebergabe", row.id, "steueramt/x.md", "Steueramt", "bschneider")
    states = [State(capture_settings.state_db) for _ in range(8)]
    barrier = threading.Barrier(len(states))
    results: list[bool] = []

    def decide(state: State, who: str) -> None:
        barrier.wait()
        results.append(state.decide_draft(draft, "released", who))

    threads = [threading.Thread(target=decide, args=(s, f"head{i}"))
               for i, s in enumerate(states)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False] * 7 + [True]
    assert first.interview(row.id).status == "released"  # type: ignore[union-attr]


def test_an_unwritable_release_folder_keeps_the_draft_pending(capture_settings: Any) -> None:
    async def scenario() -> None:
        assistant, notifier = make_assistant(capture_settings)
        capture_settings.release_dir.write_text("not a folder")  # writing below it fails
        await a_say(assistant, UWE, "hallo")
        await interview_to_draft(assistant, ["Zweck."])
        review = notifier.for_user("aad-uwe")[0]
        failed = await a_press(assistant, UWE, button(review, "Freigeben"))
        assert failed[0].data["kind"] == "release_failed"
        assert "WISSENSLOTSE_RELEASE_DIR" in failed[0].text
        assert assistant.state.draft(review.data["draft"]).status == "pending"

    asyncio.run(scenario())
