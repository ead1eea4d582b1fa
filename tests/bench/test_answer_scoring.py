"""The held-out benchmark's scoring (bench/answer_scoring.py, bench/reference_retriever.py)
on tiny hand-made cases, so that its figures cannot silently change meaning."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

import pytest

from bench.answer_scoring import (
    BenchQuestion,
    Outcome,
    collapse,
    duplicate_key,
    first_relevant_rank,
    outcome_from_answer,
    parse_bench_question,
    retrieval_measures,
    summarise,
    verdict,
)
from bench.answer_table import markdown_table
from bench.reference_retriever import ReferenceRetriever, rrf, windows
from bot.assistant import Answer, Contact, Responsibility, SourceRef
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.search import Searcher
from indexer.settings import IndexSettings

DAY = date(2026, 12, 9)


def question(kind: str, relevant: tuple[str, ...] = (), task: str | None = None,
             person: str | None = None) -> BenchQuestion:
    return BenchQuestion("frage", kind, relevant, task, person, DAY)


def test_outcome_reads_the_bots_answer_structure() -> None:
    contact = Contact(person_id="jfranke", name="Jonas Franke")
    answer = Answer("frage", True, 0.9, task_id="hundesteuer",
                    who=Responsibility(contact, ("abwesend",), True),
                    sources=(SourceRef("Hundesteuer", "kaemmerei/hundesteuer.pdf", page=2),))
    outcome = outcome_from_answer(question("who", task="hundesteuer", person="jfranke"),
                                  asdict(answer))
    assert (outcome.found, outcome.task_id, outcome.person_id) == (
        True, "hundesteuer", "jfranke")
    assert outcome.sources == ("kaemmerei/hundesteuer.pdf",)
    assert not outcome.uncertain and outcome.confidence == 0.9
    unsure = outcome_from_answer(question("near"), asdict(replace(answer, uncertain=True)))
    assert unsure.uncertain
    refused = outcome_from_answer(question("off"), asdict(Answer("frage", False, 0.1)))
    assert not refused.found and refused.person_id is None
    offering = Answer("frage", False, 0.1, topics=("Hundesteuer", "Merkblatt Hunde"))
    offered = outcome_from_answer(question("who"), asdict(offering), {"Hundesteuer": "hst"})
    assert offered.offered == ("hst",)  # a document title is no task


def test_verdicts_and_summary_on_a_hand_made_case() -> None:
    outcomes = [
        Outcome(question("who", ("a/doc",), "t1", "p1"), True, "t1", "p1", ()),  # right task
        Outcome(question("who", (), "t2", "p2"), True, "t9", "p9", ("b/x.md",)),  # wrong
        Outcome(question("how", ("a/doc",)), True, None, None, ("z.md", "a/doc.pdf"),
                uncertain=True),  # right, with the warning line
        Outcome(question("how", ("a/doc",)), False),  # refused
        Outcome(question("near"), True, "t1", "p1", ("a/doc.pdf",), uncertain=True),  # answered
        Outcome(question("near"), False),
        Outcome(question("off"), False),
        Outcome(question("who", (), "t3", "p3"), False, offered=("t7", "t3")),  # one click
        Outcome(question("who", (), "t4", "p4"), False, offered=("t7",)),
    ]
    assert [verdict(o) for o in outcomes] == [
        "right", "wrong", "right", "refused", "answered", "refused", "refused", "refused",
        "refused"]
    summary = summarise(outcomes)
    assert (summary["in_scope"], summary["right"], summary["wrong"], summary["refused"]) == (
        6, 2, 1, 3)
    assert summary["right_rate"] == round(2 / 6, 4)
    assert (summary["who_refused"], summary["who_refused_offered"]) == (2, 1)
    assert (summary["near_answered"], summary["near_n"], summary["off_answered"]) == (1, 2, 0)
    assert summary["out_answered_rate"] == round(1 / 3, 4)
    assert (summary["who_person_right"], summary["who_person_n"]) == (1, 4)
    assert summary["uncertain"] == {"right": 1, "answered": 1}
    table = markdown_table([{"kb": "x", "held_out": True, "answers": summary,
                             "retrieval": {"hybrid": retrieval_measures([1, None])}}])
    assert "2/6 (33 %)" in table and "x (held out)" in table and "| 1/2 |" in table


def test_bad_question_lines_are_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        parse_bench_question({"question": "q", "kind": "maybe", "day": "2026-12-09"}, "f:1")
    with pytest.raises(ValueError, match="relevant"):
        parse_bench_question({"question": "q", "kind": "how", "day": "2026-12-09"}, "f:2")


def test_duplicates_count_once() -> None:
    assert duplicate_key("pdfs/VS-10.pdf", "service") == duplicate_key("pdfs/VS-10.txt",
                                                                       "service")
    assert duplicate_key("md/Hund_abmelden_-_Altona_Amt__1.md", "service") == "Hund_abmelden"
    assert duplicate_key("a/b.pdf") != duplicate_key("c/b.pdf")  # path rule keeps folders
    ranked = ["md/Hund_abmelden_-_A.md", "md/Hund_abmelden_-_B.md", "md/Pass_-_C.md"]
    assert first_relevant_rank(ranked, ["/Pass_"]) == 3
    assert first_relevant_rank(collapse(ranked, "service"), ["/Pass_"]) == 2
    assert retrieval_measures([1, 2, None, 10, 11]) == {
        "r1": 0.2, "r5": 0.4, "mrr10": round((1 + 0.5 + 0.1) / 5, 4), "n": 5}


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    kb = tmp_path_factory.mktemp("kb")
    body = "# Hund abmelden\n\nDen Hund innerhalb von zwei Wochen abmelden, Hund Hund.\n"
    for district in ("Altona", "Harburg"):
        (kb / f"Hund_abmelden_-_{district}_Amt.md").write_text(body, "utf-8")
    (kb / "Reisepass_beantragen_-_Amt.md").write_text(
        "# Reisepass\n\nDen Reisepass beantragen: Foto, Gebühr 70 Euro. Hund nicht nötig.\n",
        "utf-8")
    index = tmp_path_factory.mktemp("index")
    build_index(IndexSettings(kb_dir=kb, index_dir=index), FakeEmbedder())
    return kb, index


def test_retrieval_ranks_on_a_real_tiny_index(tiny_index: tuple[Path, Path]) -> None:
    _, index = tiny_index
    searcher = Searcher(index, FakeEmbedder())
    found = searcher.search("Hund abmelden zwei Wochen", k=10, mode="bm25")
    hits = [h.source for h in found]
    # The two district copies are one content group: one hit, naming the other copy.
    assert len(hits) == 2 and hits[-1].startswith("Reisepass")
    assert len(found[0].also_in) == 1 and found[0].also_in[0].startswith("Hund_abmelden_-_")
    assert first_relevant_rank(hits, ["Reisepass_"]) == 2
    copies = [*hits[:1], *found[0].also_in, *hits[1:]]  # as a search without groups ranked
    assert first_relevant_rank(copies, ["Reisepass_"]) == 3
    assert first_relevant_rank(collapse(copies, "service"), ["Reisepass_"]) == 2


def test_reference_retriever_fuses_and_returns_one_hit_per_page(
        tiny_index: tuple[Path, Path], tmp_path: Path) -> None:
    assert rrf([[1, 2], [2, 3]]) == {1: 1 / 61, 2: 1 / 62 + 1 / 61, 3: 1 / 62}
    assert [len(w.split()) for w in windows(" ".join(["w"] * 250))] == [120, 120, 10]
    kb, _ = tiny_index
    pages = {p.name: p.read_text("utf-8") for p in kb.glob("*.md")}
    cache = tmp_path / "ref.npz"
    reference = ReferenceRetriever(pages, FakeEmbedder(), cache)
    ranked = reference.search("Reisepass Gebühr Foto", k=10)
    assert sorted(ranked) == sorted(pages) and ranked[0].startswith("Reisepass")
    assert cache.is_file()  # a second retriever reads the vectors instead of embedding
    assert ReferenceRetriever(pages, FakeEmbedder(), cache).search("Reisepass", k=1) == [
        ranked[0]]


def test_a_restricted_source_shown_to_the_wrong_asker_is_a_leak() -> None:
    record = {"question": "q", "kind": "how", "relevant": [], "task": "t", "day": "2026-12-09",
              "forbidden": ["personal/"]}
    asked = parse_bench_question(record, "f:1")
    leaking = Outcome(asked, True, "t", None, ("personal/einstellung.pdf",))
    assert verdict(leaking) == "right"  # the task is right, and yet:
    assert summarise([leaking, Outcome(asked, True, "t", None, ("open.md",))])["leaks"] == 1


def test_a_document_serving_several_tasks_accepts_each_of_them() -> None:
    record = {"question": "q", "kind": "how", "relevant": ["a/doc"], "task": "t1",
              "other_tasks": ["t2"], "day": "2026-12-09"}
    asked = parse_bench_question(record, "f:1")
    assert [verdict(Outcome(asked, True, task)) for task in ("t1", "t2", "t3")] == [
        "right", "right", "wrong"]


def test_a_plain_fragen_line_is_a_how_question_asked_today() -> None:
    asked = parse_bench_question({"question": "q", "relevant": ["steueramt/hund"]}, "f:1")
    assert (asked.kind, asked.day, asked.task) == ("how", date.today(), None)
    assert verdict(Outcome(asked, True, None, None, ("steueramt/hundesteuer.md",))) == "right"
