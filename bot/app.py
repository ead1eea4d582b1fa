"""The aiohttp application: Bot Framework endpoint, health check and the local web chat."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.background import start_background_tasks, use_io_executor
from bot.channel import (
    AssistantPort,
    BotRuntime,
    ChannelConfig,
    ConversationNotifier,
    IdentityPolicy,
    MessageEndpoint,
    WissenslotseBot,
    create_adapter,
    create_authentication,
)
from bot.channel.local_guard import local_only_middleware
from bot.channel.request_ids import request_id_middleware
from bot.errors import ConfigurationError
from bot.operations.metered import MeteredAssistant, town_of
from bot.operations.metrics import Metrics
from bot.settings import Settings
from bot.turns import Notifier

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024
ASSISTANT: web.AppKey[AssistantPort | None] = web.AppKey("assistant", object)  # type: ignore[arg-type]
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
STARTED: web.AppKey[float] = web.AppKey("started", float)
METRICS: web.AppKey[Metrics] = web.AppKey("metrics", Metrics)
BACKGROUND: web.AppKey[list[asyncio.Task[None]]] = web.AppKey("background", list)


def create_app(
    settings: Settings,
    assistant: AssistantPort | None = None,
    *,
    channel_config: ChannelConfig | None = None,
) -> web.Application:
    """Build the application; without ``assistant`` it is built in the start-up warm-up.
    With a tenants file (``WISSENSLOTSE_TENANTS_FILE``) it serves every town of it."""
    if settings.tenants_file is not None and assistant is None:
        from bot.tenants import towns_of
        from bot.towns_app import create_towns_app

        towns = towns_of(settings)
        assert towns is not None
        return create_towns_app(settings, towns, channel_config=channel_config)
    check_settings(settings)
    on_loopback = settings.bind_host in LOOPBACK_HOSTS
    middlewares: list[Middleware] = [request_id_middleware]
    if settings.local_mode:
        middlewares.append(local_only_middleware(on_loopback))
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=middlewares)
    app[SETTINGS] = settings
    app[METRICS] = metrics = Metrics(lambda: _served_indexes(app))
    app[ASSISTANT] = None if assistant is None else MeteredAssistant(assistant, metrics)
    injected = assistant is not None  # its owner closes its state, not the app
    app[STARTED] = time.monotonic()

    auth = create_authentication(settings, channel_config)
    adapter = create_adapter(auth)
    notifier = ConversationNotifier(adapter, settings.app_id)
    identity = IdentityPolicy(settings.tenant_allow_list, trust_any_channel=settings.local_mode)
    bot = WissenslotseBot(lambda: app[ASSISTANT], notifier, identity)
    runtime = BotRuntime(
        adapter,
        auth,
        bot,
        (channel_config or ChannelConfig()).auth_timeout_seconds,
        auth_required=not settings.local_mode,
    )
    endpoint = MessageEndpoint(runtime)
    outbound: Notifier = notifier
    inbox = None
    if settings.web_chat_enabled:
        from bot.channel.webchat import RoutingNotifier, add_web_chat

        inbox = add_web_chat(app, settings, lambda: app[ASSISTANT])
        outbound = RoutingNotifier(notifier, inbox)

    async def warm_up(app: web.Application) -> None:
        use_io_executor()
        if app[ASSISTANT] is None:
            app[ASSISTANT] = MeteredAssistant(await asyncio.get_running_loop().run_in_executor(
                None, _build_assistant, settings
            ), metrics)
        # proactive messages (handover drafts) need references that survive a restart
        store = getattr(app[ASSISTANT], "state", None)
        if callable(getattr(store, "save_reference", None)):
            notifier.use_store(store)
        if inbox is not None:  # a poll may reach another replica than the sender
            inbox.use_store(store)
        app[ASSISTANT].set_notifier(outbound)  # type: ignore[union-attr]
        app[BACKGROUND] = start_background_tasks(app[ASSISTANT], settings)

    async def shut_down(app: web.Application) -> None:
        tasks = app.get(BACKGROUND, [])
        for task in tasks:
            task.cancel()
        # let a pass that is writing finish its cancellation before the state closes
        await asyncio.gather(*tasks, return_exceptions=True)
        runtime.close()
        if not injected:  # the state the warm-up opened (PostgreSQL: the pool's connections)
            close_state = getattr(getattr(app[ASSISTANT], "state", None), "close", None)
            if callable(close_state):
                await asyncio.to_thread(close_state)

    app.on_startup.append(warm_up)
    app.on_cleanup.append(shut_down)
    app.router.add_post("/api/messages", endpoint.handle)
    app.router.add_get("/healthz", healthz)
    from bot.channel.report import add_report

    add_report(app, settings, lambda: app[ASSISTANT])
    from bot.channel.metrics_route import add_metrics

    add_metrics(app, metrics, settings.metrics_token)
    return app


def _served_indexes(app: web.Application) -> list[tuple[str | None, Any]]:
    """(town, searcher) of every assistant this process serves, for the index metrics."""
    assistant = app[ASSISTANT]
    if assistant is None:
        return []
    return [(town_of(assistant), getattr(assistant, "searcher", None))]


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_settings(settings: Settings, town: str = "") -> None:
    """Refuse what must not start; ``town``: the settings of that town of a tenants file,
    whose web chat token is its own ``web_chat_token``."""
    token = (f"web_chat_token of town {town!r} in the tenants file" if town
             else "WISSENSLOTSE_WEB_CHAT_TOKEN")
    if settings.web_chat_enabled and not settings.local_mode and not settings.web_chat_token:
        raise ConfigurationError(f"web_chat is enabled outside local mode: set {token}")
    if (settings.web_chat_enabled and settings.local_mode and not settings.web_chat_token
            and settings.bind_host not in LOOPBACK_HOSTS):
        # Local mode checks no token: on a network address anybody could pick an admin's name.
        raise ConfigurationError(
            f"local mode on {settings.bind_host}: set {token} (or bind to "
            "127.0.0.1 with WISSENSLOTSE_HOST, or set MicrosoftAppId for Teams)"
        )
    if _shared_state(settings) and not settings.report_secret:
        # each replica would sign /bericht links with its own random key beside its state
        # folder: a link one replica sent fails on the next (unless that folder is shared)
        log.warning("state in PostgreSQL without WISSENSLOTSE_REPORT_SECRET: report links "
                    "work only on the replica that sent them; set the same secret on all")
    if settings.app_type.lower() == "singletenant" and settings.app_id:
        if not settings.app_tenant_id:
            raise ConfigurationError("MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId")


def _shared_state(settings: Settings) -> bool:
    url = str(getattr(settings, "state_url", "") or "")
    return url.startswith(("postgresql://", "postgres://"))


def check_start_mode(settings: Settings) -> None:
    """Local mode validates no token: it must be chosen on purpose, never be what a container
    falls into when MicrosoftAppId is missing from its environment."""
    if not settings.app_id and not settings.local_mode_enabled:
        raise ConfigurationError(
            "MicrosoftAppId fehlt und der lokale Modus ist nicht gewählt: Setzen Sie "
            "MicrosoftAppId (Teams) oder WISSENSLOTSE_LOCAL_MODE=true bzw. `serve --local`. / "
            "MicrosoftAppId is not set and local mode was not chosen: set MicrosoftAppId "
            "(Teams) or WISSENSLOTSE_LOCAL_MODE=true (or `serve --local`)."
        )
    if settings.app_id and settings.local_mode_enabled:
        raise ConfigurationError(
            "WISSENSLOTSE_LOCAL_MODE=true and MicrosoftAppId are both set: choose one "
            "(local mode validates no token)"
        )


def _build_assistant(settings: Settings) -> AssistantPort:
    from bot.assistant.warmup import build_assistant

    started = time.monotonic()
    assistant: AssistantPort = build_assistant(settings)
    log.info("assistant ready in %.1f s", time.monotonic() - started)
    return assistant


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    assistant = app[ASSISTANT]
    body: dict[str, Any] = {
        "status": "ok" if assistant is not None else "starting",
        "uptime_seconds": round(time.monotonic() - app[STARTED], 1),
        "mode": "local" if app[SETTINGS].local_mode else "bot-framework",
    }
    if assistant is not None:
        try:
            body.update(assistant.health())
            if body.get("index_problem"):  # answering from the previous version
                body["status"] = "degraded"
        except Exception as error:  # a health check must answer, even about a broken index
            log.warning("assistant health failed: %s", type(error).__name__)
            body["status"] = "degraded"
    return web.json_response(body, status=200 if assistant is not None else 503)
