"""Answers from PDFs: the procedure page is quoted as steps and cited, not the title page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.assistant.answer import compose_answer
from bot.assistant.cards import answer_text
from bot.assistant.sections import best_section, quote_steps
from bot.settings import Settings
from indexer.chunking import chunk_sections
from indexer.loaders import load_file
from indexer.model import Chunk, Hit
from tests.fixtures import pdf_documents as documents

from .conftest import FIXED_DAY, chunk

HOW = "Wie melde ich einen Hund ab?"


def _chunks(tmp_path: Path) -> list[Chunk]:
    kb = tmp_path / "kb"
    kb.mkdir()
    path = kb / "abmeldung.pdf"
    path.write_bytes(documents.title_page_and_procedure())
    sections = load_file(path, kb)
    return chunk_sections(sections, lambda text: len(text.split()) + 2, 256, 128)


def _hits(*chunks: Chunk) -> list[Hit]:
    return [Hit(c, 0.9 - rank / 100, rank, dense_score=0.9) for rank, c in enumerate(chunks)]


def _steps() -> tuple[str, ...]:
    return tuple(" ".join(step.split()) for step in documents.STEPS)


def test_how_question_quotes_the_numbered_steps_of_page_two(
    tmp_path: Path, settings: Settings
) -> None:
    chunks = _chunks(tmp_path)
    title_page = next(c for c in chunks if c.page == 1 and "Liebe" in c.text)
    # retrieval ranks the introduction first (it says "Abmeldung" and "Hund" most often)
    answer = compose_answer(HOW, _hits(title_page), None, FIXED_DAY, settings,
                            document_chunks=lambda source: chunks)  # fmt: skip
    assert answer.found and answer.steps == _steps() and answer.steps_are_list
    assert answer.sources[0].page == 2
    assert answer.sources[0].section == "Ablauf der Abmeldung"
    text = answer_text(answer)
    assert "So wird es gemacht" in text and f"1. {_steps()[0]}" in text


def test_other_questions_quote_paragraphs_not_steps(tmp_path: Path, settings: Settings) -> None:
    chunks = _chunks(tmp_path)
    title_page = next(c for c in chunks if c.page == 1 and "Liebe" in c.text)
    question = "Wer nimmt Abmeldungen von Hunden entgegen?"
    answer = compose_answer(question, _hits(title_page), None, FIXED_DAY, settings,
                            document_chunks=lambda source: chunks)  # fmt: skip
    assert answer.sources[0].page == 1 and not answer.steps_are_list
    assert answer.steps == (  # paragraphs, wrapped lines joined; the salutation runs on
        "Stadt Musterstadt – Bürgeramt – Marktplatz 1 – 71234 Musterstadt",
        "Liebe Kolleginnen und Kollegen, " + " ".join(documents.INTRO.split()),
        "Stand: März 2026, Bürgeramt",
    )
    text = answer_text(answer)
    assert "Dazu steht in" in text and "1. Liebe" not in text and "2. das" not in text


def test_text_without_a_heading_stays_one_section_per_page() -> None:
    intro = chunk("a.pdf", "", "Einleitung ohne Liste.", "Arbeitshilfe", page=1)
    procedure = chunk("a.pdf", "", "1. Formular prüfen\n2. Marke zurücknehmen", "Arbeitshilfe",
                      page=2)  # fmt: skip
    intro, procedure = replace(intro, heading_path=()), replace(procedure, heading_path=(),
                                                                 ordinal=1)  # fmt: skip
    chosen = best_section(HOW, _hits(intro), lambda source: [intro, procedure])
    assert chosen.page == 2 and quote_steps(chosen.text) == ("Formular prüfen",
                                                             "Marke zurücknehmen")  # fmt: skip


def test_a_headed_section_over_a_page_break_is_quoted_whole_from_its_first_page(
    tmp_path: Path, settings: Settings
) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "vorgehen.pdf").write_bytes(documents.list_across_pages())
    chunks = chunk_sections(load_file(kb / "vorgehen.pdf", kb), lambda t: len(t.split()) + 2,
                            256, 128)  # fmt: skip
    last_step = next(c for c in chunks if c.page == 2)  # retrieval found the page-2 part
    answer = compose_answer(HOW, _hits(last_step), None, FIXED_DAY, settings,
                            document_chunks=lambda source: chunks)  # fmt: skip
    assert answer.steps == _steps() and answer.sources[0].page == 1


def test_how_question_prefers_numbered_steps_over_a_better_ranked_bullet_list() -> None:
    laws = chunk("a.pdf", "Rechtsgrundlagen", "• Hundesteuersatzung\n• Abgabengesetz", "A", page=1)
    steps = chunk("a.pdf", "Bearbeitung", "1. Formular prüfen\n2. Bescheid", "A", page=2)
    chosen = best_section(HOW, _hits(laws, steps))
    assert chosen.page == 2 and quote_steps(chosen.text) == ("Formular prüfen", "Bescheid")


def test_headings_all_sections_share_do_not_count_as_naming_the_section() -> None:
    """Every heading path starts with the document's "Reisekostenabrechnung": the section
    the question names is the one whose own heading says "Abrechnung"."""
    title = "Dienstreisen und Reisekostenabrechnung"
    before = chunk("r.pdf", "Genehmigung", "1. Antrag stellen\n2. Genehmigen lassen", "R", page=1)
    after = chunk("r.pdf", "Abrechnung einreichen", "1. Formular ausfüllen\n2. Belege", "R",
                  page=2)  # fmt: skip
    before = replace(before, heading_path=(title, "Genehmigung"))
    after = replace(after, heading_path=(title, "Abrechnung einreichen"), ordinal=1)
    chosen = best_section("Wie rechne ich eine Dienstreise ab?", _hits(before, after))
    assert chosen.page == 2
