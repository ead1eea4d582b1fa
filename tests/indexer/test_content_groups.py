"""Content groups and overview scores at build time (indexer/build/duplicates.py, overview.py)
and the store's format 2 (table ``content``), with real files, SQLite and FAISS."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from indexer.build import BuildReport
from indexer.build.duplicates import content_groups, jaccard, shingles
from indexer.build.overview import overview_scores
from indexer.embedding import FakeEmbedder
from indexer.model import Chunk
from indexer.search import Searcher
from indexer.store import open_current
from tests.indexer.conftest import write

PROCEDURE = """Wer einen Hund hält, meldet ihn innerhalb von zwei Wochen beim Steueramt an. Die
Hundemarke wird sofort ausgegeben. Stirbt das Tier oder wird es abgegeben, endet die
Steuerpflicht mit dem Monatsende. Benötigt werden die Marke und eine Bescheinigung des
Tierarztes oder des neuen Halters. Die Gebühr wird jährlich zum ersten Juli fällig, eine
Ermäßigung gibt es für Rettungshunde und Blindenführhunde auf Antrag mit Nachweis."""

OTHER = """Sperrmüll wird zweimal im Jahr kostenlos abgeholt. Termine vergibt der Bauhof nach
Anmeldung per Telefon oder Formular. Elektrogeräte und Sondermüll werden getrennt gesammelt
und an den Wertstoffhöfen der Stadt angenommen, dort gelten eigene Öffnungszeiten."""


def _office(name: str) -> str:
    return (f"## Zuständige Stelle\nKundenzentrum {name}, Rathausplatz 1, geöffnet montags "
            "bis freitags von acht bis zwölf Uhr.")


def test_copies_share_a_group_and_other_documents_do_not() -> None:
    bodies = {
        "a/hund.md": PROCEDURE,
        "b/hund.md": PROCEDURE.replace("\n", " "),  # the same page, saved elsewhere
        "a/muell.md": OTHER,
    }
    groups = content_groups(bodies)
    assert groups["a/hund.md"] == groups["b/hund.md"] == "a/hund.md"
    assert groups["a/muell.md"] == "a/muell.md"


def test_district_copies_differing_in_the_office_block_are_one_group() -> None:
    bodies = {f"{d}.md": f"{PROCEDURE}\n{_office(d)}" for d in ("Altona", "Bergedorf", "Mitte")}
    bodies["muell.md"] = f"{OTHER}\n{_office('Altona')}"
    groups = content_groups(bodies)
    assert groups["Altona.md"] == groups["Bergedorf.md"] == groups["Mitte.md"]
    assert groups["muell.md"] == "muell.md"


def test_export_beside_its_pdf_is_grouped_by_its_words() -> None:
    words = PROCEDURE.split()
    reordered = " ".join(words[1::2] + words[0::2])  # columns read in another order
    assert jaccard(shingles(PROCEDURE), shingles(reordered)) < 0.2
    backwards = " ".join(reversed(words))  # the same words, no shingle in common either
    groups = content_groups({"f/antrag.pdf": PROCEDURE, "f/antrag.txt": reordered,
                             "g/antrag.txt": backwards})
    assert groups["f/antrag.pdf"] == groups["f/antrag.txt"] == "f/antrag.pdf"
    assert groups["g/antrag.txt"] == "g/antrag.txt"  # another folder: shingles decide


def _chunk(source: str, title: str, heading: str, text: str) -> Chunk:
    return Chunk(source=source, title=title, heading_path=(heading,), text=text, page=None,
                 ordinal=0)


def test_overview_score_marks_a_page_whose_headings_are_other_titles() -> None:
    titles = ["Hund anmelden", "Hund abmelden", "Hundemarke verloren", "Sperrmüll"]
    documents = {f"{t}.md": [_chunk(f"{t}.md", t, "Voraussetzungen", "Text.")] for t in titles}
    documents["themen.md"] = [_chunk("themen.md", "Themen", f"[{t}](/link)", "Kurz.")
                              for t in titles[:3]]
    documents["zwei.md"] = [_chunk("zwei.md", "Zwei", t, "Kurz.") for t in titles[:2]]
    scores = overview_scores(documents)
    assert scores["themen.md"] == 1.0
    assert scores["zwei.md"] == 0.0  # two links do not make an overview
    assert all(scores[f"{t}.md"] == 0.0 for t in titles)


def test_version_stores_groups_and_an_old_version_still_opens(
    kb: Path, index_dir: Path, build: Callable[..., BuildReport]
) -> None:
    write(kb, "kopie/hundesteuer.md", (kb / "steueramt/hundesteuer.md").read_text("utf-8"))
    build()
    content = open_current(index_dir).content()
    assert content["kopie/hundesteuer.md"].group == "kopie/hundesteuer.md"
    assert content["steueramt/hundesteuer.md"].group == "kopie/hundesteuer.md"
    assert content["bauhof/muell.md"].group == "bauhof/muell.md"
    old = open_current(index_dir)
    _make_format_1(old.path)
    old = open_current(index_dir)
    assert old.content() == {}  # a format-1 version opens: no groups, nothing breaks
    hits = Searcher(index_dir, FakeEmbedder()).search("Hundesteuer Anmeldung", k=5)
    assert {"kopie/hundesteuer.md", "steueramt/hundesteuer.md"} <= {h.source for h in hits}
    assert all(h.also_in == () for h in hits)
    again = build()  # nothing changed in the files, but the version is of the old format
    assert again.published and again.version_id != old.version_id
    assert len(open_current(index_dir).content()) == 3


def _make_format_1(version: Path) -> None:
    """Turn a version into what the code before content groups wrote."""
    db = sqlite3.connect(version / "chunks.sqlite")
    with db:
        db.execute("DROP TABLE content")
    db.close()
    manifest = version / "manifest.json"
    manifest.write_text(manifest.read_text("utf-8").replace('"format": 2', '"format": 1'),
                        encoding="utf-8")
