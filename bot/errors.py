"""The root of the bot's exceptions. Each package has its own ``errors.py`` below it; German
user messages are chosen only at the edge (``bot.texts``), CLIs print them once (``bot.__main__``).

    BotError
    ├── ConfigurationError          a setting combination the bot refuses to start with
    ├── PackageError                the Teams app package cannot be built with an argument
    ├── bot.assistant.errors        InvalidAction, ReindexError > ReindexBusy, AbsenceRequestError
    ├── bot.directory.errors        DirectoryError > UnknownTask, DateError, AbsenceError >
    │                               (NotOwnAbsence, UnknownPerson, ...), StateError; NotAllowed
    ├── bot.gaps.errors             GapsError > ReportNotAllowed, BadReportLink
    └── bot.channel.errors          ChannelError > BadActivity, Unauthorized, AuthUnavailable
"""

from __future__ import annotations


class BotError(Exception):
    """Base of everything the bot raises on purpose."""


class ConfigurationError(BotError, ValueError):
    """A setting combination the bot refuses to start with."""


class PackageError(BotError, ValueError):
    """An argument the package cannot be built with."""
