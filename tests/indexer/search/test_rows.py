"""Which rows a user may see: a document whose metadata row is missing from a damaged version
is nobody's (fail closed), not everybody's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from indexer.build.pipeline import build_index
from indexer.embedding import FakeEmbedder
from indexer.search.searcher import Searcher
from indexer.settings import IndexSettings
from indexer.store import current_version_id
from tests.indexer.conftest import write


def test_a_document_without_its_metadata_row_is_hidden(tmp_path: Path) -> None:
    kb, index = tmp_path / "kb", tmp_path / "index"
    write(kb, "personal/gehalt.md",
          "---\nzugriff: [personalamt]\n---\n# Gehaltstabelle\n\nGehaltstabelle Beispiel.\n")
    write(kb, "offen/info.md", "# Info\n\nGehaltstabelle allgemein erklärt.\n")
    build_index(IndexSettings(_env_file=None, kb_dir=kb, index_dir=index, model="fake"),
                FakeEmbedder())
    db = index / "versions" / str(current_version_id(index)) / "chunks.sqlite"
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM files WHERE source = 'personal/gehalt.md'")
    searcher = Searcher(index, FakeEmbedder())
    everyone = {h.source for h in searcher.search("Gehaltstabelle", groups=())}
    members = {h.source for h in searcher.search("Gehaltstabelle", groups=["personalamt"])}
    assert everyone == members == {"offen/info.md"}
    trusted = {h.source for h in searcher.search("Gehaltstabelle", groups=None)}
    assert "personal/gehalt.md" in trusted
