"""``python -m bot datenschutz`` in a child process, on a real state file and directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.state import SqlState

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "directory"


def _run(*args: str, cwd: Path,
         extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {key: value for key, value in env.items() if not key.startswith("WISSENSLOTSE_")}
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "bot", "datenschutz", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=60)


def test_export_then_delete_by_person_id(tmp_path: Path, state_source: str,
                                        store: SqlState) -> None:
    folder = tmp_path / "verzeichnis"
    folder.mkdir()
    shutil.copy(FIXTURES / "personen.csv", folder / "personen.csv")
    state = store
    # Teams stores the AAD id, the chat absence the person id: both belong to bschneider
    state.record_unanswered("Wo ist die Kantine?", "29:aad-bschneider")
    state.add_absence("bschneider", date(2030, 1, 2), date(2030, 1, 3), None, "bschneider")
    state.record_unanswered("Parkausweis?", "29:aad-tkoch")
    common = ["--person", "bschneider", "--state", state_source,
              "--directory", str(folder)]

    exported = _run("export", *common, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert "29:aad-bschneider" in data["kennungen"] and data["aufbewahrung_tage"] == 90
    assert [row["question"] for row in data["unanswered"]] == ["Wo ist die Kantine?"]
    assert [row["person_id"] for row in data["absences"]] == ["bschneider"]
    assert "Parkausweis" not in exported.stdout

    out = tmp_path / "auskunft.json"
    assert _run("export", *common, "--out", str(out), cwd=tmp_path).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["unanswered"] == data["unanswered"]

    deleted = _run("loeschen", *common, cwd=tmp_path)
    assert deleted.returncode == 0, deleted.stderr
    assert "unbeantwortete Fragen: 1" in deleted.stdout
    assert "Abwesenheiten aus dem Chat: 1" in deleted.stdout
    again = json.loads(_run("export", *common, cwd=tmp_path).stdout)
    assert again["unanswered"] == [] and again["absences"] == []
    assert state.unanswered() == [("Parkausweis?", 1)]


def test_missing_state_file_is_named(tmp_path: Path) -> None:
    result = _run("export", "--person", "x", "--state", str(tmp_path / "nichts.sqlite"),
                  cwd=tmp_path)
    assert result.returncode == 2
    assert "nichts.sqlite" in result.stderr and not result.stdout
    assert not (tmp_path / "nichts.sqlite").exists()


def test_an_unreachable_state_database_is_a_clear_error(tmp_path: Path) -> None:
    from tests.postgres import free_port

    url = f"postgresql://bot:geheim@127.0.0.1:{free_port()}/wl"
    env_url = {"WISSENSLOTSE_STATE_URL": url}
    result = _run("export", "--person", "x", cwd=tmp_path, extra_env=env_url)
    assert result.returncode == 2 and not result.stdout
    assert "Fehler: Zustandsdatenbank nicht nutzbar" in result.stderr
    assert "geheim" not in result.stderr and "Traceback" not in result.stderr
