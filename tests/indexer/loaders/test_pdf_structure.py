"""PDF text as people wrote it: paragraphs from hard-wrapped lines, headings, exact pages."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from indexer.loaders import load_file, pdf
from indexer.loaders.paragraphs import join_wrapped
from tests.fixtures import pdf_documents as documents


def _load(kb: Path, name: str, data: bytes) -> list:
    path = kb / name
    path.write_bytes(data)
    return load_file(path, kb)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_hard_wrapped_lines_become_paragraphs(kb: Path) -> None:
    data = documents.hard_wrapped()
    raw = PdfReader(io.BytesIO(data))
    assert raw.pages[0].extract_text().count("\n") > 8  # the PDF really holds short lines
    [section] = _load(kb, "hinweis.pdf", data)
    assert section.text.split("\n\n") == [
        _one_line(documents.INTRO),
        "Die Erstattung an den Ehegatten oder die Kfz-Steuerstelle geht mit dem Bescheid "
        "hinaus.",  # "Ehegat-|ten" de-hyphenated, "Kfz-|Steuerstelle" keeps its hyphen
        f"1. {_one_line(documents.STEPS[0])}\n2. {_one_line(documents.STEPS[1])}",
    ]


def test_title_page_and_procedure_page_keep_their_pages(kb: Path) -> None:
    sections = _load(kb, "abmeldung.pdf", documents.title_page_and_procedure())
    assert [(s.page, s.heading_path) for s in sections] == [
        (1, ()),  # the letterhead, small print above the title
        (1, ("Arbeitshilfe Abmeldung eines Hundes",)),
        (2, ("Arbeitshilfe Abmeldung eines Hundes", "Ablauf der Abmeldung")),
    ]
    procedure = sections[2].text.split("\n\n")
    assert procedure[0].split("\n") == [
        f"{n}. {_one_line(step)}" for n, step in enumerate(documents.STEPS, 1)
    ]
    assert procedure[1] == "Die Unterlagen werden zehn Jahre in der Steuerakte aufbewahrt."
    assert sections[0].meta.title == "Arbeitshilfe Abmeldung eines Hundes"


def test_numbered_headings_in_body_type_nest_by_their_numbers(kb: Path) -> None:
    sections = _load(kb, "satzung.pdf", documents.numbered_headings())
    assert [(s.heading_path, s.text.split()[0]) for s in sections] == [
        (("2.1 Antrag",), "Der"),
        (("2.2 Unterlagen",), "Vorzulegen"),
        (("§ 4 Gebühren",), "Die"),
    ]


def test_bold_heading_and_a_list_across_the_page_break(kb: Path) -> None:
    sections = _load(kb, "vorgehen.pdf", documents.list_across_pages())
    heading = ("Vorgehen bei der Abmeldung",)
    assert [(s.page, s.heading_path) for s in sections] == [(1, ()), (1, heading), (2, heading)]
    items = [line for s in sections[1:] for line in s.text.split("\n")]
    assert items == [f"{n}. {_one_line(step)}" for n, step in enumerate(documents.STEPS, 1)]
    for section in sections:  # every Section's words are on the page it names
        assert section.page is not None
        page_text = PdfReader(kb / "vorgehen.pdf").pages[section.page - 1].extract_text()
        assert set(section.text.split()) <= set(page_text.split())


def test_a_page_that_breaks_pypdf_is_skipped_and_logged(
    kb: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = pdf.page_lines

    def broken_first_page(page: object) -> list:
        if getattr(page, "page_number", None) == 0:
            raise ValueError("bad content stream")
        return real(page)

    monkeypatch.setattr(pdf, "page_lines", broken_first_page)
    with caplog.at_level(logging.WARNING, logger="indexer.loaders.pdf"):
        sections = _load(kb, "abmeldung.pdf", documents.title_page_and_procedure())
    assert {s.page for s in sections} == {2}
    assert "page 1: text not extractable (bad content stream)" in caplog.text


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("Die Anmeldung erfolgt\nim Bürgerbüro.", "Die Anmeldung erfolgt im Bürgerbüro."),
        ("Ehegat-\nten", "Ehegatten"),
        ("Ein-\nund Ausgang", "Ein- und Ausgang"),
        ("die ausländi -\nsche Behörde", "die ausländische Behörde"),
        ("Unterlagen:\n1. Ausweis\n2. Formular", "Unterlagen:\n1. Ausweis\n2. Formular"),
        ("Name | Telefon\nMüller | 123", "Name | Telefon\nMüller | 123"),
        ("Kurz.\nNeuer Satz", "Kurz.\nNeuer Satz"),
        ("erste Zeile\n\nzweiter Absatz", "erste Zeile\n\nzweiter Absatz"),
        ("am 15.\nJanuar fällig, sonst", "am 15.\nJanuar fällig, sonst"),  # short: kept
    ],
)
def test_join_wrapped_text(raw: str, joined: str) -> None:
    assert join_wrapped(raw) == joined


def test_a_heading_over_two_lines_is_one_heading(kb: Path) -> None:
    document = documents.new_pdf()
    document.add_page()
    documents.heading(document, "Baugesuche: Eingang, Beteiligung und", size=16)
    document.ln(-2)  # the title's two lines at its own line spacing
    documents.heading(document, "gemeindliches Einvernehmen", size=16)
    documents.paragraph(document, documents.STEPS[0])
    [section] = _load(kb, "bau.pdf", bytes(document.output()))
    assert section.heading_path == ("Baugesuche: Eingang, Beteiligung und gemeindliches "
                                    "Einvernehmen",)  # fmt: skip
    assert section.text == _one_line(documents.STEPS[0])
