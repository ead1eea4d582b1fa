"""Access metadata fails closed: a folder's ``_zugriff.yaml`` restricts the documents below it
(sub-folders too); a folder file or sidecar that cannot be read makes its documents skipped
files, never public ones; a misspelt access key is refused; unknown keys are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build.pipeline import build_index
from indexer.embedding import FakeEmbedder
from indexer.errors import LoaderError
from indexer.loaders import load_file
from indexer.search.searcher import Searcher
from indexer.settings import IndexSettings
from indexer.store import open_current
from tests.indexer.conftest import write

GEHALT = "# Gehaltstabelle\n\nDie Gehaltstabelle für Frau Beispiel liegt im Personalamt.\n"


def _build(kb: Path, index: Path) -> object:
    return build_index(IndexSettings(_env_file=None, kb_dir=kb, index_dir=index, model="fake"),
                       FakeEmbedder())


def _groups(kb: Path, relative: str) -> tuple[str, ...]:
    return load_file(kb / relative, kb)[0].meta.groups


def test_a_folder_file_restricts_every_document_below_it(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "personal/_zugriff.yaml", "zugriff: [personalamt]\n")
    write(kb, "personal/gehalt.md", GEHALT)
    write(kb, "personal/akten/sub/alt.md", GEHALT)
    write(kb, "personal/eigen.md", "---\nzugriff: [leitung]\n---\n" + GEHALT)
    write(kb, "offen/info.md", "# Info\n\nFür alle.\n")
    assert _groups(kb, "personal/gehalt.md") == ("personalamt",)
    assert _groups(kb, "personal/akten/sub/alt.md") == ("personalamt",)  # inherited
    assert _groups(kb, "personal/eigen.md") == ("leitung",)  # the document's own list wins
    assert _groups(kb, "offen/info.md") == ()
    write(kb, "personal/akten/_zugriff.yaml", "zugriff: personalamt, leitung\n")
    assert _groups(kb, "personal/akten/sub/alt.md") == ("personalamt", "leitung")  # nearest


@pytest.mark.parametrize("content", [
    "zugriff: [personalamt\n",  # broken YAML
    "zugrif: [personalamt]\n",  # misspelt key
    "zugriff: []\n",  # no group: ambiguous, so closed
    "- personalamt\n",  # not a mapping
    b"\xff\xfe\x00garbage",
])
def test_a_broken_folder_file_skips_its_documents(tmp_path: Path, content: str | bytes) -> None:
    kb = tmp_path / "kb"
    write(kb, "personal/_zugriff.yaml", content)
    write(kb, "personal/gehalt.md", GEHALT)
    with pytest.raises(LoaderError, match="folder access file personal/_zugriff.yaml"):
        load_file(kb / "personal/gehalt.md", kb)


def test_broken_access_metadata_never_makes_a_document_public(tmp_path: Path) -> None:
    kb, index = tmp_path / "kb", tmp_path / "index"
    write(kb, "personal/_zugriff.yaml", "zugriff: [personalamt\n")
    write(kb, "personal/gehalt.md", GEHALT)
    write(kb, "personal/bericht.txt", "Gehaltsbericht des Personalamts.\n")
    write(kb, "personal/bericht.txt.meta.yaml", "zugriff: [personalamt\n")  # broken sidecar too
    write(kb, "typo/gehalt2.md", "---\nzugrif: [personalamt]\n---\n" + GEHALT)
    write(kb, "offen/info.md", "# Info\n\nFür alle.\n")
    report = _build(kb, index)
    skipped = {s.file: s.reason for s in report.skipped}  # type: ignore[attr-defined]
    assert set(skipped) == {"personal/gehalt.md", "personal/bericht.txt", "typo/gehalt2.md"}
    assert "zugrif" in skipped["typo/gehalt2.md"]
    searcher = Searcher(index, FakeEmbedder())
    assert all(h.source == "offen/info.md" for h in searcher.search("Gehaltstabelle", groups=()))


def test_adding_a_folder_file_rereads_the_folder(tmp_path: Path) -> None:
    """The incremental build must not keep serving the old, open metadata of an unchanged
    document when its folder became restricted."""
    kb, index = tmp_path / "kb", tmp_path / "index"
    write(kb, "personal/gehalt.md", GEHALT)
    write(kb, "offen/info.md", "# Info\n\nFür alle.\n")
    _build(kb, index)
    write(kb, "personal/_zugriff.yaml", "zugriff: [personalamt]\n")
    report = _build(kb, index)
    assert report.changed == ("personal/gehalt.md",)  # type: ignore[attr-defined]
    assert open_current(index).document_meta()["personal/gehalt.md"].groups == ("personalamt",)
    searcher = Searcher(index, FakeEmbedder())
    assert not [h for h in searcher.search("Gehaltstabelle", groups=()) if "personal" in h.source]
    assert [h for h in searcher.search("Gehaltstabelle", groups=["personalamt"])
            if h.source == "personal/gehalt.md"]


def test_unknown_front_matter_keys_are_reported_with_the_file(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    kb, index = tmp_path / "kb", tmp_path / "index"
    write(kb, "a.md", "---\ntitel: A\nstichwort: Hund\n---\n# A\n\nText über Hunde.\n")
    write(kb, "b.md", "# B\n\nText ohne Kopf.\n")
    report = _build(kb, index)
    warnings = {w.file: w.reason for w in report.warnings}  # type: ignore[attr-defined]
    assert warnings == {"a.md": "unknown front matter keys: stichwort"}
    assert "a.md: unknown front matter keys: stichwort" in caplog.text
    assert report.to_dict()["warnings"] == [  # type: ignore[attr-defined]
        {"file": "a.md", "warning": "unknown front matter keys: stichwort"}]
    again = _build(kb, index)  # an unchanged file keeps its warning until it is fixed
    assert [w.file for w in again.warnings] == ["a.md"]  # type: ignore[attr-defined]


def test_a_released_document_obeys_the_knowledge_bases_folder_access(tmp_path: Path) -> None:
    """A handover document released into the release folder's ``personal/`` belongs to the
    knowledge base's restricted ``personal/`` folder: never public (review finding)."""
    kb, released, index = tmp_path / "kb", tmp_path / "freigegeben", tmp_path / "index"
    write(kb, "personal/_zugriff.yaml", "zugriff: [personalamt]\n")
    write(kb, "personal/gehalt.md", GEHALT)
    write(released, "personal/uebergabe_gehalt.md", "---\nzugriff: []\n---\n" + GEHALT)
    settings = IndexSettings(_env_file=None, kb_dir=kb, index_dir=index, model="fake",
                             release_dir=released)
    build_index(settings, FakeEmbedder())
    version = open_current(index, expect_model=None)
    assert version.document_meta()["personal/uebergabe_gehalt.md"].groups == ("personalamt",)
    searcher = Searcher(index, FakeEmbedder())
    outsider = searcher.search("Gehaltstabelle", k=5, groups=[])
    assert all(not h.chunk.source.startswith("personal/") for h in outsider)
    # the knowledge base's access file is part of the released file's hash
    write(kb, "personal/_zugriff.yaml", "zugriff: [personalamt, leitung]\n")
    build_index(settings, FakeEmbedder())
    meta = open_current(index, expect_model=None).document_meta()
    assert meta["personal/uebergabe_gehalt.md"].groups == ("personalamt", "leitung")
