"""The HTTP surface, fuzzed: raw requests (any method, path, headers, body) against a running
bot on 127.0.0.1, each with a time budget. A request the bot does not answer within the budget
is a hang; any 5xx is an error. The client writes the bytes itself (a socket, no HTTP library
in between), so malformed bodies and odd headers reach the server as generated; only the
framing (Content-Length, Connection: close) is always correct, so that a wait of the server
for bytes we never send is not mistaken for a hang."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from tests.reliability.strategies import ODD_CHARACTERS

BUDGET_SECONDS = 10.0
ROUTES = ["/api/messages", "/api/chat", "/api/chat/inbox", "/api/chat/config", "/healthz",
          "/bericht", "/", "/static/app.js", "/static/../../etc/passwd"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT",
           "PROPFIND", "get", "P0ST"]
CONTENT_TYPES = ["application/json", "application/json; charset=utf-16", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "application/json; charset=nonsense", "", "*/*", "application/jsonx"]
FRAMING = {"content-length", "transfer-encoding", "connection", "host", "expect"}


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        lines += [f"Content-Length: {len(self.body)}", "Connection: close", "", ""]
        return "\r\n".join(lines).encode("latin-1") + self.body

    def __repr__(self) -> str:  # short enough for a report
        return f"{self.method} {self.path} ({len(self.body)} bytes: {self.body[:60]!r})"


@dataclass
class Tally:
    tried: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    hangs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # 5xx
    dropped: int = 0  # closed without a status line (e.g. a huge body refused mid-send)

    def figures(self) -> dict[str, Any]:
        return {"cases": self.tried, "hangs": len(self.hangs), "errors": len(self.errors),
                "dropped": self.dropped,
                "statuses": dict(sorted(self.statuses.items())),
                "first_hang": self.hangs[0][:100] if self.hangs else "",
                "first_error": self.errors[0][:160] if self.errors else ""}


def send(port: int, request: RawRequest, tally: Tally) -> None:
    """Send one request, wait up to BUDGET_SECONDS for its status line, count the outcome."""
    tally.tried += 1
    data = request.encode(f"127.0.0.1:{port}")
    with socket.create_connection(("127.0.0.1", port), timeout=BUDGET_SECONDS) as conn:
        try:
            conn.sendall(data)
        except (BrokenPipeError, ConnectionResetError):  # refused before the body was read
            pass
        try:
            head = _status_line(conn)
        except TimeoutError:
            tally.hangs.append(repr(request))
            return
        except ConnectionResetError:
            head = b""
    if not head:
        tally.dropped += 1
        return
    parts = head.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    tally.statuses[status] = tally.statuses.get(status, 0) + 1
    if status >= 500 or status == 0:
        tally.errors.append(f"{status} for {request!r}")


def _status_line(conn: socket.socket) -> bytes:
    received = b""
    while b"\r\n" not in received:
        chunk = conn.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.split(b"\r\n", 1)[0]


# --- strategies --------------------------------------------------------------------------

def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                        st.text(max_size=30), st.sampled_from(ODD_CHARACTERS))
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
        max_leaves=12)


def _text() -> st.SearchStrategy[Any]:
    pieces = st.one_of(st.sampled_from(["Hundesteuer", "abwesend 31.12.9999-01.01.", "hilfe",
                                        "status", "<at>", "</at>", "lücken", "zurück"]),
                       st.sampled_from(ODD_CHARACTERS), st.text(max_size=10))
    return st.one_of(st.lists(pieces, max_size=8).map("".join),
                     st.integers(1, 5000).map(lambda n: "x" * n), _json_values())


def activities(service_url: str) -> st.SearchStrategy[Any]:
    """Activity JSON: the shape of a Teams message with every field sometimes anything."""
    def maybe(good: Any) -> st.SearchStrategy[Any]:  # mostly well-formed: past the checks
        return st.one_of(st.just(good), st.just(good), st.just(good), _json_values())

    account = st.fixed_dictionaries({"id": maybe("29:user")}, optional={
        "name": maybe("Name"), "aadObjectId": maybe("aad-1"), "role": maybe("user")})
    shaped = st.fixed_dictionaries({
        "type": st.one_of(st.sampled_from(["message", "message", "invoke", "conversationUpdate",
                                           "messageReaction", "event", "installationUpdate"]),
                          _json_values()),
        "id": maybe("1"), "serviceUrl": maybe(service_url),
        "channelId": st.sampled_from(["msteams", "msteams", "emulator", "webchat", "", "x"]),
        "from": maybe({"id": "29:user", "aadObjectId": "aad-1"}) | account,
        "recipient": maybe({"id": "28:bot"}),
        "conversation": st.one_of(st.fixed_dictionaries({"id": maybe("c1")}, optional={
            "conversationType": maybe("personal"), "isGroup": maybe(False),
            "tenantId": maybe("t1")}), _json_values()),
    }, optional={
        "text": _text(), "value": _json_values(), "entities": _json_values(),
        "attachments": _json_values(), "channelData": _json_values(),
        "deliveryMode": st.sampled_from(["normal", "expectReplies", "x"]),
        "name": st.one_of(st.sampled_from(["adaptiveCard/action", "composeExtension/query",
                                           "task/fetch", "signin/verifyState"]),
                          _json_values()),
        "membersAdded": _json_values(), "reactionsAdded": _json_values(),
        "timestamp": maybe("2026-11-26T07:00:00.000Z"), "locale": maybe("de-DE")})
    return st.one_of(shaped, _json_values())


def chat_bodies() -> st.SearchStrategy[Any]:
    """/api/chat bodies: session, text, person and a card's value, each sometimes anything."""
    session = st.one_of(st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z"), _json_values())
    shaped = st.fixed_dictionaries({"session": session}, optional={
        "text": _text(), "person": st.one_of(st.sampled_from(["fbeck", "bschneider", ""]),
                                             _json_values()),
        "value": _json_values()})
    return st.one_of(shaped, _json_values())


def _json_body(values: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    return values.map(lambda value: json.dumps(value).encode())


def bodies(service_url: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        _json_body(activities(service_url)), _json_body(chat_bodies()),
        st.binary(max_size=200),
        st.integers(1, 200_000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 3 * 1024 * 1024).map(lambda size: b"{\"text\": \"" + b"a" * size + b"\"}"),
        st.sampled_from([b"", b"null", b"{}", b"[]", b"\"\"", b"{\"session\": \"\\ud800\"}",
                         '{"text": "\u202e"}'.encode("utf-16"), b"\xff\xfe\x00"]))


def _headers() -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    token = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
                    min_size=1, max_size=20).filter(lambda name: name.lower() not in FRAMING)
    value = st.one_of(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255,
                                                     blacklist_characters="\x7f"), max_size=40),
                      st.integers(1, 20_000).map(lambda n: "v" * n))
    named = st.tuples(st.sampled_from(["Content-Type", "Authorization", "Origin",
                                       "X-Forwarded-For", "Forwarded", "Cookie", "Accept",
                                       "Content-Encoding", "Accept-Encoding"]), value)
    content_type = st.sampled_from(CONTENT_TYPES).map(lambda v: ("Content-Type", v))
    return st.lists(st.one_of(content_type, named, st.tuples(token, value)),
                    max_size=6).map(tuple)


def requests(service_url: str) -> st.SearchStrategy[RawRequest]:
    path = st.one_of(st.sampled_from(ROUTES), st.tuples(st.sampled_from(ROUTES), st.text(
        alphabet="abc?=&%/._-~0123456789", max_size=30)).map("".join),
        st.just("/api/chat/inbox?session=" + "s" * 5000))
    return st.builds(RawRequest, method=st.sampled_from(METHODS), path=path,
                     headers=_headers(), body=bodies(service_url))


def posts(path: str, body: st.SearchStrategy[Any]) -> st.SearchStrategy[RawRequest]:
    """A well-formed JSON POST to ``path`` (the activity or chat logic is what is fuzzed)."""
    return body.map(lambda value: RawRequest(
        "POST", path, (("Content-Type", "application/json"),), json.dumps(value).encode()))
