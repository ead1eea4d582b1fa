"""DOCX and ODT loaders: heading styles / outline levels, tables as rows, properties."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx as python_docx
import pytest

from indexer.errors import LoaderError
from indexer.loaders import docx, load_file, odt
from indexer.loaders.zipped import MAX_XML_BYTES
from tests.indexer.conftest import FORMAT_FIXTURES


def test_docx_headings_tables_and_properties(formats: Path) -> None:
    sections = docx.load(formats / "uebergabe.docx", "standesamt/uebergabe.docx")
    assert [s.heading_path for s in sections] == [
        ("Standesamt Musterstadt",),
        ("Standesamt Musterstadt", "Eheschließung"),
        ("Standesamt Musterstadt", "Gebühren"),  # style "Überschrift 2"
    ]
    assert sections[0].text == "Stand: März 2026. Vertretung regelt die Amtsleitung."
    assert sections[1].text.split("\n\n") == [
        "Die Anmeldung der Eheschließung erfolgt persönlich im Standesamt.",
        "Unterlagen werden vorab per E-Mail geprüft.",
    ]
    assert sections[2].text.split("\n")[:3] == [
        "Leistung | Gebühr | Hinweis",
        "Geburtsurkunde | 12 € | je Exemplar",
        "Eheschließung | 80 € | außerhalb der Dienstzeit 150 €",
    ]
    assert sections[2].text.endswith("Barzahlung und Girocard sind möglich.")  # after the table
    meta = sections[0].meta
    assert (meta.title, meta.keywords) == (
        "Übergabe Standesamt",
        ("Eheschließung", "Geburtsurkunde"),
    )
    assert all(s.page is None for s in sections)


def test_docx_without_title_takes_first_heading_and_keeps_intro(kb: Path) -> None:
    document = python_docx.Document()
    document.add_paragraph("Vorbemerkung ohne Überschrift.")
    document.add_paragraph("Kassenanordnung", style="Title")
    document.add_paragraph("Zahlungen über 500 € zeichnet die Kämmerin ab.")
    document.add_paragraph("Ausnahmen", style="Heading 3")
    table = document.add_table(rows=1, cols=3)
    table.rows[0].cells[0].merge(table.rows[0].cells[1])
    table.rows[0].cells[0].text = "Zusammengefasst"
    table.rows[0].cells[2].text = "Rest"
    document.save(kb / "kasse.docx")
    sections = load_file(kb / "kasse.docx", kb)
    assert [(s.heading_path, s.text) for s in sections] == [
        ((), "Vorbemerkung ohne Überschrift."),
        (("Kassenanordnung",), "Zahlungen über 500 € zeichnet die Kämmerin ab."),
        (("Kassenanordnung", "Ausnahmen"), "Zusammengefasst | Rest"),  # merged cell once
    ]
    assert sections[0].meta.title == "Kassenanordnung"


@pytest.mark.parametrize(
    ("style", "level"),
    [
        ("Heading 1", 1),
        ("Überschrift 3", 3),
        ("heading 9", 9),
        ("Title", 1),
        ("Titel", 1),
        ("Normal", 0),
        ("Heading 1 Char", 0),
        ("List Paragraph", 0),
    ],
)
def test_heading_levels_from_style_names(style: str, level: int) -> None:
    assert docx.heading_level(style) == level


def test_custom_style_based_on_a_heading_style_is_a_heading(kb: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = python_docx.Document()
    custom = document.styles.add_style("Amt Kapitel", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("Oben", style="Heading 1")
    document.add_paragraph("Kapitel", style="Amt Kapitel")
    document.add_paragraph("Inhalt")
    document.save(kb / "amt.docx")
    assert [s.heading_path for s in load_file(kb / "amt.docx", kb)] == [
        ("Oben",),
        ("Oben", "Kapitel"),
    ]


def _zip(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_without_word_document_is_reported(kb: Path) -> None:
    (kb / "falsch.docx").write_bytes(_zip({"hallo.txt": "Hallo"}))
    with pytest.raises(LoaderError, match="^(not a DOCX file|corrupt DOCX)"):
        load_file(kb / "falsch.docx", kb)


def test_truncated_docx_is_corrupt(kb: Path, formats: Path) -> None:
    (kb / "halb.docx").write_bytes((formats / "uebergabe.docx").read_bytes()[:3000])
    with pytest.raises(LoaderError, match="^corrupt DOCX: "):
        load_file(kb / "halb.docx", kb)


def test_odt_headings_lists_tables_and_meta(formats: Path) -> None:
    sections = odt.load(formats / "verfahren.odt", "ordnungsamt/verfahren.odt")
    assert [s.heading_path for s in sections] == [
        ("Gewerbeanmeldung",),
        ("Gewerbeanmeldung", "Ablauf"),
        ("Gewerbeanmeldung", "Gebühren"),
    ]
    assert sections[0].text == "Die Gewerbeanmeldung nimmt das Ordnungsamt entgegen."
    assert sections[1].text.split("\n\n") == [  # a list style-less list: bullets
        "Formular GewA 1 vollständig ausfüllen lassen.",
        "• Ausweis prüfen\n• Gebühr kassieren\n• Bestätigung aushändigen",
    ]
    assert sections[2].text == "Vorgang | Gebühr\nAnmeldung | 26 €\nUmmeldung | 20 €"
    meta = sections[0].meta
    assert (meta.title, meta.keywords) == ("Verfahren Gewerbeanmeldung", ("Gewerbe", "Anmeldung"))


def test_odt_zip_without_content_is_corrupt(kb: Path) -> None:
    (kb / "leer.odt").write_bytes(_zip({"mimetype": "application/vnd.oasis.opendocument.text"}))
    with pytest.raises(LoaderError, match="^corrupt ODT: "):
        load_file(kb / "leer.odt", kb)


def test_odt_spreadsheet_renamed_is_refused(kb: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet

    out = io.BytesIO()
    OpenDocumentSpreadsheet().write(out)
    (kb / "tabelle.odt").write_bytes(out.getvalue())
    with pytest.raises(LoaderError, match="not an ODT text document"):
        load_file(kb / "tabelle.odt", kb)


# a DOCX/ODT whose XML unpacks to far more than its size on disk (a zip bomb) is
# refused before python-docx/odfpy read it whole into memory.


PADDING = MAX_XML_BYTES + 1024 * 1024  # deflates to well under 1 MB


def _inflated(original: Path, target: Path, part: str) -> Path:
    with zipfile.ZipFile(original) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                head, _, rest = data.partition(b"?>")
                data = head + b"?><!--" + b" " * PADDING + b"-->" + rest
            copy.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


@pytest.mark.parametrize(("fixture", "part"), [("uebergabe.docx", "word/document.xml"),
                                               ("verfahren.odt", "content.xml")])
def test_zip_bomb_is_refused_with_a_reason(tmp_path: Path, fixture: str, part: str) -> None:
    bomb = _inflated(FORMAT_FIXTURES / fixture, tmp_path / fixture, part)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(LoaderError, match="zip bomb"):
        load_file(bomb, tmp_path)


@pytest.mark.parametrize("fixture", ["uebergabe.docx", "verfahren.odt"])
def test_ordinary_office_files_still_load(fixture: str) -> None:
    assert load_file(FORMAT_FIXTURES / fixture, FORMAT_FIXTURES)


def test_docx_lists_get_their_markers_and_broken_sentences_are_joined(kb: Path) -> None:
    document = python_docx.Document()
    document.add_paragraph("Ablauf", style="Heading 1")
    document.add_paragraph("Die Abmeldung nimmt das Bürgeramt")  # Enter pressed mid-sentence
    document.add_paragraph("entgegen, auch per Post.")
    document.add_paragraph("Formular prüfen", style="List Number")
    document.add_paragraph("Marke zurücknehmen", style="List Number")
    document.add_paragraph("Danach:")
    document.add_paragraph("Bescheid", style="List Bullet")
    document.add_paragraph("Akte", style="List Bullet")
    document.add_paragraph("Ende des Vorgangs.")
    document.save(kb / "ablauf.docx")
    [section] = load_file(kb / "ablauf.docx", kb)
    assert section.text.split("\n\n") == [
        "Die Abmeldung nimmt das Bürgeramt entgegen, auch per Post.",
        "1. Formular prüfen\n2. Marke zurücknehmen",
        "Danach:",
        "• Bescheid\n• Akte",
        "Ende des Vorgangs.",
    ]
