"""Review: 200 kB of nested brackets (well under the body limit) overflowed the JSON parser's
recursion; the RecursionError was no ValueError and became a 500 with a traceback in the log."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, serve

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_VALUE = (b'{"session": "s1", "text": "", "value": {"a": ' + b"[" * 100_000
              + b"]" * 100_000 + b"}}")


def test_deeply_nested_json_is_a_400(local_settings: Settings) -> None:
    assistant = FakeAssistant()

    async def go() -> list[int]:
        statuses = []
        async with serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            for path, body in (("/api/messages", DEEP), ("/api/chat", DEEP),
                               ("/api/chat", DEEP_VALUE)):
                async with http.post(url + path, data=body,
                                     headers={"Content-Type": "application/json"}) as response:
                    statuses.append(response.status)
        return statuses

    assert asyncio.run(go()) == [400, 400, 400]
    assert assistant.turns == []


def test_nesting_just_below_the_parser_limit_is_no_500(local_settings: Settings) -> None:
    body = b'{"session": "s1", "text": "", "value": {"a": ' + b"[" * 990 + b"]" * 990 + b"}}"

    async def go() -> list[int]:
        statuses = []
        async with serve(create_app(local_settings, FakeAssistant())) as url, \
                aiohttp.ClientSession() as http:
            for path in ("/api/chat", "/api/messages"):
                async with http.post(url + path, data=body,
                                     headers={"Content-Type": "application/json"}) as response:
                    statuses.append(response.status)
        return statuses

    assert all(400 <= status < 500 or status == 200 for status in asyncio.run(go()))
