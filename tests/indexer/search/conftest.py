"""A small real knowledge base indexed once with the real e5 model (meaning matters here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.embedding import Embedder, load_embedder
from indexer.search import Searcher
from indexer.settings import IndexSettings

DOCUMENTS = {
    "steueramt/hundesteuer.md": """---
titel: Übergabe Hundesteuer
stichwoerter: [Hundemarke]
abteilung: Steueramt
---
# Hundesteuer

## Anmeldung
Wer einen Hund hält, meldet ihn innerhalb von zwei Wochen beim Steueramt an. Die Marke wird
sofort ausgegeben.

## Abmeldung
Stirbt das Tier oder wird es abgegeben, endet die Steuerpflicht mit dem Monatsende.
Benötigte Unterlagen: die Marke und eine Bescheinigung des Tierarztes oder des neuen Halters.
""",
    "ordnungsamt/gewerbe.md": """---
titel: Gewerbe anmelden
abteilung: Ordnungsamt
---
# Gewerbe anmelden

Wer ein Gewerbe anmelden will, füllt das Formular GewA 1 aus und legt den Personalausweis
vor. Die Gebühr beträgt 26 Euro. Eine Kopie geht an das Finanzamt und die IHK.
""",
    "steueramt/gewerbesteuer.md": """# Gewerbesteuer

Der Hebesatz der Gewerbesteuer wird vom Gemeinderat beschlossen. Vorauszahlungen sind
vierteljährlich fällig.
""",
    "buergerbuero/wohnsitz.md": """# Wohnsitz

## Anmeldung
Nach einem Umzug ist die Anmeldung des Wohnsitzes binnen zwei Wochen Pflicht. Mitzubringen
sind der Ausweis und die Wohnungsgeberbestätigung.

## Ummeldung
Innerhalb der Stadt genügt eine Ummeldung im Bürgerbüro.

## Abmeldung ins Ausland
Wer ins Ausland zieht, meldet sich ab. Eine Abmeldebestätigung wird ausgestellt.
""",
    "personalamt/disziplinar.md": """---
titel: Disziplinarverfahren
zugriff: [personalamt]
---
# Disziplinarverfahren gegen eine Mitarbeiterin

Vertraulich: Das Verfahren wegen der verspäteten Hundesteuer-Bescheide ruht bis März.
Die Personalakte liegt verschlossen im Personalamt.
""",
    "bauhof/winterdienst.md": """# Winterdienst

Der Bauhof räumt ab vier Uhr morgens die Hauptstraßen, danach die Gehwege an Schulen.
Streusalz lagert in der Halle am Friedhof.
""",
}


def write_kb(root: Path, documents: dict[str, str]) -> Path:
    for relative, text in documents.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def e5() -> Embedder:
    return load_embedder("e5")


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory: pytest.TempPathFactory, e5: Embedder) -> Path:
    """Index folder of DOCUMENTS, built once per session with the real e5 model."""
    base = tmp_path_factory.mktemp("e5kb")
    kb = write_kb(base / "knowledge_base", DOCUMENTS)
    settings = IndexSettings(kb_dir=kb, index_dir=base / "index", model="e5", chunk_tokens=96)
    build_index(settings, embedder=e5)
    return base / "index"


@pytest.fixture(scope="session")
def searcher(e5_index: Path, e5: Embedder) -> Searcher:
    return Searcher(e5_index, e5)
