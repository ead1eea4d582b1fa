"""The activity handler: Teams activities in, assistant turns out, replies back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from botbuilder.core import (
    ActivityHandler,
    TurnContext,
)
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
)
from cachetools import LRUCache

from bot.channel.bot_framework.activities import (
    IdentityPolicy,
    is_group,
    mentions_bot,
    reply_activity,
    strip_mentions,
)
from bot.channel.bot_framework.notifier import ConversationNotifier
from bot.texts import assistant as texts
from bot.turns import MAX_MESSAGE_CHARS, Notifier, Reply, Turn, UserRef, well_formed

log = logging.getLogger(__name__)


TOO_LONG = texts.TOO_LONG.format(limit=MAX_MESSAGE_CHARS)


EMPTY = texts.EMPTY_MESSAGE


FAILED = texts.ERROR_GENERIC


NOT_READY = texts.NOT_READY


MEMBER_LOOKUP_SECONDS = 3.0


class AssistantPort(Protocol):
    """What the channel needs from ``bot.assistant.Assistant`` (no import: it is heavy-ish)."""

    async def handle(self, turn: Turn) -> list[Reply]: ...

    def welcome(self, user: UserRef) -> list[Reply]: ...

    def set_notifier(self, notifier: Notifier) -> None: ...

    def health(self) -> dict[str, Any]: ...


class WissenslotseBot(ActivityHandler):
    """Turns Teams activities into assistant turns and replies."""

    def __init__(
        self,
        assistant: Callable[[], AssistantPort | None],
        notifier: ConversationNotifier | None = None,
        identity: IdentityPolicy | None = None,
    ) -> None:
        self._assistant = assistant
        self._notifier = notifier
        self._identity = identity or IdentityPolicy(trust_any_channel=True)
        self._emails: LRUCache[str, str | None] = LRUCache(maxsize=5000)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = well_formed(activity.value) if isinstance(activity.value, dict) else None
        group = is_group(activity)
        if group and value is None and not mentions_bot(activity):
            return  # in channels and group chats only an @-mention is meant for us
        if self._identity.foreign_tenant(activity):
            log.warning("refused a message from a tenant outside WISSENSLOTSE_ALLOWED_TENANTS")
            await turn_context.send_activity(texts.FOREIGN_TENANT)
            return
        if self._notifier is not None:
            await self._notifier.remember(activity, self._identity.user(activity).key)
        text = well_formed(strip_mentions(activity))
        if len(text) > MAX_MESSAGE_CHARS or (not text and value is None):
            await turn_context.send_activity(TOO_LONG if text else EMPTY)
            return
        assistant = self._assistant()
        if assistant is None:
            await turn_context.send_activity(NOT_READY)
            return
        await turn_context.send_activity(Activity(type=ActivityTypes.typing))
        user = self._identity.user(activity, await self._email_of(turn_context))
        turn = Turn(
            text=text,
            user=user,
            conversation_id=activity.conversation.id,
            value=value,
            is_group=group,
        )
        replies = await assistant.handle(turn)
        if replies:
            await turn_context.send_activities([reply_activity(r) for r in replies])

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(member.id == bot_id for member in members_added):
            return  # a colleague joined the team: no welcome from the bot
        if self._identity.foreign_tenant(activity):
            return
        assistant = self._assistant()
        if assistant is None:
            return
        if self._notifier is not None:
            await self._notifier.remember(activity, self._identity.user(activity).key)
        replies = assistant.welcome(self._identity.user(activity))
        if replies:
            await turn_context.send_activities([reply_activity(r) for r in replies])

    async def _email_of(self, turn_context: TurnContext) -> str | None:
        """Teams does not put the e-mail into the activity; ask the roster, tolerate failure."""
        activity = turn_context.activity
        account = activity.from_property
        if activity.channel_id != "msteams" or account is None or not account.id:
            return None
        if account.id in self._emails:
            return self._emails[account.id]
        email: str | None = None
        try:
            member = await asyncio.wait_for(
                TeamsInfo.get_member(turn_context, account.id), MEMBER_LOOKUP_SECONDS
            )
            email = getattr(member, "email", None) or None
        except Exception as error:  # best effort; remembered so a failing roster costs once
            log.info("member lookup failed: %s", type(error).__name__)
        self._emails[account.id] = email
        return email
