"""DOCX via python-docx: headings from heading styles, tables as text rows.

A paragraph styled "Heading N" (or the German "Überschrift N", or "Title"/"Titel") opens a
Section at level N. List paragraphs (Word numbering or a list style) get their marker back
("1.", "•"), since Word keeps it out of the text; a paragraph that merely continues the
sentence of the one before (Enter pressed at a line end) is joined to it. Tables become lines
"a | b | c", in document order with the paragraphs. Title and keywords come from the
document's core properties.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer.errors import LoaderError
from indexer.loaders.office_lists import ListMarkers, docx_list_kind
from indexer.loaders.paragraphs import continues, join
from indexer.loaders.zipped import check_unpacked_size
from indexer.model import DocumentMeta, Section

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|ueberschrift|titre|kop)\s*(\d)$", re.I)
_TITLE_STYLE = {"title", "titel"}


class HeadingSections:
    """Collects body lines under a heading stack; shared by the DOCX and ODT loaders."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.stack: list[tuple[int, str]] = []
        self.body: list[str] = []
        self.parts: list[tuple[tuple[str, ...], str]] = []
        self.first_heading = ""
        self.started = False

    def heading(self, level: int, title: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))
        self.first_heading = self.first_heading or title
        self.started = True

    def line(self, text: str) -> None:
        self.body.append(text)

    def paragraph(self, text: str) -> None:
        """A paragraph; one that continues the sentence of the paragraph before joins it."""
        last = self.body[-1] if self.body else ""
        if last.endswith("\n") and continues(last, text, wide=len(last)):
            self.body[-1] = join(last, text) + "\n"
        else:
            self.body.append(text + "\n")

    def item(self, marker: str, text: str) -> None:
        """A list item: its own line, items of one list without blank lines between them."""
        self.body.append(f"{marker} {text}")  # a paragraph before ends in "\n": a blank line

    def end_list(self) -> None:
        if self.body and self.body[-1] and not self.body[-1].endswith("\n"):
            self.body.append("")

    def flush(self) -> None:
        text = "\n".join(self.body).strip()
        self.body = []
        if self.started or text:
            self.parts.append((tuple(t for _, t in self.stack), text))

    def sections(self, meta: DocumentMeta) -> list[Section]:
        self.flush()
        return [Section(self.source, path, text, None, meta) for path, text in self.parts]


def load(path: Path, source: str) -> list[Section]:
    """Sections at heading-styled paragraphs; core title, else the first heading."""
    document = _open(path)
    collector = HeadingSections(source)
    markers = ListMarkers()
    for kind, item in _blocks(document):
        text = "" if kind == "table" else item.text.strip()
        list_kind = docx_list_kind(document, item) if text else None
        if list_kind is None:
            markers.reset()
            collector.end_list()
        if kind == "table":
            for row in table_rows(item):
                collector.line(row)
            collector.line("")
        elif not text:
            collector.line("")  # an empty paragraph separates paragraphs
        elif level := _style_heading_level(item.style):
            collector.heading(level, " ".join(text.split()))
        elif list_kind is not None:
            collector.item(markers.next(*list_kind), text)
        else:
            collector.paragraph(text)
    props = document.core_properties
    title = (props.title or "").strip() or collector.first_heading
    keywords = tuple(k.strip() for k in re.split(r"[,;]", props.keywords or "") if k.strip())
    return collector.sections(DocumentMeta(title=title, keywords=keywords))


def _open(path: Path) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(path):
        raise LoaderError("corrupt DOCX: damaged or truncated ZIP container")
    check_unpacked_size(path, "DOCX")
    try:
        return docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise LoaderError("not a DOCX file (no Word document inside the ZIP)") from exc
    except OSError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors
        raise LoaderError(f"corrupt DOCX: {str(exc)[:160] or type(exc).__name__}") from exc


def heading_level(style_name: str) -> int:
    """1..9 for heading styles, 1 for the title style, 0 for everything else."""
    name = style_name.strip()
    if name.lower() in _TITLE_STYLE:
        return 1
    match = _HEADING_STYLE.match(name)
    return int(match.group(1)) if match and match.group(1) != "0" else 0


def _style_heading_level(style: Any) -> int:
    """The heading level of a style or of the style it is based on (custom heading styles)."""
    for _ in range(5):
        if style is None:
            return 0
        level = heading_level(getattr(style, "name", "") or "")
        if level:
            return level
        style = getattr(style, "base_style", None)
    return 0


def _blocks(document: Any) -> Iterator[tuple[str, Any]]:
    """Paragraphs and tables of the body in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield "paragraph", Paragraph(child, document)
        elif tag == "tbl":
            yield "table", Table(child, document)


def table_rows(table: Any) -> list[str]:
    """Each row as "a | b | c"; merged cells repeat in python-docx, so repeats are dropped."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous: Any = None
        for cell in row.cells:
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows
