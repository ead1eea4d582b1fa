"""What the PDF loader makes of a folder of PDFs: pages, sections, headings, exact pages.

For each PDF: pages in the file, pages with text, Sections, distinct heading paths, and how
many Sections are "page-exact": at least 95 % of their words (4+ letters) occur in pypdf's
plain text of the page the Section names. No embedding, nothing written.

    python bench/pdf_structure.py ../shared/data/hamburg_service/pdfs [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from indexer.errors import LoaderError  # noqa: E402
from indexer.loaders import load_file  # noqa: E402

_WORD = re.compile(r"[^\W\d_]{4,}")
EXACT_SHARE = 0.95


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _page_words(reader: PdfReader, page: int) -> set[str]:
    try:
        raw = reader.pages[page - 1].extract_text() or ""
    except Exception:  # the loader skipped it too
        return set()
    # a word hyphenated at a line end is one word for the loader
    return _words(raw) | _words(re.sub(r"-\s*\n\s*", "", raw))


def measure(path: Path) -> dict[str, Any]:
    reader = PdfReader(path)
    try:
        sections = load_file(path, path.parent)
    except LoaderError as exc:
        return {"file": path.name, "pages": len(reader.pages), "error": str(exc)}
    page_words: dict[int, set[str]] = {}
    exact = 0
    previous: tuple[str, ...] = ()
    for section in sections:
        assert section.page is not None
        if section.page not in page_words:
            page_words[section.page] = _page_words(reader, section.page)
        words = _words(section.text)
        if section.heading_path != previous:  # the heading is on this page, not one before
            words |= _words(" ".join(section.heading_path[-1:]))
        previous = section.heading_path
        if not words or len(words & page_words[section.page]) >= EXACT_SHARE * len(words):
            exact += 1
    return {
        "file": path.name,
        "pages": len(reader.pages),
        "pages_with_text": len({s.page for s in sections}),
        "sections": len(sections),
        "heading_paths": len({s.heading_path for s in sections if s.heading_path}),
        "page_exact": exact,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    rows = [measure(path) for path in sorted(args.folder.glob("*.pdf"))]
    keys = ("pages", "pages_with_text", "sections", "heading_paths", "page_exact")
    print("file".ljust(44) + "".join(k.rjust(16) for k in keys))
    for row in rows:
        print(row["file"][:43].ljust(44) + "".join(str(row.get(k, "-")).rjust(16) for k in keys))
    totals = {k: sum(int(r.get(k, 0)) for r in rows) for k in keys}
    print("total".ljust(44) + "".join(str(totals[k]).rjust(16) for k in keys))
    if args.json:
        args.json.write_text(json.dumps({"files": rows, "total": totals}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
