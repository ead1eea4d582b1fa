"""CSV documents (a fee table, a list of opening hours): header + rows as text lines.

Each row becomes one line "Leistung: Reisepass | Gebühr: 37,50 €", so a chunk cut from the
middle of the table still says what each value means. The delimiter (``;``, ``,`` or tab)
is taken from the header line; encoding as for text files (UTF-8, else Windows-1252).
The directory files in ``_verzeichnis/`` are not documents: the scanner ignores them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from indexer.errors import LoaderError
from indexer.loaders.text import read_text
from indexer.model import DocumentMeta, Section

_DELIMITERS = (";", ",", "\t")


def sniff_delimiter(header_line: str) -> str:
    """The candidate delimiter that occurs most in the header (``;`` wins ties)."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def load(path: Path, source: str) -> list[Section]:
    """One Section: a line per data row, each value labelled with its column."""
    text = read_text(path).strip()
    if not text:
        raise LoaderError("no text (only whitespace)")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("sep=") and len(first.strip()) == 5:  # Excel's hint line
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = sniff_delimiter(first)
    try:
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    except csv.Error as exc:
        raise LoaderError(f"malformed CSV: {exc}") from exc
    header = [h.strip() for h in rows[0]]
    lines = [row_text(header, row) for row in rows[1:]]
    lines = [line for line in lines if line]
    if not lines:
        raise LoaderError("CSV has a header but no rows")
    return [Section(source, (), "\n".join(lines), None, DocumentMeta())]


def row_text(header: list[str], row: list[str]) -> str:
    """ "column: value" pairs; extra cells without a column name are kept as they are."""
    parts: list[str] = []
    for index, raw in enumerate(row):
        value = " ".join(raw.split())
        if not value:
            continue
        name = header[index] if index < len(header) else ""
        parts.append(f"{name}: {value}" if name else value)
    return " | ".join(parts)
