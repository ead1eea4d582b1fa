"""Local mode (no Bot Framework token) must only ever be reached from this machine, directly.

A reverse proxy on the same host makes every request look loopback: peer 127.0.0.1, Host
``localhost``. The only trace of the real sender is the proxy's forwarding headers (or a
browser's Origin/Referer), so local mode refuses every request that carries one. Operators who
put the bot behind a proxy must use Bot Framework mode (``MicrosoftAppId``), where a token
proves the sender.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

log = logging.getLogger(__name__)

FORWARDING_HEADERS = ("forwarded", "via", "x-real-ip", "x-client-ip", "true-client-ip",
                      "cf-connecting-ip", "client-ip")
FORWARDING_PREFIXES = ("x-forwarded-",)
# Probes through a proxy may still ask whether the bot is up; /healthz shows nothing private.
OPEN_PATHS = frozenset({"/healthz"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def forwarding_header(headers: Mapping[str, str], check_origin: bool = True) -> str | None:
    """The first header that says a proxy (or, with ``check_origin``, a browser on another
    site) relayed the request."""
    for name in headers:
        lowered = name.lower()
        if lowered in FORWARDING_HEADERS or lowered.startswith(FORWARDING_PREFIXES):
            return name
    for name in ("Origin", "Referer") if check_origin else ():
        value = headers.get(name)
        if value is not None and not is_loopback_url(value):
            return name
    return None


def is_loopback_url(url: str) -> bool:
    """``http://localhost:3978/`` or ``http://127.0.0.1/...``; "null" and others are not."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_only_middleware(check_origin: bool = True) -> Middleware:
    """aiohttp middleware of local mode: a forwarded request gets a 403 with the reason.
    ``check_origin=False`` when local mode serves a network address on purpose (the Docker
    image's web chat with its token): browsers there send their own non-loopback Origin, and
    the web chat checks it against the Host itself."""

    @web.middleware
    async def refuse_forwarded(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS:
            return await handler(request)
        header = forwarding_header(request.headers, check_origin)
        if header is not None:
            log.warning("local mode: refused a request with a %s header (a proxy?)", header)
            return web.json_response({"error": (
                f"local mode refuses requests carrying {header}: it serves only this machine "
                "directly; behind a proxy set MicrosoftAppId (Bot Framework mode)")}, status=403)
        return await handler(request)

    return refuse_forwarded
