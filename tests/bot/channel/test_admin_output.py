"""Admin output asked for in a Teams channel reaches only the admin: the channel connector
must see a short note, the admin's personal conversation the report (real HTTP)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from bot.texts import assistant as texts
from tests.bot.assistant.conftest import FIXED_DAY, ScriptedSearcher, write_directory
from tests.bot.channel.conftest import FakeConnector, bot_mention, serve, teams_message

CHANNEL = "19:general@thread.tacv2;messageid=1"
PERSONAL = "a:1personal-chat-id"


def _assistant(tmp_path: Path) -> Any:
    from bot.assistant.assistant import Assistant
    from bot.directory.directory import Directory
    from bot.state.sqlite import State

    settings = Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                        state_db=tmp_path / "state.sqlite", directory_dir=tmp_path / "dir",
                        admins=["aad-birgit"])
    state = State(settings.state_db)
    state.record_unanswered("Wann ist Frau Beispiel aus der Kur zurück?", "aad-x")
    directory = Directory.load(write_directory(settings.directory_path))
    assistant = Assistant(settings, ScriptedSearcher([]), directory, state,
                          today=lambda: FIXED_DAY)
    return settings, assistant


async def _conversation(tmp_path: Path, personal_first: bool) -> FakeConnector:
    settings, assistant = _assistant(tmp_path)
    connector = FakeConnector()
    async with serve(connector.app) as url, serve(create_app(settings, assistant)) as bot_url, \
            aiohttp.ClientSession() as http:
        messages = [teams_message(url, "hilfe", conversation_id=PERSONAL)] if personal_first \
            else []
        messages.append(teams_message(url, "<at>Wissenslotse</at> lücken",
                                      conversation_type="channel", conversation_id=CHANNEL,
                                      entities=[bot_mention()], activity_id="2"))
        for activity in messages:
            async with http.post(f"{bot_url}/api/messages", json=activity) as response:
                assert response.status == 201
    return connector


def _texts_in(connector: FakeConnector, conversation: str) -> list[str]:
    return [r.activity.get("text") or r.activity.get("summary") or ""
            for r in connector.received
            if r.conversation_id == conversation and r.activity.get("type") == "message"]


def test_the_gap_report_goes_to_the_admins_personal_chat(tmp_path: Path) -> None:
    connector = asyncio.run(_conversation(tmp_path, personal_first=True))
    channel = _texts_in(connector, CHANNEL)
    assert channel == [texts.SENT_PERSONALLY]
    personal = [r.activity for r in connector.received
                if r.conversation_id == PERSONAL and r.activity.get("type") == "message"]
    report = str(personal[-1])
    assert "Kur" in report and texts.GAPS_TITLE in report
    assert all("Kur" not in str(r.activity) for r in connector.received
               if r.conversation_id == CHANNEL)


def test_without_a_personal_chat_the_channel_gets_only_a_note(tmp_path: Path) -> None:
    connector = asyncio.run(_conversation(tmp_path, personal_first=False))
    assert _texts_in(connector, CHANNEL) == [texts.WRITE_PERSONALLY]
    assert all("Kur" not in str(r.activity) for r in connector.received)


def test_the_personal_chat_seen_by_another_replica_is_found_in_the_store(
        tmp_path: Path) -> None:
    """Replica A saw the admin's personal chat; the channel message reaches replica B (same
    state database, nothing in B's memory): B still sends the report there."""
    settings, first = _assistant(tmp_path)
    _, second = _assistant(tmp_path)  # same state file, own process state
    connector = FakeConnector()

    async def scenario() -> None:
        async with serve(connector.app) as url, serve(create_app(settings, first)) as a_url, \
                serve(create_app(settings, second)) as b_url, aiohttp.ClientSession() as http:
            personal = teams_message(url, "hilfe", conversation_id=PERSONAL)
            async with http.post(f"{a_url}/api/messages", json=personal) as response:
                assert response.status == 201
            channel = teams_message(url, "<at>Wissenslotse</at> lücken",
                                    conversation_type="channel", conversation_id=CHANNEL,
                                    entities=[bot_mention()], activity_id="2")
            async with http.post(f"{b_url}/api/messages", json=channel) as response:
                assert response.status == 201

    asyncio.run(scenario())
    assert _texts_in(connector, CHANNEL) == [texts.SENT_PERSONALLY]
    personal = [r.activity for r in connector.received
                if r.conversation_id == PERSONAL and r.activity.get("type") == "message"]
    assert "Kur" in str(personal[-1]) and texts.GAPS_TITLE in str(personal[-1])
