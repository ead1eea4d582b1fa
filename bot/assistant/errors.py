"""The bot's own exception types. German user messages are chosen at the edge (bot.texts)."""

from __future__ import annotations


class BotError(Exception):
    """Base of everything the bot raises on purpose."""


class NotAllowed(BotError):
    """The user asked for something only an admin (or the person themself) may do."""


class InvalidAction(BotError):
    """A card action (Action.Submit data) that is malformed, forged or unknown."""


class ReindexError(BotError):
    """A reindex could not be started or the build failed."""


class ReindexBusy(ReindexError):
    """A reindex is already running: one at a time."""


class AbsenceRequestError(BotError):
    """An absence request from chat could not be understood or stored."""

    def __init__(self, reason: str, user_message: str | None = None) -> None:
        super().__init__(reason)
        self.user_message = user_message
