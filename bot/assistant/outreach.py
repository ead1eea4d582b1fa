"""What the assistant offers knowledge capture (``bot.capture``): reaching a person outside a
turn through their stored conversation references, the admin rule for a directory person,
and a reindex that reports its end in a conversation."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.directory import Person, is_admin
from bot.turns import Reply, Turn

log = logging.getLogger(__name__)


class Outreach:
    """Mixed into ``Assistant`` (uses its settings, state, notifier and reindexer)."""

    settings: Any
    state: Any
    reindexer: Any
    _notifier: Any
    _linked: set[tuple[str, str]]

    async def link_user(self, turn: Turn, person: Person | None) -> bool:
        """Remember which chat user a directory person writes as (once per process); True
        the first time this process sees the pair. The write runs in a worker thread: on
        PostgreSQL it may wait for the town's write lock or a pool connection."""
        if person is None or not hasattr(self.state, "link_person"):
            return False
        pair = (person.id, turn.user.key)
        if pair in self._linked:
            return False
        await asyncio.to_thread(self.state.link_person, *pair)
        self._linked.add(pair)
        return True

    async def notify_person(self, person_id: str, replies: list[Reply]) -> bool:
        """Send to every chat the person wrote from; False when none could be reached."""
        send = getattr(self._notifier, "notify_user", None)
        if send is None:
            return False
        delivered = False
        for key in await asyncio.to_thread(self.state.user_keys_of, person_id):
            try:
                delivered = bool(await send(key, replies)) or delivered
            except Exception:  # one unreachable chat must not stop the others
                log.exception("proactive message failed")
        return delivered

    def is_admin_person(self, person: Person) -> bool:
        """The one admin rule for a directory person (not the current chat user)."""
        return is_admin(self.settings.admins, person)

    def request_reindex(self, conversation_id: str, message: Callable[[bool, str], Reply]
                        ) -> None:
        """Reindex now (or right after the running build); the end is reported with
        ``message(ok, reason)`` in ``conversation_id``, progress is not."""
        notifier = self._notifier

        async def notify(replies: list[Reply]) -> None:
            final = [r for r in replies if r.data.get("reindex") in ("done", "failed")]
            if not final or notifier is None:
                return
            ok = final[0].data.get("reindex") == "done"
            await notifier.notify(conversation_id, [message(ok, "" if ok else final[0].text)])

        self.reindexer.request(notify)
