"""The held-out town (bench/towns/lindenbach): it loads like any town hall's folder would.

Nothing is fitted on this town; these tests only promise that its files are well-formed, so
that the benchmark's figures measure the bot, not a broken knowledge base.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.directory import RESPONSIBLE, Directory
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings
from indexer.store import open_current

REPO = Path(__file__).resolve().parents[2]
TOWN = REPO / "bench" / "towns" / "lindenbach"
KB = TOWN / "knowledge_base"
QUESTION_FILES = [REPO / "bench" / "questions" / name
                  for name in ("lindenbach.jsonl", "lindenbach_b.jsonl")]
DAY = date(2026, 12, 9)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("index")
    report = build_index(IndexSettings(kb_dir=KB, index_dir=index), FakeEmbedder())
    assert report.skipped == (), report.skipped
    return index


def test_every_file_is_indexed_and_more_binary_than_markdown(built: Path) -> None:
    version = open_current(built, expect_model=None)
    try:
        meta = dict(version.document_meta())
    finally:
        version.close()
    suffixes = [Path(source).suffix for source in meta]
    assert 25 <= len(meta) <= 35
    assert suffixes.count(".pdf") + suffixes.count(".docx") > 2 * suffixes.count(".md")
    restricted = [source for source, m in meta.items() if m.groups]
    assert restricted == ["hauptamt/personal/einstellungsverfahren.pdf"]


def test_directory_loads_without_problems(built: Path) -> None:
    version = open_current(built, expect_model=None)
    try:
        meta = dict(version.document_meta())
    finally:
        version.close()
    directory = Directory.load(KB / "_verzeichnis", meta)
    assert directory.problems == []
    assert 25 <= len(directory.people) <= 40 and 30 <= len(directory.tasks) <= 50
    documented = {task for m in meta.values() for task in m.tasks}
    assert set(directory.tasks) - documented, "some tasks live in the directory only"
    assert any(not m.tasks for m in meta.values()), "some documents name no task"


def test_two_page_pdfs_put_the_procedure_on_page_two() -> None:
    two_page = [p for p in KB.rglob("*.pdf") if len(PdfReader(p).pages) == 2]
    with_steps = [p for p in two_page if "1. " in PdfReader(p).pages[1].extract_text()
                  and "1. " not in PdfReader(p).pages[0].extract_text()]
    assert len(with_steps) >= 4, with_steps


def test_absences_make_the_deputy_chain_matter_on_the_evaluation_day() -> None:
    directory = Directory.load(KB / "_verzeichnis")
    stand_ins = [task for task in directory.tasks
                 if directory.who_handles(task, DAY).contact_role != RESPONSIBLE]
    assert len(stand_ins) >= 8, stand_ins


@pytest.mark.parametrize("questions", QUESTION_FILES, ids=lambda p: p.stem)
def test_who_questions_name_people_the_directory_knows(questions: Path) -> None:
    directory = Directory.load(KB / "_verzeichnis")
    records = [json.loads(line) for line in questions.read_text("utf-8").splitlines() if line]
    for record in records:
        if record["kind"] == "who":
            assert record["task"] in directory.tasks, record
            contact = directory.who_handles(record["task"], date.fromisoformat(record["day"]))
            assert contact.contact is not None and contact.contact.id == record[
                "person_today"], record


def test_committed_binaries_match_their_sources(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_kb_documents.py"), "--sources",
         str(TOWN / "quellen"), "--kb", str(tmp_path), "--town", "Gemeinde Lindenbach"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    for target in done.stdout.split():
        fresh, committed = tmp_path / target, KB / target
        if fresh.suffix == ".pdf":  # PDF bytes depend on the installed font file
            texts = [[p.extract_text() for p in PdfReader(f).pages] for f in (fresh, committed)]
            assert texts[0] == texts[1], f"{target} is stale: regenerate it"
        else:
            assert fresh.read_bytes() == committed.read_bytes(), f"{target} is stale"
