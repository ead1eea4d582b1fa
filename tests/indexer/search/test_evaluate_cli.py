"""Evaluation measures, questions files, the search/eval commands and refresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.cli import main
from indexer.embedding import FakeEmbedder
from indexer.evaluate import (
    QuestionsFileError,
    evaluate,
    first_relevant_rank,
    load_questions,
    metrics,
)
from indexer.lexical import LexicalIndexError
from indexer.model import Chunk, Hit
from indexer.search import Searcher, SearchModeError
from indexer.settings import IndexSettings

from .conftest import write_kb


def hit(source: str, rank: int) -> Hit:
    return Hit(Chunk(source, "", (), "", None, 0), score=1.0 / rank, rank=rank)


def test_first_relevant_rank_matches_substrings_of_the_source() -> None:
    hits = [hit("bauhof/winter.md", 1), hit("steueramt/hundesteuer.md", 2)]
    assert first_relevant_rank(hits, ["steueramt/hund"]) == 2
    assert first_relevant_rank(hits, ["nirgends", "bauhof/"]) == 1
    assert first_relevant_rank(hits, ["personalamt"]) is None


def test_metrics_of_known_ranks() -> None:
    result = metrics([1, 2, None, 6], k=10)
    assert result == {"recall@1": 0.25, "recall@5": 0.5, "mrr@10": round((1 + 0.5 + 1 / 6) / 4, 4),
                      "n": 4}
    assert metrics([11], k=10)["mrr@10"] == 0.0


def test_questions_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "fragen.jsonl"
    path.write_text('{"question": "Wer?", "relevant": ["a"]}\n\n{"question": "Wie?"}\n',
                    encoding="utf-8")
    with pytest.raises(QuestionsFileError, match=r"fragen.jsonl:3: 'relevant'"):
        load_questions(path)
    path.write_text("kein json\n", encoding="utf-8")
    with pytest.raises(QuestionsFileError, match=r":1: not valid JSON"):
        load_questions(path)
    path.write_text("# nur ein Kommentar\n", encoding="utf-8")
    with pytest.raises(QuestionsFileError, match="no questions"):
        load_questions(path)
    with pytest.raises(QuestionsFileError, match="cannot read"):
        load_questions(tmp_path / "fehlt.jsonl")


def test_questions_file_accepts_a_string_and_groups(tmp_path: Path) -> None:
    path = tmp_path / "fragen.jsonl"
    path.write_text('\ufeff{"question": "Wer?", "relevant": "a/b", "groups": ["x"]}\n',
                    encoding="utf-8")
    [question] = load_questions(path)
    assert (question.relevant, question.groups) == (("a/b",), ("x",))


QUESTIONS = [
    {"question": "Wann räumt der Bauhof im Winter die Gehwege?", "relevant": ["bauhof/"]},
    {"question": "Wie melde ich ein Gewerbe an?", "relevant": ["ordnungsamt/gewerbe"]},
    {"question": "Was muss man nach einem Umzug mitbringen?", "relevant": ["wohnsitz"]},
    {"question": "Wie läuft das Disziplinarverfahren?", "relevant": ["personalamt/"],
     "groups": ["bauhof"]},  # asked by an outsider: the document must not be found
]


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    path = tmp_path / "fragen.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.integration
def test_evaluate_through_a_real_index(searcher: Searcher, questions_file: Path) -> None:
    result = evaluate(searcher, load_questions(questions_file), k=10)
    assert set(result) == {"dense", "bm25", "hybrid"}
    for measures in result.values():
        assert measures["n"] == 4
        assert measures["recall@5"] == 0.75  # the restricted document is never found
    assert result["hybrid"]["recall@1"] == 0.75


@pytest.mark.integration
def test_eval_command_prints_the_contract_json(
    e5_index: Path, questions_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["eval", str(questions_file), "--index", str(e5_index), "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["dense", "bm25", "hybrid"]
    assert set(result["hybrid"]) == {"recall@1", "recall@5", "mrr@10", "n"}
    assert main(["eval", str(questions_file), "--index", str(e5_index), "--mode", "bm25"]) == 0
    table = capsys.readouterr().out
    assert "bm25" in table and "hybrid" not in table and "recall@1" in table


@pytest.mark.integration
def test_search_command_json_and_text(
    e5_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "Gewerbe anmelden", "--index", str(e5_index), "--k", "2",
                 "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["source"] == "ordnungsamt/gewerbe.md"
    assert {"source", "page", "heading", "score", "text", "dense_score"} <= set(hits[0])
    assert main(["search", "Streusalz", "--index", str(e5_index), "--k", "1"]) == 0
    assert "bauhof/winterdienst.md" in capsys.readouterr().out


def test_commands_report_a_missing_index_and_bad_input(
    tmp_path: Path, questions_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "Hund", "--index", str(tmp_path / "leer")]) == 2
    assert "python -m indexer build" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{\n", encoding="utf-8")
    assert main(["eval", str(bad), "--index", str(tmp_path / "leer")]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
    assert main(["eval", str(questions_file), "--k", "0"]) == 2


def test_refresh_follows_a_new_version(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", {"a/eins.md": "# Eins\n\nDer Bauhof streut Salz.\n"})
    settings = IndexSettings(kb_dir=kb, index_dir=tmp_path / "index", model="fake",
                             keep_versions=1)
    fake = FakeEmbedder()
    build_index(settings, embedder=fake)
    searcher = Searcher(tmp_path / "index", fake)
    first = searcher.version_id
    assert searcher.refresh() is False
    assert searcher.search("Grabstelle", k=5, mode="bm25") == []
    write_kb(kb, {"b/zwei.md": "# Zwei\n\nDie Grabstelle auf dem Friedhof wird verlängert.\n"})
    build_index(settings, embedder=fake)
    assert searcher.refresh() is True
    assert searcher.version_id != first
    assert [h.source for h in searcher.search("Grabstelle", k=5, mode="bm25")] == [
        "b/zwei.md"
    ]
    assert searcher.refresh() is False


def test_unknown_mode_and_empty_query(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", {"a.md": "# A\n\nText.\n"})
    fake = FakeEmbedder()
    build_index(IndexSettings(kb_dir=kb, index_dir=tmp_path / "ix", model="fake"), embedder=fake)
    searcher = Searcher(tmp_path / "ix", fake)
    with pytest.raises(SearchModeError):
        searcher.search("Text", mode="semantic")  # type: ignore[arg-type]
    assert searcher.search("   ") == []
    assert searcher.search("Text", k=0) == []


def test_damaged_lexical_index_leaves_dense_answers(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", {"a.md": "# Salz\n\nDer Bauhof streut Salz.\n",
                                    "b.md": "# Grab\n\nDie Grabstelle wird verlängert.\n"})
    fake = FakeEmbedder()
    build_index(IndexSettings(kb_dir=kb, index_dir=tmp_path / "ix", model="fake"), embedder=fake)
    [version] = (tmp_path / "ix" / "versions").iterdir()
    (version / "lexical" / "lexical.json").write_text('{"format": 0}', encoding="utf-8")
    searcher = Searcher(tmp_path / "ix", fake)
    assert [h.source for h in searcher.search("Bauhof streut Salz", k=1)] == ["a.md"]
    with pytest.raises(LexicalIndexError, match="rebuild"):
        searcher.search("Salz", mode="bm25")
