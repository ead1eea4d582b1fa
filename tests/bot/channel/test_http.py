"""Real HTTP: Teams-shaped activities POSTed to /api/messages, replies caught on a fake
connector at {serviceUrl}/v3/conversations/{id}/activities/{replyToId}."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from bot.channel import replies_go_back
from bot.settings import Settings
from tests.bot.channel.conftest import (
    FakeAssistant,
    FakeConnector,
    bot_mention,
    serve,
    teams_message,
)

CHANNEL_CONVERSATION = "19:abc123@thread.tacv2;messageid=1700000000000"


async def _post(settings: Settings, assistant: FakeAssistant, connector: FakeConnector,
                activities: list[dict[str, Any]] | None = None,
                make: Any = None) -> tuple[list[int], str]:
    statuses = []
    async with serve(connector.app) as connector_url, \
            serve(create_app(settings, assistant)) as bot_url, aiohttp.ClientSession() as http:
        for activity in make(connector_url) if make else activities or []:
            async with http.post(f"{bot_url}/api/messages", json=activity) as response:
                statuses.append(response.status)
    return statuses, connector_url


def test_personal_chat_reply_reaches_the_connector(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()
    statuses, _ = asyncio.run(_post(local_settings, assistant, connector, make=lambda url: [
        teams_message(url, "Wer kümmert sich um die Hundesteuer?")]))
    assert statuses == [201]
    assert [r.activity["type"] for r in connector.received] == ["typing", "message"]
    reply = connector.received[1]
    assert reply.conversation_id == "a:1personal-chat-id"
    assert reply.reply_to == "1700000000001"
    card = reply.activity["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"].endswith("Wer kümmert sich um die Hundesteuer?")
    assert reply.activity["replyToId"] == "1700000000001"
    assert reply.authorization is None  # local mode: no credentials
    # the e-mail came from the roster (TeamsInfo.get_member), not from the activity
    assert assistant.turns[0].user.email == "birgit.schneider@musterstadt.de"


def test_channel_message_answered_only_with_mention(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()

    def activities(url: str) -> list[dict[str, Any]]:
        return [
            teams_message(url, "Kaffee ist fertig", conversation_type="channel",
                          conversation_id=CHANNEL_CONVERSATION, activity_id="10"),
            teams_message(url, "<at>Wissenslotse</at> Wie melde ich einen Hund ab?",
                          conversation_type="channel", conversation_id=CHANNEL_CONVERSATION,
                          entities=[bot_mention()], activity_id="11"),
        ]

    statuses, _ = asyncio.run(_post(local_settings, assistant, connector, make=activities))
    assert statuses == [201, 201]
    assert [t.text for t in assistant.turns] == ["Wie melde ich einen Hund ab?"]
    assert {r.reply_to for r in connector.received} == {"11"}
    assert {r.conversation_id for r in connector.received} == {CHANNEL_CONVERSATION}
    assert quote(CHANNEL_CONVERSATION, safe="") in connector.received[0].path or \
        CHANNEL_CONVERSATION in connector.received[0].path


def test_card_submit_value_reaches_the_assistant(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()
    statuses, _ = asyncio.run(_post(local_settings, assistant, connector, make=lambda url: [
        teams_message(url, None, value={"feedback": "down", "answer": "a1", "extra": "<b>"})]))
    assert statuses == [201]
    assert assistant.turns[0].value == {"feedback": "down", "answer": "a1", "extra": "<b>"}
    assert connector.messages()[0]["text"] == "Danke für Ihre Rückmeldung (down)."


def test_member_lookup_failure_is_tolerated(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector(email=None)
    statuses, _ = asyncio.run(_post(local_settings, assistant, connector, make=lambda url: [
        teams_message(url, "Frage eins"), teams_message(url, "Frage zwei", activity_id="2")]))
    assert statuses == [201, 201]
    assert [t.user.email for t in assistant.turns] == [None, None]
    assert len(connector.messages()) == 2


def test_expect_replies_is_refused_in_local_mode(local_settings: Settings) -> None:
    """expectReplies returns the answers in the HTTP response, past the serviceUrl check:
    local mode proves no sender, so it does not offer that way out."""
    assistant, connector = FakeAssistant(), FakeConnector()

    async def run() -> tuple[int, Any]:
        async with serve(connector.app) as url, serve(create_app(local_settings, assistant)) \
                as bot_url, aiohttp.ClientSession() as http:
            activity = teams_message(url, "Frage") | {"deliveryMode": "expectReplies",
                                                      "channelId": "emulator"}
            async with http.post(f"{bot_url}/api/messages", json=activity) as response:
                return response.status, await response.json()

    status, body = asyncio.run(run())
    assert status == 403 and "expectReplies" in body["error"]
    assert assistant.turns == [] and connector.received == []


def test_failing_assistant_gets_a_polite_reply_not_a_500(local_settings: Settings) -> None:
    class Broken(FakeAssistant):
        async def handle(self, turn: Any) -> Any:
            raise RuntimeError("index exploded")

    connector = FakeConnector()
    statuses, _ = asyncio.run(_post(local_settings, Broken(), connector, make=lambda url: [
        teams_message(url, "Frage")]))
    assert statuses == [201]
    assert "Fehler" in connector.messages()[-1]["text"]


def test_notifier_sends_proactively_to_a_known_conversation(local_settings: Settings) -> None:
    from bot.turns import Reply

    assistant, connector = FakeAssistant(), FakeConnector()

    async def run() -> None:
        async with serve(connector.app) as url, serve(create_app(local_settings, assistant)) \
                as bot_url, aiohttp.ClientSession() as http:
            await http.post(f"{bot_url}/api/messages", json=teams_message(url, "neu indexieren"))
            assert assistant.notifier is not None
            await assistant.notifier.notify("a:1personal-chat-id",
                                            [Reply("Neuindexierung: 40 von 120 Dateien")])
            await assistant.notifier.notify("never-seen", [Reply("verloren")])

    asyncio.run(run())
    texts = [m.get("text") or m.get("summary") for m in connector.messages()]
    assert texts == ["Antwort auf: neu indexieren", "Neuindexierung: 40 von 120 Dateien"]
    assert connector.received[-1].conversation_id == "a:1personal-chat-id"


def test_healthz_reports_index_and_uptime(local_settings: Settings) -> None:
    async def run() -> tuple[int, Any]:
        async with serve(create_app(local_settings, FakeAssistant())) as url, \
                aiohttp.ClientSession() as http:
            async with http.get(f"{url}/healthz") as response:
                return response.status, await response.json()

    status, body = asyncio.run(run())
    assert status == 200
    assert body["index_version"] == "v-test" and body["documents"] == 3
    assert body["model"] == "fake" and body["mode"] == "local"
    assert body["uptime_seconds"] >= 0


def test_replies_reuse_one_connection_to_the_connector(local_settings: Settings) -> None:
    """The SDK's per-turn connector client (a new session each time) is reused across turns."""
    assistant, connector = FakeAssistant(), FakeConnector()
    statuses, _ = asyncio.run(_post(local_settings, assistant, connector, make=lambda url: [
        teams_message(url, f"Frage {n}", activity_id=str(n)) for n in range(4)]))
    assert statuses == [201] * 4 and len(connector.received) == 8
    assert len({r.client_port for r in connector.received}) < 4  # fewer connections than turns


# in local mode nothing checks who sent an activity, so its ``serviceUrl`` must not
# send the bot's replies (HTTP POSTs) to an address of the sender's choosing (SSRF).


def _own_lan_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.254", 9))  # no packet is sent
            address = probe.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address")
    return address


@asynccontextmanager
async def _serve(app: web.Application, host: str) -> AsyncIterator[int]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


def _run(settings: Settings, bot_host: str, call_via: str, service_host: str
         ) -> tuple[int, FakeConnector, FakeAssistant]:
    async def go() -> int:
        async with _serve(connector.app, "0.0.0.0") as connector_port, \
                _serve(create_app(settings, assistant), bot_host) as bot_port, \
                aiohttp.ClientSession() as http:
            activity = teams_message(f"http://{service_host}:{connector_port}", "Frage")
            async with http.post(f"http://{call_via}:{bot_port}/api/messages",
                                 json=activity) as response:
                return response.status

    connector, assistant = FakeConnector(), FakeAssistant()
    status = asyncio.run(go())
    return status, connector, assistant


def test_local_mode_does_not_post_replies_to_another_host(local_settings: Settings) -> None:
    lan = _own_lan_address()
    status, connector, assistant = _run(local_settings, "127.0.0.1", "127.0.0.1", lan)
    assert status == 403
    assert connector.received == [] and assistant.turns == []


def test_local_mode_on_all_interfaces_refuses_activities_from_other_machines(
        local_settings: Settings) -> None:
    """Local mode checks no token: a sender elsewhere could claim any identity (an admin's);
    the Docker image binds 0.0.0.0 in local mode."""
    lan = _own_lan_address()  # the request comes from this address, not from loopback
    for service_host in ("127.0.0.1", lan):
        status, connector, assistant = _run(local_settings, "0.0.0.0", lan, service_host)
        assert status == 403
        assert connector.received == [] and assistant.turns == []


def test_local_mode_still_answers_the_emulator(local_settings: Settings) -> None:
    status, connector, _ = _run(local_settings, "127.0.0.1", "127.0.0.1", "127.0.0.1")
    assert status in (200, 201) and len(connector.received) >= 1
    status, connector, _ = _run(local_settings, "0.0.0.0", "127.0.0.1", "localhost")
    assert status in (200, 201) and len(connector.received) >= 1


@pytest.mark.parametrize(("service_url", "peer", "allowed"), [
    ("http://localhost:3979", "127.0.0.1", True),
    ("http://[::1]:3979/", "::1", True),
    ("http://127.0.0.1:3979", "::ffff:127.0.0.1", True),
    ("http://10.0.0.5:3979", "10.0.0.5", True),
    ("http://10.0.0.6:3979", "10.0.0.5", False),
    ("http://169.254.169.254/latest/meta-data", "127.0.0.1", False),
    ("http://localhost:3979", "10.0.0.5", False),
    ("https://smba.trafficmanager.net/emea/", "127.0.0.1", False),  # a name may point anywhere
    ("file:///etc/passwd", "127.0.0.1", False),
    ({"url": "x"}, "127.0.0.1", False),
])
def test_which_service_urls_local_mode_accepts(
        service_url: object, peer: str, allowed: bool) -> None:
    assert replies_go_back(service_url, peer) is allowed
def test_healthz_shows_a_version_that_could_not_be_opened(local_settings: Settings) -> None:
    class Degraded(FakeAssistant):
        def health(self) -> dict[str, Any]:
            return super().health() | {"index_problem": "version v9 could not be opened"}

    async def run() -> tuple[int, Any]:
        async with serve(create_app(local_settings, Degraded())) as bot_url, \
                aiohttp.ClientSession() as http:
            async with http.get(f"{bot_url}/healthz") as response:
                return response.status, await response.json()

    status, body = asyncio.run(run())
    assert status == 200 and body["status"] == "degraded"
    assert body["index_version"] == "v-test" and "v9" in body["index_problem"]
