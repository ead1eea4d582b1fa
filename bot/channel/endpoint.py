"""``POST /api/messages`` as HTTP: body checks and status codes. The Bot Framework work is done
by ``bot.channel.bot_framework.BotRuntime``; bad input gets a 4xx with a reason, never a 500."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.channel.bot_framework import BotRuntime
from bot.channel.errors import AuthUnavailable, BadActivity, Unauthorized
from bot.channel.local_guard import forwarding_header
from bot.channel.outbound_auth import TokenUnavailable

log = logging.getLogger(__name__)


class MessageEndpoint:
    def __init__(self, runtime: BotRuntime, local_mode: bool | None = None) -> None:
        self._runtime = runtime
        # local mode checks no token, so nothing vouches for the activity's serviceUrl
        self._local_mode = (not getattr(runtime, "_auth_required", True)
                            if local_mode is None else local_mode)

    async def handle(self, request: web.Request) -> web.Response:
        refusal = self._local_refusal(request)
        if refusal:
            return problem(403, refusal)
        if "json" not in (request.content_type or ""):
            return problem(415, "expected application/json")
        try:
            body = await request.json()
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return problem(400, "body is not valid JSON (or nested too deeply)")
        if not isinstance(body, dict):
            return problem(400, "body must be a JSON object (an activity)")
        if self._local_mode and body.get("deliveryMode") == "expectReplies":
            # the answers would travel back in this response, past the serviceUrl check
            log.warning("local mode: refused an activity asking for expectReplies")
            return problem(403, "expectReplies is not accepted in local mode")
        if self._local_mode and not replies_go_back(body.get("serviceUrl"), request.remote):
            log.warning("local mode: refused an activity whose serviceUrl is not its sender")
            return problem(403, "in local mode replies go only back to the sender's machine: "
                                "serviceUrl must name the host the request came from")
        try:
            activity = self._runtime.parse(body)
            outcome = await self._runtime.process(activity, request.headers.get("Authorization"))
        except BadActivity as error:
            return problem(400, str(error))
        except Unauthorized as error:
            log.warning("request refused: %s", error)
            return problem(401, "unauthorized")
        except AuthUnavailable:
            log.error("authentication timed out (OpenID metadata unreachable?)")
            return problem(503, "authentication service unavailable")
        except TokenUnavailable:  # logged where it happened; the reply could not be sent
            return problem(503, "outbound authentication unavailable (AAD token)")
        if outcome.body is None:
            return web.Response(status=outcome.status)
        return web.json_response(outcome.body, status=outcome.status)


    def _local_refusal(self, request: web.Request) -> str | None:
        """Local mode checks no token, so the sender could claim any Teams identity (an
        admin's, one of the Personalamt): only this machine may talk to it."""
        if not self._local_mode:
            return None
        relayed = forwarding_header(request.headers)
        if relayed is not None:
            log.warning("local mode: refused /api/messages carrying %s (a proxy?)", relayed)
            return f"local mode refuses requests carrying {relayed} (proxied or cross-site)"
        if "Origin" in request.headers:
            # no Bot Framework client is a web page; one that reached 127.0.0.1 (DNS
            # rebinding) must not talk to an endpoint that checks no token
            return "browser requests are not accepted in local mode"
        sender = _address(request.remote or "")
        if sender is None or not sender.is_loopback:
            log.warning("local mode: refused /api/messages from %s", request.remote)
            return ("local mode accepts activities only from this machine; set MicrosoftAppId "
                    "to serve Teams")
        return None


def problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


def replies_go_back(service_url: Any, peer: str | None) -> bool:
    """Local mode: the bot would POST its replies to ``serviceUrl`` without any token proving
    who chose it. Anyone who reaches the port (a container publishing 0.0.0.0) could otherwise
    make the bot send requests to any address it can reach (SSRF). Allowed: a loopback
    serviceUrl from a loopback sender (the Bot Framework Emulator), or the sender's own IP.
    A missing serviceUrl is left to the activity checks."""
    if service_url is None or service_url == "":
        return True
    if not isinstance(service_url, str) or peer is None:
        return False
    try:
        parts = urlsplit(service_url)
        host = parts.hostname or ""
        sender = _address(peer)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or sender is None:
        return False
    if host == "localhost":
        return sender.is_loopback
    target = _address(host)
    if target is None:  # a DNS name: it could resolve anywhere
        return False
    if target.is_loopback or sender.is_loopback:
        return target.is_loopback and sender.is_loopback
    return target == sender


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
