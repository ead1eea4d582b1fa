"""load_file: source paths, content sniffing, sidecars and the reason of every bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from indexer.errors import LoaderError, UnsupportedFormat
from indexer.loaders import LOADERS, describe_content, is_sidecar, load_file, sidecar_path
from tests.indexer.loaders.conftest import copy_fixture

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("leer.md", "empty file"),
        ("webseite.pdf", "not a PDF (looks like HTML)"),
        ("muell.md", "binary content, not text"),
        ("verschluesselt.pdf", "encrypted (password required)"),
        ("keine_seiten.pdf", "PDF has no pages"),
        ("scan.pdf", "no text layer (scanned?)"),
    ],
)
def test_bad_fixture_is_reported_with_its_reason(formats: Path, name: str, reason: str) -> None:
    with pytest.raises(LoaderError) as caught:
        load_file(formats / name, formats)
    assert caught.value.reason == reason


def test_truncated_pdf_is_corrupt(formats: Path) -> None:
    with pytest.raises(LoaderError) as caught:
        load_file(formats / "abgeschnitten.pdf", formats)
    assert caught.value.reason.startswith("corrupt PDF: ")


@pytest.mark.parametrize("suffix", sorted(LOADERS))
def test_zero_byte_file_of_every_format_is_empty(kb: Path, suffix: str) -> None:
    path = kb / f"nichts{suffix}"
    path.write_bytes(b"")
    with pytest.raises(LoaderError, match="^empty file$"):
        load_file(path, kb)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "formular.docx",
            b"<html><body>Fehler 404</body></html>",
            "not a DOCX file (looks like HTML)",
        ),
        ("verfahren.odt", b"%PDF-1.4\n...", "not an ODT file (looks like a PDF)"),
        ("archiv.pdf", b"PK\x03\x04" + b"\x00" * 40, "not a PDF (looks like a ZIP archive)"),
        ("notiz.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary content, not text"),
        ("liste.csv", b"a;b\n\x00\x01\x02;c\n", "binary content, not text"),
        ("leer.txt", b"  \n\r\n\t\n", "no text (only whitespace)"),
    ],
)
def test_content_that_is_not_what_the_suffix_says(
    kb: Path, name: str, content: bytes, reason: str
) -> None:
    (kb / name).write_bytes(content)
    with pytest.raises(LoaderError) as caught:
        load_file(kb / name, kb)
    assert caught.value.reason == reason


def test_unknown_suffix_is_unsupported(kb: Path) -> None:
    (kb / "tabelle.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormat) as caught:
        load_file(kb / "tabelle.xlsx", kb)
    assert caught.value.reason == "unsupported format '.xlsx'"


def test_unreadable_path_becomes_a_loader_error(kb: Path) -> None:
    (kb / "ordner.md").mkdir()  # a directory where a file is expected: open() fails
    with pytest.raises(LoaderError, match="^cannot read file: "):
        load_file(kb / "ordner.md", kb)


_LOAD_REASON = """
import sys
from pathlib import Path
from indexer.errors import LoaderError
from indexer.loaders import load_file
try:
    load_file(Path(sys.argv[1]), Path(sys.argv[2]))
except LoaderError as exc:
    print(exc.reason)
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_permission_denied_becomes_a_loader_error(kb: Path) -> None:
    """Root reads mode-000 files anyway: as root, drop the capabilities that override file
    permissions for the child process, so the check is real."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    path = kb / "geheim.md"
    path.write_text("# Geheim\n\nText", encoding="utf-8")
    path.chmod(0)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [*prefix, sys.executable, "-c", _LOAD_REASON, str(path), str(kb)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "cannot read file: Permission denied"


def test_source_is_relative_posix_in_nfc(kb: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Gebühren – Übersicht (2026) ✓.md")
    target = copy_fixture("Gebühren – Übersicht (2026) ✓.md", kb, f"steueramt/2026/{decomposed}")
    sections = load_file(target, kb)
    assert [s.source for s in sections] == ["steueramt/2026/Gebühren – Übersicht (2026) ✓.md"]
    assert sections[0].heading_path == ("Gebühren – Übersicht",)
    assert sections[0].text == "Alle Gebühren 2026 auf einen Blick ✓."


def test_relative_kb_root_with_absolute_path(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = copy_fixture("bom.txt", kb, "buergerbuero/bom.txt")
    monkeypatch.chdir(kb.parent)
    assert load_file(target, Path(kb.name))[0].source == "buergerbuero/bom.txt"


def test_file_outside_the_knowledge_base(kb: Path, formats: Path) -> None:
    with pytest.raises(LoaderError, match="not inside the knowledge base"):
        load_file(formats / "bom.txt", kb)


def test_sidecar_overrides_only_the_keys_it_names(formats: Path) -> None:
    sections = load_file(formats / "handbuch.pdf", formats)
    meta = sections[0].meta
    assert meta.groups == ("steueramt",)
    assert meta.responsible == "bschneider"
    assert meta.keywords == ("Hundesteuer", "Steuerbescheid")  # sidecar beats PDF keywords
    assert meta.title == "Handbuch Steueramt"  # not in the sidecar: from the PDF
    assert all(s.meta == meta for s in sections)


def test_without_sidecar_the_document_is_open_to_all(kb: Path) -> None:
    target = copy_fixture("handbuch.pdf", kb)
    meta = load_file(target, kb)[0].meta
    assert meta.groups == ()
    assert meta.keywords == ("Hundesteuer", "Hundemarke")


def test_broken_sidecar_names_the_sidecar(kb: Path) -> None:
    target = copy_fixture("verfahren.odt", kb)
    sidecar_path(target).write_text("zugriff: [personalamt\n", encoding="utf-8")
    with pytest.raises(LoaderError) as caught:
        load_file(target, kb)
    assert "sidecar verfahren.odt.meta.yaml" in caught.value.reason
    assert "line 2" in caught.value.reason


def test_sidecar_with_wrong_type_names_the_key(kb: Path) -> None:
    target = copy_fixture("bom.txt", kb)
    sidecar_path(target).write_text("zustaendig: [a, b]\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="'zustaendig'.*sidecar bom.txt.meta.yaml"):
        load_file(target, kb)


def test_markdown_ignores_sidecars(kb: Path) -> None:
    target = copy_fixture("hundesteuer.md", kb)
    sidecar_path(target).write_text("zugriff: [personalamt]\n", encoding="utf-8")
    assert load_file(target, kb)[0].meta.groups == ()


def test_sidecar_names() -> None:
    assert sidecar_path(Path("a/bericht.pdf")) == Path("a/bericht.pdf.meta.yaml")
    assert is_sidecar(Path("a/bericht.pdf.meta.yaml"))
    assert not is_sidecar(Path("a/bericht.pdf"))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xef\xbb\xbf  <!DOCTYPE HTML PUBLIC", "HTML"),
        (b"<?xml version='1.0'?><root/>", "XML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old MS Office file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (b"Hallo Welt", "text"),
    ],
)
def test_describe_content(head: bytes, kind: str) -> None:
    assert describe_content(head) == kind
