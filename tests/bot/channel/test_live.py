"""The whole bot over HTTP: ``create_app`` builds the real assistant in its warm-up (real index of
a piece of the sample knowledge base, real searcher, directory and state), a Teams message goes
in, the answer card with its source arrives on the fake connector."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeConnector, serve, teams_message

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KB = Path(__file__).resolve().parents[3] / "knowledge_base"
HANDOVER = "steueramt/hundesteuer_uebergabe.md"


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from indexer.build.pipeline import build_index
    from indexer.settings import IndexSettings

    root = tmp_path_factory.mktemp("live")
    kb = root / "kb"
    for part in (HANDOVER, "buergerbuero/fundbuero_uebergabe.md"):
        (kb / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KB / part, kb / part)
    shutil.copytree(KB / "_verzeichnis", kb / "_verzeichnis")
    build_index(IndexSettings(_env_file=None, kb_dir=kb, index_dir=root / "index", model="e5"))
    return kb, root / "index"


def test_teams_question_gets_the_real_answer_card(small_kb: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    kb, index = small_kb
    settings = Settings(_env_file=None, kb_dir=kb, index_dir=index, model="e5",
                        state_db=tmp_path / "state.sqlite")
    connector = FakeConnector()

    async def run() -> tuple[int, Any]:
        async with serve(connector.app) as url, serve(create_app(settings)) as bot_url, \
                aiohttp.ClientSession() as http:
            question = teams_message(url, "Wie melde ich einen Hund ab?")
            async with http.post(f"{bot_url}/api/messages", json=question) as response:
                status = response.status
            async with http.get(f"{bot_url}/healthz") as response:
                return status, await response.json()

    status, health = asyncio.run(run())
    assert status == 201
    assert health["documents"] == 2 and health["model"] == "e5" and health["index_version"]
    (message,) = connector.messages()
    card = message["attachments"][0]["content"]
    texts = " ".join(str(block.get("text", "")) for block in card["body"])
    assert HANDOVER in texts
    assert "Abmeldung" in card["fallbackText"]
    assert [a["data"].get("vote") for a in card["actions"]] == ["up", "down", None]
    assert card["actions"][2]["data"]["action"] == "frage_weiterleiten"  # issue 12
