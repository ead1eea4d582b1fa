"""Review: in local mode nothing checks who sent an activity, so its ``serviceUrl`` must not
send the bot's replies (HTTP POSTs) to an address of the sender's choosing (SSRF)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from bot.channel import replies_go_back
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, teams_message


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
