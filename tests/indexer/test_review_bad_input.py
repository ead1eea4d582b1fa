"""Review: hostile or odd knowledge bases given to ``python -m indexer build``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import indexer.build.pipeline
from indexer.build import scan_knowledge_base
from indexer.cli import main
from indexer.embedding import FakeEmbedder
from indexer.store import open_current
from tests.indexer.conftest import HUNDESTEUER, write


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer.build.pipeline, "load_embedder", lambda name: FakeEmbedder())


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def indexed_text(index_dir: Path) -> str:
    version = open_current(index_dir, expect_model=None)
    try:
        chunks = [c for source in version.documents() for c in version.chunks_of(source)]
    finally:
        version.close()
    return "\n".join(c.text for c in chunks)


def test_symlinks_out_of_the_knowledge_base_are_skipped_not_indexed(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "steueramt/hundesteuer.md", HUNDESTEUER)
    secret = write(tmp_path / "draussen", "geheim.txt", "Passwort des Bots: streng-geheim-4711")
    os.symlink(secret, kb / "x.txt")  # like a link to /etc/passwd or to the bot's .env
    os.symlink(secret.parent, kb / "ordner")  # a folder link out of the knowledge base
    os.symlink(kb / "steueramt" / "hundesteuer.md", kb / "verweis.md")  # inside: fine
    result = scan_knowledge_base(kb, 10**6)
    assert [f.source for f in result.files] == ["steueramt/hundesteuer.md", "verweis.md"]
    reasons = {s.file: s.reason for s in result.skipped}
    assert reasons == {"ordner": "symlink points outside the knowledge base",
                       "x.txt": "symlink points outside the knowledge base"}
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3  # built, with skipped files
    assert "streng-geheim" not in indexed_text(index_dir)
    os.symlink(kb, tmp_path / "kb-verweis")  # a linked knowledge base folder itself is fine
    linked = scan_knowledge_base(tmp_path / "kb-verweis", 10**6)
    assert [f.source for f in linked.files] == ["steueramt/hundesteuer.md", "verweis.md"]


def test_fifo_folder_named_md_empty_pdf_and_deep_folders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    write(kb, "x.md/drin.md", "# Drin\n\nText im Ordner, der wie eine Datei heißt.")
    os.mkfifo(kb / "x.txt")  # reading it would block the build forever
    write(kb, "leer.pdf", b"")
    deep = "/".join(f"ebene{i}" for i in range(60))
    write(kb, f"{deep}/tief.md", "# Tief\n\nGanz unten liegt die Hundemarke.")
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir, "--progress-json") == 3
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert sorted(report["new"]) == [f"{deep}/tief.md", "x.md/drin.md"]
    text = indexed_text(index_dir)
    assert "Hundemarke" in text and "Ordner" in text


def test_index_folder_that_cannot_be_created_is_a_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", HUNDESTEUER)
    blocker = write(tmp_path, "datei", "kein Ordner")  # (chmod does not stop root)
    code = cli("build", "--kb", kb, "--index", blocker / "index")
    captured = capsys.readouterr()
    assert code in (1, 2)
    assert "Traceback" not in captured.err and "index" in captured.err.lower()


def test_file_deleted_or_replaced_by_a_fifo_between_scan_and_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = tmp_path / "kb"
    write(kb, "bleibt.md", HUNDESTEUER)
    write(kb, "weg.md", "# Weg\n\nGleich gelöscht.")
    write(kb, "rohr.txt", "Gleich eine Pipe.")
    real_scan = indexer.build.pipeline.scan_knowledge_base

    def scan_then_change(kb_root: Path, max_bytes: int) -> object:
        result = real_scan(kb_root, max_bytes)
        (kb / "weg.md").unlink()
        (kb / "rohr.txt").unlink()
        os.mkfifo(kb / "rohr.txt")  # opening it for reading would block the build forever
        return result

    monkeypatch.setattr(indexer.build.pipeline, "scan_knowledge_base", scan_then_change)
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3
    version = open_current(index_dir, expect_model=None)
    try:
        assert version.documents() == ["bleibt.md"]
    finally:
        version.close()


def test_fifo_as_ignore_file_or_sidecar_does_not_hang(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", HUNDESTEUER)
    write(kb, "b.txt", "Ein Text mit Seitenwagen.")
    os.mkfifo(kb / ".indexignore")
    os.mkfifo(kb / "b.txt.meta.yaml")
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3  # b.txt: sidecar unreadable
    version = open_current(index_dir, expect_model=None)
    try:
        assert version.documents() == ["a.md"]
        assert [s["file"] for s in version.skipped()] == ["b.txt"]
    finally:
        version.close()


def test_sidecar_linked_out_of_the_knowledge_base_is_not_read(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", HUNDESTEUER)
    write(kb, "b.txt", "Ein Text mit Seitenwagen.")
    outside = write(tmp_path / "draussen", "config.yaml", "titel: GEHEIM-4711\n")
    os.symlink(outside, kb / "b.txt.meta.yaml")
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3
    version = open_current(index_dir, expect_model=None)
    try:
        titles = [meta.title for meta in version.document_meta().values()]
        skipped = version.skipped()
    finally:
        version.close()
    assert "GEHEIM-4711" not in titles
    assert skipped == [{"file": "b.txt",
                        "reason": "sidecar b.txt.meta.yaml links outside the knowledge base"}]
