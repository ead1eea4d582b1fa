"""``POST /api/messages`` as HTTP: body checks and status codes. The Bot Framework work is done
by ``bot.channel.BotRuntime``; bad input gets a 4xx with a reason, never a 500."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.channel import AuthUnavailable, BadActivity, BotRuntime, Unauthorized

log = logging.getLogger(__name__)


class MessageEndpoint:
    def __init__(self, runtime: BotRuntime) -> None:
        self._runtime = runtime

    async def handle(self, request: web.Request) -> web.Response:
        if "json" not in (request.content_type or ""):
            return problem(415, "expected application/json")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return problem(400, "body is not valid JSON")
        if not isinstance(body, dict):
            return problem(400, "body must be a JSON object (an activity)")
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
        if outcome.body is None:
            return web.Response(status=outcome.status)
        return web.json_response(outcome.body, status=outcome.status)


def problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)
