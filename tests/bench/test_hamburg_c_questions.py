"""The held-out Hamburg set C (bench/questions/hamburg_c.jsonl) is well-formed.

These tests only check the file's shape against the real Hamburg service pages (never copied
into the repo): the counts per kind, that every in-scope question points at a page that exists,
and that no question is asked twice. They never run the bot or read its answers.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.answer_scoring import BenchQuestion, load_bench_questions

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "bench" / "questions" / "hamburg_c.jsonl"
CORPUS = next(
    (
        base / "hamburg_service"
        for base in (REPO.parent / "shared" / "data", Path("/work/shared/data"))
        if (base / "hamburg_service").is_dir()
    ),
    None,
)

pytestmark = pytest.mark.skipif(CORPUS is None, reason="shared Hamburg service data absent")


@pytest.fixture(scope="module")
def questions() -> list[BenchQuestion]:
    return load_bench_questions(QUESTIONS)


@pytest.fixture(scope="module")
def corpus_paths() -> list[str]:
    assert CORPUS is not None
    paths = [
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file() and path.suffix in (".md", ".pdf")
    ]
    assert paths
    return paths


def test_counts_per_kind(questions: list[BenchQuestion]) -> None:
    assert Counter(q.kind for q in questions) == {"how": 60, "near": 20, "off": 20}


def test_every_relevant_substring_names_a_corpus_file(
    questions: list[BenchQuestion], corpus_paths: list[str]
) -> None:
    in_scope = [q for q in questions if q.in_scope]
    assert all(q.relevant for q in in_scope)
    missing = [
        (q.question, substring)
        for q in in_scope
        for substring in q.relevant
        if not any(substring in path for path in corpus_paths)
    ]
    assert missing == []


def test_out_of_scope_questions_name_no_documents(questions: list[BenchQuestion]) -> None:
    assert all(not q.relevant for q in questions if not q.in_scope)


def test_no_question_is_asked_twice(questions: list[BenchQuestion]) -> None:
    texts = Counter(q.question.strip().casefold() for q in questions)
    assert [text for text, count in texts.items() if count > 1] == []
