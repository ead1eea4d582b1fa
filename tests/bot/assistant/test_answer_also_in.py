"""Copies of the same content in other places (the index's content groups) are cited with the
answer as "auch in: ...", never a restricted copy to an outsider; real index (FAISS, SQLite),
the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.assistant.answer import Answer, compose_answer
from bot.assistant.cards import answer_card, answer_text
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.search import Searcher
from indexer.settings import IndexSettings

from .conftest import FIXED_DAY

PAGE = """---
titel: Hund abmelden
aufgaben: [hundesteuer]
---
# Hund abmelden

## Ablauf
1. Die Abmeldung des Hundes mit Datum entgegennehmen.
2. Die Hundemarke zurücknehmen.
3. Die Hundesteuer ab dem Folgemonat erstatten.
"""
OTHER = """---
titel: Winterdienst
---
# Winterdienst

## Streuplan
Die Gehwege am Rathaus werden ab vier Uhr gestreut.
"""


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb")
    _write(root, "steueramt/hund_abmelden.md", PAGE)
    _write(root, "archiv/2025/hund_abmelden.md", PAGE)  # the same page in a second folder
    _write(root, "intern/hund_abmelden.md",  # a restricted copy
           PAGE.replace("---\n#", "zugriff: [steueramt]\n---\n#", 1))
    _write(root, "bauhof/winter.md", OTHER)
    settings = IndexSettings(kb_dir=root, index_dir=root.parent / "index", model="fake")
    build_index(settings, embedder=FakeEmbedder())
    return settings.index_dir


def _answer(index_dir: Path, groups: list[str], base_url: str = "") -> Answer:
    hits = Searcher(index_dir, FakeEmbedder()).search("Hund abmelden Hundemarke", k=5,
                                                      groups=groups)
    settings = SimpleNamespace(min_confidence=0.0, doc_base_url=base_url)
    return compose_answer("Wie melde ich einen Hund ab?", hits, None, FIXED_DAY, settings)


def test_the_answer_cites_the_copies_it_stands_for(index_dir: Path) -> None:
    answer = _answer(index_dir, groups=[])
    assert answer.found
    [cited] = [s for s in answer.sources if s.path.endswith("hund_abmelden.md")]
    copies = [c.path for c in cited.also_in]
    assert {cited.path, *copies} == {"steueramt/hund_abmelden.md",
                                      "archiv/2025/hund_abmelden.md"}
    # a copy is cited once, as a copy, not again as a source of its own
    assert len([s for s in answer.sources if s.path.endswith("hund_abmelden.md")]) == 1
    copy = copies[0]
    text = answer_text(answer)
    assert f"auch in: {copy}" in text
    card = json.dumps(answer_card(answer), ensure_ascii=False)
    assert f"auch in: {copy}" in card
    assert "intern/" not in text and "intern/" not in card


def test_a_member_sees_the_restricted_copy_named_too(index_dir: Path) -> None:
    answer = _answer(index_dir, groups=["steueramt"])
    [cited] = [s for s in answer.sources if s.path.endswith("hund_abmelden.md")]
    assert {cited.path, *(c.path for c in cited.also_in)} == {
        "steueramt/hund_abmelden.md", "archiv/2025/hund_abmelden.md", "intern/hund_abmelden.md"}


def test_copies_are_links_when_documents_have_a_base_url(index_dir: Path) -> None:
    answer = _answer(index_dir, groups=[], base_url="https://share.example/kb/")
    [cited] = [s for s in answer.sources if s.path.endswith("hund_abmelden.md")]
    assert cited.also_in
    for copy in cited.also_in:
        assert copy.url == "https://share.example/kb/" + copy.path
        assert f"[{copy.path}]({copy.url})" in json.dumps(answer_card(answer))
        assert f"{copy.path} {copy.url}" in answer_text(answer)
