"""``python -m bot serve``: local mode binds to 127.0.0.1 and says so; bad settings exit 2."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.__main__ import main


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    def fake_run_app(app: web.Application, host: str, port: int, **_: Any) -> None:
        calls.update(app=app, host=host, port=port)

    monkeypatch.setattr(web, "run_app", fake_run_app)
    for name in ("MicrosoftAppId", "WISSENSLOTSE_APP_ID", "WISSENSLOTSE_HOST",
                 "WISSENSLOTSE_PORT", "WISSENSLOTSE_WEB_CHAT", "WISSENSLOTSE_LOCAL_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no stray .env file
    return calls


def test_local_mode_binds_to_localhost_and_logs_it(
        served: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot"):
        assert main(["serve", "--local", "--kb", str(tmp_path), "--index", str(tmp_path / "i"),
                     "--port", "4001"]) == 0
    assert (served["host"], served["port"]) == ("127.0.0.1", 4001)
    assert "local mode" in caplog.text
    routes = {r.resource.canonical for r in served["app"].router.routes()}  # type: ignore[union-attr]
    assert {"/api/messages", "/healthz", "/", "/api/chat"} <= routes


def test_with_an_app_id_it_binds_to_all_interfaces_without_web_chat(
        served: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "11111111-2222-3333-4444-555555555555")
    assert main(["serve", "--kb", str(tmp_path)]) == 0
    assert served["host"] == "0.0.0.0"
    routes = {r.resource.canonical for r in served["app"].router.routes()}  # type: ignore[union-attr]
    assert "/api/chat" not in routes and "/api/messages" in routes


def test_without_app_id_local_mode_must_be_chosen(
        served: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["serve", "--kb", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "WISSENSLOTSE_LOCAL_MODE=true" in err and "MicrosoftAppId" in err
    assert "lokale Modus" in err  # German and English: operators of a town hall read both
    assert served == {}
    monkeypatch.setenv("WISSENSLOTSE_LOCAL_MODE", "true")
    assert main(["serve", "--kb", str(tmp_path)]) == 0
    assert served["host"] == "127.0.0.1"


def test_local_mode_and_app_id_together_are_refused(
        served: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "11111111-2222-3333-4444-555555555555")
    assert main(["serve", "--local", "--kb", str(tmp_path)]) == 2
    assert served == {}


def test_bad_settings_exit_2_and_name_the_setting(
        served: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "port" in capsys.readouterr().err
    assert served == {}


def test_luecken_is_delegated_with_its_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.gaps.report

    seen: list[list[str]] = []
    monkeypatch.setattr(bot.gaps.report, "cli_main", lambda argv: seen.append(argv) or 7)
    assert main(["luecken", "--csv", "out.csv"]) == 7
    assert seen == [["--csv", "out.csv"]]
