"""The channels: Bot Framework (Teams) adapter and endpoint, the local web chat and its
static files. The only package that imports botbuilder (in ``bot_framework``)."""

from __future__ import annotations

from bot.channel.bot_framework import (
    AssistantPort,
    BotRuntime,
    ChannelConfig,
    ConversationNotifier,
    IdentityPolicy,
    TownRoute,
    WissenslotseBot,
    create_adapter,
    create_authentication,
    strip_mentions,
)
from bot.channel.endpoint import (
    MessageEndpoint,
    replies_go_back,
)
from bot.channel.errors import AuthUnavailable, BadActivity, ChannelError, Unauthorized
from bot.channel.webchat import (
    TOKEN_HEADER,
    RoutingNotifier,
    add_web_chat,
)

__all__ = [
    "AuthUnavailable",
    "BadActivity",
    "ChannelError",
    "Unauthorized",
    "AssistantPort",
    "BotRuntime",
    "ChannelConfig",
    "ConversationNotifier",
    "IdentityPolicy",
    "MessageEndpoint",
    "RoutingNotifier",
    "TOKEN_HEADER",
    "TownRoute",
    "WissenslotseBot",
    "add_web_chat",
    "create_adapter",
    "create_authentication",
    "replies_go_back",
    "strip_mentions",
]
