"""The document generator: every source renders to a file that opens, with real headings,
a complete sidecar, and the same bytes on every run; the committed files are up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from odf import table, teletype, text
from odf.opendocument import load as load_odt
from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_kb_documents.py"
SOURCES = REPO / "scripts" / "kb_sources"
SIDECAR_KEYS = {"titel", "aufgaben", "zustaendig", "vertretung", "stichwoerter",
                "abteilung", "dokumenttyp", "zuletzt_geprueft"}


def generate(kb: Path, sources: Path = SOURCES) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sources", str(sources), "--kb", str(kb)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    kb = tmp_path_factory.mktemp("kb")
    return kb, generate(kb)


def headings_of(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return [p.text for p in docx.Document(str(path)).paragraphs
                if p.style is not None and p.style.name.startswith("Heading")]
    if path.suffix == ".odt":
        return [teletype.extractText(h) for h in load_odt(str(path)).getElementsByType(text.H)]
    raise AssertionError(path)


def test_formats_and_counts(generated: tuple[Path, list[str]]) -> None:
    _, targets = generated
    suffixes = [Path(t).suffix for t in targets]
    assert suffixes.count(".pdf") >= 5
    assert suffixes.count(".docx") >= 4
    assert suffixes.count(".odt") >= 2


def test_every_file_opens_with_headings_and_sidecar(generated: tuple[Path, list[str]]) -> None:
    kb, targets = generated
    multi_page = 0
    for target in targets:
        path = kb / target
        meta = yaml.safe_load(path.with_name(path.name + ".meta.yaml").read_text("utf-8"))
        assert SIDECAR_KEYS <= set(meta), target
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            assert reader.metadata is not None and reader.metadata.title == meta["titel"]
            first = reader.pages[0].extract_text()
            assert "Seite 1 von" in first and len(first.split()) > 100, target
            multi_page += len(reader.pages) > 1
        else:
            headings = headings_of(path)
            assert len(headings) >= 4, (target, headings)
    assert multi_page >= 3


def test_docx_and_odt_carry_title_keywords_and_a_table(
        generated: tuple[Path, list[str]]) -> None:
    kb, targets = generated
    tables = 0
    for target in (t for t in targets if t.endswith(".docx")):
        document = docx.Document(str(kb / target))
        assert document.core_properties.title and document.core_properties.keywords
        tables += len(document.tables)
    assert tables >= 1
    odt_tables = sum(len(load_odt(str(kb / t)).getElementsByType(table.Table))
                     for t in targets if t.endswith(".odt"))
    assert odt_tables >= 1


def test_regeneration_is_byte_identical(generated: tuple[Path, list[str]],
                                        tmp_path: Path) -> None:
    kb, targets = generated
    generate(tmp_path)
    for target in targets:
        assert (kb / target).read_bytes() == (tmp_path / target).read_bytes(), target


def test_committed_documents_match_their_sources(generated: tuple[Path, list[str]]) -> None:
    # PDF bytes depend on the installed font file, so PDFs compare by text.
    kb, targets = generated
    for target in targets:
        fresh, committed = kb / target, REPO / "knowledge_base" / target
        assert committed.exists(), f"{target}: run scripts/make_kb_documents.py and commit"
        side = target + ".meta.yaml"
        assert (kb / side).read_text("utf-8") == (REPO / "knowledge_base" / side).read_text(
            "utf-8"), side
        if fresh.suffix == ".pdf":
            texts = [[p.extract_text() for p in PdfReader(f).pages] for f in (fresh, committed)]
            assert texts[0] == texts[1], f"{target} is stale: regenerate it"
        else:
            assert fresh.read_bytes() == committed.read_bytes(), f"{target} is stale"


def test_bad_source_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "kaputt.md").write_text("# Kein Front Matter\n\nText.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sources", str(sources), "--kb", str(tmp_path / "kb")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 1
    assert "missing YAML front matter" in done.stderr
    assert not (tmp_path / "kb").exists()
