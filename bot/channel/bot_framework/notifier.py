"""Proactive messages: to conversations seen before, and to users through the stored
conversation reference of their personal chat."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Protocol

from botbuilder.core import (
    BotAdapter,
    TurnContext,
)
from botbuilder.schema import (
    Activity,
    ConversationReference,
)
from cachetools import LRUCache

from bot.channel.bot_framework.activities import is_group, reply_activity
from bot.turns import Reply

log = logging.getLogger(__name__)


class ReferenceStore(Protocol):
    """Where conversation references outlive the process (``bot.state.StateStore``; its
    calls block, they run in worker threads: with PostgreSQL they cross the network)."""

    def save_reference(self, user_key: str, reference_json: str) -> None: ...

    def reference_of(self, user_key: str) -> str | None: ...


class ConversationNotifier:
    """Sends replies outside a turn: to conversations seen before (reindex progress), and to
    users by key through the conversation reference of their personal chat, kept in a
    ``ReferenceStore`` so that proactive messages reach them after a restart too."""

    def __init__(self, adapter: BotAdapter, app_id: str, capacity: int = 1000,
                 store: ReferenceStore | None = None) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._store = store
        self._references: LRUCache[str, ConversationReference] = LRUCache(maxsize=capacity)
        # user key -> the id of their 1:1 chat with the bot (admin output goes there)
        self._personal: LRUCache[str, str] = LRUCache(maxsize=capacity)
        self._saved: LRUCache[str, str] = LRUCache(maxsize=capacity)  # user key -> JSON

    def use_store(self, store: ReferenceStore | None) -> None:
        self._store = store

    async def remember(self, activity: Activity, user_key: str | None = None) -> None:
        """Keep the conversation's reference; ``user_key`` is the sender as the channel's
        identity policy believes it (never the activity's own claim on other channels than
        Teams), so nobody can take over another person's personal messages."""
        reference = TurnContext.get_conversation_reference(activity)
        key = reference.conversation.id
        self._references[key] = reference
        if not is_group(activity) and user_key:  # a group chat is no place for a personal one
            self._personal[user_key] = key
            await self._remember_user(user_key, reference)

    def personal_conversation(self, user_key: str) -> str | None:
        """The user's personal chat with the bot, if they wrote there since the start."""
        conversation = self._personal.get(user_key)
        return conversation if conversation in self._references else None

    async def _remember_user(self, user_key: str, reference: ConversationReference) -> None:
        data = json.dumps(reference.serialize(), sort_keys=True)
        if self._saved.get(user_key) == data:
            return  # unchanged: no write per message
        if self._store is not None:
            try:
                await asyncio.to_thread(self._store.save_reference, user_key, data)
            except Exception:  # the answer matters more than a later notification
                log.exception("could not store a conversation reference")
                return  # not remembered as saved: the next message tries again
        self._saved[user_key] = data

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
        data = self._saved.get(user_key)
        if data is None and self._store is not None:
            data = await asyncio.to_thread(self._store.reference_of, user_key)
        if data is None:
            return False
        try:
            reference = ConversationReference.deserialize(json.loads(data))
        except Exception:
            log.warning("stored conversation reference unreadable; dropped")
            return False
        await self._send(reference, replies)
        return True

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        reference = self._references.get(conversation_id)
        if reference is None:
            log.warning("no conversation reference for a notification; dropped")
            return
        await self._send(reference, replies)

    async def _send(self, reference: ConversationReference, replies: list[Reply]) -> None:
        async def send(context: TurnContext) -> None:
            await context.send_activities([reply_activity(r) for r in replies])

        await self._adapter.continue_conversation(reference, send, self._app_id)
