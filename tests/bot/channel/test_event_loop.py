"""The event loop stays free while a message is processed: /healthz answers during a turn
whose text makes the date parser work (or, before the fix, spin forever)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.assistant.conftest import FIXED_DAY, ScriptedSearcher, write_directory
from tests.bot.channel.conftest import FakeConnector, ThreadedServers, teams_message


def _assistant(settings: Settings) -> Any:
    from bot.assistant.assistant import Assistant
    from bot.directory.directory import Directory
    from bot.state.sqlite import State

    directory = Directory.load(write_directory(settings.directory_path))
    return Assistant(settings, ScriptedSearcher([]), directory, State(settings.state_db),
                     today=lambda: FIXED_DAY)


def _post(url: str, body: dict[str, Any], timeout: float) -> int:
    request = urllib.request.Request(url, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


def _healthz_while_posting(settings: Settings, text: str) -> tuple[float, FakeConnector]:
    """Seconds /healthz took while the message was in the bot, and the connector."""
    connector = FakeConnector()
    with ThreadedServers(connector.app, create_app(settings, _assistant(settings))) as servers:
        connector_url, bot_url = servers.urls
        sender = threading.Thread(target=_post, daemon=True, args=(
            f"{bot_url}/api/messages", teams_message(connector_url, text), 60))
        sender.start()
        time.sleep(0.3)  # the turn is under way
        started = time.monotonic()
        with urllib.request.urlopen(f"{bot_url}/healthz", timeout=5) as response:
            assert response.status == 200
        took = time.monotonic() - started
        sender.join(60)
        assert not sender.is_alive(), "the message was never answered"
    return took, connector


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                    state_db=tmp_path / "state.sqlite", directory_dir=tmp_path / "verzeichnis",
                    local_mode_enabled=True)


@pytest.mark.parametrize("text", ["abwesend 31.12.9999-01.01.", "abwesend bis 31.12.9999"])
def test_healthz_answers_while_a_hostile_date_is_processed(settings: Settings, text: str) -> None:
    _, connector = _healthz_while_posting(settings, text)
    replies = [m.get("text", "") for m in connector.messages()]
    assert any("zwischen 2000 und 2099" in reply or "länger als ein Jahr" in reply
               for reply in replies), replies


def test_a_slow_command_does_not_hold_the_event_loop(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.directory.absences as absences

    real = absences.parse_absence_request

    def slow(text: str, today: Any) -> Any:
        time.sleep(2.0)  # a parser this slow must still leave /healthz free
        return real(text, today)

    monkeypatch.setattr(absences, "parse_absence_request", slow)
    took, connector = _healthz_while_posting(settings, "abwesend 03.08.-14.08.")
    assert took < 1.0, f"/healthz took {took:.2f} s while a 2 s command ran"
    assert connector.messages(), "the command was answered"


def test_storing_a_conversation_reference_does_not_hold_the_event_loop(
    settings: Settings,
) -> None:
    """The state's calls block (with PostgreSQL they cross the network): the reference of a
    new chat is saved in a worker thread. Here the save waits until /healthz has answered;
    were it run on the event loop, /healthz could not answer at all."""
    from bot.state.sqlite import State

    healthz_answered = threading.Event()
    save_started = threading.Event()

    class SlowState(State):
        def save_reference(self, user_key: str, reference_json: str) -> None:
            save_started.set()
            healthz_answered.wait(10)
            super().save_reference(user_key, reference_json)

    assistant = _assistant(settings)
    assistant.state = SlowState(settings.state_db)
    connector = FakeConnector()
    with ThreadedServers(connector.app, create_app(settings, assistant)) as servers:
        connector_url, bot_url = servers.urls
        sender = threading.Thread(target=_post, daemon=True, args=(
            f"{bot_url}/api/messages", teams_message(connector_url, "hilfe"), 60))
        sender.start()
        try:
            assert save_started.wait(30), "the reference was never saved"
            with urllib.request.urlopen(f"{bot_url}/healthz", timeout=5) as response:
                assert response.status == 200
        finally:
            healthz_answered.set()
        sender.join(60)
        assert not sender.is_alive(), "the message was never answered"
    assert assistant.state.reference_of("aad-birgit") is not None
    assert connector.messages(), "the message was answered"
