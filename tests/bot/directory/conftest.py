"""Shared fixtures: the small test directory and the sample knowledge base's directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
