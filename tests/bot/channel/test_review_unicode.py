"""Review: a lone surrogate ("\\ud800" in the JSON) cannot be written as UTF-8 (SQLite raises
UnicodeEncodeError), so the question became a generic error and was lost as a knowledge gap."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from bot.state import State
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, serve, teams_message

JUNK = 'Hundesteuer \\ud800 abmelden \\udcff? \\u0000 \\ud83d\\udc36'  # JSON escapes


def _utf8(text: str | None) -> bool:
    try:
        (text or "").encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_web_chat_turns_are_valid_utf8(local_settings: Settings, tmp_path: Path) -> None:
    assistant = FakeAssistant()

    async def go() -> list[int]:
        statuses = []
        async with serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            plain = json.dumps({"text": "X", "session": "s1"})
            ask = json.dumps({"text": "", "session": "s1", "value": {"action": "ask",
                                                                      "text": "X"}})
            for body in (plain.replace('"X"', f'"{JUNK}"'), ask.replace('"X"', f'"{JUNK}"')):
                async with http.post(url + "/api/chat", data=body.encode(),
                                     headers={"Content-Type": "application/json"}) as response:
                    statuses.append(response.status)
        return statuses

    assert asyncio.run(go()) == [200, 200]
    text, ask = assistant.turns[0].text, assistant.turns[1].value["text"]  # type: ignore[index]
    assert _utf8(text) and _utf8(ask) and "🐶" in text and "\ufffd" in text
    State(tmp_path / "state.sqlite").record_unanswered(text, "web:s1")  # the gap is kept


def test_teams_turns_are_valid_utf8(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()

    async def go() -> None:
        async with serve(connector.app) as connector_url, \
                serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            activity: dict[str, Any] = teams_message(connector_url, "PLATZHALTER")
            raw = json.dumps(activity).replace("PLATZHALTER", JUNK)
            async with http.post(url + "/api/messages", data=raw.encode(),
                                 headers={"Content-Type": "application/json"}) as response:
                assert response.status in (200, 201)

    asyncio.run(go())
    assert len(assistant.turns) == 1 and _utf8(assistant.turns[0].text)
