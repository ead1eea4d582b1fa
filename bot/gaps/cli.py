"""Command line of the knowledge-gap report: ``python -m bot luecken``.

Examples::

    python -m bot luecken
    python -m bot luecken --kb knowledge_base --index var/index --csv luecken.csv
    python -m bot luecken --date 2026-12-01 --csv -        # CSV to stdout
    python -m bot luecken --html bericht.html              # knowledge-risk overview (HTML)
    python -m bot luecken --html bauamt.html --department Bauamt

The documents' metadata comes from the current index version (``--index``); without an index
the knowledge base's files are read directly (slower, same result).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.directory import today_in_berlin
from indexer.model import DocumentMeta

if TYPE_CHECKING:
    from bot.directory.directory import Directory
    from bot.settings import Settings
    from bot.state.records import SqlState

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot luecken",
        description="Knowledge-gap report: tasks without deputy or handover document, chains "
        "that will be away, people leaving, stale documents, unanswered questions.",
        epilog="example: python -m bot luecken --csv luecken.csv --date 2026-12-01",
    )
    parser.add_argument("--kb", type=Path, help="knowledge base folder (default: settings)")
    parser.add_argument("--index", type=Path, help="index folder (default: settings)")
    parser.add_argument("--directory", type=Path,
                        help="folder of personen.csv etc. (default: <kb>/_verzeichnis)")
    parser.add_argument("--state", help="state: a SQLite file or a postgresql:// URL "
                        "(default: settings)")
    parser.add_argument("--csv", help="also write the report as CSV to this file ('-': stdout)")
    parser.add_argument("--date", type=date.fromisoformat,
                        help="report as of this day, YYYY-MM-DD (default: today, Berlin)")
    parser.add_argument("--horizon", type=int, default=14,
                        help="days ahead to check for chains that are all away (default 14)")
    parser.add_argument("--html", type=Path,
                        help="also write the knowledge-risk overview (self-contained HTML, "
                        "charts as inline SVG) to this file")
    parser.add_argument("--department", action="append",
                        help="limit the HTML overview to this department (repeatable)")
    return parser


def cli_main(argv: list[str]) -> int:
    """``python -m bot luecken [--csv FILE] ...``: the gap report on the terminal or as CSV."""
    from bot.settings import Settings  # noqa: F811 (the runtime import of the type above)
    from indexer.settings import load_settings

    args = _parser().parse_args(argv)
    settings = load_settings(Settings)
    if settings is None:
        return 2
    kb = args.kb or settings.kb_dir
    folder = args.directory or (kb / "_verzeichnis" if args.kb else settings.directory_path)
    if not (folder / "personen.csv").is_file():
        print(f"error: no personen.csv in {folder} (use --kb or --directory)", file=sys.stderr)
        return 2
    today = args.date or today_in_berlin()
    docs_meta = load_docs_meta(args.index or settings.index_dir, kb, settings.max_file_mb)
    directory, state = _load(args, settings, folder, docs_meta)
    from bot.gaps.report import format_table, gap_report, write_csv

    report = gap_report(
        directory, today, docs_meta, state, leaving_days=settings.gap_leaving_days,
        review_days=settings.gap_review_days, horizon_days=args.horizon,
    )
    if args.html:
        _write_html(args, directory, today, docs_meta, state, settings.gap_review_days)

    if args.csv == "-":
        write_csv(report, sys.stdout)
        return 0
    sys.stdout.write(format_table(report))
    if args.csv:
        with open(args.csv, "w", encoding="utf-8-sig", newline="") as out:
            write_csv(report, out)
        print(f"CSV written to {args.csv}", file=sys.stderr)
    return 0


def _load(args: argparse.Namespace, settings: Settings, folder: Path,
          docs_meta: Mapping[str, DocumentMeta] | None) -> tuple[Directory, SqlState | None]:
    from bot.directory.directory import Directory
    from bot.state import open_state, state_exists

    source = args.state or settings
    state = open_state(source) if state_exists(source) else None
    extra = state.absences() if state else ()
    directory = Directory.load(folder, docs_meta or {}, extra,
                               settings.fallback_contact or None)
    return directory, state


def _write_html(args: argparse.Namespace, directory: Directory, today: date,
                docs_meta: Mapping[str, DocumentMeta] | None, state: SqlState | None,
                review_days: int) -> None:
    from bot.gaps.html import render_html
    from bot.gaps.overview import build_overview

    overview = build_overview(directory, today, docs_meta, state, args.department, review_days)
    args.html.write_text(render_html(overview), encoding="utf-8")
    print(f"HTML overview written to {args.html} ({len(overview.top)} tasks at highest risk, "
          f"{len(overview.skipped)} notes)", file=sys.stderr)


def load_docs_meta(
    index_dir: Path, kb: Path, max_file_mb: float = 50.0
) -> dict[str, DocumentMeta] | None:
    """Documents' metadata: from the current index version, else read from the knowledge
    base's files; None when neither works."""
    try:
        from indexer.store.version import open_current

        version = open_current(index_dir)
        try:
            return version.document_meta()
        finally:
            getattr(version, "close", lambda: None)()
    except Exception as err:  # no index yet, or another code version: read the files
        log.info("no index at %s (%s); reading the knowledge base's metadata", index_dir, err)
    return read_docs_meta(kb, max_file_mb)


def read_docs_meta(kb: Path, max_file_mb: float = 50.0) -> dict[str, DocumentMeta] | None:
    try:
        from indexer.build.scan import scan_knowledge_base
        from indexer.errors import LoaderError
        from indexer.loaders import load_file
    except ImportError:
        return None
    if not kb.is_dir():
        return None
    metas: dict[str, DocumentMeta] = {}
    for found in scan_knowledge_base(kb, int(max_file_mb * 1024 * 1024)).files:
        try:
            sections = load_file(found.path, kb)
        except LoaderError as err:
            log.warning("cannot read %s: %s", found.source, err)
            continue
        metas[found.source] = sections[0].meta if sections else DocumentMeta()
    return metas
