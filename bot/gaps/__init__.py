"""The gap report (``luecken``): tasks without deputy, leavers, stale documents,
unanswered questions; and the knowledge-risk overview (``--html``, ``/bericht``)."""

from __future__ import annotations

from bot.gaps.cli import (
    cli_main,
    load_docs_meta,
    read_docs_meta,
)
from bot.gaps.errors import (
    BadReportLink,
    GapsError,
    ReportNotAllowed,
)
from bot.gaps.report import (
    GapReport,
    format_summary,
    format_table,
    gap_report,
    write_csv,
)

__all__ = [
    "BadReportLink",
    "GapReport",
    "GapsError",
    "ReportNotAllowed",
    "cli_main",
    "format_summary",
    "format_table",
    "gap_report",
    "load_docs_meta",
    "read_docs_meta",
    "write_csv",
]
