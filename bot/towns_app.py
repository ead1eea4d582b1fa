"""The aiohttp application of a deployment with many towns (tenants file, docs/tenants.md).

One Bot Framework endpoint routes each activity to the town of its Microsoft 365 tenant; each
town has its web chat, ``/bericht`` and ``healthz`` below its web path, and its own assistant
(searcher, directory, gate), state, admins and conversation references. The embedding model
is loaded once and shared: it is the bulk of the memory, and it holds nothing of a town.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.channel import (
    AssistantPort,
    BotRuntime,
    ChannelConfig,
    ConversationNotifier,
    IdentityPolicy,
    MessageEndpoint,
    TownRoute,
    WissenslotseBot,
    create_adapter,
    create_authentication,
)
from bot.channel.local_guard import local_only_middleware
from bot.channel.request_ids import request_id_middleware
from bot.operations.metered import MeteredAssistant
from bot.operations.metrics import Metrics
from bot.settings import Settings
from bot.tenants import Town, Towns, town_settings
from bot.turns import Notifier
from indexer.errors import IndexerError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class TownPlace:
    """One town inside the process: its settings, assistant and outbound channels."""

    town: Town
    settings: Settings
    notifier: ConversationNotifier
    outbound: Notifier
    inbox: Any = None  # the web chat's (``bot.channel.webchat.WebInbox``), when it is served
    assistant: AssistantPort | None = None
    problem: str | None = None  # why the town could not start (its users hear "not ready")
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def get(self) -> AssistantPort | None:
        return self.assistant

    def route(self) -> TownRoute:
        return TownRoute(self.town.id, self.get, self.notifier)

    def health(self) -> dict[str, Any]:
        body: dict[str, Any] = {"town": self.town.id,
                                "status": "ok" if self.assistant else "starting"}
        if self.problem is not None:
            body.update(status="failed", problem=self.problem)
        if self.assistant is not None:
            try:
                body.update(self.assistant.health())
                if body.get("index_problem"):
                    body["status"] = "degraded"
            except Exception as error:  # a health check must answer, even about a broken index
                log.warning("assistant health failed (town %s): %s", self.town.id,
                            type(error).__name__)
                body["status"] = "degraded"
        return body


TOWNS: web.AppKey[dict[str, TownPlace]] = web.AppKey("towns", dict)
STARTED: web.AppKey[float] = web.AppKey("towns_started", float)


def create_towns_app(
    settings: Settings,
    towns: Towns,
    *,
    channel_config: ChannelConfig | None = None,
    embedder: Any = None,
    today: Callable[[], date] | None = None,
) -> web.Application:
    """Build the application of all ``towns``; the assistants are built in the warm-up, all
    with one embedder (``embedder``, else the model of ``settings``)."""
    from bot.app import check_settings
    from bot.errors import ConfigurationError

    if settings.app_id and settings.app_type.lower() == "singletenant" and len(towns) > 1:
        raise ConfigurationError("several towns need a multi-tenant Azure Bot: set "
                                 "MicrosoftAppType=MultiTenant (docs/tenants.md)")
    for town in towns:
        check_settings(town_settings(town, settings), town.id)
    on_loopback = settings.bind_host in LOOPBACK_HOSTS
    middlewares: list[Middleware] = [request_id_middleware]
    if settings.local_mode:
        middlewares.append(local_only_middleware(on_loopback))
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=middlewares)
    app[STARTED] = time.monotonic()
    auth = create_authentication(settings, channel_config)
    adapter = create_adapter(auth)
    places = {town.id: _place(app, town, settings, adapter) for town in towns}
    app[TOWNS] = places
    metrics = Metrics(lambda: [(place.town.id, getattr(place.assistant, "searcher", None))
                               for place in places.values() if place.assistant is not None])

    def route(tenant_id: str | None) -> TownRoute | None:
        town = towns.by_tenant(tenant_id)
        return places[town.id].route() if town is not None else None

    identity = IdentityPolicy(towns.tenant_ids(), trust_any_channel=settings.local_mode)
    bot = WissenslotseBot(lambda: None, None, identity, towns=route)
    runtime = BotRuntime(adapter, auth, bot,
                         (channel_config or ChannelConfig()).auth_timeout_seconds,
                         auth_required=not settings.local_mode)

    async def warm_up(app: web.Application) -> None:
        from bot.background import use_io_executor

        use_io_executor()
        loop = asyncio.get_running_loop()
        shared = embedder
        if shared is None:
            from indexer.embedding import load_embedder

            shared = await loop.run_in_executor(None, load_embedder, settings.model)
        for place in places.values():
            try:
                await _start_town(place, shared, today, metrics)
            except IndexerError as error:  # one town's missing index must not stop the others
                place.problem = str(error)
                log.error("town %s not served: %s", place.town.id, error)
        if all(place.problem for place in places.values()):
            raise IndexerError("no town could start: " + "; ".join(
                f"{place.town.id}: {place.problem}" for place in places.values()))

    async def shut_down(app: web.Application) -> None:
        for place in places.values():
            for task in place.tasks:
                task.cancel()
            # let a pass that is writing finish its cancellation before the state closes
            await asyncio.gather(*place.tasks, return_exceptions=True)
            close_state = getattr(getattr(place.assistant, "state", None), "close", None)
            if callable(close_state):  # PostgreSQL: return the pool's connections
                await asyncio.to_thread(close_state)
        runtime.close()

    app.on_startup.append(warm_up)
    app.on_cleanup.append(shut_down)
    app.router.add_post("/api/messages", MessageEndpoint(runtime).handle)
    app.router.add_get("/healthz", towns_healthz)
    from bot.channel.metrics_route import add_metrics

    add_metrics(app, metrics, settings.metrics_token)
    return app


def _place(app: web.Application, town: Town, settings: Settings, adapter: Any) -> TownPlace:
    from bot.channel.report import add_report

    own = town_settings(town, settings)
    notifier = ConversationNotifier(adapter, settings.app_id)
    place = TownPlace(town, own, notifier, notifier)
    if settings.web_chat_enabled:
        from bot.channel.webchat import RoutingNotifier, add_web_chat

        place.inbox = add_web_chat(app, own, place.get, town.web_path)
        place.outbound = RoutingNotifier(notifier, place.inbox)
    add_report(app, own, place.get, town.web_path)

    async def healthz(request: web.Request) -> web.Response:
        body = place.health()
        return web.json_response(body, status=503 if body["status"] in ("starting", "failed")
                                 else 200)

    app.router.add_get(town.web_path + "healthz", healthz)
    return place


async def _start_town(place: TownPlace, embedder: Any,
                      today: Callable[[], date] | None, metrics: Metrics) -> None:
    from bot.assistant.warmup import build_assistant
    from bot.background import start_background_tasks

    started = time.monotonic()
    settings = place.settings
    assistant = await asyncio.get_running_loop().run_in_executor(
        None, lambda: build_assistant(settings, today, embedder))
    store = getattr(assistant, "state", None)
    if callable(getattr(store, "save_reference", None)):
        place.notifier.use_store(store)
    if place.inbox is not None:  # in the town's state: kept across a restart, read by replicas
        place.inbox.use_store(store)
    assistant.set_notifier(place.outbound)
    place.assistant = MeteredAssistant(assistant, metrics)  # counted with the town's label
    place.tasks.extend(start_background_tasks(place.assistant, settings))
    log.info("town %s ready in %.1f s", place.town.id, time.monotonic() - started)


async def towns_healthz(request: web.Request) -> web.Response:
    """The deployment: one entry per town (its index version and counts, never its people)."""
    places = request.app[TOWNS]
    towns = {town_id: place.health() for town_id, place in places.items()}
    states = {body["status"] for body in towns.values()}
    status = ("starting" if "starting" in states else "ok" if states == {"ok"}
              else "degraded")
    body = {
        "status": status,
        "uptime_seconds": round(time.monotonic() - request.app[STARTED], 1),
        "mode": "local" if _local(places) else "bot-framework",
        "towns": towns,
    }
    return web.json_response(body, status=503 if status == "starting" else 200)


def _local(places: dict[str, TownPlace]) -> bool:
    return next(iter(places.values())).settings.local_mode
