"""The held-out town Amt Nordheide (bench/towns/nordheide): it loads like any town hall's
folder would.

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
TOWN = REPO / "bench" / "towns" / "nordheide"
KB = TOWN / "knowledge_base"
QUESTIONS = REPO / "bench" / "questions" / "nordheide.jsonl"
DAY = date(2026, 12, 9)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("index")
    report = build_index(IndexSettings(kb_dir=KB, index_dir=index), FakeEmbedder())
    assert report.skipped == (), report.skipped
    return index


@pytest.fixture(scope="module")
def meta(built: Path) -> dict:
    version = open_current(built, expect_model=None)
    try:
        return dict(version.document_meta())
    finally:
        version.close()


def records() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line]


def test_every_file_is_indexed_and_more_binary_than_markdown(meta: dict) -> None:
    suffixes = [Path(source).suffix for source in meta]
    assert 20 <= len(meta) <= 30
    assert suffixes.count(".pdf") + suffixes.count(".docx") > 2 * suffixes.count(".md")
    restricted = [source for source, m in meta.items() if m.groups]
    assert restricted == ["zentrale/personal/stellenbesetzung_intern.docx"]


def test_directory_loads_without_problems(meta: dict) -> None:
    directory = Directory.load(KB / "_verzeichnis", meta)
    assert directory.problems == []
    assert 20 <= len(directory.people) <= 30 and 28 <= len(directory.tasks) <= 40
    documented = {task for m in meta.values() for task in m.tasks}
    assert set(directory.tasks) - documented, "some tasks live in the directory only"
    assert sum(1 for m in meta.values() if not m.tasks) == 2, "two documents name no task"


def test_two_page_pdfs_put_the_procedure_on_page_two() -> None:
    two_page = [p for p in KB.rglob("*.pdf") if len(PdfReader(p).pages) == 2]
    with_steps = [
        p
        for p in two_page
        if "1. " in PdfReader(p).pages[1].extract_text()
        and "1. " not in PdfReader(p).pages[0].extract_text()
    ]
    assert len(with_steps) >= 5, with_steps


def test_absences_make_the_deputy_chain_matter_on_the_evaluation_day() -> None:
    directory = Directory.load(KB / "_verzeichnis")
    stand_ins = [
        task
        for task in directory.tasks
        if directory.who_handles(task, DAY).contact_role != RESPONSIBLE
    ]
    assert 10 <= len(stand_ins) <= 14, stand_ins


# Worked out by hand from abwesenheiten.csv/.ics with the rule in docs/directory.md.
STAND_INS_TODAY = {
    "sitzungsdienst_gemeinden": "mthomsen",  # CSV: leave before retirement 01.12.-31.01.
    "grundsteuer": "ojanssen",  # CSV: holiday 07.-18.12.
    "hundesteuer": "ojanssen",
    "feuerwehr_atemschutz": "ucarstens",  # ICS: one-day course on 09.12.
    "feuerwehr_einsatzabrechnung": "ucarstens",
    "meldewesen": "fheinsen",  # CSV: parental leave until 31.08.2027
    "pass_ausweis": "fheinsen",
    "strandkorb": "lpaulsen",  # CSV: absence with its own stand-in outside the chain
    # responsible and deputy away (CSV course 08.-10.12., ICS holiday by ORGANIZER
    # 03.-11.12.): the department head
    "grundstuecksverkehr": "fjensen",
    "pachtland": "fjensen",
    "jagdpacht": "fjensen",
}


def test_stand_ins_of_the_evaluation_day_are_the_hand_computed_ones() -> None:
    directory = Directory.load(KB / "_verzeichnis")
    found = {}
    for task in directory.tasks:
        contact = directory.who_handles(task, DAY)
        if contact.contact_role != RESPONSIBLE:
            assert contact.contact is not None, task
            found[task] = contact.contact.id
    assert found == STAND_INS_TODAY


def test_question_set_has_the_planned_kinds() -> None:
    kinds = [record["kind"] for record in records()]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "who": 30,
        "how": 22,
        "near": 14,
        "off": 8,
    }


def test_questions_name_tasks_people_and_documents_that_exist() -> None:
    directory = Directory.load(KB / "_verzeichnis")
    documents = [
        str(p.relative_to(KB))
        for p in KB.rglob("*")
        if p.is_file() and not p.name.endswith(".meta.yaml") and "_verzeichnis" not in p.parts
    ]
    for record in records():
        for relevant in record["relevant"]:
            assert any(relevant in doc for doc in documents), record
        for task in [record.get("task"), *record.get("other_tasks", [])]:
            assert task is None or task in directory.tasks, record
        if record["kind"] == "who":
            contact = directory.who_handles(record["task"], date.fromisoformat(record["day"]))
            assert contact.contact is not None and contact.contact.id == record["person_today"], (
                record
            )
        elif record["kind"] == "how":
            assert record["relevant"], record
        else:
            assert not record["relevant"] and record["task"] is None, record


def test_committed_binaries_match_their_sources(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "make_kb_documents.py"),
            "--sources",
            str(TOWN / "quellen"),
            "--kb",
            str(tmp_path),
            "--town",
            "Amt Nordheide",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for target in done.stdout.split():
        fresh, committed = tmp_path / target, KB / target
        if fresh.suffix == ".pdf":  # PDF bytes depend on the installed font file
            texts = [[p.extract_text() for p in PdfReader(f).pages] for f in (fresh, committed)]
            assert texts[0] == texts[1], f"{target} is stale: regenerate it"
        else:
            assert fresh.read_bytes() == committed.read_bytes(), f"{target} is stale"
