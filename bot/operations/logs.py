"""Logging of the bot process: text lines (default) or one JSON object per line.

``WISSENSLOTSE_LOG_FORMAT=json`` gives every line ``time`` (UTC, ISO 8601), ``level``,
``logger``, ``message`` and ``request_id`` (the HTTP request, and with it the turn, the line
belongs to; work off-loaded to threads keeps it, since ``asyncio.to_thread`` copies the
context; the formatter is ``indexer.logs.JsonFormatter``, shared with ``python -m indexer``).
What the lines say is unchanged: counts, scores and timings, never question text or
names (``log_questions`` is the operator's explicit exception).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from indexer.logs import JsonFormatter

REQUEST_ID: ContextVar[str | None] = ContextVar("wissenslotse_request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "wissenslotse"
NOISY_LOGGERS = ("faiss.loader", "bm25s", "aiohttp.access", "msrest", "urllib3")


class _RequestIdFilter(logging.Filter):
    """Text lines name the request too (``[req=...]``) when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = REQUEST_ID.get()
        record.request = f" [req={request_id}]" if request_id else ""
        return True


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Configure the root logger in a ``__main__`` (never at import). Like
    ``logging.basicConfig``, it leaves a root logger alone that someone else configured
    (pytest, an embedding program) apart from its level."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    ours = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    if len(ours) < len(root.handlers):
        return
    for old in ours:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    if log_format == "json":
        handler.setFormatter(JsonFormatter(lambda: {"request_id": REQUEST_ID.get()}))
    else:
        handler.addFilter(_RequestIdFilter())
        handler.setFormatter(logging.Formatter(TEXT_FORMAT.replace(
            "%(name)s:", "%(name)s%(request)s:")))
    root.addHandler(handler)
