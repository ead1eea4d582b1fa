"""ODT via odfpy: ``text:h`` outline levels as headings, paragraphs, lists and tables.

List items get their marker back ("1." for a numbering list style, else "•"); a paragraph
that merely continues the sentence of the one before is joined to it. Tables become lines
"a | b | c". Title and keywords come from the document's meta data (``dc:title``,
``meta:keyword``), the title else from the first heading.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer.errors import LoaderError
from indexer.loaders.docx import HeadingSections
from indexer.loaders.office_lists import ListKind, ListMarkers, odt_list_numbered
from indexer.loaders.zipped import check_unpacked_size
from indexer.model import DocumentMeta, Section

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
# Containers whose children are walked (sections, lists, frames inside paragraphs are not).
_CONTAINERS = {(_TEXT, "section"), (_TEXT, "list-header")}
_LIST, _ITEM = (_TEXT, "list"), (_TEXT, "list-item")
Block = tuple[str, Any, ListKind | None]


def load(path: Path, source: str) -> list[Section]:
    """Sections at ``text:h`` elements; tables as text rows."""
    document = _open(path)
    collector = HeadingSections(source)
    markers = ListMarkers()
    for kind, element, list_kind in _blocks(document, document.text):
        if kind != "item":
            markers.reset()
            collector.end_list()
        if kind == "heading":
            title = " ".join(_text_of(element).split())
            if title:
                collector.heading(_outline_level(element), title)
        elif kind == "table":
            for row in _table_rows(element):
                collector.line(row)
            collector.line("")
        elif kind == "item" and list_kind is not None:
            text = " ".join(_text_of(element).split())
            if text:
                collector.item(markers.next(*list_kind), text)
        else:
            text = _text_of(element).strip()
            if text:
                collector.paragraph(text)
            else:
                collector.line("")
    title, keywords = _properties(document)
    meta = DocumentMeta(title=title or collector.first_heading, keywords=keywords)
    return collector.sections(meta)


def _open(path: Path) -> Any:
    from odf.opendocument import load as load_odf

    if not zipfile.is_zipfile(path):
        raise LoaderError("corrupt ODT: damaged or truncated ZIP container")
    check_unpacked_size(path, "ODT")
    try:
        document = load_odf(str(path))
    except OSError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError for a missing content.xml, XML errors
        raise LoaderError(f"corrupt ODT: {str(exc)[:160] or type(exc).__name__}") from exc
    if getattr(document, "text", None) is None:
        raise LoaderError("not an ODT text document (spreadsheet or presentation?)")
    return document


def _blocks(
    document: Any, parent: Any, numbered: bool = False, level: int = -1
) -> Iterator[Block]:
    for child in parent.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (_TEXT, "h"):
            yield "heading", child, None
        elif qname == (_TEXT, "p"):
            yield "paragraph", child, None
        elif qname == (_TABLE, "table"):
            yield "table", child, None
        elif qname == _LIST:
            style = child.attributes.get((_TEXT, "style-name"))
            nested = odt_list_numbered(document, style) if style else numbered
            yield from _blocks(document, child, nested, level + 1)
        elif qname == _ITEM:
            yield from _list_item(document, child, numbered, max(level, 0))
        elif qname in _CONTAINERS:
            yield from _blocks(document, child, numbered, level)


def _list_item(document: Any, item: Any, numbered: bool, level: int) -> Iterator[Block]:
    """The item's first paragraph carries the marker; nested lists follow as their items."""
    first = True
    for kind, element, kind_of_list in _blocks(document, item, numbered, level):
        if kind == "paragraph" and first:
            yield "item", element, (numbered, level)
        else:
            yield kind, element, kind_of_list
        first = first and kind not in ("paragraph", "item")


def _outline_level(element: Any) -> int:
    raw = element.attributes.get((_TEXT, "outline-level"), "1")
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def _text_of(element: Any) -> str:
    from odf import teletype

    return str(teletype.extractText(element))


def _table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    for row in _descendants(table, (_TABLE, "table-row")):
        cells = [
            " ".join(_text_of(cell).split())
            for cell in row.childNodes
            if getattr(cell, "qname", None) == (_TABLE, "table-cell")
        ]
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _descendants(parent: Any, qname: tuple[str, str]) -> Iterator[Any]:
    """Rows sit directly in the table or inside header-rows/row-groups; nested tables skip."""
    for child in parent.childNodes:
        child_qname = getattr(child, "qname", None)
        if child_qname == qname:
            yield child
        elif child_qname in (
            (_TABLE, "table-header-rows"),
            (_TABLE, "table-rows"),
            (_TABLE, "table-row-group"),
        ):
            yield from _descendants(child, qname)


def _properties(document: Any) -> tuple[str, tuple[str, ...]]:
    title = ""
    keywords: list[str] = []
    for child in getattr(document.meta, "childNodes", []):
        qname = getattr(child, "qname", None)
        if qname == (_DC, "title"):
            title = _text_of(child).strip()
        elif qname == (_META, "keyword"):
            keywords.extend(k.strip() for k in _text_of(child).split(",") if k.strip())
    return title, tuple(keywords)
