"""Search returns one hit per content group (copies named in ``also_in``) and ranks an
overview page below the page it points to; real FAISS and SQLite, the fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.evaluate import first_relevant_rank
from indexer.loaders import load_file
from indexer.search import Searcher
from indexer.settings import IndexSettings
from tests.indexer.conftest import copy_formats, write

HUND = """---
titel: Hund abmelden
---
# Hund abmelden

## Voraussetzungen
Wer seinen Hund abgibt oder wer den Hund verliert, meldet ihn beim Steueramt ab. Die
Hundemarke wird zurückgegeben, die Hundesteuer endet mit dem Monatsende. Benötigt werden die
Hundemarke und eine Bescheinigung des Tierarztes oder des neuen Halters. Den Hund abmelden
können Sie auch online.
"""

OVERVIEW = """# Dienstleistungen rund um den Hund

## [Hund abmelden](/hund-abmelden)
Mehr erfahren.

## [Hund anmelden](/hund-anmelden)
Mehr erfahren.

## [Hundemarke verloren](/marke)
Mehr erfahren.
"""


def _page(title: str, text: str) -> str:
    return f"---\ntitel: {title}\n---\n# {title}\n\n## Ablauf\n{text}\n"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    write(root, "steueramt/hund_abmelden.md", HUND)
    write(root, "archiv/hund_abmelden.md", HUND)  # the same page in a second folder
    write(root, "intern/hund_abmelden.md", HUND.replace(
        "---\n#", "zugriff: [steueramt]\n---\n#", 1))  # a restricted copy
    write(root, "themen/hund.md", OVERVIEW)
    write(root, "steueramt/hund_anmelden.md", _page(
        "Hund anmelden", "Einen neuen Hund meldet man binnen zwei Wochen beim Steueramt an."))
    write(root, "steueramt/marke.md", _page(
        "Hundemarke verloren", "Eine verlorene Marke wird gegen Gebühr ersetzt."))
    copied = copy_formats(root / "formulare", ["handbuch.pdf"])
    sections = load_file(root / "formulare" / copied[0], root)
    write(root, "formulare/handbuch.txt", "\n\n".join(s.text for s in sections))
    return root


@pytest.fixture
def index_dir(kb: Path, tmp_path: Path) -> Path:
    settings = IndexSettings(kb_dir=kb, index_dir=tmp_path / "index", model="fake",
                             chunk_tokens=64)
    build_index(settings, embedder=FakeEmbedder())
    return settings.index_dir


def test_copies_are_one_hit_that_names_the_others(index_dir: Path) -> None:
    hits = Searcher(index_dir, FakeEmbedder()).search("Hund abmelden Hundemarke", k=5)
    sources = [h.source for h in hits]
    copies = [s for s in sources if s.endswith("hund_abmelden.md")]
    assert len(copies) == 1
    hit = hits[sources.index(copies[0])]
    assert set(hit.also_in) | {hit.source} == {
        "steueramt/hund_abmelden.md", "archiv/hund_abmelden.md", "intern/hund_abmelden.md"}


def test_a_restricted_copy_is_never_named_to_an_outsider(index_dir: Path) -> None:
    hits = Searcher(index_dir, FakeEmbedder()).search("Hund abmelden", k=5, groups=[])
    named = {s for h in hits for s in (h.source, *h.also_in)}
    assert "archiv/hund_abmelden.md" in named
    assert not any(s.startswith("intern/") for s in named)


def test_a_pdf_and_its_text_export_are_one_hit(index_dir: Path) -> None:
    text = (Path(index_dir).parent / "kb" / "formulare" / "handbuch.txt").read_text("utf-8")
    query = " ".join(text.split()[:12])
    hits = Searcher(index_dir, FakeEmbedder()).search(query, k=5)
    pair = [h for h in hits if h.source.startswith("formulare/")]
    assert len(pair) == 1
    assert {pair[0].source, *pair[0].also_in} == {"formulare/handbuch.pdf",
                                                   "formulare/handbuch.txt"}


def test_overview_page_ranks_below_the_page_it_points_to(index_dir: Path) -> None:
    query = "Hund abmelden"
    plain = Searcher(index_dir, FakeEmbedder(), overview_penalty=0.0)
    assert plain.search(query, k=3)[0].source == "themen/hund.md"  # the trap is real
    hits = Searcher(index_dir, FakeEmbedder()).search(query, k=3)
    assert hits[0].source.endswith("hund_abmelden.md")
    assert "themen/hund.md" in [h.source for h in hits]  # lowered, not removed


def test_evaluation_counts_a_hit_relevant_through_its_copies(index_dir: Path) -> None:
    hits = Searcher(index_dir, FakeEmbedder()).search("Hund abmelden Hundemarke", k=5)
    rank = first_relevant_rank(hits, ["steueramt/hund_ab"])
    assert rank is not None and first_relevant_rank(hits, ["archiv/"]) == rank
