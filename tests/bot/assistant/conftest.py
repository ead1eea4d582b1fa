"""Fixtures of the assistant tests: fixed dates, settings in tmp, small fakes where meaning
does not matter (the integration tests use the real model, index, directory and state)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.turns import Reply
from indexer.model import Chunk, DocumentMeta, Hit

FIXED_DAY = date(2026, 8, 5)
KB = Path(__file__).resolve().parents[3] / "knowledge_base"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        kb_dir=tmp_path / "kb",
        index_dir=tmp_path / "index",
        state_db=tmp_path / "state.sqlite",
        admins=["admin@musterstadt.de"],
        directory_dir=tmp_path / "verzeichnis",
    )


def chunk(
    source: str,
    heading: str,
    text: str,
    title: str = "",
    tasks: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    page: int | None = None,
) -> Chunk:
    meta = DocumentMeta(title=title or source, tasks=tasks, groups=groups)
    return Chunk(source, title or source, (heading,), text, page, 0, meta)


@dataclass
class ScriptedSearcher:
    """Returns the chunks whose text shares a word with the query, with given cosine scores;
    honours the groups contract (None = no filter, else a document with groups needs one)."""

    chunks: list[tuple[Chunk, float]]
    version_id: str | None = "v-test"
    manifest: dict[str, Any] = field(
        default_factory=lambda: {"model": "fake", "counts": {"files": 2, "chunks": 4}}
    )
    calls: list[dict[str, Any]] = field(default_factory=list)
    refreshes: int = 0

    def refresh(self) -> bool:
        self.refreshes += 1
        return False

    def search(
        self, query: str, k: int = 5, mode: str = "hybrid", groups: Collection[str] | None = None,
        thesaurus: Any = None,
    ) -> list[Hit]:
        self.calls.append({"query": query, "groups": groups, "thesaurus": thesaurus})
        words = {w.lower().strip("?.,") for w in query.split()}
        found = []
        for item, score in self.chunks:
            if groups is not None and item.meta.groups and not set(item.meta.groups) & set(groups):
                continue
            text_words = {w.lower().strip("?.,:") for w in item.embed_text.split()}
            if words & text_words:
                found.append((item, score))
        found.sort(key=lambda pair: -pair[1])
        return [Hit(c, s, rank, dense_score=s) for rank, (c, s) in enumerate(found[:k])]


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        self.sent.append((conversation_id, replies))


PEOPLE = """id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt
bschneider;Berta Schneider;Steueramt;07000 1-231;1.10;berta.schneider@test.example;aad-bs;steueramt;
tkoch;Tom Koch;Steueramt;07000 1-232;1.11;tom.koch@test.example;aad-tkoch;steueramt;
pamt;Paula Personal;Personalamt;07000 1-250;2.01;paula@test.example;aad-pamt;personalamt;
admin;Ada Admin;IT;07000 1-290;0.01;admin@musterstadt.de;aad-admin;it;
ukeller;Uwe Keller;Steueramt;07000 1-230;1.01;uwe.keller@test.example;;steueramt,leitung;
"""
TASKS = """aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2
hundesteuer;Hundesteuer;Hund,Hundesteuer,Hundemarke,Hund abmelden;Steueramt;bschneider;tkoch;
gehaelter;Gehaltsabrechnung;Gehalt,Lohn,Bezüge,Gehaltstabelle;Personalamt;pamt;;
"""
DEPARTMENTS = "abteilung;leitung;telefon\nSteueramt;ukeller;07000 1-230\n"
ABSENCES = "person;von;bis;vertretung;grund\nbschneider;01.08.2026;14.08.2026;;Urlaub\n"


def write_directory(folder: Path) -> Path:
    """Our own small directory: the Hundesteuer owner is away 01.-14.08.2026."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("personen.csv", PEOPLE),
        ("zustaendigkeiten.csv", TASKS),
        ("abteilungen.csv", DEPARTMENTS),
        ("abwesenheiten.csv", ABSENCES),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def directory(settings: Settings) -> Any:
    from bot.directory.directory import Directory

    return Directory.load(write_directory(settings.directory_path))


@pytest.fixture
def hund_chunks() -> list[tuple[Chunk, float]]:
    title = "Übergabe Hundesteuer"
    return [
        (chunk("steueramt/hundesteuer.md", "Anmeldung", "1. Hund anmelden\n2. Marke ausgeben",
               title, ("hundesteuer",)), 0.86),
        (chunk("steueramt/hundesteuer.md", "Abmeldung eines Hundes",
               "Bei der Abmeldung:\n1. Abmeldeformular prüfen\n2. Hundemarke zurücknehmen\n"
               "3. Steuer anteilig erstatten", title, ("hundesteuer",)), 0.85),
        (chunk("personal/gehalt.md", "Gehaltstabelle", "Hund Gehalt vertraulich",
               "Gehälter", groups=("personalamt",)), 0.95),
        (chunk("allgemein/brot.md", "Kantine", "Brot backen in der Kantine", "Kantine"), 0.70),
    ]  # fmt: skip


@pytest.fixture
def state(settings: Settings) -> Any:
    from bot.state.sqlite import State

    return State(settings.state_db)


@pytest.fixture
def assistant(
    settings: Settings,
    directory: Any,
    hund_chunks: list[tuple[Chunk, float]],
    state: Any,
) -> Any:
    from bot.assistant.assistant import Assistant

    searcher = ScriptedSearcher(hund_chunks)
    return Assistant(settings, searcher, directory, state, today=lambda: FIXED_DAY)


# --- the real model over the sample knowledge base (integration tests) ---


@pytest.fixture(scope="session")
def kb_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from indexer.build.pipeline import build_index
    from indexer.settings import IndexSettings

    index = tmp_path_factory.mktemp("kb-index")
    build_index(IndexSettings(_env_file=None, kb_dir=KB, index_dir=index, model="e5"))
    return index


@pytest.fixture(scope="session")
def embedder() -> Any:
    from indexer.embedding import load_embedder

    return load_embedder("e5")
