"""End to end through ``POST /api/messages`` with a fake Bot Framework connector on
127.0.0.1: a leaving colleague gives the handover interview for one task (with a restart of
the bot in the middle), the head of department gets the draft as a proactive message and
releases it, the real incremental build indexes it from the release folder beside the
(read-only in spirit) knowledge base, and a colleague's question is answered from it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeConnector, serve, teams_message

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PEOPLE = {  # Teams user id -> (AAD object id, e-mail in the sample personen.csv)
    "29:thomas": ("aad-thomas", "thomas.wolf@musterstadt.example"),  # Bewohnerparken
    "29:anna": ("aad-anna", "anna.becker@musterstadt.example"),  # head of the Bürgerbüro
    "29:elif": ("aad-elif", "elif.kaya@musterstadt.example"),  # his deputy
}
STEPS = ("1. Antrag und Fahrzeugschein prüfen: Hauptwohnsitz in der Zone, Halter oder "
         "Dienstwagennachweis.\n2. Gebühr von 30 EUR kassieren.\n3. Parkausweis im "
         "Parkausweis-Programm drucken und mit Kennzeichen ausgeben.")


class Connector(FakeConnector):
    """Answers the roster look-up with each user's own e-mail."""

    async def _member(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        aad, email = PEOPLE.get(uid, ("", ""))
        return web.json_response({"id": uid, "aadObjectId": aad, "email": email})


def message(url: str, uid: str, text: str | None = None, value: Any = None) -> dict[str, Any]:
    activity = teams_message(url, text, conversation_id=f"a:{uid}", value=value,
                             activity_id=str(time.time_ns()))
    activity["from"] = {"id": uid, "name": uid, "aadObjectId": PEOPLE[uid][0]}
    return activity


class Chat:
    def __init__(self, http: aiohttp.ClientSession, bot: str, connector: Connector,
                 url: str) -> None:
        self.http, self.bot, self.connector, self.url = http, bot, connector, url

    async def send(self, uid: str, text: str | None = None, value: Any = None) -> list[Any]:
        before = len(self.connector.messages())
        async with self.http.post(f"{self.bot}/api/messages",
                                  json=message(self.url, uid, text, value)) as response:
            assert response.status == 201, await response.text()
        return self.connector.messages()[before:]

    async def wait_for(self, uid: str, kind_text: str, seconds: float) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for activity in self.connector.messages():
                if activity["conversation"]["id"] == f"a:{uid}" and kind_text in dump(activity):
                    return activity
            await asyncio.sleep(0.2)
        raise AssertionError(f"no message with {kind_text!r} for {uid}")


def dump(activity: dict[str, Any]) -> str:
    return json.dumps(activity, ensure_ascii=False)


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    return activity["attachments"][0]["content"]  # type: ignore[no-any-return]


def data_of(activity: dict[str, Any], title_part: str) -> dict[str, Any]:
    card = card_of(activity)
    actions = list(card.get("actions", []))
    for item in card["body"]:
        actions += item.get("actions", []) if item.get("type") == "ActionSet" else []
    return next(dict(a["data"]) for a in actions if title_part in a["title"])


async def run_bot(settings: Settings, connector: Connector, url: str, script: Any) -> Any:
    async with serve(create_app(settings)) as bot, aiohttp.ClientSession() as http:
        return await script(Chat(http, bot, connector, url))


def test_interview_release_and_answer_through_the_bot_framework_endpoint(
        town: Settings) -> None:
    connector = Connector()

    async def first_process(chat: Chat) -> None:
        await chat.send("29:anna", "status")  # the head has written once: reachable later
        overview = (await chat.send("29:thomas", "übergabe"))[-1]
        start = data_of(overview, "Bewohnerparkausweise")
        first = (await chat.send("29:thomas", value=start))[-1]
        step = data_of(first, "Weiter")
        second = (await chat.send("29:thomas", value={
            **step, "antwort": "Parkausweise für Bewohner der Zonen A bis C."}))[-1]
        paused = await chat.send("29:thomas", value={**data_of(second, "Weiter"),
                                                     "step": "later", "antwort": ""})
        assert "Später" not in dump(paused[-1]) and "Gespeichert" in dump(paused[-1])

    async def second_process(chat: Chat) -> float:
        overview = (await chat.send("29:thomas", "übergabe"))[-1]
        reply = (await chat.send("29:thomas", value=data_of(overview, "Weiter:")))[-1]
        assert "Rechtsgrundlagen" in dump(reply)  # where he left off, after the restart
        reply = (await chat.send("29:thomas", value={**data_of(reply, "Weiter"),
                                                     "step": "skip"}))[-1]
        reply = (await chat.send("29:thomas", value={**data_of(reply, "Weiter"),
                                                     "antwort": STEPS}))[-1]
        while "Entwurf erstellen" not in dump(reply):
            reply = (await chat.send("29:thomas", value={**data_of(reply, "Weiter"),
                                                         "step": "skip"}))[-1]
        created = (await chat.send("29:thomas", value=data_of(reply, "Entwurf erstellen")))
        assert "Anna Becker" in dump(created[-1])
        review = await chat.wait_for("29:anna", "Freigabe erbeten", 10)  # proactive
        pressed = time.monotonic()
        released = await chat.send("29:anna", value=data_of(review, "Freigeben"))
        assert "Freigegeben" in dump(released[-1])
        await chat.wait_for("29:anna", "jetzt im Index", 180)
        answer = (await chat.send("29:elif", "Wie stelle ich einen Bewohnerparkausweis aus?"))
        elapsed = time.monotonic() - pressed
        text = dump(answer[-1])
        assert "buergerbuero/uebergabe_bewohnerparkausweis.md" in text, text[:2000]
        assert "Ablauf Schritt für Schritt" in text and "Gebühr von 30 EUR" in text
        return elapsed

    async def both() -> float:
        async with serve(connector.app) as url:
            await run_bot(town, connector, url, first_process)
            # a restart: a new app, a new assistant, the same state database and channel
            return await run_bot(town, connector, url, second_process)  # type: ignore[no-any-return]

    elapsed = asyncio.run(both())
    released = town.release_dir / "buergerbuero" / "uebergabe_bewohnerparkausweis.md"  # type: ignore[operator]
    assert released.is_file() and not (town.kb_dir / "buergerbuero" / released.name).exists()
    print(f"\nFreigeben -> first answer citing the new document: {elapsed:.1f} s")
