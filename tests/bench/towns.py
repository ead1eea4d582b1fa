"""Checks every benchmark town's folder needs (bench/towns/*): its index, its title-page PDFs,
its stand-ins on the evaluation day, and binaries regenerated from their text sources."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bot.directory import RESPONSIBLE, Directory
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings
from indexer.store import open_current

REPO = Path(__file__).resolve().parents[2]
DAY = date(2026, 12, 9)  # the evaluation day of every town's questions


def indexed_meta(kb: Path, index: Path) -> dict[str, Any]:
    """Build ``kb`` into ``index`` (nothing may be skipped) and return its documents' meta."""
    report = build_index(IndexSettings(kb_dir=kb, index_dir=index), FakeEmbedder())
    assert report.skipped == (), report.skipped
    version = open_current(index, expect_model=None)
    try:
        return dict(version.document_meta())
    finally:
        version.close()


def procedures_on_page_two(kb: Path) -> list[Path]:
    """The two-page PDFs whose numbered procedure starts on page 2, not on page 1."""
    two_page = [p for p in kb.rglob("*.pdf") if len(PdfReader(p).pages) == 2]
    return [p for p in two_page if "1. " in PdfReader(p).pages[1].extract_text()
            and "1. " not in PdfReader(p).pages[0].extract_text()]  # fmt: skip


def stand_ins(directory: Directory, day: date = DAY) -> dict[str, str | None]:
    """Task id -> the person answering for it on ``day``, for the tasks whose responsible
    person does not (None when nobody does)."""
    found: dict[str, str | None] = {}
    for task in directory.tasks:
        contact = directory.who_handles(task, day)
        if contact.contact_role != RESPONSIBLE:
            found[task] = contact.contact.id if contact.contact is not None else None
    return found


def assert_binaries_match_sources(town: Path, name: str, out: Path) -> None:
    """Regenerate the town's PDF/DOCX/ODT files from ``quellen/`` into ``out`` and compare them
    with the committed ones (PDFs by their text: their bytes depend on the font file)."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_kb_documents.py"), "--sources",
         str(town / "quellen"), "--kb", str(out), "--town", name],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for target in done.stdout.split():
        fresh, committed = out / target, town / "knowledge_base" / target
        if fresh.suffix == ".pdf":
            texts = [[p.extract_text() for p in PdfReader(f).pages] for f in (fresh, committed)]
            assert texts[0] == texts[1], f"{target} is stale: regenerate it"
        else:
            assert fresh.read_bytes() == committed.read_bytes(), f"{target} is stale"
