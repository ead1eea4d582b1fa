"""HTTP load on /api/messages: N concurrent simulated Teams users, a fixed number of questions.

Replies are caught by a fake Bot Framework connector on 127.0.0.1. Reported against the
in-process answer time (``assistant.handle``) measured in the same run, then repeated while a
reindex of another corpus embeds in a subprocess (started like the bot's own reindex: lower
CPU priority, one OpenMP thread).

  python bench/http_load.py --kb knowledge_base --index var/index --users 20 --count 200
  python bench/http_load.py ... --reindex-kb /work/shared/data/hamburg_service
  python bench/http_load.py --fake            # the HTTP path alone, with an instant assistant
  python bench/http_load.py --url http://127.0.0.1:8080 --web-token T --users 20 --count 200

With ``--url`` it loads running bots (a proxy, a replica) through the web chat API
(``POST /api/chat`` with the token header) and reports latency and errors only: no assistant
in this process. ``bench/compose_load.py`` uses it for replicas behind nginx vs one replica.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, TCPConnector, web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as `python -m bot serve` does
os.environ.setdefault("OMP_NUM_THREADS", "1")  # likewise

from bot.app import create_app  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.turns import Reply, Turn, UserRef  # noqa: E402

QUESTIONS = [
    "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?",
    "Wie melde ich einen Hund an?",
    "Wer ist für die Grundsteuer zuständig?",
    "Wie läuft eine Mahnung ab?",
    "Was mache ich mit einem gefundenen Fahrrad im Fundbüro?",
    "Welche Unterlagen braucht man für einen Reisepass?",
    "Wie wird eine Abmeldung ins Ausland bearbeitet?",
    "Wer macht den Kassenabschluss?",
    "Wie funktioniert die Vollstreckung?",
    "Wer bearbeitet die Zweitwohnungsteuer?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(latencies: list[float], errors: int, seconds: float,
            cpu_seconds: float | None = None) -> dict[str, Any]:
    return {
        "requests": len(latencies) + errors,
        # CPU of this whole process (all threads) per request; over HTTP it includes the
        # simulated users and the fake connector, which run in the same process
        "cpu_ms_per_request": (round(cpu_seconds * 1000 / (len(latencies) + errors), 1)
                               if cpu_seconds is not None and latencies else None),
        "errors": errors,
        "throughput_per_s": round(len(latencies) / seconds, 2) if seconds else None,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
    }


class InstantAssistant:
    """For measuring the HTTP path alone (--fake)."""

    async def handle(self, turn: Turn) -> list[Reply]:
        return [Reply(text=f"Antwort: {turn.text}", card={"type": "AdaptiveCard", "body": []})]

    def welcome(self, user: UserRef) -> list[Reply]:
        return []

    def set_notifier(self, notifier: Any) -> None:
        pass

    def health(self) -> dict[str, Any]:
        return {}


class Connector:
    """Counts the messages the bot posts back, per activity they answer."""

    def __init__(self) -> None:
        self.answered: set[str] = set()
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{cid}/activities/{reply_to}", self._reply)

    async def _reply(self, request: web.Request) -> web.Response:
        activity = await request.json()
        if activity.get("type") == "message":
            self.answered.add(request.match_info["reply_to"])
        return web.json_response({"id": "r"})


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def activity(service_url: str, user: int, number: int, text: str) -> dict[str, Any]:
    return {
        "type": "message", "id": f"u{user}-q{number}", "channelId": "msteams",
        "serviceUrl": service_url, "text": text, "locale": "de-DE",
        "from": {"id": f"29:user-{user}", "name": f"Benutzer {user}"},
        "recipient": {"id": "28:bot", "name": "Wissenslotse"},
        "conversation": {"id": f"a:conversation-{user}", "conversationType": "personal"},
    }


async def in_process(assistant: Any, questions: list[str], count: int) -> dict[str, Any]:
    latencies = []
    started, cpu = time.perf_counter(), time.process_time()
    for number in range(count):
        turn = Turn(text=questions[number % len(questions)], user=UserRef(key="bench"),
                    conversation_id="bench")
        begin = time.perf_counter()
        await assistant.handle(turn)
        latencies.append(time.perf_counter() - begin)
    return summary(latencies, 0, time.perf_counter() - started, time.process_time() - cpu)


async def http_load(bot_url: str, connector: Connector, connector_url: str,
                    questions: list[str], users: int, count: int, think: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    numbers = iter(range(count))
    rng = random.Random(42)

    async def user(uid: int, http: ClientSession) -> None:
        nonlocal errors
        for number in numbers:  # shared iterator: a fixed total count over all users
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))
            body = activity(connector_url, uid, number, questions[number % len(questions)])
            begin = time.perf_counter()
            try:
                async with http.post(f"{bot_url}/api/messages", json=body) as response:
                    await response.read()
                    ok = response.status == 201 and body["id"] in connector.answered
            except Exception:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - begin)
            else:
                errors += 1

    started, cpu = time.perf_counter(), time.process_time()
    async with ClientSession(connector=TCPConnector(limit=users * 2)) as http:
        await asyncio.gather(*(user(uid, http) for uid in range(users)))
    return summary(latencies, errors, time.perf_counter() - started, time.process_time() - cpu)


async def remote_load(url: str, token: str, questions: list[str], users: int, count: int,
                      think: float) -> dict[str, Any]:
    """``count`` questions from ``users`` concurrent web-chat sessions against ``url``."""
    latencies: list[float] = []
    errors = 0
    numbers = iter(range(count))
    rng = random.Random(42)
    headers = {"X-Wissenslotse-Token": token} if token else {}

    async def user(uid: int, http: ClientSession) -> None:
        nonlocal errors
        for number in numbers:
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))
            # a session per question: the per-sender limit (20 a minute) is not what is measured
            body = {"session": f"load-{uid}-{number}", "text": questions[number % len(questions)]}
            begin = time.perf_counter()
            try:
                async with http.post(f"{url}/api/chat", json=body, headers=headers) as response:
                    data = await response.json(content_type=None)
                    replies = (data or {}).get("replies") or [{}]
                    kind = (replies[0].get("data") or {}).get("kind")
                    ok = response.status == 200 and kind not in (None, "rate_limited", "error")
            except Exception:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - begin)
            else:
                errors += 1

    started = time.perf_counter()
    async with ClientSession(connector=TCPConnector(limit=users * 2)) as http:
        await asyncio.gather(*(user(uid, http) for uid in range(users)))
    return summary(latencies, errors, time.perf_counter() - started)


class Reindex:
    """``python -m indexer build`` of another corpus, watched until it is embedding."""

    def __init__(self, kb: Path, index: Path, model: str) -> None:
        from bot.assistant.reindex import NICENESS, child_environment

        command = [sys.executable, "-m", "indexer", "build", "--kb", str(kb),
                   "--index", str(index), "--model", model, "--progress-json"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
            env=child_environment(), preexec_fn=lambda: os.nice(NICENESS))
        self.phase = "starting"
        self.embedded = 0
        self.embedding = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                progress = json.loads(line)
            except ValueError:
                continue
            self.phase = str(progress.get("phase", "report"))
            if self.phase == "embed":
                self.embedded = int(progress.get("done", 0))
                self.embedding.set()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="wl-bench-"))
    # The per-sender limits (20 a minute, 3 at once) would throttle simulated users that ask
    # back to back: this benchmark measures throughput, the throttle has its own tests.
    settings = Settings(kb_dir=args.kb, index_dir=args.index, model=args.model,
                        state_db=workdir / "state.sqlite", _env_file=None,
                        rate_limit_per_minute=1_000_000, max_pending_per_sender=1_000)
    if args.fake:
        assistant: Any = InstantAssistant()
    else:
        from bot.assistant.warmup import build_assistant

        assistant = build_assistant(settings)
    questions = QUESTIONS
    for question in questions:  # warm-up: first queries pay for lazy loading
        await assistant.handle(Turn(text=question, user=UserRef(key="warm"), conversation_id="w"))
    report: dict[str, Any] = {"users": args.users, "count": args.count, "think_s": args.think,
                              "cpus": os.cpu_count(), "fake_assistant": args.fake}
    report["in_process"] = await in_process(assistant, questions, min(args.count, 100))

    connector = Connector()
    connector_runner, connector_url = await serve(connector.app)
    bot_runner, bot_url = await serve(create_app(settings, assistant))
    load: Callable[[], Any] = lambda: http_load(  # noqa: E731
        bot_url, connector, connector_url, questions, args.users, args.count, args.think)
    try:
        report["http"] = await load()
        report["http"]["p95_vs_in_process"] = _ratio(report["http"], report["in_process"])
        if args.reindex_kb:
            report["during_reindex"] = await _during_reindex(args, workdir, assistant, load)
    finally:
        await bot_runner.cleanup()
        await connector_runner.cleanup()
    return report


async def _during_reindex(args: argparse.Namespace, workdir: Path, assistant: Any,
                          load: Callable[[], Any]) -> dict[str, Any]:
    reindex = Reindex(args.reindex_kb, workdir / "reindex-index", args.model)
    try:
        started = time.perf_counter()
        while not reindex.embedding.wait(0.5):
            if reindex.process.poll() is not None:
                return {"error": "the reindex ended before it embedded anything"}
            if time.perf_counter() - started > args.reindex_wait:
                return {"error": f"no embedding progress within {args.reindex_wait} s"}
        result: dict[str, Any] = {"waited_for_embedding_s": round(time.perf_counter() - started)}
        result["in_process"] = await in_process(assistant, QUESTIONS, min(args.count, 100))
        before = reindex.embedded
        result["http"] = await load()
        result["http"]["p95_vs_in_process"] = _ratio(result["http"], result["in_process"])
        result["reindex_still_embedding"] = (reindex.process.poll() is None
                                             and reindex.phase == "embed")
        result["chunks_embedded_during_load"] = reindex.embedded - before
        return result
    finally:
        reindex.stop()


def _ratio(http: dict[str, Any], local: dict[str, Any]) -> float | None:
    if not http.get("p95_ms") or not local.get("p95_ms"):
        return None
    return round(http["p95_ms"] / local["p95_ms"], 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--index", type=Path, default=ROOT / "var" / "index")
    parser.add_argument("--model", default="e5")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--count", type=int, default=200, help="questions in total")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause of a user between questions (s); 0 = back to back")
    parser.add_argument("--reindex-kb", type=Path, help="corpus to reindex during phase 2")
    parser.add_argument("--reindex-wait", type=float, default=600,
                        help="seconds to wait for the reindex to start embedding")
    parser.add_argument("--fake", action="store_true", help="instant assistant (HTTP path only)")
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--url", help="load this running bot (web chat API) instead")
    parser.add_argument("--web-token", default="", help="its WISSENSLOTSE_WEB_CHAT_TOKEN")
    args = parser.parse_args()
    if args.url:
        report = {"url": args.url, "users": args.users, "count": args.count,
                  "think_s": args.think, "cpus": os.cpu_count(),
                  "http": asyncio.run(remote_load(args.url.rstrip("/"), args.web_token,
                                                  QUESTIONS, args.users, args.count,
                                                  args.think))}
    else:
        report = asyncio.run(run(args))
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
