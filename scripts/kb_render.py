"""Renderers for make_kb_documents.py: one source document -> PDF, DOCX or ODT bytes.

Each renderer takes a parsed source (``title``, ``keywords``, ``department``, ``blocks``) and
returns the file's bytes. Headings become real headings of the format (bold PDF headings,
Word "Heading N" styles, ODF ``text:h`` with outline levels), so loaders can split sections.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXED_TIME = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
AUTHOR = "Stadt Musterstadt"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Without a Unicode TTF, fpdf2's core fonts know Latin-1 only.
LATIN1_REPLACEMENTS = {"„": '"', "“": '"', "”": '"', "–": "-", "—": "-", "•": "-", "…": "..."}


def bold_runs(text: str) -> list[tuple[str, bool]]:
    """Split ``**bold**`` markup into (text, is_bold) runs."""
    parts = re.split(r"\*\*(.+?)\*\*", text)
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


def plain(text: str) -> str:
    return text.replace("**", "")


# ---------------------------------------------------------------- PDF (fpdf2)

def _pdf_class() -> Any:
    from fpdf import FPDF

    class TownHallPDF(FPDF):  # type: ignore[misc]
        header_text = ""
        font_family_name = "Helvetica"

        def header(self) -> None:
            self.set_font(self.font_family_name, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, self.header_text, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(self.font_family_name, "", 8)
            self.cell(0, 10, f"Seite {self.page_no()} von {{nb}}", align="C")

    return TownHallPDF


def _pdf_text(pdf: Any, text: str) -> str:
    if pdf.font_family_name != "Helvetica":
        return text
    for char, repl in LATIN1_REPLACEMENTS.items():
        text = text.replace(char, repl)
    return text


def _pdf_setup(doc: Any) -> Any:
    pdf = _pdf_class()(format="A4")
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.font_family_name = "DejaVu"
    town = getattr(doc, "town", AUTHOR)
    pdf.header_text = _pdf_text(pdf, f"{town} – {doc.department}")
    pdf.set_title(_pdf_text(pdf, doc.title))
    pdf.set_keywords(_pdf_text(pdf, doc.keywords))
    pdf.set_author(town)
    pdf.set_subject(_pdf_text(pdf, doc.department))
    pdf.set_creator("scripts/make_kb_documents.py")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    return pdf


def _pdf_heading(pdf: Any, level: int, text: str) -> None:
    size = {1: 16, 2: 13, 3: 11.5}[level]
    if pdf.get_y() > pdf.h - 50:  # never leave a heading alone at the page bottom
        pdf.add_page()
    pdf.ln(4 if level > 1 else 0)
    pdf.set_font(pdf.font_family_name, "B", size)
    pdf.multi_cell(0, size * 0.5, _pdf_text(pdf, plain(text)), align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(pdf.font_family_name, "", 10.5)


def _pdf_list(pdf: Any, items: tuple[str, ...], numbered: bool) -> None:
    for number, item in enumerate(items, 1):
        label = f"{number}." if numbered else "•" if pdf.font_family_name != "Helvetica" else "-"
        pdf.set_x(pdf.l_margin + 3)
        pdf.cell(7, 5.5, label)
        pdf.multi_cell(0, 5.5, _pdf_text(pdf, item), markdown=True, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)
    pdf.ln(1.5)


def _pdf_table(pdf: Any, rows: tuple[tuple[str, ...], ...]) -> None:
    pdf.set_font(pdf.font_family_name, "", 9.5)
    with pdf.table(line_height=5.5, text_align="LEFT", first_row_as_headings=True) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(_pdf_text(pdf, plain(value)))
    pdf.ln(3)
    pdf.set_font(pdf.font_family_name, "", 10.5)


def render_pdf(doc: Any) -> bytes:
    pdf = _pdf_setup(doc)
    pdf.set_font(pdf.font_family_name, "", 10.5)
    for block in doc.blocks:
        if block.kind == "h":
            _pdf_heading(pdf, block.level, block.text)
        elif block.kind == "p":
            pdf.multi_cell(0, 5.5, _pdf_text(pdf, block.text), markdown=True, align="L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        elif block.kind in ("ul", "ol"):
            _pdf_list(pdf, block.items, block.kind == "ol")
        elif block.kind == "table":
            _pdf_table(pdf, block.rows)
        elif block.kind == "pagebreak":
            pdf.add_page()
    return bytes(pdf.output())


# ---------------------------------------------------------------- DOCX (python-docx)

def _docx_runs(paragraph: Any, text: str) -> None:
    for part, is_bold in bold_runs(text):
        paragraph.add_run(part).bold = is_bold or None


def render_docx(doc: Any) -> bytes:
    from docx import Document

    document = Document()
    props = document.core_properties
    props.title, props.keywords, props.subject = doc.title, doc.keywords, doc.department
    props.author = props.last_modified_by = getattr(doc, "town", AUTHOR)
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    for block in doc.blocks:
        if block.kind == "h":
            document.add_heading(plain(block.text), level=block.level)
        elif block.kind == "p":
            _docx_runs(document.add_paragraph(), block.text)
        elif block.kind in ("ul", "ol"):
            style = "List Bullet" if block.kind == "ul" else "List Number"
            for item in block.items:
                _docx_runs(document.add_paragraph(style=style), item)
        elif block.kind == "table":
            table = document.add_table(rows=0, cols=len(block.rows[0]), style="Table Grid")
            for index, row in enumerate(block.rows):
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(plain(value))
                    run.bold = index == 0 or None
            document.add_paragraph()
        elif block.kind == "pagebreak":
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- ODT (odfpy)

def _odt_styles(document: Any) -> dict[str, Any]:
    from odf.style import (
        ListLevelProperties,
        ParagraphProperties,
        Style,
        TableCellProperties,
        TextProperties,
    )
    from odf.text import ListLevelStyleBullet, ListLevelStyleNumber, ListStyle

    styles: dict[str, Any] = {}
    for level, size in ((1, "16pt"), (2, "13pt"), (3, "11.5pt")):
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}",
                      family="paragraph", defaultoutlinelevel=str(level))
        style.addElement(ParagraphProperties(margintop="0.35cm", marginbottom="0.2cm"))
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        document.styles.addElement(style)
        styles[f"h{level}"] = style
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    body.addElement(ParagraphProperties(marginbottom="0.2cm"))
    document.styles.addElement(body)
    bold = Style(name="Fett", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    cell = Style(name="Zelle", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    bullets = ListStyle(name="Aufzaehlung")
    bullet_level = ListLevelStyleBullet(level="1", bulletchar="•")
    bullet_level.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.5cm"))
    bullets.addElement(bullet_level)
    numbers = ListStyle(name="Nummerierung")
    number_level = ListLevelStyleNumber(level="1", numformat="1", numsuffix=".")
    number_level.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.6cm"))
    numbers.addElement(number_level)
    for style in (bold, cell, bullets, numbers):
        document.automaticstyles.addElement(style)
    styles.update(body=body, bold=bold, cell=cell, ul=bullets, ol=numbers)
    return styles


def _odt_paragraph(text: str, styles: dict[str, Any]) -> Any:
    from odf.text import P, Span

    paragraph = P(stylename=styles["body"])
    for part, is_bold in bold_runs(text):
        paragraph.addElement(Span(stylename=styles["bold"], text=part) if is_bold
                             else Span(text=part))
    return paragraph


def _odt_table(rows: tuple[tuple[str, ...], ...], styles: dict[str, Any], name: str) -> Any:
    from odf.table import Table, TableCell, TableColumn, TableRow

    table = Table(name=name)
    table.addElement(TableColumn(numbercolumnsrepeated=len(rows[0])))
    for index, row in enumerate(rows):
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string", stylename=styles["cell"])
            text = f"**{plain(value)}**" if index == 0 else value
            cell.addElement(_odt_paragraph(text, styles))
            table_row.addElement(cell)
        table.addElement(table_row)
    return table


def render_odt(doc: Any) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem

    document = OpenDocumentText()
    styles = _odt_styles(document)
    document.meta.addElement(dc.Title(text=doc.title))
    document.meta.addElement(dc.Subject(text=doc.department))
    document.meta.addElement(dc.Creator(text=getattr(doc, "town", AUTHOR)))
    document.meta.addElement(dc.Date(text=FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%S")))
    document.meta.addElement(meta.CreationDate(text=FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%S")))
    for keyword in doc.meta.get("stichwoerter", []):
        document.meta.addElement(meta.Keyword(text=str(keyword)))
    tables = 0
    for block in doc.blocks:
        if block.kind == "h":
            heading_style = styles[f"h{block.level}"]
            document.text.addElement(H(outlinelevel=block.level, stylename=heading_style,
                                       text=plain(block.text)))
        elif block.kind == "p":
            document.text.addElement(_odt_paragraph(block.text, styles))
        elif block.kind in ("ul", "ol"):
            odf_list = List(stylename=styles[block.kind])
            for item in block.items:
                list_item = ListItem()
                list_item.addElement(_odt_paragraph(item, styles))
                odf_list.addElement(list_item)
            document.text.addElement(odf_list)
        elif block.kind == "table":
            tables += 1
            document.text.addElement(_odt_table(block.rows, styles, f"Tabelle{tables}"))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
