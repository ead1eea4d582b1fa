"""Generate the sample knowledge base's PDF, DOCX and ODT documents from Markdown-like sources.

Offices keep many documents as PDF, Word or LibreOffice files; the sample town hall must too.
Each source in ``scripts/kb_sources/`` is a small Markdown file with YAML front matter. The
key ``datei`` names the output path below ``knowledge_base/``; its suffix picks the format.
All other front-matter keys go into a sidecar ``<file>.meta.yaml`` beside the output, because
binary formats cannot carry the keys the indexer reads (see docs/interfaces.md).

Supported markup: ``#``/``##``/``###`` headings, paragraphs, ``- `` bullet lists, ``1. ``
numbered lists, pipe tables (first row = header) and ``**bold**`` inside text. A paragraph
line ending in ``<br>`` keeps its line break (letterheads, addresses); a line
``<!-- seitenumbruch -->`` starts a new page (PDF, DOCX).

The same script renders any town: ``--sources`` and ``--kb`` name the source and target
folders, ``--town`` the name printed in letterheads and document properties (the held-out
town in ``bench/towns/`` is generated this way).

Output is deterministic: fixed dates in every metadata field and in the zip entries.

Usage:  python scripts/make_kb_documents.py [--sources DIR] [--kb DIR] [--town NAME]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kb_render import AUTHOR, FIXED_TIME, render_docx, render_odt, render_pdf  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
META_KEYS = (
    "titel", "aufgaben", "zustaendig", "vertretung", "stichwoerter",
    "zugriff", "abteilung", "dokumenttyp", "zuletzt_geprueft",
)


@dataclass(frozen=True)
class Block:
    """One structural element of a source: heading, paragraph, list or table."""

    kind: str  # "h", "p", "ul", "ol", "table", "pagebreak"
    level: int = 0
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class SourceDoc:
    target: str
    meta: dict[str, Any]
    blocks: tuple[Block, ...]
    town: str = AUTHOR  # letterhead and author of the generated files

    @property
    def title(self) -> str:
        return str(self.meta.get("titel", Path(self.target).stem))

    @property
    def keywords(self) -> str:
        return ", ".join(str(k) for k in self.meta.get("stichwoerter", []))

    @property
    def department(self) -> str:
        return str(self.meta.get("abteilung", ""))


class SourceError(Exception):
    """A source file cannot be turned into a document."""


def read_source(path: Path, town: str = AUTHOR) -> SourceDoc:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    if not match:
        raise SourceError(f"{path}: missing YAML front matter")
    meta = yaml.safe_load(match.group(1)) or {}
    target = meta.pop("datei", None)
    if not target:
        raise SourceError(f"{path}: front matter lacks 'datei'")
    unknown = set(meta) - set(META_KEYS)
    if unknown:
        raise SourceError(f"{path}: unknown front-matter keys {sorted(unknown)}")
    return SourceDoc(str(target), meta, tuple(parse_blocks(match.group(2))), town)


PAGE_BREAK = "<!-- seitenumbruch -->"
HARD_BREAK = "<br>"


def join_lines(lines: list[str]) -> str:
    """A paragraph's source lines as one text; a line ending in ``<br>`` keeps its break."""
    parts: list[str] = []
    for line in lines:
        parts.append(line.removesuffix(HARD_BREAK).rstrip())
        parts.append("\n" if line.endswith(HARD_BREAK) else " ")
    return "".join(parts[:-1])


def parse_blocks(body: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    list_kind = ""
    rows: list[tuple[str, ...]] = []

    def flush() -> None:
        nonlocal list_kind
        if para:
            blocks.append(Block("p", text=join_lines(para)))
            para.clear()
        if items:
            blocks.append(Block(list_kind, items=tuple(items)))
            items.clear()
        if rows:
            blocks.append(Block("table", rows=tuple(rows)))
            rows.clear()

    for raw in body.splitlines():
        line = raw.strip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        bullet = re.match(r"^[-*]\s+(.*)$", line)
        number = re.match(r"^\d+\.\s+(.*)$", line)
        if not line:
            flush()
        elif line == PAGE_BREAK:
            flush()
            blocks.append(Block("pagebreak"))
        elif heading:
            flush()
            blocks.append(Block("h", level=len(heading.group(1)), text=heading.group(2)))
        elif line.startswith("|"):
            if para or items:
                flush()
            cells = tuple(c.strip() for c in line.strip("|").split("|"))
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                rows.append(cells)
        elif bullet or number:
            kind = "ul" if bullet else "ol"
            if para or rows or (items and kind != list_kind):
                flush()
            list_kind = kind
            items.append((bullet or number).group(1))  # type: ignore[union-attr]
        elif items and raw.startswith("  "):
            items[-1] += " " + line  # continuation of a list item
        else:
            if items or rows:
                flush()
            para.append(line)
    flush()
    return blocks


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (DOCX/ODT) with fixed entry dates, keeping order and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def write_sidecar(doc: SourceDoc, out_path: Path) -> None:
    meta = {key: doc.meta[key] for key in META_KEYS if key in doc.meta}
    sidecar = out_path.with_name(out_path.name + ".meta.yaml")
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None)
    sidecar.write_text(text, encoding="utf-8")


def render(doc: SourceDoc, out_path: Path) -> None:
    renderers = {".pdf": render_pdf, ".docx": render_docx, ".odt": render_odt}
    suffix = out_path.suffix.lower()
    if suffix not in renderers:
        raise SourceError(f"{doc.target}: unsupported output format {suffix}")
    data = renderers[suffix](doc)
    if suffix in (".docx", ".odt"):
        data = normalise_zip(data)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)
    write_sidecar(doc, out_path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=REPO / "scripts" / "kb_sources")
    parser.add_argument("--kb", type=Path, default=REPO / "knowledge_base")
    parser.add_argument("--town", default=AUTHOR, help="name in letterheads and properties")
    args = parser.parse_args(argv)
    sources = sorted(args.sources.rglob("*.md"))
    if not sources:
        print(f"no sources in {args.sources}", file=sys.stderr)
        return 1
    try:
        # Read and check every source before writing anything: a bad source changes nothing.
        docs = [read_source(path, args.town) for path in sources]
        targets = [doc.target for doc in docs]
        duplicates = sorted({t for t in targets if targets.count(t) > 1})
        if duplicates:
            raise SourceError(f"several sources write {duplicates}")
        for doc in docs:
            render(doc, args.kb / doc.target)
            print(doc.target)
    except (SourceError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
