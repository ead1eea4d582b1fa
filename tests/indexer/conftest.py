"""Shared helpers of the indexer tests: knowledge bases in temp dirs, settings, fakes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.build import BuildReport, build_index
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings

REPO = Path(__file__).resolve().parents[2]
FORMAT_FIXTURES = REPO / "tests" / "fixtures" / "formats"
SHARED_DATA = next((p for p in (REPO.parent / "shared" / "data", Path("/work/shared/data"))
                    if p.is_dir()), None)

HUNDESTEUER = """---
titel: Übergabe Hundesteuer
stichwoerter: [Hund, Hundemarke]
---
# Hundesteuer

## Anmeldung
Ein Hund wird innerhalb von zwei Wochen beim Steueramt angemeldet. Die Hundemarke wird
sofort ausgegeben.

## Abmeldung
Bei Tod oder Abgabe des Hundes wird die Hundemarke zurückgegeben.
"""

MUELL = """# Müllabfuhr

## Sperrmüll
Sperrmüll wird zweimal im Jahr kostenlos abgeholt. Termine vergibt der Bauhof.
"""


def write(root: Path, relative: str, text: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A small knowledge base with two departments."""
    root = tmp_path / "knowledge_base"
    write(root, "steueramt/hundesteuer.md", HUNDESTEUER)
    write(root, "bauhof/muell.md", MUELL)
    return root


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def settings(kb: Path, index_dir: Path) -> IndexSettings:
    return IndexSettings(kb_dir=kb, index_dir=index_dir, model="fake", chunk_tokens=64)


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def build(settings: IndexSettings, fake: FakeEmbedder) -> Callable[..., BuildReport]:
    """Build with the fake embedder; ``fake.embedded_texts`` is reset before each build."""

    def run(**overrides: object) -> BuildReport:
        fake.embedded_texts.clear()
        chosen = settings.model_copy(update=overrides) if overrides else settings
        return build_index(chosen, embedder=fake)

    return run


def copy_formats(target: Path, names: list[str] | None = None) -> list[str]:
    """Copy the committed format fixtures (all, or ``names``) into ``target``."""
    if not FORMAT_FIXTURES.is_dir():
        pytest.skip(f"format fixtures missing: {FORMAT_FIXTURES}")
    copied = []
    for path in sorted(FORMAT_FIXTURES.iterdir()):
        if path.is_file() and (names is None or path.name in names):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.name)
            copied.append(path.name)
    return copied
