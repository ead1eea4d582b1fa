"""The one admin rule through the Bot Framework endpoint: a person in the group ``admins`` of
``personen.csv`` is an admin without being listed in the settings (as docs/directory.md says);
a person outside it is not. Real HTTP, the real assistant, directory and state."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import create_app
from bot.assistant import Assistant
from bot.directory import Directory
from bot.settings import Settings
from bot.state import State
from bot.texts import assistant as texts
from tests.bot.assistant.conftest import ScriptedSearcher, write_directory
from tests.bot.channel.conftest import FakeConnector, serve, teams_message

GROUP_ADMIN = "gadmin;Gabi Gruppe;IT;07000 1-291;0.02;gabi@test.example;aad-gabi;it,admins;\n"


def _assistant(tmp_path: Path) -> Assistant:
    settings = Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                        state_db=tmp_path / "state.sqlite", admins=[], _env_file=None)
    folder = write_directory(settings.directory_path)
    with (folder / "personen.csv").open("a", encoding="utf-8") as people:
        people.write(GROUP_ADMIN)
    directory = Directory.load(folder)
    return Assistant(settings, ScriptedSearcher([]), directory, State(settings.state_db))


async def _gap_report_reply(assistant: Assistant, aad_id: str, email: str) -> str:
    connector = FakeConnector(email=email)
    async with serve(connector.app) as connector_url, \
            serve(create_app(assistant.settings, assistant)) as bot_url, \
            aiohttp.ClientSession() as http:
        activity: dict[str, Any] = teams_message(connector_url, "lücken")
        activity["from"]["aadObjectId"] = aad_id
        async with http.post(f"{bot_url}/api/messages", json=activity) as response:
            assert response.status == 201
    (message,) = connector.messages()
    return json.dumps(message, ensure_ascii=False)  # text, summary and card


def test_member_of_the_admins_group_may_run_admin_commands(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    text = asyncio.run(_gap_report_reply(assistant, "aad-gabi", "gabi@test.example"))
    assert texts.ADMIN_ONLY not in text
    assert "Lückenbericht" in text


def test_person_outside_the_admins_group_is_refused(tmp_path: Path) -> None:
    assistant = _assistant(tmp_path)
    text = asyncio.run(_gap_report_reply(assistant, "aad-tkoch", "tom.koch@test.example"))
    assert texts.ADMIN_ONLY in text
