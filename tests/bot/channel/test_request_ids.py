"""Every response names its request id; a proxy's well-formed id is kept (real HTTP)."""

from __future__ import annotations

import asyncio
import re

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, serve


async def _ids(settings: Settings) -> list[str]:
    headers = [{}, {"X-Request-Id": "nginx-0123456789abcdef"},
               {"X-Request-Id": "bad id\twith spaces"}, {"X-Request-Id": "x" * 65}]
    found = []
    async with serve(create_app(settings, FakeAssistant())) as url, \
            aiohttp.ClientSession() as http:
        for extra in headers:
            async with http.get(f"{url}/healthz", headers=extra) as response:
                found.append(response.headers["X-Request-Id"])
    return found


def test_request_ids_are_kept_when_well_formed_and_made_otherwise(
        local_settings: Settings) -> None:
    fresh, kept, bad, long = asyncio.run(_ids(local_settings))
    assert kept == "nginx-0123456789abcdef"
    for made in (fresh, bad, long):
        assert re.fullmatch(r"[0-9a-f]{16}", made)
    assert len({fresh, bad, long}) == 3
