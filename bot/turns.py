"""What flows between the channel (botbuilder) and the assistant: no botbuilder types here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The longest question or command the bot takes, in characters, in every channel: longer
# text is refused with a polite message before any work is done.
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class UserRef:
    """Who is asking, as the channel knows it. The assistant maps it to a directory person."""

    key: str  # stable id: Teams AAD object id / user id, or "web:<session>" in the web chat
    name: str | None = None
    email: str | None = None
    teams_id: str | None = None
    person_id: str | None = None  # set by the local web chat's "Sie sind:" choice


@dataclass(frozen=True)
class Turn:
    """One incoming message (or card submit) after the channel stripped mentions."""

    text: str
    user: UserRef
    conversation_id: str
    value: dict[str, Any] | None = None  # data of a card action (Action.Submit), untrusted
    is_group: bool = False


@dataclass(frozen=True)
class Reply:
    """One outgoing message: plain text always (fallback), an Adaptive Card where there is one."""

    text: str
    card: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)  # structured answer for the web chat


class Notifier(Protocol):
    """Sends messages later, outside a turn: to a conversation seen before (reindex progress
    and summary), or to a user by their ``UserRef.key`` through the stored conversation
    reference (proactive messages; False when the user cannot be reached).

    Channels that know personal conversations also offer
    ``async personal_conversation(user_key) -> str | None``: where to send what only one
    person may read (the assistant looks it up with ``getattr``; a notifier without it knows
    none). Any replica must find it: the Bot Framework notifier asks the state store."""

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None: ...

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool: ...


def well_formed(value: Any) -> Any:
    """JSON may carry lone surrogates ("\\ud800") that no UTF-8 writer (SQLite, logs, the
    tokenizer) accepts; both channels turn them into U+FFFD before anything else sees them."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [well_formed(item) for item in value]
    if isinstance(value, dict):
        return {well_formed(key): well_formed(item) for key, item in value.items()}
    return value
