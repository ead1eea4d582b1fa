"""The activity handler: Teams activities in, assistant turns out, replies back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
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
    tenant_of,
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


@dataclass(frozen=True)
class TownRoute:
    """Where the activities of one town's Microsoft 365 tenant go (tenants file): the town's
    own assistant and the notifier that keeps its conversation references."""

    town_id: str
    assistant: Callable[[], AssistantPort | None]
    notifier: ConversationNotifier | None = None


class WissenslotseBot(ActivityHandler):
    """Turns Teams activities into assistant turns and replies.

    With ``towns`` (many towns in one deployment) every activity goes to the town of its
    tenant (``channelData.tenant.id``, else ``conversation.tenantId``); an activity of a
    tenant no town names is refused."""

    def __init__(
        self,
        assistant: Callable[[], AssistantPort | None],
        notifier: ConversationNotifier | None = None,
        identity: IdentityPolicy | None = None,
        towns: Callable[[str | None], TownRoute | None] | None = None,
    ) -> None:
        self._assistant = assistant
        self._notifier = notifier
        self._identity = identity or IdentityPolicy(trust_any_channel=True)
        self._towns = towns
        self._emails: LRUCache[tuple[str, str], str | None] = LRUCache(maxsize=5000)

    def _route(self, activity: Activity) -> TownRoute | None:
        if self._towns is not None:
            # only Teams vouches for the tenant; elsewhere the client writes it itself
            vouched = self._identity.trust_any_channel or activity.channel_id == "msteams"
            return self._towns(tenant_of(activity)) if vouched else None
        if self._identity.foreign_tenant(activity):
            return None
        return TownRoute("", self._assistant, self._notifier)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = well_formed(activity.value) if isinstance(activity.value, dict) else None
        group = is_group(activity)
        if group and value is None and not mentions_bot(activity):
            return  # in channels and group chats only an @-mention is meant for us
        route = self._route(activity)
        if route is None:
            # no tenant id, no text, no name: the operator needs only the fact
            log.warning("refused a message from a tenant that is not served "
                        "(WISSENSLOTSE_ALLOWED_TENANTS or the tenants file)")
            await turn_context.send_activity(
                texts.FOREIGN_TENANT if self._towns is None else texts.UNKNOWN_TOWN)
            return
        if route.notifier is not None:
            await route.notifier.remember(activity, self._identity.user(activity).key)
        text = well_formed(strip_mentions(activity))
        if len(text) > MAX_MESSAGE_CHARS or (not text and value is None):
            await turn_context.send_activity(TOO_LONG if text else EMPTY)
            return
        assistant = route.assistant()
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
        route = self._route(activity)
        if route is None:
            return
        assistant = route.assistant()
        if assistant is None:
            return
        if route.notifier is not None:
            await route.notifier.remember(activity, self._identity.user(activity).key)
        replies = assistant.welcome(self._identity.user(activity))
        if replies:
            await turn_context.send_activities([reply_activity(r) for r in replies])

    async def _email_of(self, turn_context: TurnContext) -> str | None:
        """Teams does not put the e-mail into the activity; ask the roster, tolerate failure."""
        activity = turn_context.activity
        account = activity.from_property
        if activity.channel_id != "msteams" or account is None or not account.id:
            return None
        key = (tenant_of(activity) or "", account.id)
        if key in self._emails:
            return self._emails[key]
        email: str | None = None
        try:
            member = await asyncio.wait_for(
                TeamsInfo.get_member(turn_context, account.id), MEMBER_LOOKUP_SECONDS
            )
            email = getattr(member, "email", None) or None
        except Exception as error:  # best effort; remembered so a failing roster costs once
            log.info("member lookup failed: %s", type(error).__name__)
        self._emails[key] = email
        return email
