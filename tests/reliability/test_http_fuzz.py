"""Bad inputs tried (short), HTTP: hypothesis-generated requests against a real bot process on
127.0.0.1 (local mode, the FakeEmbedder, real FAISS and SQLite). Goal: 0 hangs, 0 5xx; after
the run the bot still answers. ``bench/reliability.py`` runs thousands per row."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability import faults, http_fuzz
from tests.reliability.conftest import record
from tests.reliability.harness import BotProcess, probing

pytestmark = [pytest.mark.integration, pytest.mark.slow]

from tests.reliability.test_bad_inputs import EXAMPLES  # noqa: E402 (one size for all rows)


@pytest.fixture(scope="module")
def connector() -> Iterator[str]:
    """Where the bot's replies go (serviceUrl): takes any POST, answers like the connector."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"id": "1"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PUT = do_POST  # noqa: N815

        def do_GET(self) -> None:  # noqa: N802 (member lookups: nobody known)
            self.send_error(404)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _fuzz(bot: BotProcess, row: str, strategy: st.SearchStrategy[http_fuzz.RawRequest],
          edges: list[http_fuzz.RawRequest]) -> None:
    tally = http_fuzz.Tally()
    with probing(bot.url) as probe:
        for request in edges:
            http_fuzz.send(bot.port, request, tally)

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def run(request: http_fuzz.RawRequest) -> None:
            if len(tally.hangs) < 3:  # three hangs settle the row; do not wait for more
                http_fuzz.send(bot.port, request, tally)

        run()
    alive = faults.answers_keep_coming(bot, questions=1, within=30.0)
    figures = tally.figures() | {"healthz_worst_ms": round(probe.worst_ms),
                                 "probe_failures": probe.failures, "answers_after": alive[0]}
    record(f"bad inputs HTTP {row}", figures)
    assert not tally.hangs and not tally.errors, tally.hangs[:3] + tally.errors[:3]
    assert alive[0], alive[1]


def _post(path: str, value: Any) -> http_fuzz.RawRequest:
    return http_fuzz.RawRequest("POST", path, (("Content-Type", "application/json"),),
                                json.dumps(value).encode())


def test_activity_json(running_bot: BotProcess, connector: str) -> None:
    message = {"type": "message", "id": "1", "text": "Hundesteuer", "serviceUrl": connector,
               "channelId": "msteams", "from": {"id": "29:u", "aadObjectId": "aad-u"},
               "conversation": {"id": "c1", "conversationType": "personal"},
               "recipient": {"id": "28:bot"}}
    edges = [_post("/api/messages", message),
             _post("/api/messages", message | {"value": {"action": "feedback", "vote": "x"}}),
             _post("/api/messages", message | {"type": "invoke", "name": "adaptiveCard/action",
                                               "value": {"action": {"data": [1]}}}),
             _post("/api/messages", message | {"type": "conversationUpdate",
                                               "membersAdded": [{"id": "28:bot"}, None]}),
             _post("/api/messages", message | {"text": "<at>" * 16384})]
    _fuzz(running_bot, "activity JSON", http_fuzz.posts(
        "/api/messages", http_fuzz.activities(connector)), edges)


def test_chat_bodies(running_bot: BotProcess) -> None:
    edges = [_post("/api/chat", {"session": "s1", "text": "abwesend 31.12.9999-01.01."}),
             _post("/api/chat", {"session": "s1", "text": "Hundesteuer", "person": ["x"]}),
             _post("/api/chat", {"session": "s1", "value": {"action": None}}),
             _post("/api/chat", {"session": "s" * 65, "text": "x"})]
    _fuzz(running_bot, "/api/chat bodies",
          http_fuzz.posts("/api/chat", http_fuzz.chat_bodies()), edges)


def test_raw_requests(running_bot: BotProcess, connector: str) -> None:
    huge = b"{\"text\": \"" + b"a" * (50 * 1024 * 1024) + b"\"}"  # 50 MB, far past the limit
    edges = [http_fuzz.RawRequest("POST", "/api/chat", (("Content-Type", "application/json"),),
                                  huge),
             http_fuzz.RawRequest("POST", "/api/messages",
                                  (("Content-Type", "application/json"),),
                                  b"[" * 500_000 + b"]" * 500_000),
             http_fuzz.RawRequest("DELETE", "/healthz", (), b""),
             http_fuzz.RawRequest("GET", "/static/%2e%2e/%2e%2e/etc/passwd", (), b"")]
    _fuzz(running_bot, "methods, headers, bodies", http_fuzz.requests(connector), edges)
