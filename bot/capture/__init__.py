"""Knowledge capture: the handover interview, its drafts and their release into the
knowledge base (and, in issue 12, routed questions sharing the same drafts). Never imports
the channel."""

from __future__ import annotations

from bot.capture.cards import (
    ACTION_RELEASE,
    ACTION_RESUME,
    ACTION_RETURN,
    ACTION_START,
    ACTION_STEP,
)
from bot.capture.desk import HandoverDesk, release_folder
from bot.capture.routing import ROUTING_ACTIONS, RoutingDesk
from bot.capture.routing_cards import forward_action
from bot.capture.secrets import secret_kind

CAPTURE_ACTIONS = frozenset({ACTION_START, ACTION_RESUME, ACTION_STEP, ACTION_RELEASE,
                             ACTION_RETURN})

__all__ = [
    "ACTION_RELEASE",
    "ACTION_RESUME",
    "ACTION_RETURN",
    "ACTION_START",
    "ACTION_STEP",
    "CAPTURE_ACTIONS",
    "HandoverDesk",
    "ROUTING_ACTIONS",
    "RoutingDesk",
    "forward_action",
    "release_folder",
    "secret_kind",
]
