"""The question sets on real documents are well-formed: Hamburg sets C and D
(bench/questions/hamburg_c.jsonl, hamburg_d.jsonl) on the Hamburg service pages, and the sets
on four Baden-Württemberg municipalities' bylaws (bw_swi.jsonl, bw_bbo.jsonl, bw_hno.jsonl,
bw_ehb.jsonl).

These tests only check each file's shape against its corpus in the shared data (never copied
into the repo): the counts per kind, that every in-scope question points at a page that exists,
that out-of-scope questions name none, and that no question is asked twice; for set D also
that it asks about none of the pages that answer a question of the earlier sets. They never run
the bot or read its answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bench.answer_scoring import BenchQuestion, load_bench_questions
from tests.indexer.loaders.conftest import shared_data

QUESTIONS = Path(__file__).resolve().parents[2] / "bench" / "questions"


@dataclass(frozen=True)
class QuestionSet:
    name: str
    kinds: dict[str, int]
    earlier: tuple[str, ...] = ()  # sets whose answering pages this one must not use
    corpus: str = "hamburg_service"  # below the shared data folder

    def questions(self) -> list[BenchQuestion]:
        return load_bench_questions(QUESTIONS / f"{self.name}.jsonl")


SETS = [
    QuestionSet("hamburg_c", {"how": 60, "near": 20, "off": 20}),
    QuestionSet("hamburg_d", {"how": 50, "near": 25, "off": 15}, ("hamburg", "hamburg_c")),
    QuestionSet("bw_swi", {"how": 50, "near": 15, "off": 10}, corpus="bw_ortsrecht/Lkr_LB/SWI"),
    QuestionSet("bw_bbo", {"how": 50, "near": 15, "off": 10}, corpus="bw_ortsrecht/Lkr_GP/BBO"),
    QuestionSet("bw_hno", {"how": 45, "near": 20, "off": 10}, corpus="bw_ortsrecht/Lkr_GP/HNO"),
    QuestionSet("bw_ehb", {"how": 40, "near": 15, "off": 10}, corpus="bw_ortsrecht/Lkr_GP/EHB"),
]


def _with_corpus(sets: list[QuestionSet]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        "question_set",
        [pytest.param(s, id=s.name, marks=pytest.mark.skipif(
            shared_data(s.corpus) is None, reason=f"shared data {s.corpus} absent"))
         for s in sets],
    )  # fmt: skip


by_set = _with_corpus(SETS)
with_earlier = _with_corpus([s for s in SETS if s.earlier])


@pytest.fixture
def corpus_paths(question_set: QuestionSet) -> list[str]:
    corpus = shared_data(question_set.corpus)
    assert corpus is not None
    paths = [
        path.relative_to(corpus).as_posix()
        for path in corpus.rglob("*")
        if path.is_file() and path.suffix in (".md", ".pdf")
    ]
    assert paths
    return paths


def _matched(substrings: set[str], corpus_paths: list[str]) -> set[str]:
    return {path for path in corpus_paths if any(s in path for s in substrings)}


@by_set
def test_counts_per_kind(question_set: QuestionSet) -> None:
    assert Counter(q.kind for q in question_set.questions()) == question_set.kinds


@by_set
def test_every_question_is_asked_on_the_same_day(question_set: QuestionSet) -> None:
    assert {q.day for q in question_set.questions()} == {date(2026, 12, 9)}


@by_set
def test_every_relevant_substring_names_a_corpus_file(
    question_set: QuestionSet, corpus_paths: list[str]
) -> None:
    in_scope = [q for q in question_set.questions() if q.in_scope]
    assert all(q.relevant for q in in_scope)
    missing = [
        (q.question, substring)
        for q in in_scope
        for substring in q.relevant
        if not any(substring in path for path in corpus_paths)
    ]
    assert missing == []


@by_set
def test_out_of_scope_questions_name_no_documents(question_set: QuestionSet) -> None:
    assert all(not q.relevant for q in question_set.questions() if not q.in_scope)


@by_set
def test_no_question_is_asked_twice(question_set: QuestionSet) -> None:
    texts = Counter(q.question.strip().casefold() for q in question_set.questions())
    assert [text for text, count in texts.items() if count > 1] == []


def _earlier(question_set: QuestionSet) -> list[BenchQuestion]:
    return [q for name in question_set.earlier
            for q in load_bench_questions(QUESTIONS / f"{name}.jsonl")]  # fmt: skip


@with_earlier
def test_no_page_answers_a_question_of_an_earlier_set(
    question_set: QuestionSet, corpus_paths: list[str]
) -> None:
    earlier_pages = _matched({s for q in _earlier(question_set) for s in q.relevant},
                             corpus_paths)  # fmt: skip
    assert earlier_pages
    overlap = {
        q.question: sorted(_matched(set(q.relevant), corpus_paths) & earlier_pages)
        for q in question_set.questions()
        if q.in_scope
    }
    assert {text: pages for text, pages in overlap.items() if pages} == {}


@with_earlier
def test_no_question_repeats_an_earlier_set(question_set: QuestionSet) -> None:
    earlier = {q.question.strip().casefold() for q in _earlier(question_set)}
    repeated = [q.question for q in question_set.questions()
                if q.question.strip().casefold() in earlier]  # fmt: skip
    assert repeated == []
