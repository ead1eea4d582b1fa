"""``python -m bot serve``: local mode binds to 127.0.0.1 and says so; bad settings exit 2."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import indexer.embedding
from bot.__main__ import main
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings


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
    import bot.gaps.cli

    seen: list[list[str]] = []
    monkeypatch.setattr(bot.gaps.cli, "cli_main", lambda argv: seen.append(argv) or 7)
    assert main(["luecken", "--csv", "out.csv"]) == 7
    assert seen == [["--csv", "out.csv"]]


# ``python -m bot serve`` on a fresh clone (no index yet), on an index of another
# model, on a busy port and with a bad setting: one clear line, exit 1 or 2, no traceback.


class OtherModel(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(dimension=32)
        self.name = "other"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("MicrosoftAppId", "WISSENSLOTSE_APP_ID", "WISSENSLOTSE_HOST",
                 "WISSENSLOTSE_PORT", "WISSENSLOTSE_WEB_CHAT", "WISSENSLOTSE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    monkeypatch.setenv("WISSENSLOTSE_STATE_DB", str(tmp_path / "state.sqlite"))
    monkeypatch.setattr(indexer.embedding, "load_embedder", lambda name: FakeEmbedder())
    kb = tmp_path / "kb"
    (kb / "_verzeichnis").mkdir(parents=True)
    (kb / "a.md").write_text("# Hundesteuer\n\nDie Hundemarke gibt das Steueramt aus.\n",
                             encoding="utf-8")
    return kb


def _serve(kb: Path, index: Path, port: int = 0) -> list[str]:
    return ["serve", "--local", "--kb", str(kb), "--index", str(index), "--port", str(port)]


def test_fresh_clone_without_index(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_serve(clean_env, clean_env.parent / "index")) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "python -m indexer build" in err


def test_index_of_another_model(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = clean_env.parent / "index"
    build_index(IndexSettings(kb_dir=clean_env, index_dir=index, model="other"), OtherModel())
    assert main(_serve(clean_env, index)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "other" in err and err.startswith("Error:")


def test_busy_port(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = clean_env.parent / "index"
    build_index(IndexSettings(kb_dir=clean_env, index_dir=index, model="fake"), FakeEmbedder())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(_serve(clean_env, index, taken.getsockname()[1])) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "WISSENSLOTSE_PORT" in err


def test_bad_port_setting_names_the_variable(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WISSENSLOTSE_PORT", "abc")
    assert main(["serve", "--local", "--kb", str(clean_env)]) == 2
    err = capsys.readouterr().err
    assert "WISSENSLOTSE_PORT" in err and "'abc'" in err and "Traceback" not in err


def test_local_mode_on_a_network_address_needs_the_web_chat_token() -> None:
    from bot.app import check_settings
    from bot.errors import ConfigurationError
    from bot.settings import Settings

    with pytest.raises(ConfigurationError, match="WISSENSLOTSE_WEB_CHAT_TOKEN"):
        check_settings(Settings(_env_file=None, host="0.0.0.0"))
    check_settings(Settings(_env_file=None, host="0.0.0.0", web_chat_token="s3cret-token"))
    check_settings(Settings(_env_file=None, host="127.0.0.1"))
