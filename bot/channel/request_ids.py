"""Every HTTP request gets an id (``X-Request-Id``) that its log lines carry (JSON logs).

A well-formed id sent by the reverse proxy is kept, so the proxy's access log and the bot's
lines can be joined; anything else is replaced by a random one. The id says nothing about
the user.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.operations.logs import REQUEST_ID

HEADER = "X-Request-Id"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    given = request.headers.get(HEADER, "")
    request_id = given if _WELL_FORMED.match(given) else secrets.token_hex(8)
    token = REQUEST_ID.set(request_id)
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers[HEADER] = request_id
        raise
    finally:
        REQUEST_ID.reset(token)
    if not response.prepared:
        response.headers[HEADER] = request_id
    return response
