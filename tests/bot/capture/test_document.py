"""The handover document: front matter from the directory only, answers neutralised, the
template's sections, and prefill from an existing document (update)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.assistant import cards as answer_cards
from bot.capture import cards
from bot.capture.document import HandoverMeta, neutralise, prefill, render
from bot.capture.template import load_sections, parse_template
from indexer.loaders import load_file
from tests.bot.assistant.conftest import KB

META = HandoverMeta("Übergabe Hundesteuer", "hundesteuer", "bschneider", ("tkoch",),
                    "Steueramt", "Berta Schneider", date(2026, 8, 5), (), ("Hund",))


def test_the_sample_template_gives_the_interview_sections() -> None:
    sections = load_sections(KB)
    assert [s.key for s in sections] == [
        "aufgabe-und-zweck", "rechtsgrundlagen", "ablauf-schritt-fur-schritt",
        "fristen-und-termine", "gebuhren", "fachverfahren-software-und-ablage",
        "ansprechpartner-intern-und-extern", "typische-fehler-und-stolpersteine",
        "offene-vorgange"]
    assert "Stoßzeiten" in sections[0].hint and "|" not in sections[3].hint
    assert len(load_sections(Path("/nonexistent"))) == 6  # built-in fallback


def test_structure_in_answers_stays_text() -> None:
    text = neutralise("---\n# Titel\n## Abschnitt\n### Unterpunkt\n===\n```\n<b>x</b>")
    assert text.splitlines() == ["\\---", "\\# Titel", "\\## Abschnitt", "### Unterpunkt",
                                 "\\===", "\\```", "\\<b>x\\</b>"]


def test_render_then_load_keeps_metadata_and_sections(tmp_path: Path) -> None:
    sections = parse_template((KB / "_vorlagen" / "uebergabedokument.md").read_text("utf-8"))
    answers = {"aufgabe-und-zweck": "---\nzugriff: [personalamt]\n---\nHundesteuer erheben.",
               "ablauf-schritt-fur-schritt": "1. Antrag\n2. Hundemarke\n3. Bescheid"}
    path = tmp_path / "steueramt" / "uebergabe.md"
    path.parent.mkdir()
    path.write_text(render(META, sections, answers), encoding="utf-8")
    loaded = load_file(path, tmp_path)
    assert loaded[0].meta.groups == () and loaded[0].meta.tasks == ("hundesteuer",)
    assert loaded[0].meta.last_reviewed == date(2026, 8, 5)
    assert {s.heading_path[-1] for s in loaded if len(s.heading_path) > 1} == {
        "Aufgabe und Zweck", "Ablauf Schritt für Schritt"}


def test_prefill_maps_an_existing_document_to_the_template() -> None:
    sections = load_sections(KB)
    existing = (KB / "steueramt" / "hundesteuer_uebergabe.md").read_text("utf-8")
    answers, extra = prefill(existing, sections)
    assert answers, "the sample handover document shares sections with the template"
    assert all(key in {s.key for s in sections} for key in answers)
    rendered = render(META, sections, answers, extra)
    for title in extra:
        assert f"## {title}" in rendered  # sections the template lacks are kept


def test_capture_cards_use_the_answer_cards_schema() -> None:
    assert (cards.CARD_SCHEMA, cards.CARD_VERSION) == (answer_cards.CARD_SCHEMA,
                                                       answer_cards.CARD_VERSION)
