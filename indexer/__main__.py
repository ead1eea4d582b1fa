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
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_libraries)


if __name__ == "__main__":
    _configure_logging()
    sys.exit(main())
