from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FORMATS = Path(__file__).resolve().parents[2] / "fixtures" / "formats"


@pytest.fixture
def formats() -> Path:
    """The committed format fixtures (read-only: copy before changing anything)."""
    return FORMATS


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """An empty knowledge base folder in a temp dir."""
    root = tmp_path / "knowledge_base"
    root.mkdir()
    return root


def copy_fixture(name: str, kb_root: Path, as_name: str | None = None) -> Path:
    target = kb_root / (as_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FORMATS / name, target)
    return target


def shared_data(folder: str) -> Path | None:
    """A folder of the shared test data (never copied into the repo), or None when absent."""
    repo = Path(__file__).resolve().parents[3]
    for base in (repo.parent / "shared" / "data", Path("/work/shared/data")):
        if (base / folder).is_dir():
            return base / folder
    return None
