"""Errors of the gap report and the knowledge-risk overview.

    BotError (bot.errors)
    └── GapsError
        ├── ReportNotAllowed   the user is neither admin nor head of a department
        └── BadReportLink      a /bericht link that is forged, damaged or older than an hour

German messages are chosen at the edges (``bot.texts.risk``).
"""

from __future__ import annotations

from bot.errors import BotError


class GapsError(BotError):
    """Base of everything ``bot.gaps`` raises on purpose."""


class ReportNotAllowed(GapsError):
    """Only admins (all departments) and heads (their own) see the overview."""


class BadReportLink(GapsError):
    """The signed link does not verify or has expired; ``reason`` is for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
