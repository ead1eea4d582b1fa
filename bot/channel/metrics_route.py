"""``GET /metrics`` (Prometheus text format), never public on the Teams endpoint.

Allowed: a direct request from this machine (loopback peer and no proxy header: a reverse
proxy on the same host makes every request look loopback, see ``local_guard``), or any
request with ``Authorization: Bearer <WISSENSLOTSE_METRICS_TOKEN>`` when that token is set.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from aiohttp import web

from bot.channel.local_guard import forwarding_header
from bot.operations.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)


def add_metrics(app: web.Application, metrics: Metrics, token: str) -> None:
    async def scrape(request: web.Request) -> web.Response:
        refusal = metrics_refusal(request, token)
        if refusal is not None:
            return refusal
        # counters and the serving version's manifest are in memory: cheap, stays on the loop
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get("/metrics", scrape)


def metrics_refusal(request: web.Request, token: str) -> web.Response | None:
    """None when the request may read the metrics, else the response that refuses it."""
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer "):
        if hmac.compare_digest(given[len("Bearer "):].strip().encode(), token.encode()):
            return None
        log.warning("/metrics: wrong bearer token")
        return _refuse(401, "wrong token", token)
    if _direct_from_loopback(request):
        return None
    log.info("/metrics refused for a non-local request without token")
    return _refuse(401 if token else 403,
                   "metrics are served to this machine only" +
                   (" or with the bearer token" if token else
                    "; set WISSENSLOTSE_METRICS_TOKEN to scrape from elsewhere"), token)


def _direct_from_loopback(request: web.Request) -> bool:
    if forwarding_header(request.headers, check_origin=True) is not None:
        return False
    try:
        peer = ipaddress.ip_address((request.remote or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return peer.is_loopback


def _refuse(status: int, reason: str, token: str) -> web.Response:
    headers = {"WWW-Authenticate": 'Bearer realm="metrics"'} if token else {}
    return web.json_response({"error": reason}, status=status, headers=headers)
