"""Conversation references of personal chats are stored in the state database (proactive
messages after a restart); group chats and channels are never a target for them."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from bot.state import State
from bot.turns import Reply
from tests.bot.channel.conftest import (
    FakeAssistant,
    FakeConnector,
    bot_mention,
    serve,
    teams_message,
)


class StatefulAssistant(FakeAssistant):
    state: State


def test_personal_references_are_stored_and_used_after_a_restart(
        local_settings: Settings) -> None:
    connector = FakeConnector()

    async def scenario() -> bool:
        async with serve(connector.app) as url:
            first = StatefulAssistant()
            first.state = State(local_settings.state_db)
            async with serve(create_app(local_settings, first)) as bot, \
                    aiohttp.ClientSession() as http:
                group = teams_message(url, "<at>Wissenslotse</at> Hallo", entities=[
                    bot_mention()], conversation_type="groupchat", conversation_id="19:grp")
                for activity in (teams_message(url, "Hallo"), group):  # group last
                    async with http.post(f"{bot}/api/messages", json=activity) as response:
                        assert response.status == 201
            stored = json.loads(first.state.reference_of("aad-birgit") or "{}")
            assert stored["conversation"]["id"] == "a:1personal-chat-id"
            again = StatefulAssistant()  # a new process: nothing in memory
            again.state = State(local_settings.state_db)
            async with serve(create_app(local_settings, again)):
                assert again.notifier is not None
                unknown = await again.notifier.notify_user("aad-nobody", [Reply("x")])
                assert unknown is False
                return await again.notifier.notify_user("aad-birgit", [Reply("Freigabe?")])

    assert asyncio.run(scenario()) is True
    proactive = [m for m in connector.messages() if m.get("text") == "Freigabe?"]
    assert [m["conversation"]["id"] for m in proactive] == ["a:1personal-chat-id"]
