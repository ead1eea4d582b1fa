"""``POST /api/messages`` on the SDK side: parse, authenticate off the event loop, run."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from botbuilder.core import (
    ActivityHandler,
    serializer_helper,
)
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
)
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ConnectorFactory,
)
from cachetools import LRUCache

from bot.channel.bot_framework.activities import _missing_fields
from bot.channel.errors import AuthUnavailable, BadActivity, Unauthorized
from bot.channel.outbound_auth import (
    ensure_fresh_token,
)


class _ReusedConnectors(ConnectorFactory):
    """One connector client per (serviceUrl, audience) instead of one per turn: the SDK's client
    builds a retry policy and a ``requests`` session each time and never closes them."""

    def __init__(self, inner: ConnectorFactory, cache: LRUCache[tuple[str, str], Any]) -> None:
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (service_url, audience or "")
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)  # type: ignore[arg-type]
            self._cache[key] = client
        await ensure_fresh_token(client)  # a cached client's token ages: refresh off the loop
        return client


@dataclass(frozen=True)
class Outcome:
    """What the HTTP layer answers: a status and, for invokes and expectReplies, a body."""

    status: int
    body: Any = None


class BotRuntime:
    """The SDK side of ``POST /api/messages``: parse, authenticate off the event loop, run.

    The SDK fetches its OpenID metadata with a blocking ``requests.get`` without a timeout, and
    answers malformed or wrongly signed tokens with a 500; both are contained here.
    """

    def __init__(
        self,
        adapter: CloudAdapter,
        auth: ConfigurationBotFrameworkAuthentication,
        bot: ActivityHandler,
        auth_timeout: float = 20.0,
        auth_required: bool = True,
    ) -> None:
        self._adapter = adapter
        self._auth = auth
        self._bot = bot
        self._auth_timeout = auth_timeout
        self._auth_required = auth_required
        self._clients: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=32)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bot-auth")

    def parse(self, body: dict[str, Any]) -> Activity:
        if not isinstance(body.get("text", ""), str | None):
            raise BadActivity("text must be a string")
        try:
            activity = Activity().deserialize(body)
        except Exception as error:
            raise BadActivity("body is not an activity") from error
        missing = _missing_fields(activity)
        if missing:
            raise BadActivity("activity lacks " + ", ".join(missing))
        return activity

    async def process(self, activity: Activity, auth_header: str | None) -> Outcome:
        result = await self._authenticate(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectors(result.connector_factory, self._clients)
        invoke = await self._adapter.process_activity(result, activity, self._bot.on_turn)
        if invoke is None:
            return Outcome(201)
        if invoke.status >= 500:  # an invoke this bot does not implement (the SDK says 501)
            raise BadActivity(f"unsupported invoke: {activity.name}")
        body = invoke.body
        if isinstance(body, dict | list | None):
            # expectReplies: the SDK hands over a dict its own serializer then fails on (a 500)
            return Outcome(invoke.status, body)
        try:
            return Outcome(invoke.status, serializer_helper(body))
        except Exception as error:
            # e.g. an adaptiveCard/action with an unknown verb: the SDK answers with an
            # Exception inside its response object, which its own serializer cannot write
            raise BadActivity(f"unsupported invoke: {activity.name}") from error

    async def _authenticate(
        self, activity: Activity, header: str | None
    ) -> AuthenticateRequestResult:
        # None, not "": the SDK treats only a missing header as "no credentials given".
        header = header or None
        try:
            if header is None and not self._auth_required:
                # local mode: nothing to fetch or verify, so no thread hop
                return await self._auth.authenticate_request(activity, header)  # type: ignore[arg-type]
            job = asyncio.get_running_loop().run_in_executor(
                self._pool, lambda: asyncio.run(self._auth.authenticate_request(activity, header))  # type: ignore[arg-type]
            )
            return await asyncio.wait_for(job, self._auth_timeout)
        except TimeoutError as error:
            raise AuthUnavailable("authentication timed out") from error
        except requests.RequestException as error:  # the key refresh timed out or failed
            raise AuthUnavailable(f"signing keys unavailable: {type(error).__name__}") from error
        except Exception as error:  # PermissionError, jwt errors, IndexError on unknown keys
            raise Unauthorized(type(error).__name__) from error

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
