"""What an operator needs besides the answers: metrics, logs, the automatic reindex and the
configuration reference (``python -m bot config-reference``)."""

from bot.operations.logs import configure_logging
from bot.operations.metrics import DEFAULT_TOWN, Metrics

__all__ = ["DEFAULT_TOWN", "Metrics", "configure_logging"]
