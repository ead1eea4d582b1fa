"""The local web chat: one page at ``/`` and a JSON API, for trying the bot without Teams.

Served only in local mode, unless ``web_chat`` is enabled; then every API call needs the
``X-Wissenslotse-Token`` header with ``web_chat_token``.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from cachetools import LRUCache

from bot.settings import Settings
from bot.texts import assistant as texts
from bot.turns import MAX_MESSAGE_CHARS, Notifier, Reply, Turn, UserRef, well_formed

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Wissenslotse-Token"
SESSION_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_PERSON_CHARS = 64
EARLIER_SESSIONS = 20  # the most recent ones; their inbox keeps nothing older than a day
STATIC_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript",
                ".svg": "image/svg+xml", ".png": "image/png"}
# Defence in depth: no inline script runs even if text ever reached innerHTML unescaped, and
# no other site can frame the page to trick a click ("neu indexieren") out of a user.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
TOO_LONG = texts.TOO_LONG.format(limit=MAX_MESSAGE_CHARS)
EMPTY = texts.EMPTY_MESSAGE
NOT_READY = texts.NOT_READY
FAILED = texts.ERROR_GENERIC


class WebInbox:
    """Messages sent to web chat sessions outside a request (reindex progress); polled.

    With a store (``bot.state.inbox``, set at warm-up) they live in the state database, so
    that a poll reaching another replica than the sender finds them; without one (a bot
    without state) in this process's memory."""

    def __init__(self, capacity: int = 200, per_session: int = 50) -> None:
        self._per_session = per_session
        self._boxes: LRUCache[str, list[Reply]] = LRUCache(maxsize=capacity)
        self._store: Any = None

    def use_store(self, store: Any) -> None:
        if callable(getattr(store, "post_to_inbox", None)):
            self._store = store

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        if self._store is not None:
            rows = [json.dumps(asdict(r), ensure_ascii=False) for r in replies]
            await asyncio.to_thread(self._store.post_to_inbox, conversation_id, rows)
            return
        box = self._boxes.get(conversation_id, [])
        box.extend(replies)
        del box[: -self._per_session]
        self._boxes[conversation_id] = box  # the most recent; the least recent box goes first

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
        """In the web chat a user's key is their session's conversation."""
        await self.notify(user_key, replies)
        return True

    async def take(self, conversation_id: str, others: list[str] | None = None) -> list[Reply]:
        """What waits for ``conversation_id``, and in ``others`` (the same person's earlier
        sessions) what is not a copy of it; taken, so that no poll shows it again."""
        others = [key for key in others or [] if key != conversation_id]
        if self._store is None:
            from bot.state.inbox import once_per_person

            waiting = [(key, json.dumps(asdict(reply), ensure_ascii=False))
                       for key in (conversation_id, *others) for reply in self._boxes.pop(key, [])]
            return [Reply(**json.loads(row)) for row in once_per_person(waiting, conversation_id)]
        rows = await asyncio.to_thread(self._store.take_inbox, conversation_id, others)
        return [Reply(**json.loads(row)) for row in rows]


class RoutingNotifier:
    """Web chat conversations (``web:...``) go to the inbox, all others to Teams."""

    def __init__(self, teams: Notifier, web_inbox: WebInbox) -> None:
        self._teams = teams
        self._web = web_inbox

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        target = self._web if conversation_id.startswith("web:") else self._teams
        await target.notify(conversation_id, replies)

    async def personal_conversation(self, user_key: str) -> str | None:
        find = getattr(self._teams, "personal_conversation", None)
        return await find(user_key) if callable(find) else None

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
        if user_key.startswith("web:"):
            return await self._web.notify_user(user_key, replies)
        return await self._teams.notify_user(user_key, replies)


class WebChat:
    def __init__(self, settings: Settings, assistant: Callable[[], Any], inbox: WebInbox) -> None:
        self._settings = settings
        self._assistant = assistant
        self._inbox = inbox
        # choosing who one is only makes sense (and is only safe) on this machine
        self._person_choice = settings.local_mode and _loopback(settings.bind_host)
        # local mode beyond this machine (the Docker image binds 0.0.0.0): a token, when set,
        # is the only thing that keeps the rest of the network out
        self._token_required = not settings.local_mode or (
            not _loopback(settings.bind_host) and bool(settings.web_chat_token))

    def _authorized(self, request: web.Request) -> bool:
        if self._person_choice and not _loopback_name(request.host):
            # DNS rebinding: a web page whose name now resolves to 127.0.0.1 is "same origin";
            # only the Host header still shows that the browser thinks it talks to that site.
            return False
        if not self._token_required:
            return True
        # header bytes that are no UTF-8 arrive as surrogates: compare them, do not crash
        given = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self._settings.web_chat_token.encode())

    async def config(self, request: web.Request) -> web.Response:
        if self._person_choice and not _loopback_name(request.host):
            return _unauthorized(self._token_required)
        return web.json_response({
            "token_required": self._token_required,
            "person_choice": self._person_choice,
            "people": self._people() if self._person_choice else [],
        })

    def _people(self) -> list[dict[str, str]]:
        """``assistant.people()`` -> (id, name) pairs, else the directory's ``people`` mapping."""
        assistant = self._assistant()
        try:
            if callable(getattr(assistant, "people", None)):
                pairs = list(assistant.people())
            else:
                mapping = getattr(getattr(assistant, "directory", None), "people", None) or {}
                pairs = [(pid, getattr(p, "name", pid)) for pid, p in mapping.items()]
            people = [{"id": str(pid), "name": str(name)} for pid, name in pairs]
        except Exception as error:  # the choice is a convenience; the chat works without it
            log.warning("people list failed: %s", type(error).__name__)
            return []
        return sorted(people, key=lambda p: p["name"])

    async def chat(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _unauthorized(self._token_required)
        refusal = _cross_site(request)
        if refusal:
            return web.json_response({"error": refusal}, status=403 if "origin" in refusal else 415)
        try:
            body = well_formed(await request.json())
        except (ValueError, RecursionError):
            return web.json_response({"error": "body is not valid JSON (or nested too deeply)"},
                                     status=400)
        problem = _invalid(body)
        if problem:
            return web.json_response({"error": problem}, status=400)
        text = " ".join(str(body.get("text") or "").split())
        value = body.get("value") if isinstance(body.get("value"), dict) else None
        if len(text) > MAX_MESSAGE_CHARS or (not text and value is None):
            return _replies([Reply(TOO_LONG if text else EMPTY)])
        assistant = self._assistant()
        if assistant is None:
            return _replies([Reply(NOT_READY)], status=503)
        turn = Turn(text=text, user=self._user(body), conversation_id="web:" + body["session"],
                    value=value)
        try:
            replies = await assistant.handle(turn)
        except Exception:
            log.exception("web chat turn failed")
            replies = [Reply(FAILED)]
        return _replies(list(replies))

    def _user(self, body: dict[str, Any]) -> UserRef:
        person = body.get("person") if self._person_choice else None
        return UserRef(key="web:" + body["session"], name=None,
                       person_id=person if isinstance(person, str) and person else None)

    async def inbox(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _unauthorized(self._token_required)
        session = request.query.get("session", "")
        if not SESSION_PATTERN.match(session):
            return web.json_response({"error": "session must be 1-64 letters/digits"}, status=400)
        try:
            earlier = await self._earlier_sessions(request.query.get("person", ""), session)
            replies = await self._inbox.take("web:" + session, earlier)
        except Exception as error:  # the state is down: nothing waits that could be shown
            log.warning("web chat inbox not read (%s)", type(error).__name__)
            return web.json_response({"error": "inbox unavailable"}, status=503)
        return _replies(replies)

    async def _earlier_sessions(self, person: str, session: str) -> list[str]:
        """The chosen person's other web chat sessions (local, "Sie sind:"): a tab closed since
        (sessions are per tab) may hold a message for them, e.g. the morning's Vertretungsmappe
        sent to the session they wrote from yesterday. Anybody here may choose anybody (the
        chat's local trust), so this shows nothing that choosing the name and asking would
        not."""
        if (not self._person_choice or not person or len(person) > MAX_PERSON_CHARS
                or not person.isprintable()):
            return []
        keys_of = getattr(getattr(self._assistant(), "state", None), "user_keys_of", None)
        if not callable(keys_of):
            return []
        keys = await asyncio.to_thread(keys_of, person)
        own = "web:" + session
        return [k for k in keys if k.startswith("web:") and k != own][:EARLIER_SESSIONS]


def _cross_site(request: web.Request) -> str | None:
    """Another web site must not ask (or reindex) in a user's name through their browser: a
    JSON content type forces a CORS preflight, which this server never grants."""
    if request.content_type != "application/json":
        return "expected application/json"
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        return "cross-origin requests are not allowed"
    return None


def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost")


def _loopback_name(host_header: str) -> bool:
    """The Host header names this machine: localhost or a loopback address (any port)."""
    try:
        name = urlsplit("//" + host_header).hostname or ""
    except ValueError:
        return False
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _unauthorized(token_required: bool) -> web.Response:
    if token_required:
        return web.json_response({"error": "token required"}, status=401)
    return web.json_response({"error": "use http://127.0.0.1 or localhost"}, status=403)


def _invalid(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if not isinstance(body.get("session"), str) or not SESSION_PATTERN.match(body["session"]):
        return "session must be 1-64 letters, digits, '-' or '_'"
    if body.get("text") is not None and not isinstance(body["text"], str):
        return "text must be a string"
    if body.get("person") is not None and not isinstance(body["person"], str):
        return "person must be a string"
    return None


def _replies(replies: list[Reply], status: int = 200) -> web.Response:
    return web.json_response({"replies": [asdict(r) for r in replies]}, status=status)


async def _static(request: web.Request) -> web.Response:
    name = request.match_info.get("name", "index.html")
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix not in STATIC_TYPES or "/" in name or name.startswith("."):
        raise web.HTTPNotFound()
    resource = resources.files("bot.channel").joinpath("static", name)
    if not resource.is_file():
        raise web.HTTPNotFound()
    return web.Response(body=resource.read_bytes(), content_type=STATIC_TYPES[suffix],
                        headers=PAGE_HEADERS)


def add_web_chat(
    app: web.Application, settings: Settings, assistant: Callable[[], Any], prefix: str = "/"
) -> WebInbox:
    """The page and its API below ``prefix`` (a town's web path, else ``/``); the page asks
    with relative addresses, so it works under any prefix."""
    inbox = WebInbox()
    chat = WebChat(settings, assistant, inbox)
    app.router.add_get(prefix, _static)
    app.router.add_get(prefix + "static/{name}", _static)
    app.router.add_get(prefix + "api/chat/config", chat.config)
    app.router.add_post(prefix + "api/chat", chat.chat)
    app.router.add_get(prefix + "api/chat/inbox", chat.inbox)
    if prefix != "/":  # /stadt/lindenbach -> /stadt/lindenbach/ (relative links need the slash)
        async def with_slash(request: web.Request) -> web.Response:
            raise web.HTTPPermanentRedirect(prefix)

        app.router.add_get(prefix.rstrip("/"), with_slash)
    return inbox
