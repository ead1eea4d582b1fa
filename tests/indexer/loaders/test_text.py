"""Plain text and CSV: encodings (UTF-8, BOM, Windows-1252), paragraphs, fee tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import LoaderError
from indexer.loaders import csv, load_file
from indexer.loaders.text import decode_text


def test_windows_1252_text(formats: Path) -> None:
    [section] = load_file(formats / "ansi.txt", formats)
    assert section.text.split("\n\n") == [
        "Schlüsselverwaltung im Rathaus",
        "Die Generalschlüssel liegen im Tresor des Hauptamts. Ausgabe nur gegen Unterschrift.",
        "Verlust eines Schlüssels: sofort Frau Müller (Hauptamt) informieren – Gebühr 45 €.",
    ]
    assert (section.heading_path, section.page, section.meta.title) == ((), None, "")


def test_utf8_with_bom(formats: Path) -> None:
    [section] = load_file(formats / "bom.txt", formats)
    assert section.text.startswith("Öffnungszeiten Bürgerbüro\n\n")  # no BOM left
    assert "Donnerstag zusätzlich 14–18 Uhr." in section.text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a\r\nb\rc\x0cd", "a\nb\nc\n\nd"),
        ("Grüße".encode("utf-8-sig"), "Grüße"),
        ("Grüße".encode("cp1252"), "Grüße"),
        (b"Tab\tok\x07", "Tab\tok\x07"),  # one stray control character is tolerated
    ],
)
def test_decode_text(data: bytes, text: str) -> None:
    assert decode_text(data) == text


@pytest.mark.parametrize(
    "data",
    [b"\x81\x8d\x8f\x90\x9d" * 10, bytes(range(1, 32)) * 5, b"text\x00text"],
)
def test_decode_text_refuses_binary(data: bytes) -> None:
    with pytest.raises(LoaderError, match="^binary content, not text$"):
        decode_text(data)


def test_utf16_with_bom_from_notepad(kb: Path) -> None:
    (kb / "notiz.txt").write_bytes("Grüße aus dem Bürgerbüro\r\n".encode("utf-16"))
    assert load_file(kb / "notiz.txt", kb)[0].text == "Grüße aus dem Bürgerbüro"


def test_excel_sep_hint_line(kb: Path) -> None:
    (kb / "excel.csv").write_bytes("sep=,\r\nA,B\r\n1;2,3\r\n".encode("cp1252"))
    assert load_file(kb / "excel.csv", kb)[0].text == "A: 1;2 | B: 3"


def test_fee_table_rows_are_labelled_lines(formats: Path) -> None:
    [section] = load_file(formats / "gebuehren.csv", formats)
    assert section.text.split("\n") == [
        "Leistung: Meldebescheinigung | Gebühr: 10,00 € | Rechtsgrundlage: Gebührenordnung Nr. 1.1",
        "Leistung: Personalausweis (ab 24 Jahre) | Gebühr: 37,00 € | Rechtsgrundlage: PAuswGebV",
        "Leistung: Führungszeugnis | Gebühr: 13,00 € | Rechtsgrundlage: JVKostG",
    ]


def test_comma_csv_with_quotes_empty_cells_and_extra_columns(kb: Path) -> None:
    (kb / "zeiten.csv").write_text(
        'Tag,Von,Bis\nMontag,8:00,"12:00, danach nach Termin"\nDienstag,,16:00,Notdienst\n\n',
        encoding="utf-8",
    )
    [section] = load_file(kb / "zeiten.csv", kb)
    assert section.text.split("\n") == [
        "Tag: Montag | Von: 8:00 | Bis: 12:00, danach nach Termin",
        "Tag: Dienstag | Bis: 16:00 | Notdienst",
    ]


def test_header_only_csv(kb: Path) -> None:
    (kb / "leer.csv").write_text("Leistung;Gebühr\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="^CSV has a header but no rows$"):
        load_file(kb / "leer.csv", kb)


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("Titel", ";"), ("a;b,c", ";")],
)
def test_sniff_delimiter(header: str, delimiter: str) -> None:
    assert csv.sniff_delimiter(header) == delimiter
