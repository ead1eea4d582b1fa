"""Task recognition from three kinds of evidence (bot.directory.recognise): the lexical match,
the tasks the retrieved documents name, and the dense standing of the task among all tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.directory import GUESS, MATCH, Directory
from bot.directory.model import Task
from bot.directory.recognise import SEMANTIC_AGREEMENT, combine, document_votes, task_passage
from tests.bot.directory.conftest import PEOPLE, TASKS, ScriptedStanding, small_directory


@pytest.fixture
def small(tmp_path: Path) -> Directory:
    return small_directory(tmp_path)


def test_the_top_document_decides_a_question_the_table_does_not_word(small: Directory) -> None:
    question = "Wer kümmert sich um den Bierwagen beim Dorffest?"
    assert small.match_tasks(question) == []  # no word in common with either task
    # the first document names "gaststaette", the second "sondernutzung": first wins, but the
    # documents alone only make a guess (a document may name several tasks)
    ranked = small.match_tasks(question, documents=[("gaststaette",), ("sondernutzung",)])
    assert [t.id for t, _ in ranked] == ["gaststaette"]
    assert ranked[0][1] == GUESS
    # with a lexical guess for the same task, two sources agree: a match
    question = "Wer kümmert sich um das Zelt beim Dorffest?"
    [(task, guess)] = small.match_tasks(question)
    assert task.id == "gaststaette" and GUESS <= guess < MATCH
    ranked = small.match_tasks(question, documents=[("gaststaette",)])
    assert ranked[0][0].id == "gaststaette" and ranked[0][1] >= MATCH


def test_a_task_only_a_restricted_document_names_is_offered_to_its_group_only(
        tmp_path: Path) -> None:
    """The closest tasks offered as topics (``nearest_tasks``) keep restricted tasks from
    everybody outside the document's groups, as every other answer does."""
    from indexer.model import DocumentMeta

    small_directory(tmp_path)  # writes the two people and two tasks to tmp_path/verzeichnis
    folder = tmp_path / "verzeichnis"
    secret = DocumentMeta(title="Personalakten", tasks=("personalakte",), groups=("personal",))
    directory = Directory.load(folder, {"personal/akten.md": secret})
    directory._embedded = ScriptedStanding(  # type: ignore[assignment]
        {"personalakte": 3.1, "gaststaette": 2.7})
    question = "Wer führt die Akten?"
    assert [t.id for t in directory.nearest_tasks(question, groups=())] == ["gaststaette"]
    assert [t.id for t in directory.nearest_tasks(question, groups=("personal",))] == [
        "personalakte", "gaststaette"]


def test_documents_name_only_tasks_of_the_directory(small: Directory) -> None:
    assert small.match_tasks("Bierwagen", documents=[("unbekannt",)]) == []


def test_votes_and_their_combination() -> None:
    assert document_votes([("a", "b"), ("c",), ("a",), ("d",)]) == {"a": 1.0, "b": 1.0,
                                                                      "c": 0.5}
    # a lexical match stands alone; agreement of two sources is a match; one is a guess
    assert combine({"t": 0.8}, {}, {}) == {"t": 0.8}
    # the first document and the dense side's first task: both read the whole question
    assert combine({}, {"t": 1.0}, {"t": 3.1}) == {"t": SEMANTIC_AGREEMENT}
    # ... a second document, or the dense side's second task: a guess
    assert combine({}, {"t": 0.5}, {"t": 3.1, "u": 3.0}) == {"t": GUESS}
    assert combine({}, {"u": 1.0}, {"t": 3.1, "u": 3.0}) == {"u": GUESS}
    assert combine({"t": 0.4}, {"t": 1.0}, {"t": 3.1})["t"] > MATCH  # three agree
    assert combine({}, {"t": 1.0}, {}) == {"t": GUESS}
    assert combine({}, {}, {"t": 3.6}) == {"t": GUESS}
    assert combine({}, {}, {"t": 3.1}) == {}  # the dense side alone needs a clear lead
    # the dense side's second task votes half: with a lexical guess, still a guess
    assert combine({"u": 0.4}, {}, {"t": 3.6, "u": 3.0})["u"] == 0.4
    assert combine({}, {"t": 0.5}, {}) == {}  # a third document alone says nothing
    # asking who, a lexical match the dense side puts first is as sure as the other agreements
    assert combine({"t": 0.62}, {}, {"t": 2.7}) == {"t": 0.67}
    assert combine({"t": 0.62}, {}, {"t": 2.7}, asks_person=True) == {"t": SEMANTIC_AGREEMENT}
    assert combine({"t": 0.62}, {}, {"u": 2.9, "t": 2.7}, asks_person=True)["t"] < 0.7
    assert combine({"t": 0.4}, {"t": 0.5}, {}) == {"t": 0.4}


def test_a_who_question_takes_the_dense_sides_clear_first_task() -> None:
    # "Wer plant die Aktionen für Kinder in den Sommerferien?": a half lexical match of the
    # Ferienprogramm and the dense side far ahead for it
    dense = {"ferien": 4.1, "feste": 1.6}
    assert combine({"ferien": 0.53}, {}, dense, asks_person=True)["ferien"] == SEMANTIC_AGREEMENT
    assert combine({"ferien": 0.53}, {}, dense)["ferien"] == MATCH  # not asked for a person
    assert combine({}, {}, {"ferien": 3.4}, asks_person=True) == {}  # not clear enough
    assert combine({}, {}, {"ferien": 3.6}, asks_person=True) == {"ferien": SEMANTIC_AGREEMENT}
    # a strong lexical match of another task still wins
    both = combine({"hund": 0.9}, {}, {"ferien": 3.6, "hund": 2.6}, asks_person=True)
    assert both["hund"] > both["ferien"]


def test_untrusted_documents_only_confirm_the_dense_sides_first_task() -> None:
    documents = [("a", "b"), ("c",)]
    assert document_votes(documents, trusted=False, dense={"a": 3.0, "c": 2.6}) == {"a": 1.0}
    assert document_votes(documents, trusted=False, dense={"c": 2.6, "a": 3.0}) == {"a": 1.0}
    # a lead where off-topic questions still reach (z up to 2.9) is no confirmation
    assert document_votes(documents, trusted=False, dense={"a": 2.8}) == {}
    # ... unless the question shares a word with the task too: three sources
    assert document_votes(documents, trusted=False, dense={"a": 2.8},
                          lexical={"a": 0.3}) == {"a": 1.0}  # fmt: skip
    assert document_votes(documents, trusted=False, dense={"a": 2.8}, lexical={"b": 0.3}) == {}
    assert document_votes(documents, trusted=False, dense={"c": 3.0}) == {}  # second document
    assert document_votes(documents, trusted=False, dense={}) == {}
    assert document_votes([], trusted=False, dense={"a": 3.0}) == {}


def test_a_who_question_without_shared_words_finds_its_task_by_both_semantic_sides(
    small: Directory,
) -> None:
    question = "Wer kümmert sich um den Bierwagen beim Dorffest?"
    # as if the dense side put "gaststaette" first: the first document confirms it
    small._embedded = ScriptedStanding({"gaststaette": 3.0})  # type: ignore[assignment]
    before_gate = small.match_tasks(question, documents=[("gaststaette",)], trusted=False)
    assert before_gate == [(small.tasks["gaststaette"], SEMANTIC_AGREEMENT)]
    other = small.match_tasks(question, documents=[("sondernutzung",)], trusted=False)
    assert other == []  # z 3.0 alone is no guess, and no document agrees


def test_a_one_keyword_match_is_contested_by_a_clear_dense_preference() -> None:
    # "Nachbarin wurde von einem Hund gebissen": Hundesteuer by the keyword "Hund", the dense
    # side prefers Gefährliche Hunde
    contested = combine({"hundesteuer": 0.7}, {}, {"gefaehrlich": 3.4, "hundesteuer": 3.0})
    assert contested["hundesteuer"] < MATCH
    assert combine({"t": 0.85}, {}, {"u": 3.4})["t"] == 0.85  # a strong match stands
    assert combine({"t": 0.7}, {}, {"u": 2.8})["t"] == 0.7  # a weak preference does not contest
    assert combine({"t": 0.7}, {"t": 1.0}, {"u": 3.4})["t"] >= MATCH  # the document agrees


def test_a_near_tie_on_the_dense_side_does_not_contest() -> None:
    # "Laterne ... brennt nicht": the keyword "Laterne" names Straßenbeleuchtung, the dense side
    # ranks Brandverhütungsschau 3.01 and Straßenbeleuchtung 2.87: no clear preference
    tie = combine({"licht": 0.665}, {}, {"brand": 3.01, "licht": 2.87})
    assert tie["licht"] >= MATCH
    # a second place a clear step behind still contests
    assert combine({"licht": 0.665}, {}, {"brand": 3.4, "licht": 3.0})["licht"] < MATCH


def test_agreeing_sources_make_a_lexical_match_surer() -> None:
    alone = combine({"t": 0.665}, {}, {})["t"]
    with_dense = combine({"t": 0.665}, {}, {"t": 2.6})["t"]
    with_both = combine({"t": 0.665}, {"t": 1.0}, {"t": 2.6})["t"]
    assert alone == 0.665 < with_dense < with_both <= 1.0
    # a second-rank vote adds less than a first-rank one
    assert combine({"t": 0.665}, {"t": 0.5}, {})["t"] < with_dense


def test_open_documents_lend_their_keywords_restricted_ones_do_not(tmp_path: Path) -> None:
    from indexer.model import DocumentMeta

    folder = tmp_path / "verzeichnis"
    folder.mkdir()
    (folder / "personen.csv").write_text(PEOPLE, encoding="utf-8")
    (folder / "zustaendigkeiten.csv").write_text(TASKS, encoding="utf-8")
    meta = {
        "a.md": DocumentMeta(title="Sondernutzung", tasks=("sondernutzung",),
                             keywords=("Straßenfest", "Flohmarkt")),
        "geheim.md": DocumentMeta(title="Intern", tasks=("gaststaette",), groups=("leitung",),
                                  keywords=("Bierwagen",)),
    }
    directory = Directory.load(folder, meta)
    assert directory.tasks["sondernutzung"].document_keywords == ("Flohmarkt",)
    assert directory.tasks["gaststaette"].document_keywords == ()
    # the document's word finds the task as the table's own would; the restricted one's not
    [(task, score)] = directory.match_tasks("Wer genehmigt einen Flohmarkt?")
    assert task.id == "sondernutzung" and score >= MATCH
    assert directory.match_tasks("Wer genehmigt einen Bierwagen?") == []
    passage = task_passage(directory.tasks["sondernutzung"], {"a.md": "Sondernutzung"})
    assert "Stichwörter: Straßenfest, Gehweg, Flohmarkt" in passage


def test_a_task_is_embedded_with_its_documents_titles() -> None:
    task = Task("hund", "Hundesteuer", keywords=("Hundemarke",), documents=("a.md", "b.md"))
    text = task_passage(task, {"a.md": "Übergabe Hundesteuer", "b.md": ""})
    assert text == "Hundesteuer. Stichwörter: Hundemarke. Dokumente: Übergabe Hundesteuer"


def test_task_vectors_are_cached_by_text(small: Directory) -> None:
    from indexer.embedding import FakeEmbedder

    embedder, cache = FakeEmbedder(), {}
    small.prepare(embedder, {}, cache)
    small.prepare(embedder, {}, cache)  # a reload with unchanged tasks embeds nothing
    assert len(embedder.embedded_texts) == len(small.tasks) == len(cache)


SYNONYMS = [  # (question, task) pairs sharing no stem with the task's name or keywords
    ("Wer kassiert die Abgabe für Vierbeiner?", "hundesteuer"),
]


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize(("question", "task_id"), SYNONYMS)
def test_e5_finds_a_synonym_no_word_shares(question: str, task_id: str, sample: Any) -> None:
    from indexer.embedding import load_embedder

    directory = sample.with_absences([])
    assert task_id not in {t.id for t, _ in directory.match_tasks(question, k=10)}
    directory.prepare(load_embedder("e5"))
    # measured z = 2.6: a vote, too weak alone (noise reaches 2.9), decisive with a document
    assert task_id not in {t.id for t, _ in directory.match_tasks(question, k=3)}
    confirmed = directory.match_tasks(question, k=3, documents=[(task_id,)])
    assert confirmed[0][0].id == task_id and confirmed[0][1] >= MATCH
    # a document about something else gets its task offered, not matched
    assert all(s < MATCH for _, s in directory.match_tasks(question, documents=[("sterbefall",)]))
    for noise in ("Wie spät ist es?", "Das Wetter ist schön heute"):
        assert directory.match_tasks(noise) == [], noise
    offered = dict((t.id, s) for t, s in directory.match_tasks("Wo kann ich mein Auto parken?"))
    assert offered["bewohnerparkausweis"] == GUESS  # z = 4.1: offered alone, not matched
    # too weak to answer alone, but the closest task: offered when nothing else is found
    assert directory.nearest_tasks(question)[0].id == task_id


@pytest.fixture(scope="module")
def sample() -> Directory:
    folder = Path(__file__).resolve().parents[3] / "knowledge_base" / "_verzeichnis"
    if not (folder / "zustaendigkeiten.csv").is_file():
        pytest.skip("the sample knowledge base is not merged")
    return Directory.load(folder)
