"""The web chat's inbox of a town lives in the town's state, as in the single-town app: a
proactive message (a briefing, a routed question, a draft to release) to a person who writes
in a town's web chat reaches their page when its poll lands on another replica, or on the bot
after a restart, and only in that town. (Before, a town's inbox stayed in the memory of the
process that sent: a restart between the message and the page's next poll lost it.)"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.settings import Settings
from bot.towns_app import TOWNS, create_towns_app
from bot.turns import Reply
from indexer.embedding import FakeEmbedder
from tests.bot.channel.conftest import serve
from tests.bot.tenants.towns import NORD, SUED, indexed_towns, write_tenants

pytestmark = pytest.mark.integration

TODAY = date(2026, 8, 5)
MESSAGE = "Ihre Vertretungsmappe (Probe)"


def deployment(tmp_path: Path) -> tuple[Settings, Any]:
    settings = Settings(_env_file=None, tenants_file=write_tenants(tmp_path, NORD, SUED),
                        state_db=tmp_path / "var" / "state.sqlite", local_mode_enabled=True)
    towns = indexed_towns(settings)
    return settings, towns


async def poll(http: aiohttp.ClientSession, bot: str, web_path: str, session: str) -> list[str]:
    async with http.get(f"{bot}{web_path}api/chat/inbox?session={session}") as response:
        assert response.status == 200, await response.text()
        return [r["text"] for r in (await response.json())["replies"]]


def test_a_towns_web_inbox_is_read_after_a_restart_and_on_another_replica(
        tmp_path: Path) -> None:
    settings, towns = deployment(tmp_path)
    deputy = NORD.deputy[0]

    def app() -> Any:
        return create_towns_app(settings, towns, embedder=FakeEmbedder(), today=lambda: TODAY)

    async def scenario() -> dict[str, list[str]]:
        seen: dict[str, list[str]] = {}
        async with aiohttp.ClientSession() as http:
            first = app()
            async with serve(first) as bot:
                body = {"session": "s-deputy", "text": "status", "person": deputy}
                async with http.post(f"{bot}{NORD.web_path}api/chat", json=body) as response:
                    assert response.status == 200  # the deputy writes: reachable from now on
                nord = first[TOWNS]["nord"].assistant
                assert await nord.notify_person(deputy, [Reply(MESSAGE)])
                async with serve(app()) as other:  # a second replica on the same state
                    seen["other replica"] = await poll(http, other, NORD.web_path, "s-deputy")
                assert await nord.notify_person(deputy, [Reply(MESSAGE + " 2")])
            # the bot restarts before the page polls again
            async with serve(app()) as bot:
                seen["after restart"] = await poll(http, bot, NORD.web_path, "s-deputy")
                seen["again"] = await poll(http, bot, NORD.web_path, "s-deputy")
                seen["Süd, same session"] = await poll(http, bot, SUED.web_path, "s-deputy")
        return seen

    assert asyncio.run(scenario()) == {
        "other replica": [MESSAGE], "after restart": [MESSAGE + " 2"], "again": [],
        "Süd, same session": []}
