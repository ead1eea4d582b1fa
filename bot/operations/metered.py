"""The assistant as the channel sees it, with every turn counted and timed.

``MeteredAssistant`` wraps whatever answers turns (the real ``Assistant`` or a test double):
``handle`` is measured, everything else is passed through. The kind of a turn is read from
the replies' ``data["kind"]`` and the card action's name, never from the text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from bot.capture import CAPTURE_ACTIONS, ROUTING_ACTIONS
from bot.operations.metrics import Metrics
from bot.turns import Reply, Turn

log = logging.getLogger(__name__)

QUESTION_KINDS = {"answer": True, "not_found": False}


class MeteredAssistant:
    """Delegates to ``inner``; ``handle`` also updates ``metrics``."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics
        add_listener = getattr(getattr(inner, "reindexer", None), "add_listener", None)
        if callable(add_listener):
            town = town_of(inner)
            add_listener(
                lambda ok, seconds: metrics.observe_reindex(town, ok, seconds))

    @property
    def inner(self) -> Any:
        return self._inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def handle(self, turn: Turn) -> list[Reply]:
        started = time.monotonic()
        replies = await self._inner.handle(turn)
        try:
            self._observe(turn, replies, time.monotonic() - started)
        except Exception:  # counting must never cost the user the answer
            log.exception("metrics update failed")
        return replies

    def _observe(self, turn: Turn, replies: Sequence[Reply], seconds: float) -> None:
        town = getattr(turn, "town", None) or town_of(self._inner)
        kinds = [reply.data.get("kind") for reply in replies if isinstance(reply.data, dict)]
        kind = turn_kind(turn, kinds)
        self._metrics.observe_turn(town, kind)
        found = next((QUESTION_KINDS[k] for k in kinds if k in QUESTION_KINDS), None)
        if found is not None:
            self._metrics.observe_question(town, found, seconds)
        if kind == "feedback" and any(r.data.get("stored") for r in replies):
            vote = (turn.value or {}).get("vote")
            self._metrics.observe_feedback(town, str(vote))


def turn_kind(turn: Turn, reply_kinds: Sequence[Any]) -> str:
    """One of ``metrics.TURN_KINDS`` for a handled turn."""
    if "rate_limited" in reply_kinds:
        return "rate_limited"
    if "error" in reply_kinds:
        return "error"
    action = turn.value.get("action") if isinstance(turn.value, dict) else None
    if action == "feedback":
        return "feedback"
    if action in CAPTURE_ACTIONS or any(str(k).startswith("handover") for k in reply_kinds):
        return "handover"
    if action in ROUTING_ACTIONS or any(str(k).startswith("rout") for k in reply_kinds):
        return "routing"
    if any(k in QUESTION_KINDS for k in reply_kinds):
        return "question"
    return "command"


def town_of(assistant: Any) -> str | None:
    """The town an assistant serves, where it knows one (many towns: ``settings.town``)."""
    settings = getattr(assistant, "settings", None)
    town = getattr(settings, "town", None) or getattr(assistant, "town", None)
    return town if isinstance(town, str) and town else None
