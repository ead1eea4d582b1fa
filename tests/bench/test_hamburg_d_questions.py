"""The held-out Hamburg set D (bench/questions/hamburg_d.jsonl) is well-formed.

These tests only check the file's shape against the real Hamburg service pages (never copied
into the repo): the counts per kind, that every in-scope question points at a page that exists,
that no question is asked twice, and that set D asks about none of the pages that answer a
question of the earlier sets (hamburg.jsonl, hamburg_c.jsonl). They never run the bot or read
its answers.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.answer_scoring import BenchQuestion, load_bench_questions

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "bench" / "questions" / "hamburg_d.jsonl"
EARLIER = [REPO / "bench" / "questions" / name for name in ("hamburg.jsonl", "hamburg_c.jsonl")]
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


def _matched(substrings: set[str], corpus_paths: list[str]) -> set[str]:
    return {path for path in corpus_paths if any(s in path for s in substrings)}


def test_counts_per_kind(questions: list[BenchQuestion]) -> None:
    assert Counter(q.kind for q in questions) == {"how": 50, "near": 25, "off": 15}


def test_every_question_is_asked_on_the_same_day(questions: list[BenchQuestion]) -> None:
    assert {q.day for q in questions} == {date(2026, 12, 9)}


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


def test_no_page_answers_a_question_of_an_earlier_set(
    questions: list[BenchQuestion], corpus_paths: list[str]
) -> None:
    earlier = {s for path in EARLIER for q in load_bench_questions(path) for s in q.relevant}
    earlier_pages = _matched(earlier, corpus_paths)
    assert earlier_pages
    overlap = {
        q.question: sorted(_matched(set(q.relevant), corpus_paths) & earlier_pages)
        for q in questions
        if q.in_scope
    }
    assert {text: pages for text, pages in overlap.items() if pages} == {}


def test_no_question_repeats_an_earlier_set(questions: list[BenchQuestion]) -> None:
    earlier = {
        q.question.strip().casefold() for path in EARLIER for q in load_bench_questions(path)
    }
    assert [q.question for q in questions if q.question.strip().casefold() in earlier] == []
