"""The aiohttp application: Bot Framework endpoint, health check and the local web chat."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web

from bot.channel import (
    AssistantPort,
    BotRuntime,
    ChannelConfig,
    ConversationNotifier,
    MessageEndpoint,
    WissenslotseBot,
    create_adapter,
    create_authentication,
)
from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.turns import Notifier

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024
ASSISTANT: web.AppKey[AssistantPort | None] = web.AppKey("assistant", object)  # type: ignore[arg-type]
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
STARTED: web.AppKey[float] = web.AppKey("started", float)


def create_app(
    settings: Settings,
    assistant: AssistantPort | None = None,
    *,
    channel_config: ChannelConfig | None = None,
) -> web.Application:
    """Build the application; without ``assistant`` it is built in the start-up warm-up."""
    check_settings(settings)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[ASSISTANT] = assistant
    app[STARTED] = time.monotonic()

    auth = create_authentication(settings, channel_config)
    adapter = create_adapter(auth)
    notifier = ConversationNotifier(adapter, settings.app_id)
    bot = WissenslotseBot(lambda: app[ASSISTANT], notifier)
    runtime = BotRuntime(
        adapter,
        auth,
        bot,
        (channel_config or ChannelConfig()).auth_timeout_seconds,
        auth_required=not settings.local_mode,
    )
    endpoint = MessageEndpoint(runtime)
    outbound: Notifier = notifier
    if settings.web_chat_enabled:
        from bot.channel.webchat import RoutingNotifier, add_web_chat

        outbound = RoutingNotifier(notifier, add_web_chat(app, settings, lambda: app[ASSISTANT]))

    async def warm_up(app: web.Application) -> None:
        # The SDK sends replies with blocking `requests` calls in the default executor, which
        # the assistant's searches share: six threads on two cores is too few for 20 chats.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=32, thread_name_prefix="bot-io")
        )
        if app[ASSISTANT] is None:
            app[ASSISTANT] = await asyncio.get_running_loop().run_in_executor(
                None, _build_assistant, settings
            )
        # proactive messages (handover drafts) need references that survive a restart
        store = getattr(app[ASSISTANT], "state", None)
        if callable(getattr(store, "save_reference", None)):
            notifier.use_store(store)
        app[ASSISTANT].set_notifier(outbound)  # type: ignore[union-attr]

    async def shut_down(app: web.Application) -> None:
        runtime.close()

    app.on_startup.append(warm_up)
    app.on_cleanup.append(shut_down)
    app.router.add_post("/api/messages", endpoint.handle)
    app.router.add_get("/healthz", healthz)
    return app


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_settings(settings: Settings) -> None:
    if settings.web_chat_enabled and not settings.local_mode and not settings.web_chat_token:
        raise ConfigurationError(
            "web_chat is enabled outside local mode: set WISSENSLOTSE_WEB_CHAT_TOKEN"
        )
    if (settings.web_chat_enabled and settings.local_mode and not settings.web_chat_token
            and settings.bind_host not in LOOPBACK_HOSTS):
        # Local mode checks no token: on a network address anybody could pick an admin's name.
        raise ConfigurationError(
            f"local mode on {settings.bind_host}: set WISSENSLOTSE_WEB_CHAT_TOKEN (or bind to "
            "127.0.0.1 with WISSENSLOTSE_HOST, or set MicrosoftAppId for Teams)"
        )
    if settings.app_type.lower() == "singletenant" and settings.app_id:
        if not settings.app_tenant_id:
            raise ConfigurationError("MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId")


def _build_assistant(settings: Settings) -> AssistantPort:
    from bot.assistant.assistant import build_assistant

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
        except Exception as error:  # a health check must answer, even about a broken index
            log.warning("assistant health failed: %s", type(error).__name__)
            body["status"] = "degraded"
    return web.json_response(body, status=200 if assistant is not None else 503)
