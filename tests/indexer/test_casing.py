"""A question typed in lower case, read with the capitals of the town's own documents
(indexer.lexical.casing), and the searcher learning them from its index."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from indexer.embedding import FakeEmbedder
from indexer.lexical.casing import Casing

DOCUMENTS = [
    "Die Hundesteuer wird jährlich erhoben. Jeder Hund ist anzumelden.",
    "Melden Sie den Hund an. Die Steuer für einen Hund beträgt 90 Euro.",
    "Anmelden kann man sich im Bürgerbüro.",  # a verb at the start of a sentence: no noun
]


def test_nouns_are_the_words_the_documents_capitalise_inside_sentences() -> None:
    casing = Casing.learn(DOCUMENTS)
    assert {"hundesteuer", "hund", "steuer", "euro", "bürgerbüro"} <= casing.nouns
    assert not {"anmelden", "melden", "die", "jährlich"} & casing.nouns


def test_only_a_question_typed_in_lower_case_is_recased() -> None:
    casing = Casing.learn(DOCUMENTS)
    assert casing.recase("wer macht die hundesteuer für meinen hund?") == (
        "wer macht die Hundesteuer für meinen Hund?")
    # a word the documents never use stays as typed
    assert casing.recase("wie meld ich sperrmüll an") == "wie meld ich sperrmüll an"
    typed = "Wer macht die hundesteuer für meinen Hund?"  # capitals: as the user wrote it
    assert casing.recase(typed) == typed
    assert Casing().recase("wer macht die hundesteuer") == "wer macht die hundesteuer"
    assert casing.recase("") == ""
    # an abbreviation in capitals is no sign of a question typed with capitals
    assert casing.recase("hundesteuer für einen LKW oder eine GmbH?") == (
        "Hundesteuer für einen LKW oder eine GmbH?")
    # umlauts typed as a letter and an accent (Unicode NFD) are the same words
    decomposed = Casing.learn([unicodedata.normalize("NFD", "Das ist im Bürgerbüro.")])
    assert decomposed.nouns == {"bürgerbüro"}
    assert decomposed.recase(unicodedata.normalize("NFD", "wo ist das bürgerbüro")) == (
        "wo ist das Bürgerbüro")


def test_the_searcher_learns_the_casing_of_the_version_it_serves(tmp_path: Path) -> None:
    from indexer.build import build_index
    from indexer.search import Searcher
    from indexer.settings import IndexSettings

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "hund.md").write_text("# Hundesteuer\n\n" + "\n\n".join(DOCUMENTS), encoding="utf-8")
    settings = IndexSettings(kb_dir=kb, index_dir=tmp_path / "index", model="fake")
    build_index(settings, FakeEmbedder())
    searcher = Searcher(settings.index_dir, FakeEmbedder())
    assert searcher.casing.recase("wer macht die hundesteuer") == "wer macht die Hundesteuer"
    (kb / "sperrmuell.md").write_text("# Sperrmüll\n\nDer Sperrmüll wird abgeholt.",
                                      encoding="utf-8")  # fmt: skip
    build_index(settings, FakeEmbedder())
    assert searcher.refresh()  # a new version: its words
    assert searcher.casing.recase("wann kommt der sperrmüll") == "wann kommt der Sperrmüll"
    (kb / "personal").mkdir()
    (kb / "personal" / "akte.md").write_text(
        "---\nzugriff: [personal]\n---\n# Akte\n\nDie Abmahnung kommt in die Personalakte.",
        encoding="utf-8")
    build_index(settings, FakeEmbedder())
    assert searcher.refresh()  # a restricted document's words shape nobody's question
    assert searcher.casing.recase("wo ist die personalakte") == "wo ist die personalakte"
