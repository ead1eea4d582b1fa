"""/metrics of a deployment with two towns: counted per town, no marker of either town in
the scrape (real HTTP on 127.0.0.1, real indexes with the FakeEmbedder)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import aiohttp

from bot.settings import Settings
from bot.towns_app import create_towns_app
from indexer.embedding.fake import FakeEmbedder
from tests.bot.channel.conftest import serve
from tests.bot.tenants.towns import NORD, SUED, indexed_towns, write_tenants

TODAY = date(2026, 8, 11)


def test_questions_are_counted_per_town_and_no_town_data_is_scraped(tmp_path: Path) -> None:
    tenants = write_tenants(tmp_path, NORD, SUED, tokens=True)
    settings = Settings(_env_file=None, tenants_file=tenants, web_chat=True,
                        app_id="11111111-2222-3333-4444-555555555555", app_password="pw",
                        state_db=tmp_path / "var" / "state.sqlite", web_chat_token="global")
    towns = indexed_towns(settings)
    app = create_towns_app(settings, towns, embedder=FakeEmbedder(), today=lambda: TODAY)

    async def run() -> str:
        async with serve(app) as bot, aiohttp.ClientSession() as http:
            for text in ("Fährgebühr", NORD.question):
                async with http.post(f"{bot}{NORD.web_path}api/chat", json={
                        "session": "s1", "text": text},
                        headers={"X-Wissenslotse-Token": "token-nord"}) as response:
                    assert response.status == 200
            async with http.get(f"{bot}/metrics") as response:
                assert response.status == 200
                return await response.text()

    scrape = asyncio.run(run())
    lines = [line for line in scrape.splitlines() if line.startswith("wissenslotse_")]
    nord = [line for line in lines if line.startswith("wissenslotse_questions_total")
            and 'town="nord"' in line]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in nord) == 2
    assert not any('town="sued"' in line for line in lines
                   if line.startswith("wissenslotse_questions_total"))
    assert any(line.startswith('wissenslotse_index_info{town="sued"') for line in lines)
    for marker in (*NORD.markers(), *SUED.markers()):
        assert marker not in scrape
