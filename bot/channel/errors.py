"""Exceptions of the channels; the endpoint turns each into an HTTP status.

    BotError (bot.errors)
    └── ChannelError
        ├── BadActivity      400: the body is no usable activity
        ├── Unauthorized     401: missing, forged, expired token or another bot's
        └── AuthUnavailable  503: the token could not be checked in time
"""

from __future__ import annotations

from bot.errors import BotError


class ChannelError(BotError):
    """Base of everything the channel package raises on purpose."""


class BadActivity(ChannelError, ValueError):
    """The request body is no usable activity (the message says what is wrong)."""


class Unauthorized(ChannelError, PermissionError):
    """The request's token is missing, malformed, forged, expired or for another bot."""


class AuthUnavailable(ChannelError, RuntimeError):
    """The token could not be checked in time (the OpenID metadata is unreachable)."""
