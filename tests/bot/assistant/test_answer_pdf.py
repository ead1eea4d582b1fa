"""Answers from PDFs: the procedure page is quoted as steps and cited, not the title page."""

from __future__ import annotations

from pathlib import Path

from bot.answer import compose_answer
from bot.cards import answer_text
from bot.sections import best_section, quote_steps
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


def test_one_heading_on_two_pages_is_two_sections() -> None:
    intro = chunk("a.pdf", "", "Einleitung ohne Liste.", "Arbeitshilfe", page=1)
    procedure = chunk("a.pdf", "", "1. Formular prüfen\n2. Marke zurücknehmen", "Arbeitshilfe",
                      page=2)  # fmt: skip
    procedure = Chunk(**{**procedure.__dict__, "ordinal": 1})
    found = _hits(intro)
    chosen = best_section(HOW, found, lambda source: [intro, procedure])
    assert chosen.page == 2 and quote_steps(chosen.text) == ("Formular prüfen",
                                                             "Marke zurücknehmen")  # fmt: skip


def test_how_question_prefers_numbered_steps_over_a_better_ranked_bullet_list() -> None:
    laws = chunk("a.pdf", "Rechtsgrundlagen", "• Hundesteuersatzung\n• Abgabengesetz", "A", page=1)
    steps = chunk("a.pdf", "Bearbeitung", "1. Formular prüfen\n2. Bescheid", "A", page=2)
    chosen = best_section(HOW, _hits(laws, steps))
    assert chosen.page == 2 and quote_steps(chosen.text) == ("Formular prüfen", "Bescheid")
