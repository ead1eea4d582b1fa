"""Which town an activity goes to (many towns in one deployment): by the tenant Teams
vouches for; another channel's claim of a tenant is not believed outside local mode; the
web chat of a town lives below its path."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.schema import Activity, ConversationAccount

from bot.channel import IdentityPolicy, TownRoute, WissenslotseBot
from bot.channel.webchat import add_web_chat
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, serve

ROUTES = {"t-nord": TownRoute("nord", lambda: None), "t-sued": TownRoute("sued", lambda: None)}


def activity(channel: str, tenant: str | None = None,
             conversation_tenant: str | None = None) -> Activity:
    return Activity(type="message", channel_id=channel,
                    channel_data={"tenant": {"id": tenant}} if tenant else None,
                    conversation=ConversationAccount(id="c1", tenant_id=conversation_tenant))


def bot(local: bool) -> WissenslotseBot:
    identity = IdentityPolicy(frozenset(ROUTES), trust_any_channel=local)
    return WissenslotseBot(lambda: None, None, identity,
                           towns=lambda tenant: ROUTES.get((tenant or "").lower()))


def town_of(handler: WissenslotseBot, message: Activity) -> str | None:
    route = handler._route(message)
    return route.town_id if route is not None else None


def test_teams_activities_go_to_the_town_of_their_tenant() -> None:
    handler = bot(local=False)
    assert town_of(handler, activity("msteams", "t-nord")) == "nord"
    assert town_of(handler, activity("msteams", "T-SUED")) == "sued"
    assert town_of(handler, activity("msteams", None, conversation_tenant="t-sued")) == "sued"
    assert town_of(handler, activity("msteams", "t-west")) is None
    assert town_of(handler, activity("msteams")) is None
    for hostile in (123, ["t-nord"], {"id": "t-nord"}):
        message = activity("msteams")
        message.channel_data = {"tenant": {"id": hostile}}
        assert town_of(handler, message) is None


def test_a_tenant_claimed_outside_teams_is_believed_only_in_local_mode() -> None:
    assert town_of(bot(local=False), activity("directline", "t-nord")) is None
    assert town_of(bot(local=False), activity("webchat", None, "t-nord")) is None
    assert town_of(bot(local=True), activity("emulator", "t-nord")) == "nord"


def test_a_town_web_chat_answers_below_its_path_only(tmp_path: Any) -> None:
    settings = Settings(_env_file=None, state_db=tmp_path / "s.sqlite")
    nord, sued = FakeAssistant(), FakeAssistant()

    async def run() -> dict[str, Any]:
        app = web.Application()
        add_web_chat(app, settings, lambda: nord, "/stadt/nord/")
        add_web_chat(app, settings, lambda: sued, "/stadt/sued/")
        seen: dict[str, Any] = {}
        async with serve(app) as base, aiohttp.ClientSession() as http:
            async with http.post(f"{base}/stadt/sued/api/chat",
                                 json={"session": "s1", "text": "Fähre"}) as response:
                seen["status"] = response.status
            async with http.get(f"{base}/stadt/nord", allow_redirects=False) as response:
                seen["redirect"] = (response.status, response.headers.get("Location"))
            async with http.get(f"{base}/stadt/nord/") as response:
                seen["page"] = await response.text()
            async with http.get(f"{base}/api/chat/config") as response:
                seen["root"] = response.status
        return seen

    seen = asyncio.run(run())
    assert seen["status"] == 200 and [t.text for t in sued.turns] == ["Fähre"] and not nord.turns
    assert seen["redirect"] == (308, "/stadt/nord/")
    assert 'src="static/app.js"' in seen["page"]  # relative: the page asks its own town
    assert seen["root"] == 404
