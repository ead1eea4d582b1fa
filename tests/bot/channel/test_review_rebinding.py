"""Review: DNS rebinding. A web page on ``evil.example`` whose name the attacker re-points to
127.0.0.1 is "same origin" with the local bot: Origin and Host both say ``evil.example``. In
local mode nothing else protects the bot, and the web chat lets the caller choose who they are
(an admin, a person of the restricted Personalamt)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, serve, teams_message

REBOUND = {"Host": "evil.example:3978", "Origin": "http://evil.example:3978"}


async def _call(app: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with serve(app) as url, aiohttp.ClientSession() as http:
        async with http.request(method, url + path, **kwargs) as response:
            return response.status, await response.text()


def test_rebound_page_cannot_use_the_local_web_chat(local_settings: Settings) -> None:
    assistant = FakeAssistant()
    app = create_app(local_settings, assistant)
    ask = {"text": "neu indexieren", "session": "s1", "person": "bschneider"}
    status, _ = asyncio.run(_call(app, "POST", "/api/chat", json=ask, headers=REBOUND))
    assert status == 403 and assistant.turns == []
    app = create_app(local_settings, assistant)
    status, body = asyncio.run(_call(app, "GET", "/api/chat/config", headers=REBOUND))
    assert status == 403 and "Schneider" not in body  # the staff list is not handed out
    app = create_app(local_settings, assistant)
    status, _ = asyncio.run(_call(app, "GET", "/api/chat/inbox?session=s1", headers=REBOUND))
    assert status == 403


def test_local_web_chat_still_works_by_localhost_and_127_0_0_1(local_settings: Settings) -> None:
    for host in ("localhost:3978", "127.0.0.1:3978", "[::1]:3978"):
        assistant = FakeAssistant()
        headers = {"Host": host, "Origin": f"http://{host}"}
        status, _ = asyncio.run(_call(create_app(local_settings, assistant), "POST", "/api/chat",
                                      json={"text": "Hund", "session": "s1"}, headers=headers))
        assert status == 200 and len(assistant.turns) == 1, host


def test_rebound_page_cannot_post_activities_in_local_mode(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()

    async def go() -> int:
        async with serve(connector.app) as connector_url, \
                serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            activity = teams_message(connector_url, "neu indexieren")
            async with http.post(url + "/api/messages", json=activity,
                                 headers={"Origin": url}) as response:
                return response.status

    assert asyncio.run(go()) == 403
    assert assistant.turns == [] and connector.received == []


def test_local_mode_beyond_this_machine_uses_the_token_when_one_is_set(tmp_path: Any) -> None:
    """The Docker image runs local mode on 0.0.0.0: with WISSENSLOTSE_WEB_CHAT_TOKEN set, the
    rest of the network needs it, as outside local mode."""
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", host="0.0.0.0",
                        web_chat_token="s3cret", _env_file=None)
    ask = {"text": "Hund", "session": "s1"}
    for headers, expected in (({}, 401), ({"X-Wissenslotse-Token": "falsch"}, 401),
                              ({"X-Wissenslotse-Token": "s3cret"}, 200)):
        assistant = FakeAssistant()
        status, _ = asyncio.run(_call(create_app(settings, assistant), "POST", "/api/chat",
                                      json=ask, headers=headers))
        assert status == expected and len(assistant.turns) == (status == 200)
    status, body = asyncio.run(_call(create_app(settings, FakeAssistant()), "GET",
                                     "/api/chat/config"))
    assert status == 200 and '"token_required": true' in body


def test_page_cannot_be_framed_and_runs_no_inline_script(local_settings: Settings) -> None:
    async def headers() -> dict[str, str]:
        async with serve(create_app(local_settings, FakeAssistant())) as url, \
                aiohttp.ClientSession() as http, http.get(url + "/") as response:
            return dict(response.headers)

    page = asyncio.run(headers())
    policy = page.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and page.get("X-Frame-Options") == "DENY"


def test_token_header_that_is_no_utf8_is_a_401_not_a_500(tmp_path: Any) -> None:
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", app_id="some-app",
                        web_chat=True, web_chat_token="s3cret", _env_file=None)

    async def raw() -> bytes:
        async with serve(create_app(settings, FakeAssistant())) as url:
            host, port = url.removeprefix("http://").split(":")
            body = b'{"text": "Hund", "session": "s1"}'
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b"POST /api/chat HTTP/1.1\r\nHost: " + host.encode()
                         + b"\r\nContent-Type: application/json\r\nX-Wissenslotse-Token: \xff\xfe"
                         + b"\r\nContent-Length: " + str(len(body)).encode()
                         + b"\r\nConnection: close\r\n\r\n" + body)
            await writer.drain()
            answer = await reader.read()
            writer.close()
            return answer

    assert asyncio.run(raw()).startswith(b"HTTP/1.1 401")
