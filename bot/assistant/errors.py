"""Exceptions of the assistant. German user messages are chosen at the edge (``bot.texts``).

    BotError (bot.errors)
    ├── NotAllowed (bot.directory.errors)  only an admin (or the person themself) may do this
    └── AssistantError
        ├── InvalidAction        a card action that is malformed, forged or unknown
        ├── ReindexError         a reindex could not be started or the build failed
        │   ├── ReindexBusy      a reindex is already running here: one at a time
        │   └── ReindexElsewhere another process (replica, CLI) builds the same index
        └── AbsenceRequestError  an absence request from chat could not be understood or stored
"""

from __future__ import annotations

from bot.directory.errors import NotAllowed
from bot.errors import BotError

__all__ = [
    "AbsenceRequestError",
    "AssistantError",
    "BotError",
    "InvalidAction",
    "NotAllowed",
    "ReindexBusy",
    "ReindexElsewhere",
    "ReindexError",
]


class AssistantError(BotError):
    """Base of everything the assistant raises on purpose."""


class InvalidAction(AssistantError):
    """A card action (Action.Submit data) that is malformed, forged or unknown."""


class ReindexError(AssistantError):
    """A reindex could not be started or the build failed."""


class ReindexBusy(ReindexError):
    """A reindex is already running: one at a time."""


class ReindexElsewhere(ReindexError):
    """Another bot process (a replica) or the CLI builds the same index right now."""


class AbsenceRequestError(AssistantError):
    """An absence request from chat could not be understood or stored."""

    def __init__(self, reason: str, user_message: str | None = None) -> None:
        super().__init__(reason)
        self.user_message = user_message
