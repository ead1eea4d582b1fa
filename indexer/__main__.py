"""Entry point of ``python -m indexer``; the only place where logging is configured."""

from __future__ import annotations

import logging
import sys

from indexer.cli import main


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("faiss.loader", "bm25s", "pypdf", "sentence_transformers", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


if __name__ == "__main__":
    _configure_logging()
    sys.exit(main())
