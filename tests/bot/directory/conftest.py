"""Shared fixtures: the small test directory and the sample knowledge base's directory."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.directory import Directory

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "directory"
SAMPLE = ROOT / "knowledge_base" / "_verzeichnis"


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/directory (CSV files only), to spoil per test."""
    target = tmp_path / "verzeichnis"
    target.mkdir()
    for name in ("personen.csv", "abteilungen.csv", "zustaendigkeiten.csv", "abwesenheiten.csv"):
        shutil.copy(FIXTURES / name, target / name)
    return target


@pytest.fixture
def sample_dir() -> Path:
    if not (SAMPLE / "personen.csv").is_file():
        pytest.skip("the sample knowledge base (knowledge_base/_verzeichnis) is not merged")
    return SAMPLE


PEOPLE = "id;name;abteilung\nakern;Anna Kern;Ordnungsamt\nblang;Bernd Lang;Ordnungsamt\n"
# Two tasks of one department whose names share no word with "Wer kümmert sich um den
# Bierwagen beim Dorffest?"; only the documents' front matter (aufgaben) says which is meant.
TASKS = """aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2
sondernutzung;Sondernutzungserlaubnis;Straßenfest,Gehweg;Ordnungsamt;akern;blang;
gaststaette;Gestattung Ausschank;Festzelt,Schankbetrieb;Ordnungsamt;blang;akern;
"""


def small_directory(tmp_path: Path) -> Directory:
    """Two people and the two tasks above, loaded from CSV files below ``tmp_path``."""
    folder = tmp_path / "verzeichnis"
    folder.mkdir()
    (folder / "personen.csv").write_text(PEOPLE, encoding="utf-8")
    (folder / "zustaendigkeiten.csv").write_text(TASKS, encoding="utf-8")
    return Directory.load(folder)


class ScriptedStanding:
    """The dense side of task recognition, scripted: the same standing for every question
    (task id -> z-score), in place of ``Directory._embedded``."""

    def __init__(self, standing: dict[str, float]) -> None:
        self._standing = standing

    def standing(self, question: str, query_vector: Any = None) -> dict[str, float]:
        return dict(self._standing)


# A town with words of its own (``synonyme.txt``, bot.directory.synonyms): three tasks whose
# names share no word with what staff call them there.
TOWN_FILES = {
    "personen.csv": ("id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt\n"
                     "akern;Anna Kern;Ordnungsamt;0700 1;1.01;anna.kern@test.example;;admins;\n"
                     "blang;Bernd Lang;Hauptamt;0700 2;1.02;;;;\n"),
    "abteilungen.csv": "abteilung;leitung;telefon\nOrdnungsamt;akern;1\nHauptamt;blang;2\n",
    "abwesenheiten.csv": "person;von;bis;vertretung;grund\n",
    "zustaendigkeiten.csv": (
        "aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2\n"
        "verwarnung;Verwarnungsgeld;Parkverstoß;Ordnungsamt;akern;blang;\n"
        "buergerhaus;Vermietung Bürgerhaus;Saalmiete;Hauptamt;blang;akern;\n"
        "wertstoffe;Wertstoffsammlung;Recycling;Hauptamt;blang;akern;\n"
    ),
}
OWN_WORDS = """# Wörter der Gemeinde Lindenbach
Verwarnungsgeld, Knolle
Bürgerhaus, Zehntscheuer

Wertstoffsammlung, Gelber Sack
"""


def town_directory(folder: Path, synonyms: str | bytes | None = None) -> Path:
    """The town's directory folder: its four CSV files and, if given, ``synonyme.txt``."""
    folder.mkdir(parents=True)
    for name, text in TOWN_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    if isinstance(synonyms, str):
        (folder / "synonyme.txt").write_text(synonyms, encoding="utf-8")
    elif synonyms is not None:
        (folder / "synonyme.txt").write_bytes(synonyms)
    return folder
