"""The held-out town (bench/towns/lindenbach): it loads like any town hall's folder would.

Nothing is fitted on this town; these tests only promise that its files are well-formed, so
that the benchmark's figures measure the bot, not a broken knowledge base.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.directory import Directory
from tests.bench.towns import (
    REPO,
    assert_binaries_match_sources,
    indexed_meta,
    procedures_on_page_two,
    stand_ins,
)

TOWN = REPO / "bench" / "towns" / "lindenbach"
KB = TOWN / "knowledge_base"
QUESTION_FILES = [REPO / "bench" / "questions" / name
                  for name in ("lindenbach.jsonl", "lindenbach_b.jsonl")]


@pytest.fixture(scope="module")
def meta(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return indexed_meta(KB, tmp_path_factory.mktemp("index"))


def test_every_file_is_indexed_and_more_binary_than_markdown(meta: dict[str, Any]) -> None:
    suffixes = [Path(source).suffix for source in meta]
    assert 25 <= len(meta) <= 35
    assert suffixes.count(".pdf") + suffixes.count(".docx") > 2 * suffixes.count(".md")
    restricted = [source for source, m in meta.items() if m.groups]
    assert restricted == ["hauptamt/personal/einstellungsverfahren.pdf"]


def test_directory_loads_without_problems(meta: dict[str, Any]) -> None:
    directory = Directory.load(KB / "_verzeichnis", meta)
    assert directory.problems == []
    assert 25 <= len(directory.people) <= 40 and 30 <= len(directory.tasks) <= 50
    documented = {task for m in meta.values() for task in m.tasks}
    assert set(directory.tasks) - documented, "some tasks live in the directory only"
    assert any(not m.tasks for m in meta.values()), "some documents name no task"


def test_two_page_pdfs_put_the_procedure_on_page_two() -> None:
    with_steps = procedures_on_page_two(KB)
    assert len(with_steps) >= 4, with_steps


def test_absences_make_the_deputy_chain_matter_on_the_evaluation_day() -> None:
    found = stand_ins(Directory.load(KB / "_verzeichnis"))
    assert len(found) >= 8, found


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
    assert_binaries_match_sources(TOWN, "Gemeinde Lindenbach", tmp_path)
