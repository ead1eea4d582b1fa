"""JSON log lines (``WISSENSLOTSE_LOG_FORMAT=json``), shared by ``python -m indexer`` and the
bot: one object per line with ``time`` (UTC), ``level``, ``logger`` and ``message``, plus
whatever the caller's ``context`` adds (the bot: the request id). A traceback keeps its stack
and exception type but not the exception's message, which may quote user input."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from datetime import UTC, datetime

Context = Callable[[], dict[str, object]]


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def __init__(self, context: Context | None = None) -> None:
        super().__init__()
        self._context = context

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self._context is not None:
            entry.update(self._context())
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            entry["exception"] = kind.__name__
            entry["stack"] = "".join(traceback.format_tb(trace))[-4000:]
        return json.dumps(entry, ensure_ascii=False)
