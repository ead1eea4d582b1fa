"""Shared pieces of the channel tests: a small fake assistant, a fake Bot Framework connector,
and real aiohttp servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.settings import Settings
from bot.turns import Notifier, Reply, Turn, UserRef

BOT_ID = "28:bot-wissenslotse"


def answer_card(question: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": f"Antwort auf: {question}", "wrap": True},
            {"type": "TextBlock", "text": "Quelle: steueramt/hundesteuer.md, Abmeldung, S. 2",
             "isSubtle": True, "wrap": True},
        ],
        "actions": [
            {"type": "Action.Submit", "title": "👍", "data": {"feedback": "up", "answer": "a1"}},
            {"type": "Action.Submit", "title": "👎", "data": {"feedback": "down", "answer": "a1"}},
        ],
    }


@dataclass
class FakeAssistant:
    """Echoes questions as a card; records every turn it was given."""

    turns: list[Turn] = field(default_factory=list)
    welcomed: list[UserRef] = field(default_factory=list)
    notifier: Notifier | None = None
    delay: float = 0.0

    async def handle(self, turn: Turn) -> list[Reply]:
        self.turns.append(turn)
        if self.delay:
            await asyncio.sleep(self.delay)
        if turn.value is not None:
            return [Reply(text=f"Danke für Ihre Rückmeldung ({turn.value.get('feedback')}).")]
        return [Reply(text=f"Antwort auf: {turn.text}", card=answer_card(turn.text),
                      data={"question": turn.text})]

    def welcome(self, user: UserRef) -> list[Reply]:
        self.welcomed.append(user)
        return [Reply(text="Willkommen beim Wissenslotsen! Fragen Sie zum Beispiel …")]

    def set_notifier(self, notifier: Notifier) -> None:
        self.notifier = notifier

    def health(self) -> dict[str, Any]:
        return {"index_version": "v-test", "documents": 3, "model": "fake"}

    def people(self) -> list[tuple[str, str]]:
        return [("bschneider", "Birgit Schneider")]


@dataclass
class Received:
    path: str
    conversation_id: str
    reply_to: str | None
    activity: dict[str, Any]
    authorization: str | None
    client_port: int = 0


class FakeConnector:
    """Plays the Bot Framework channel service: records what the bot sends."""

    def __init__(self, email: str | None = "birgit.schneider@musterstadt.de") -> None:
        self.received: list[Received] = []
        self.member_lookups = 0
        self.email = email
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{cid}/activities/{reply_to}", self._reply)
        self.app.router.add_post("/v3/conversations/{cid}/activities", self._reply)
        self.app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)

    async def _reply(self, request: web.Request) -> web.Response:
        self.received.append(Received(
            path=request.path,
            conversation_id=request.match_info["cid"],
            reply_to=request.match_info.get("reply_to"),
            activity=await request.json(),
            authorization=request.headers.get("Authorization"),
            client_port=(request.transport.get_extra_info("peername") or ("", 0))[1]
            if request.transport else 0,
        ))
        return web.json_response({"id": f"reply-{len(self.received)}"})

    async def _member(self, request: web.Request) -> web.Response:
        self.member_lookups += 1
        if self.email is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response({
            "id": request.match_info["uid"], "name": "Birgit Schneider",
            "aadObjectId": "aad-birgit", "email": self.email,
        })

    def messages(self) -> list[dict[str, Any]]:
        return [r.activity for r in self.received if r.activity.get("type") == "message"]

    def typings(self) -> list[dict[str, Any]]:
        return [r.activity for r in self.received if r.activity.get("type") == "typing"]


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run ``app`` on a free port of 127.0.0.1; yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def teams_message(
    service_url: str,
    text: str | None,
    *,
    conversation_type: str = "personal",
    conversation_id: str = "a:1personal-chat-id",
    entities: list[dict[str, Any]] | None = None,
    value: Any = None,
    activity_id: str = "1700000000001",
) -> dict[str, Any]:
    """A message activity shaped like the ones Microsoft Teams sends."""
    conversation: dict[str, Any] = {"id": conversation_id, "conversationType": conversation_type,
                                    "tenantId": "tenant-1"}
    if conversation_type != "personal":
        conversation["isGroup"] = True
    activity: dict[str, Any] = {
        "type": "message",
        "id": activity_id,
        "timestamp": "2026-11-26T07:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:user-birgit", "name": "Birgit Schneider", "aadObjectId": "aad-birgit"},
        "conversation": conversation,
        "recipient": {"id": BOT_ID, "name": "Wissenslotse"},
        "textFormat": "plain",
        "locale": "de-DE",
        "channelData": {"tenant": {"id": "tenant-1"}},
    }
    if text is not None:
        activity["text"] = text
    if entities is not None:
        activity["entities"] = entities
    if value is not None:
        activity["value"] = value
    return activity


def bot_mention() -> dict[str, Any]:
    return {"type": "mention", "text": "<at>Wissenslotse</at>",
            "mentioned": {"id": BOT_ID, "name": "Wissenslotse"}}


@pytest.fixture
def local_settings(tmp_path: Any) -> Settings:
    return Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                    state_db=tmp_path / "state.sqlite", _env_file=None)


class ThreadedServers:
    """Runs aiohttp apps on 127.0.0.1 in their own thread and event loop, so a test can probe
    them with blocking clients and timeouts: a frozen loop fails the test instead of hanging
    it (the loop thread is a daemon)."""

    def __init__(self, *apps: web.Application) -> None:
        import threading

        self._apps = apps
        self.urls: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._runners = []
        for app in self._apps:
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self._runners.append(runner)
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.urls.append(f"http://127.0.0.1:{port}")

    def __enter__(self) -> ThreadedServers:
        self._thread.start()
        assert self._ready.wait(30), "servers did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            for runner in self._runners:
                await runner.cleanup()

        future = asyncio.run_coroutine_threadsafe(stop(), self._loop)
        try:
            future.result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
