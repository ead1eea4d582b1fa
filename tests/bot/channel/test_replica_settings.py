"""Settings that matter once several replicas serve: the report links' key."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                    state_db=tmp_path / "state.sqlite", **values)


def test_postgresql_state_without_a_report_secret_warns(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        create_app(_settings(tmp_path, state_url="postgresql://db/wl"), FakeAssistant())
    assert "WISSENSLOTSE_REPORT_SECRET" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        create_app(_settings(tmp_path, state_url="postgresql://db/wl", report_secret="k" * 32),
                   FakeAssistant())
        create_app(_settings(tmp_path), FakeAssistant())  # one SQLite file: one machine
    assert "WISSENSLOTSE_REPORT_SECRET" not in caplog.text
