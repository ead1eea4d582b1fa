"""The committed fixture script still produces the committed fixtures, and they stay small."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from indexer.errors import LoaderError
from indexer.loaders import is_sidecar, load_file
from tests.indexer.loaders.conftest import FORMATS

SCRIPT = FORMATS.parent / "make_fixtures.py"


def _run_script(out_dir: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("make_fixtures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written: list[Path] = module.main(out_dir)
    return written


def _outcome(path: Path) -> object:
    """What the loader makes of a file: its section texts, or the error reason."""
    try:
        return [
            (s.heading_path, s.page, " ".join(s.text.split())) for s in load_file(path, path.parent)
        ]
    except LoaderError as exc:
        return exc.reason.split(":")[0]


def test_script_regenerates_every_committed_fixture(tmp_path: Path) -> None:
    generated = {p.name: p for p in _run_script(tmp_path)}
    committed = {p.name for p in FORMATS.iterdir()}
    assert set(generated) == committed
    for name, path in generated.items():
        if not is_sidecar(path):
            assert _outcome(path) == _outcome(FORMATS / name), name


def test_fixtures_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in FORMATS.iterdir()}
    assert len(sizes) >= 15
    assert max(sizes.values()) < 50_000, sizes
