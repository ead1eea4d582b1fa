"""Row "load held": N concurrent web chats against a real bot process, a reindex running."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.reliability.harness import (
    LAUNCHER,
    QUESTIONS,
    ROOT,
    BotProcess,
    ask,
    child_env,
    cores,
    cpu_seconds,
    db_bytes,
    free_port,
    http_get_json,
    open_files,
    percentile,
    probing,
    rss_mb,
    settled_open_files,
)


@dataclass
class LoadResult:
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        ms = [value * 1000 for value in self.latencies]
        return {"users": self.users, "answers": len(ms), "errors": self.errors,
                "p50_ms": round(percentile(ms, 0.5)), "p95_ms": round(percentile(ms, 0.95)),
                "p99_ms": round(percentile(ms, 0.99)), **self.figures}


def start_reindex(kb: Path, index: Path, model: str) -> subprocess.Popen[bytes]:
    """A build of ``kb`` in a child, started like the bot's own reindex (nice 10)."""
    return subprocess.Popen(
        [sys.executable, "-m", LAUNCHER, "indexer", "build", "--kb", str(kb), "--index",
         str(index), "--model", model], cwd=ROOT, env=child_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lambda: os.nice(10))


CONTROL_SERVER = """
import sys
from aiohttp import web

async def healthz(request):
    return web.json_response({"status": "ok"})

app = web.Application()
app.router.add_get("/healthz", healthz)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


@contextlib.contextmanager
def control_server() -> Iterator[str]:
    """An aiohttp server that does nothing but answer /healthz, in its own process: probed
    beside the bot, its lag is what the machine and the probe add (scheduling on a shared
    machine, the load driver's GIL); the bot's own share is the difference."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", CONTROL_SERVER, str(port)], cwd=ROOT,
                               env=child_env())
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if http_get_json(f"{url}/healthz", 1.0)[0] == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _chat(http: aiohttp.ClientSession, url: str, user: int, until: float,
                result: LoadResult) -> None:
    number = 0
    while time.monotonic() < until:
        text = QUESTIONS[(user + number) % len(QUESTIONS)]
        number += 1
        started = time.monotonic()
        try:
            status, replies = await ask(http, url, f"last{user}", text)
        except (aiohttp.ClientError, TimeoutError):
            result.errors += 1
            continue
        kinds = {reply.get("data", {}).get("kind") for reply in replies}
        if status != 200 or not replies or "error" in kinds:
            result.errors += 1
        else:
            result.latencies.append(time.monotonic() - started)


async def _drive(url: str, users: int, seconds: float, result: LoadResult) -> None:
    connector = aiohttp.TCPConnector(limit=users + 5)
    async with aiohttp.ClientSession(connector=connector) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*(_chat(http, url, user, until, result) for user in range(users)))


def warm_up(bot: BotProcess, questions: int = 20) -> None:
    """Caches, thread pools and SQLite pages in place before RSS and files are read."""

    async def run() -> None:
        async with aiohttp.ClientSession() as http:
            for number in range(questions):
                await ask(http, bot.url, "warmup", QUESTIONS[number % len(QUESTIONS)])

    asyncio.run(run())


def run_load(bot: BotProcess, users: int, seconds: float,
             reindex: tuple[Path, Path, str] | None = None) -> LoadResult:
    """Drive ``users`` chats for ``seconds`` while ``reindex`` (kb, index, model) builds."""
    warm_up(bot)
    rss0, files0, db0, cpu0 = rss_mb(bot.pid), open_files(bot.pid), db_bytes(bot.state), \
        cpu_seconds(bot.pid)
    client0 = _own_cpu()
    child = start_reindex(*reindex) if reindex else None
    result = LoadResult(users)
    started = time.monotonic()
    try:
        with control_server() as control_url, probing(control_url) as control, \
                probing(bot.url) as probe:
            asyncio.run(_drive(bot.url, users, seconds, result))
    finally:
        result.seconds = time.monotonic() - started
        reindex_running = child is not None and child.poll() is None
        if child is not None and child.poll() is None:
            child.kill()
        if child is not None:
            child.wait()
    answers = len(result.latencies)
    cpu = cpu_seconds(bot.pid) - cpu0
    per_answer = cpu / answers if answers else float("nan")
    result.figures = {
        "worst_lag_ms": round(probe.worst_ms), "probe_failures": probe.failures,
        "p99_lag_ms": round(percentile(probe.samples, 0.99) * 1000),
        # the same probe on an idle server beside the bot: the machine's and the probe's share
        "control_worst_lag_ms": round(control.worst_ms),
        "control_p99_lag_ms": round(percentile(control.samples, 0.99) * 1000),
        "rss_mb": f"{rss0:.0f}→{rss_mb(bot.pid):.0f}",
        # settled: sockets of chats that just ended may not be closed on the bot's side yet
        "open_files": f"{files0}→{settled_open_files(bot.pid, files0 + users // 4)}",
        "db_kb_per_1000": round((db_bytes(bot.state) - db0) / 1024 * 1000 / answers)
        if answers else None,
        "answers_per_s": round(answers / result.seconds, 1),
        "bound_per_s": round(cores() / per_answer, 1) if answers else None,
        "cpu_ms_per_answer": round(per_answer * 1000, 1),
        # the simulated chats run on the same cores: their CPU explains part of the gap
        "client_cpu_ms_per_answer": round((_own_cpu() - client0) * 1000 / answers, 1)
        if answers else None,
        "reindex_ran_throughout": reindex_running,
        # other work on the machine (a shared one) explains a gap to the bound
        "machine_load_1min": round(os.getloadavg()[0], 1),
    }
    return result


def run_flood(bot: BotProcess, messages: int) -> dict[str, Any]:
    """``messages`` at once from one session, one question of a colleague among them."""

    async def run() -> tuple[list[tuple[int, list[dict[str, Any]]]], bool, float]:
        async with aiohttp.ClientSession() as http:
            flood = [ask(http, bot.url, "flut", QUESTIONS[n % len(QUESTIONS)])
                     for n in range(messages)]
            started = time.monotonic()
            colleague = asyncio.create_task(ask(http, bot.url, "kollegin", QUESTIONS[0]))
            results = await asyncio.gather(*flood)
            status, replies = await colleague
            answered = status == 200 and [r["data"].get("kind") for r in replies] == ["answer"]
            return list(results), answered, time.monotonic() - started

    with probing(bot.url) as probe:
        results, colleague, seconds = asyncio.run(run())
    kinds = [replies[0]["data"].get("kind") if replies else None for _, replies in results]
    polite = [replies[0]["text"] for status, replies in results
              if replies and replies[0]["data"].get("kind") == "rate_limited"]
    return {"messages": messages, "answered": kinds.count("answer") + kinds.count("not_found"),
            "refused_politely": len(polite), "errors": sum(s != 200 for s, _ in results)
            + kinds.count("error"), "colleague_answered": colleague,
            "colleague_seconds": round(seconds, 2), "worst_lag_ms": round(probe.worst_ms),
            "probe_failures": probe.failures, "refusal": (polite or [""])[0][:60]}
