"""The instruments themselves: a /healthz probe of a bot served on the caller's own loop must
not stall that loop when it stops (that was the 5 s "stall" of the hung-endpoint rows)."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from tests.bot.channel.conftest import serve
from tests.reliability.harness import probing, probing_here

pytestmark = [pytest.mark.integration]

ANSWER_SECONDS = 0.3  # each /healthz takes this long (awaited, the loop stays free)


def _slow_health_app(started: asyncio.Event) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(ANSWER_SECONDS)
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    return app


async def _stop_with_a_request_in_flight(in_loop: bool) -> tuple[float, int]:
    started = asyncio.Event()
    async with serve(_slow_health_app(started)) as url:
        if in_loop:
            async with probing_here(url) as probe:
                await started.wait()  # the probe's request is being answered right now
        else:
            with probing(url) as probe:
                await started.wait()
    return probe.worst_ms, probe.failures


def test_probing_here_stops_without_blocking_the_loop_it_probes() -> None:
    _, failures = asyncio.run(_stop_with_a_request_in_flight(in_loop=True))
    assert failures == 0  # the request in flight was answered, not lost to the timeout


def test_the_blocking_probe_would_deadlock_a_bot_on_the_same_loop() -> None:
    """The control: the old way (join the probe thread on the loop) loses the request in
    flight to the probe's 5 s timeout, so the test above can tell the two apart."""
    _, failures = asyncio.run(_stop_with_a_request_in_flight(in_loop=False))
    assert failures == 1
