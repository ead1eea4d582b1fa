"""PDF loader: pages, bookmarks as headings, metadata, and the broken PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from indexer.errors import LoaderError
from indexer.loaders import load_file, pdf
from tests.indexer.loaders.conftest import FORMATS, shared_data

HAMBURG_PDFS = shared_data("hamburg_service/pdfs")


def test_headings_by_font_size_match_the_bookmarks(formats: Path) -> None:
    sections = pdf.load(formats / "handbuch.pdf", "steueramt/handbuch.pdf")
    # a chapter heading directly followed by a section heading opens an empty Section
    assert [(s.page, s.heading_path) for s in sections if not s.text] == [
        (1, ("Hundesteuer",)),
        (3, ("Abmeldung",)),
    ]
    sections = [s for s in sections if s.text]
    assert [(s.page, s.heading_path) for s in sections] == [
        (1, ("Hundesteuer", "Anmeldung eines Hundes")),
        (2, ("Hundesteuer", "Gebühren und Fälligkeit")),
        (3, ("Abmeldung", "Abmeldung und Erstattung")),
    ]
    assert all(s.source == "steueramt/handbuch.pdf" for s in sections)
    flat = [" ".join(s.text.split()) for s in sections]  # PDF lines wrap anywhere
    assert "meldet ihn innerhalb von zwei Wochen im Steueramt an" in flat[0]
    assert "Sie ist zum 15. Februar fällig." in flat[1]
    assert "die Hundemarke ist zurückzugeben" in flat[2]


def test_title_and_keywords_from_pdf_metadata(formats: Path) -> None:
    meta = pdf.load(formats / "handbuch.pdf", "h.pdf")[0].meta
    assert meta.title == "Handbuch Steueramt"
    assert meta.keywords == ("Hundesteuer", "Hundemarke")


def _pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    document = FPDF()
    if title is not None:
        document.set_title(title)
    for text in pages:
        document.add_page()
        document.set_font("Helvetica", size=11)
        if text:
            document.multi_cell(0, 6, text=text)
    return bytes(document.output())


def test_title_falls_back_to_first_line_and_empty_pages_are_skipped(kb: Path) -> None:
    path = kb / "merkblatt.pdf"
    path.write_bytes(
        _pdf_bytes(["", "Merkblatt Sperrmuell\nAbholung zweimal im Jahr.", "", "Ende"])
    )
    sections = load_file(path, kb)
    assert [s.page for s in sections] == [2, 4]  # pages stay true to the PDF
    assert sections[0].meta.title == "Merkblatt Sperrmuell"
    # one font only: a short line standing alone before body text is a heading
    assert sections[0].heading_path == ("Merkblatt Sperrmuell",)
    assert sections[0].text == "Abholung zweimal im Jahr."


def test_word_export_title_noise_is_dropped(kb: Path) -> None:
    path = kb / "x.pdf"
    path.write_bytes(
        _pdf_bytes(["Satzung ueber die Hundesteuer\nText"], title="Microsoft Word - satzung.docx")
    )
    assert load_file(path, kb)[0].meta.title == "satzung.docx"
    path.write_bytes(_pdf_bytes(["Satzung ueber die Hundesteuer\nText"], title="Untitled"))
    assert load_file(path, kb)[0].meta.title == "Satzung ueber die Hundesteuer"


def test_empty_user_password_opens(kb: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(FORMATS / "handbuch.pdf"))
    writer.encrypt(user_password="", owner_password="nur-drucken-verboten")
    out = io.BytesIO()
    writer.write(out)
    path = kb / "geschuetzt.pdf"
    path.write_bytes(out.getvalue())
    sections = load_file(path, kb)
    assert sorted({s.page for s in sections}) == [1, 2, 3]
    assert "Blindenführhunde" in next(s.text for s in sections if s.page == 2)


def test_aes_encrypted_with_password_is_refused(kb: Path) -> None:

    writer = PdfWriter(clone_from=PdfReader(FORMATS / "handbuch.pdf"))
    writer.encrypt(user_password="x", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    path = kb / "aes.pdf"
    path.write_bytes(out.getvalue())
    with pytest.raises(LoaderError, match=r"^encrypted \(password required\)$"):
        load_file(path, kb)


def test_garbage_after_header_is_corrupt(kb: Path) -> None:
    path = kb / "kaputt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    with pytest.raises(LoaderError, match="^corrupt PDF: "):
        load_file(path, kb)


def test_pdf_with_leading_junk_is_still_a_pdf(kb: Path) -> None:
    # Some mail gateways prepend a line; readers accept the header within the first 1 kB.
    path = kb / "mail.pdf"
    path.write_bytes(b"\r\n" + (FORMATS / "handbuch.pdf").read_bytes())
    assert load_file(path, kb) == pdf.load(FORMATS / "handbuch.pdf", "mail.pdf")


def test_clean_text_drops_broken_font_residue() -> None:
    assert pdf.clean_text("Geb\ue001\ue002\u00fchr  \r\nzwei\x00\ufffd \n") == "Gebühr\nzwei"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" B e h ö r d e  f ü r  I n n e r e s", "Behörde  für  Inneres"),
        ("S t a a t s r a t", "Staatsrat"),
        ("Anlage a b c", "Anlage a b c"),  # single letters in running text stay
        ("a b c", "a b c"),
        ("des Ehegat-\nten und Kfz-\nSteuer", "des Ehegatten und Kfz-\nSteuer"),
        ("Text\n- 11 -\nSeite 3 von 7\n  – 2 –\nPage 4\n- Seite 1 von 7 -\nmehr", "Text\nmehr"),
        ("Paragraph 11 -\n12 Monate", "Paragraph 11 -\n12 Monate"),
    ],
)
def test_clean_text_repairs_pdf_layout(raw: str, clean: str) -> None:
    assert pdf.clean_text(raw) == clean


@pytest.mark.skipif(HAMBURG_PDFS is None, reason="shared data hamburg_service/pdfs absent")
@pytest.mark.slow
def test_all_hamburg_pdfs_load_with_page_numbers_and_their_words() -> None:
    """The 22 real PDFs, the garbled Fachanweisung included: pages true to the PDF (in
    order, several Sections per page where headings are), and (nearly) every word of the
    text the source shipped beside each PDF is found in the texts and heading paths."""
    assert HAMBURG_PDFS is not None
    files = sorted(HAMBURG_PDFS.glob("*.pdf"))
    assert len(files) == 22
    for path in files:
        sections = load_file(path, HAMBURG_PDFS)
        pages = [s.page for s in sections]
        assert pages and pages == sorted(pages) and pages[0] >= 1, path.name
        assert len(PdfReader(path).pages) >= pages[-1], path.name
        words = {w for s in sections for w in " ".join((s.text, *s.heading_path)).split()}
        shipped = set(path.with_suffix(".txt").read_text(encoding="utf-8").split())
        assert len(words & shipped) >= 0.85 * len(shipped), path.name
        if path.name == "bussgeldkatalog-pdf-data.pdf":
            assert len(set(pages)) == 93 and sections[0].meta.title == "Bußgeldkatalog"
