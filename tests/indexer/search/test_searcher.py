"""The searcher follows CURRENT, but a damaged new version leaves the previous one serving."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build.pipeline import build_index
from indexer.embedding import FakeEmbedder
from indexer.lexical.thesaurus import built_in
from indexer.search.searcher import Searcher
from indexer.settings import IndexSettings
from indexer.store import current_version_id
from tests.indexer.conftest import HUNDESTEUER, MUELL, write


@pytest.mark.parametrize("damage", ["dense.faiss", "chunks.sqlite", "manifest.json"])
def test_a_damaged_current_version_leaves_the_previous_one_serving(
        tmp_path: Path, damage: str) -> None:
    kb, index = tmp_path / "kb", tmp_path / "index"
    settings = IndexSettings(_env_file=None, kb_dir=kb, index_dir=index, model="fake")
    write(kb, "steueramt/hundesteuer.md", HUNDESTEUER)
    build_index(settings, FakeEmbedder())
    searcher = Searcher(index, FakeEmbedder())
    first = searcher.version_id
    write(kb, "bauhof/muell.md", MUELL)
    build_index(settings, FakeEmbedder())
    second = current_version_id(index)
    assert second != first
    (index / "versions" / str(second) / damage).write_bytes(b"garbage, not an index file")
    for _ in range(3):  # every question would refresh: none of them may fail
        assert searcher.refresh() is False
        assert searcher.search("Hundemarke", groups=())[0].source == "steueramt/hundesteuer.md"
    assert searcher.version_id == first
    assert searcher.problem is not None and str(second) in searcher.problem
    (index / "CURRENT").write_text(first, encoding="utf-8")  # the operator rolls back
    assert searcher.refresh() is False and searcher.problem is None


def test_the_lexical_side_reads_the_thesaurus_it_is_given(tmp_path: Path) -> None:
    """A town's own synonyms (its directory's ``synonyme.txt``, added to the built-in list)
    reach BM25 through ``search``: a word no document uses finds its synonym's document."""
    kb, index = tmp_path / "kb", tmp_path / "index"
    write(kb, "steueramt/hundesteuer.md", HUNDESTEUER)
    write(kb, "bauhof/muell.md", MUELL)
    build_index(IndexSettings(_env_file=None, kb_dir=kb, index_dir=index, model="fake"),
                FakeEmbedder())
    searcher = Searcher(index, FakeEmbedder())
    town = built_in().extended([["Sperrmüll", "Gruscht"]])  # Swabian: junk
    question = "Wohin mit dem Gruscht?"
    assert searcher.search(question, mode="bm25") == []
    found = searcher.search(question, mode="bm25", thesaurus=town)
    assert [hit.source for hit in found] == ["bauhof/muell.md"]
