"""The configuration reference in README.md and .env.example is generated and kept current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import Field

from bot.operations.config_reference import (
    all_rows,
    env_example,
    markdown_table,
    stale_files,
    write_files,
)
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_readme_and_env_example_match_the_settings_classes() -> None:
    stale = stale_files(ROOT / "README.md", ROOT / ".env.example", all_rows())
    assert stale == [], "run `python -m bot config-reference --write` and commit the result"


def test_every_setting_is_documented_with_a_description() -> None:
    undocumented = [row.env for row in all_rows() if not row.description]
    assert undocumented == []


def test_a_new_setting_makes_the_files_stale_until_they_are_written(tmp_path: Path) -> None:
    class Extended(Settings):
        state_pool_size: int = Field(4, ge=1, description="connections kept open per replica")

    readme, env_file = tmp_path / "README.md", tmp_path / ".env.example"
    readme.write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    env_file.write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    rows = all_rows([Extended])
    assert stale_files(readme, env_file, rows) == [readme, env_file]
    write_files(readme, env_file, rows)
    assert stale_files(readme, env_file, rows) == []
    assert "| `WISSENSLOTSE_STATE_POOL_SIZE` | `int` | `4` | connections kept open" in \
        readme.read_text(encoding="utf-8")
    assert "#WISSENSLOTSE_STATE_POOL_SIZE=4\n" in env_file.read_text(encoding="utf-8")


def test_rows_give_env_names_aliases_types_and_defaults() -> None:
    rows = {row.env: row for row in all_rows()}
    assert rows["MicrosoftAppId"].aliases == ("WISSENSLOTSE_APP_ID",)
    assert rows["WISSENSLOTSE_LOCAL_MODE"].type == "bool"
    assert rows["WISSENSLOTSE_LOCAL_MODE"].default == "false"
    assert rows["WISSENSLOTSE_ADMINS"].default == "[]"
    assert rows["WISSENSLOTSE_LOG_FORMAT"].type == "'text' | 'json'"
    assert rows["WISSENSLOTSE_RELEASE_DIR"].type == "Path | None"
    assert "`Path \\| None`" in markdown_table(all_rows())  # a pipe must not split the cell
    assert "#WISSENSLOTSE_PORT=3978\n" in env_example(all_rows())


def test_the_check_command_fails_on_a_stale_readme(tmp_path: Path) -> None:
    readme, env_file = tmp_path / "README.md", tmp_path / ".env.example"
    original = (ROOT / "README.md").read_text(encoding="utf-8")
    readme.write_text(original.replace("| `WISSENSLOTSE_PORT`", "| `WISSENSLOTSE_PORTX`"),
                      encoding="utf-8")
    env_file.write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    command = [sys.executable, "-m", "bot", "config-reference", "--check", "--readme",
               str(readme), "--env-example", str(env_file)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "README.md is out of date" in result.stdout
    readme.write_text(original, encoding="utf-8")
    assert subprocess.run(command, cwd=ROOT, timeout=120).returncode == 0
