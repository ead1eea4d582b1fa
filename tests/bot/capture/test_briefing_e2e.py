"""End to end through ``POST /api/messages`` with a fake Bot Framework connector on
127.0.0.1: Berta enters her absence with a note, the app's periodic briefing task sends Tom
(her deputy) his Vertretungsmappe as a proactive message on the morning it starts, once;
a restart (a new app and assistant on the same state database) does not send it again."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from tests.bot.capture.briefing_fixtures import START, Day, town_assistant, town_settings
from tests.bot.channel.conftest import FakeConnector, serve, teams_message

pytestmark = [pytest.mark.integration]

PEOPLE = {  # Teams user id -> (AAD object id, e-mail in the test directory)
    "29:berta": ("aad-berta", "berta.schneider@test.example"),
    "29:tom": ("aad-tom", "tom.koch@test.example"),
}


class Connector(FakeConnector):
    async def _member(self, request: web.Request) -> web.Response:
        aad, email = PEOPLE[request.match_info["uid"]]
        return web.json_response({"id": request.match_info["uid"], "aadObjectId": aad,
                                  "email": email})

    def to(self, uid: str) -> list[dict[str, Any]]:
        return [m for m in self.messages() if m["conversation"]["id"] == f"a:{uid}"]


async def send(http: aiohttp.ClientSession, bot: str, url: str, uid: str, text: str) -> None:
    activity = teams_message(url, text, conversation_id=f"a:{uid}",
                             activity_id=str(time.time_ns()))
    activity["from"] = {"id": uid, "name": uid, "aadObjectId": PEOPLE[uid][0]}
    async with http.post(f"{bot}/api/messages", json=activity) as response:
        assert response.status == 201, await response.text()


def dump(activity: dict[str, Any]) -> str:
    return json.dumps(activity, ensure_ascii=False)


def briefings_to_tom(connector: Connector) -> list[dict[str, Any]]:
    return [m for m in connector.to("29:tom") if "Ihre Vertretungsmappe" in dump(m)]


async def wait_until(check: Any, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


def test_absence_start_delivers_the_briefing_once_across_a_restart(tmp_path: Path) -> None:
    settings = town_settings(tmp_path)
    day = Day(START - timedelta(days=1))  # the day before the absence
    connector = Connector()

    async def scenario() -> None:
        async with serve(connector.app) as url, aiohttp.ClientSession() as http:
            first, _ = town_assistant(settings, day)
            async with serve(create_app(settings, first)) as bot:
                await send(http, bot, url, "29:tom", "hallo")  # Tom is reachable
                await send(http, bot, url, "29:berta",
                           "abwesend 05.08.-20.08. Notiz: Widerspruch Feldweg 7 liegt im Fach")
                assert "Übergabenotiz" in dump(connector.to("29:berta")[-1])
            assert briefings_to_tom(connector) == []  # not before the absence starts
            # the bot restarts in the night; on the morning the absence starts, the app's
            # briefing task (its first pass runs at start-up) sends the briefing
            day.day = START
            second, _ = town_assistant(settings, day)
            async with serve(create_app(settings, second)) as bot:
                await wait_until(lambda: len(briefings_to_tom(connector)) == 1)
                [message] = briefings_to_tom(connector)
                text = dump(message)
                assert "Berta Schneider" in text and "20.08.2026" in text
                assert "Widerspruch Feldweg 7 liegt im Fach" in text and "15.08.2026" in text
                assert message["attachments"][0]["contentType"] == \
                    "application/vnd.microsoft.card.adaptive"
            # another restart the same morning: its start-up pass sends nothing again
            third, _ = town_assistant(settings, day)
            async with serve(create_app(settings, third)) as bot:
                await send(http, bot, url, "29:tom", "hallo")
                assert await third.briefing.sweep() == {"sent": 0, "pending": 0}
            assert len(briefings_to_tom(connector)) == 1

    asyncio.run(scenario())
