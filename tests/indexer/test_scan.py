from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from indexer.build import file_sha256, scan_knowledge_base
from tests.indexer.conftest import write

LIMIT = 1_000_000


def scan(root: Path, limit: int = LIMIT) -> tuple[list[str], dict[str, str]]:
    result = scan_knowledge_base(root, limit)
    return [f.source for f in result.files], {s.file: s.reason for s in result.skipped}


def test_ignore_rules_hidden_underscore_and_indexignore(tmp_path: Path) -> None:
    write(tmp_path, ".indexignore", "# templates and notes\nREADME.md\nentwurf/*\n*.bak\n")
    for name in ("a.md", "README.md", "sub/README.md", "_vorlagen/vorlage.md", ".git/x.md",
                 "sub/.hidden.md", "entwurf/plan.md", "alt.md.bak", "sub/ok.txt"):
        write(tmp_path, name, "Text")
    files, skipped = scan(tmp_path)
    assert files == ["a.md", "sub/ok.txt"]
    assert skipped == {}


def test_sidecar_is_not_a_document_but_changes_the_hash(tmp_path: Path) -> None:
    pdf = write(tmp_path, "handbuch.pdf", b"%PDF-1.4 pretend")
    before = scan_knowledge_base(tmp_path, LIMIT).files
    write(tmp_path, "handbuch.pdf.meta.yaml", "zugriff: [personalamt]\n")
    after = scan_knowledge_base(tmp_path, LIMIT).files
    assert [f.source for f in after] == ["handbuch.pdf"]
    assert before[0].sha256 == file_sha256(pdf) != after[0].sha256


def test_oversize_file_is_skipped_without_reading(tmp_path: Path) -> None:
    write(tmp_path, "gross.txt", "x" * 2000)
    write(tmp_path, "klein.txt", "x")
    files, skipped = scan(tmp_path, limit=1000)
    assert files == ["klein.txt"]
    assert "too large" in skipped["gross.txt"] and "max_file_mb" in skipped["gross.txt"]


def test_symlink_loops_and_broken_links_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a/doc.md", "Text")
    os.symlink(tmp_path / "a", tmp_path / "a" / "zurueck")  # folder links to itself
    os.symlink(tmp_path / "selbst", tmp_path / "selbst")  # link to itself
    os.symlink(tmp_path / "fehlt.md", tmp_path / "kaputt.md")
    os.symlink(tmp_path / "a" / "doc.md", tmp_path / "verweis.md")  # a fine file link
    files, skipped = scan(tmp_path)
    assert files == ["a/doc.md", "verweis.md"]
    assert skipped["a/zurueck"].startswith("symlink loop")
    assert skipped["selbst"] == "symlink loop"
    assert skipped["kaputt.md"] == "broken symlink"


def test_odd_names_undecodable_nfd_and_pipes(tmp_path: Path) -> None:
    write(tmp_path, unicodedata.normalize("NFD", "Übergabe Straßenreinigung ✓.md"), "Text")
    bad = os.path.join(os.fsencode(tmp_path), b"kaputt-\xff.md")
    with open(bad, "wb") as handle:
        handle.write(b"Text")
    os.mkfifo(tmp_path / "leitung.md")
    files, skipped = scan(tmp_path)
    assert files == ["Übergabe Straßenreinigung ✓.md"]  # NFC, the index's one spelling
    assert skipped["kaputt-\ufffd.md"] == "file name is not valid UTF-8"
    assert "not a regular file" in skipped["leitung.md"]


def test_unreadable_file_as_a_normal_user(tmp_path: Path) -> None:
    """Root reads a mode-000 file anyway; tested for real as 'nobody' in test_build."""
    if os.geteuid() == 0:
        pytest.skip("running as root: see test_build::test_unreadable_file_without_read_override")
    write(tmp_path, "geheim.md", "Text")
    os.chmod(tmp_path / "geheim.md", 0)
    files, skipped = scan(tmp_path)
    assert skipped["geheim.md"] == "cannot read: permission denied"


def test_release_folder_is_scanned_beside_the_knowledge_base(tmp_path: Path) -> None:
    from indexer.build.scan import scan_roots

    kb, released = tmp_path / "kb", tmp_path / "freigegeben"
    write(kb, "steueramt/hund.md", "alt")
    write(kb, "steueramt/kasse.md", "Kasse")
    write(released, "steueramt/hund.md", "neu")  # an updated document replaces the old one
    write(released, "buergerbuero/parken.md", "Parkausweis")
    write(released, "steueramt/.x.tmp", "half written")
    result = scan_roots(kb, released, LIMIT)
    by_source = {f.source: f for f in result.files}
    assert sorted(by_source) == ["buergerbuero/parken.md", "steueramt/hund.md",
                                 "steueramt/kasse.md"]
    assert by_source["steueramt/hund.md"].root == released
    assert by_source["steueramt/kasse.md"].root is None
    assert scan_roots(kb, tmp_path / "fehlt", LIMIT).files == scan_knowledge_base(kb, LIMIT).files
    assert scan_roots(kb, kb, LIMIT).files == scan_knowledge_base(kb, LIMIT).files
