"""``python -m indexer build|search|eval|status``: the only place errors become messages."""

from __future__ import annotations

from indexer.cli.main import (
    main,
)
from indexer.cli.search import (
    format_table,
)

__all__ = [
    "format_table",
    "main",
]
