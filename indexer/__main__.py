"""Entry point of ``python -m indexer``; the only place where logging is configured."""

from __future__ import annotations

import logging
import sys

from indexer.cli import main

_NOISY = ("faiss", "bm25s", "pypdf", "sentence_transformers", "httpx")


def _quiet_libraries(record: logging.LogRecord) -> bool:
    # Some libraries set their own logger level when imported (after this runs), so their
    # chatter is filtered at the handler instead.
    return record.levelno >= logging.WARNING or not record.name.startswith(_NOISY)


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    json_lines = _log_format() == "json"
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_libraries)
        if json_lines:
            from indexer.logs import JsonFormatter

            handler.setFormatter(JsonFormatter())


def _log_format() -> str:
    """WISSENSLOTSE_LOG_FORMAT; an invalid setting is reported by the command itself."""
    from pydantic import ValidationError

    from indexer.settings import IndexSettings

    try:
        return IndexSettings().log_format
    except ValidationError:
        return "text"


if __name__ == "__main__":
    _configure_logging()
    sys.exit(main())
