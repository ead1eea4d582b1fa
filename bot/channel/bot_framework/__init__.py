"""The Bot Framework channel (Teams): the ONLY package that imports botbuilder, so that the
archived SDK can be replaced by the Microsoft 365 Agents SDK in one room.

``adapter`` builds the SDK's authentication and adapter, ``activities`` reads and writes
activities (mentions, identity, replies), ``handler`` turns activities into assistant turns,
``notifier`` sends proactive messages from stored conversation references, ``runtime``
parses, authenticates (off the event loop) and runs a request."""

from __future__ import annotations

from bot.channel.bot_framework.activities import (
    GROUP_TYPES,
    IdentityPolicy,
    is_group,
    mentions_bot,
    reply_activity,
    strip_mentions,
    tenant_of,
    user_ref,
)
from bot.channel.bot_framework.adapter import (
    ChannelConfig,
    create_adapter,
    create_authentication,
)
from bot.channel.bot_framework.handler import (
    EMPTY,
    FAILED,
    MEMBER_LOOKUP_SECONDS,
    NOT_READY,
    TOO_LONG,
    AssistantPort,
    TownRoute,
    WissenslotseBot,
)
from bot.channel.bot_framework.notifier import (
    ConversationNotifier,
    ReferenceStore,
)
from bot.channel.bot_framework.runtime import (
    BotRuntime,
    Outcome,
)

__all__ = [
    "AssistantPort",
    "BotRuntime",
    "ChannelConfig",
    "ConversationNotifier",
    "EMPTY",
    "FAILED",
    "GROUP_TYPES",
    "IdentityPolicy",
    "MEMBER_LOOKUP_SECONDS",
    "NOT_READY",
    "Outcome",
    "ReferenceStore",
    "TOO_LONG",
    "TownRoute",
    "WissenslotseBot",
    "create_adapter",
    "create_authentication",
    "is_group",
    "mentions_bot",
    "reply_activity",
    "strip_mentions",
    "tenant_of",
    "user_ref",
]
