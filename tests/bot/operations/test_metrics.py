"""/metrics: who may read it (real HTTP on 127.0.0.1), and what the counters count."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.operations.metered import MeteredAssistant
from bot.operations.metrics import MAX_TOWNS, OTHER_TOWN, Metrics
from bot.settings import Settings
from bot.turns import Reply, Turn, UserRef
from tests.bot.channel.conftest import FakeAssistant, serve

TOKEN = "s3cret-metrics-token-0123456789"


def bot_framework_settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                    state_db=tmp_path / "state.sqlite", app_id="app-id", app_password="pw",
                    _env_file=None, **extra)


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as response:
        return response.status, await response.text()


async def _statuses(settings: Settings) -> dict[str, int]:
    async with serve(create_app(settings, FakeAssistant())) as url:
        direct, body = await _get(f"{url}/metrics")
        assert "wissenslotse_questions" in body
        proxied, _ = await _get(f"{url}/metrics", {"X-Forwarded-For": "203.0.113.9"})
        forwarded_token, _ = await _get(f"{url}/metrics", {"X-Forwarded-For": "203.0.113.9",
                                                            "Authorization": f"Bearer {TOKEN}"})
        wrong, _ = await _get(f"{url}/metrics", {"X-Forwarded-For": "203.0.113.9",
                                                 "Authorization": "Bearer nope"})
    return {"direct": direct, "proxied": proxied, "token": forwarded_token, "wrong": wrong}


def test_metrics_refuse_a_proxied_request_unless_it_carries_the_token(tmp_path: Path) -> None:
    statuses = asyncio.run(_statuses(bot_framework_settings(tmp_path, metrics_token=TOKEN)))
    assert statuses == {"direct": 200, "proxied": 401, "token": 200, "wrong": 401}


def test_without_a_token_only_direct_local_requests_read_metrics(tmp_path: Path) -> None:
    statuses = asyncio.run(_statuses(bot_framework_settings(tmp_path)))
    assert statuses["direct"] == 200
    assert statuses["proxied"] == statuses["token"] == statuses["wrong"] == 403


def _network_address() -> str | None:
    """An address of this machine that is not loopback (none: the test is skipped)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only the route is looked up
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_metrics_refuse_a_request_from_the_network(tmp_path: Path) -> None:
    address = _network_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    from aiohttp import web

    async def run() -> tuple[int, int]:
        app = create_app(bot_framework_settings(tmp_path, metrics_token=TOKEN), FakeAssistant())
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, address, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            plain, _ = await _get(f"http://{address}:{port}/metrics")
            bearer, _ = await _get(f"http://{address}:{port}/metrics",
                                   {"Authorization": f"Bearer {TOKEN}"})
        finally:
            await runner.cleanup()
        return plain, bearer

    assert asyncio.run(run()) == (401, 200)


class ScriptedAssistant:
    """Answers each turn with the reply kinds a test asks for (the real kinds' shapes)."""

    def __init__(self, replies: list[Reply]) -> None:
        self._replies = replies
        self.settings = None

    async def handle(self, turn: Turn) -> list[Reply]:
        return [self._replies.pop(0)]


def _turn(text: str = "", value: dict[str, Any] | None = None) -> Turn:
    return Turn(text=text, user=UserRef(key="u1"), conversation_id="c1", value=value)


def test_turns_are_counted_by_outcome_kind_and_vote() -> None:
    metrics = Metrics()
    inner = ScriptedAssistant([
        Reply("a", data={"kind": "answer"}),
        Reply("n", data={"kind": "not_found"}),
        Reply("f", data={"kind": "feedback", "stored": True}),
        Reply("f", data={"kind": "feedback", "stored": False}),  # unknown answer: not counted
        Reply("h", data={"kind": "handover_section"}),
        Reply("r", data={"kind": "rate_limited"}),
    ])
    assistant = MeteredAssistant(inner, metrics)
    turns = [_turn("Hund?"), _turn("Kantine?"),
             _turn(value={"action": "feedback", "answer_id": "1", "vote": "down"}),
             _turn(value={"action": "feedback", "answer_id": "2", "vote": "up"}),
             _turn("übergabe"), _turn("Hund?")]
    for turn in turns:
        asyncio.run(assistant.handle(turn))
    value = metrics.registry.get_sample_value
    assert value("wissenslotse_questions_total", {"town": "default", "outcome": "answered"}) == 1
    assert value("wissenslotse_questions_total", {"town": "default", "outcome": "not_found"}) == 1
    assert value("wissenslotse_question_seconds_count", {"town": "default"}) == 2
    assert value("wissenslotse_feedback_total", {"town": "default", "vote": "down"}) == 1
    assert value("wissenslotse_feedback_total", {"town": "default", "vote": "up"}) is None
    assert value("wissenslotse_turns_total", {"town": "default", "kind": "feedback"}) == 2
    assert value("wissenslotse_turns_total", {"town": "default", "kind": "handover"}) == 1
    assert value("wissenslotse_turns_total", {"town": "default", "kind": "rate_limited"}) == 1


def test_town_labels_are_bounded() -> None:
    metrics = Metrics()
    for number in range(MAX_TOWNS + 5):
        metrics.observe_question(f"town-{number}", True, 0.1)
    towns = {sample.labels["town"] for family in metrics.registry.collect()
             if family.name == "wissenslotse_questions" for sample in family.samples}
    assert len(towns) == MAX_TOWNS + 1 and OTHER_TOWN in towns


def test_index_age_and_version_come_from_the_serving_manifest() -> None:
    class Searcher:
        version_id = "20260101T000000.000000Z-abc123"
        manifest = {"built_at": "2026-01-01T00:00:00+00:00", "counts": {"chunks": 470}}

    metrics = Metrics(lambda: [(None, Searcher())])
    value = metrics.registry.get_sample_value
    assert value("wissenslotse_index_info",
                 {"town": "default", "version": Searcher.version_id}) == 1
    assert value("wissenslotse_index_chunks", {"town": "default"}) == 470
    age = value("wissenslotse_index_age_seconds", {"town": "default"})
    assert age is not None and age > 0


def test_reindex_results_are_counted_through_the_reindexer(tmp_path: Path) -> None:
    import sys

    from bot.assistant.reindex import Reindexer

    class WithReindexer(ScriptedAssistant):
        def __init__(self, reindexer: Reindexer) -> None:
            super().__init__([])
            self.reindexer = reindexer

    report = json.dumps({"version_id": "v2", "new": 1, "changed": 0})
    ok = Reindexer([sys.executable, "-c", f"print({report!r})"], lambda: None)
    failing = Reindexer([sys.executable, "-c", "raise SystemExit(1)"], lambda: None)
    metrics = Metrics()
    MeteredAssistant(WithReindexer(ok), metrics)
    MeteredAssistant(WithReindexer(failing), metrics)

    async def nothing(replies: list[Reply]) -> None:
        return None

    async def run() -> None:
        await ok.start(nothing)
        await failing.start(nothing)

    asyncio.run(run())
    value = metrics.registry.get_sample_value
    assert value("wissenslotse_reindex_total", {"town": "default", "result": "ok"}) == 1
    assert value("wissenslotse_reindex_total", {"town": "default", "result": "failed"}) == 1
    assert value("wissenslotse_reindex_seconds_count", {"town": "default"}) == 2
