"""``python -m indexer rollback``: back to the previous complete version, under the build lock."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import indexer.build.pipeline
from indexer.build import BuildReport
from indexer.cli import main
from indexer.embedding import FakeEmbedder
from indexer.errors import NoPreviousVersion
from indexer.store import BuildLock, current_version_id, open_current, previous_version, rollback
from tests.indexer.conftest import write


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer.build.pipeline, "load_embedder", lambda name: FakeEmbedder())


def three_versions(build: Callable[..., BuildReport], kb: Path, **settings: object) -> list[str]:
    ids = [build(**settings).version_id]
    for n in range(2):
        write(kb, f"neu{n}.md", f"# Neu {n}\nText {n}")
        ids.append(build(**settings).version_id)
    return ids


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_rollback_goes_back_step_by_step_and_keeps_the_versions(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    v1, v2, v3 = three_versions(build, kb)
    assert rollback(index_dir).current == v2
    assert current_version_id(index_dir) == v2
    assert open_current(index_dir, "fake").documents() == [
        "bauhof/muell.md", "neu0.md", "steueramt/hundesteuer.md"]
    assert rollback(index_dir).current == v1  # further back, not to the withdrawn v3
    assert sorted(p.name for p in (index_dir / "versions").iterdir()) == [v1, v2, v3]
    with pytest.raises(NoPreviousVersion, match="nothing to roll back to"):
        rollback(index_dir)
    assert current_version_id(index_dir) == v1  # a refusal changes nothing


def test_after_a_rollback_the_next_build_rolls_back_to_the_version_that_served(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    _, v2, v3 = three_versions(build, kb)
    rollback(index_dir)
    write(kb, "neu9.md", "# Neu 9\nText 9")
    v4 = build().version_id
    assert v4 not in (v2, v3)
    assert previous_version(index_dir) == v2  # not the withdrawn v3, although newer by name
    assert rollback(index_dir).current == v2


def test_rollback_to_a_named_version_and_back(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    v1, _, v3 = three_versions(build, kb)
    assert rollback(index_dir, to=v1).current == v1
    assert rollback(index_dir).current == v3  # undoes the explicit step
    with pytest.raises(NoPreviousVersion, match="no complete version 'gibt-es-nicht'"):
        rollback(index_dir, to="gibt-es-nicht")
    with pytest.raises(NoPreviousVersion, match="already serving"):
        rollback(index_dir, to=v3)


def test_an_incomplete_version_is_never_a_rollback_target(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    v1, v2, _ = three_versions(build, kb)
    (index_dir / "versions" / v2 / "manifest.json").unlink()  # damaged, half deleted
    (index_dir / "versions" / "99991231T000000.000000Z-abcdef.partial").mkdir()
    assert rollback(index_dir).current == v1


def test_index_without_history_rolls_back_by_name_order(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    v1, v2, _ = three_versions(build, kb)
    (index_dir / "HISTORY").unlink()  # built before the history existed
    assert rollback(index_dir).current == v2
    assert rollback(index_dir).current == v1


def test_pruning_always_keeps_the_rollback_target(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    _, v2, v3 = three_versions(build, kb, keep_versions=1)
    assert sorted(p.name for p in (index_dir / "versions").iterdir()) == [v2, v3]
    assert rollback(index_dir).current == v2


def test_cli_rollback_refuses_while_a_build_runs_and_without_previous(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    v1 = build().version_id
    assert cli("rollback", "--index", index_dir) == 1
    assert "no previous complete version" in capsys.readouterr().err
    write(kb, "neu.md", "# Neu\nText")
    v2 = build().version_id
    with BuildLock(index_dir):  # a build (here or on another replica) is running
        assert cli("rollback", "--index", index_dir) == 4
        assert "another build holds" in capsys.readouterr().err
        assert current_version_id(index_dir) == v2
    assert cli("rollback", "--index", index_dir, "--json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "index_dir": str(index_dir), "previous": v2, "version_id": v1}
    assert cli("rollback", "--index", index_dir.parent / "nirgends") == 1
    assert "no index folder" in capsys.readouterr().err
    shutil.rmtree(index_dir / "versions" / v2)
    assert cli("rollback", "--index", index_dir, "--to", v2) == 1
    assert f"no complete version '{v2}'" in capsys.readouterr().err
