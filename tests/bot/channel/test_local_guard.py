"""Local mode behind a proxy: a request that carries forwarding headers (or a browser's
non-loopback Origin/Referer) is refused, even though its peer and Host are loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.channel.local_guard import forwarding_header, is_loopback_url
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, serve, teams_message

RELAYED = [
    {"X-Forwarded-For": "203.0.113.7"},
    {"X-Forwarded-Host": "bot.musterstadt.de"},
    {"X-Forwarded-Proto": "https"},
    {"Forwarded": "for=203.0.113.7;proto=https"},
    {"X-Real-IP": "203.0.113.7"},
    {"Via": "1.1 nginx"},
    {"Referer": "https://evil.example/page"},
]


async def _post_with(settings: Settings, headers: dict[str, str],
                     path: str = "/api/messages") -> tuple[int, FakeAssistant, FakeConnector]:
    assistant, connector = FakeAssistant(), FakeConnector()
    async with serve(connector.app) as url, serve(create_app(settings, assistant)) as bot_url, \
            aiohttp.ClientSession() as http:
        body: dict[str, Any] = (teams_message(url, "Wer macht die Gehälter?")
                                if path == "/api/messages" else
                                {"text": "Frage", "session": "s1", "person": "pamt"})
        async with http.post(bot_url + path, json=body, headers=headers) as response:
            return response.status, assistant, connector


@pytest.mark.parametrize("headers", RELAYED)
def test_proxied_activities_are_refused(local_settings: Settings, headers: dict[str, str]) -> None:
    status, assistant, connector = asyncio.run(_post_with(local_settings, headers))
    assert status == 403
    assert assistant.turns == [] and connector.received == []


def test_direct_activities_are_still_answered(local_settings: Settings) -> None:
    status, assistant, _ = asyncio.run(_post_with(local_settings, {}))
    assert status == 201 and len(assistant.turns) == 1


@pytest.mark.parametrize("headers", RELAYED[:4])
def test_proxied_web_chat_requests_are_refused(
        local_settings: Settings, headers: dict[str, str]) -> None:
    status, assistant, _ = asyncio.run(_post_with(local_settings, headers, "/api/chat"))
    assert status == 403 and assistant.turns == []


def test_healthz_stays_reachable_through_a_proxy(local_settings: Settings) -> None:
    async def run() -> int:
        async with serve(create_app(local_settings, FakeAssistant())) as bot_url, \
                aiohttp.ClientSession() as http:
            async with http.get(f"{bot_url}/healthz",
                                headers={"X-Forwarded-For": "203.0.113.7"}) as response:
                return response.status

    assert asyncio.run(run()) == 200


def test_which_headers_count_as_relayed() -> None:
    assert forwarding_header({"x-forwarded-port": "443"}) == "x-forwarded-port"
    assert forwarding_header({"Origin": "http://localhost:3978"}) is None
    assert forwarding_header({"Origin": "http://127.0.0.1:3978"}) is None
    assert forwarding_header({"Origin": "null"}) == "Origin"
    assert forwarding_header({"Origin": "http://192.168.1.5:3978"}, check_origin=False) is None
    assert forwarding_header({"Content-Type": "application/json"}) is None
    assert is_loopback_url("http://[::1]:3978/") and not is_loopback_url("http://[")
