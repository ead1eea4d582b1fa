"""``python -m indexer``: build and inspect the index (search and eval come from search_cli).

Exit codes: 0 everything indexed, 3 index built but files skipped, 1 failed (the previous
version keeps serving), 2 usage or settings error, 4 another build (or rollback) holds the
index's lock.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from indexer.errors import IndexBusy, IndexerError, IndexNotFound

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SKIPPED, EXIT_BUSY = 0, 1, 2, 3, 4

EXAMPLES = """examples:
  python -m indexer build --kb knowledge_base --index var/index
  python -m indexer build --model minilm --progress-json
  python -m indexer status --index var/index --json
  python -m indexer rollback --index var/index
  python -m indexer search "Wie melde ich einen Hund an?" --k 5

exit codes: 0 all files indexed, 3 index built but files skipped (listed),
            1 build failed (the previous version keeps serving), 2 usage/settings error,
            4 another build or rollback is running on this index
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indexer", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Turn the knowledge base into a versioned, incremental search index.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = sub.add_parser(
        "build", help="index new and changed files, publish a new version",
        epilog="example:\n  python -m indexer build --kb knowledge_base --index var/index\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("--kb", type=Path, help="knowledge base folder (WISSENSLOTSE_KB_DIR)")
    build.add_argument("--index", type=Path, help="index folder (WISSENSLOTSE_INDEX_DIR)")
    build.add_argument("--release-dir", type=Path, help="folder of released documents, indexed "
                       "beside the knowledge base (WISSENSLOTSE_RELEASE_DIR)")
    build.add_argument("--model", help="'e5' (default), 'minilm', or a local "
                       "sentence-transformers model path (WISSENSLOTSE_MODEL)")
    build.add_argument("--progress-json", action="store_true",
                       help="one JSON object per line on stdout; the last line is the report")
    build.set_defaults(func=run_build)
    status = sub.add_parser(
        "status", help="show the serving version, its counts and skipped files",
        epilog="example:\n  python -m indexer status --index var/index --json\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    status.add_argument("--index", type=Path, help="index folder (WISSENSLOTSE_INDEX_DIR)")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=run_status)
    rollback = sub.add_parser(
        "rollback", help="serve the previous complete version again (versions stay on disk)",
        epilog="examples:\n  python -m indexer rollback --index var/index\n"
               "  python -m indexer rollback --to 20260801T101500.000000Z-ab12cd\n"
               "\nrunning bots switch by themselves within seconds; the next build starts from\n"
               "the version then serving.\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    rollback.add_argument("--index", type=Path, help="index folder (WISSENSLOTSE_INDEX_DIR)")
    rollback.add_argument("--to", metavar="VERSION",
                          help="this version instead of the previous one (see `status`)")
    rollback.add_argument("--json", action="store_true", help="print JSON")
    rollback.set_defaults(func=run_rollback)
    _add_search_commands(sub)
    return parser


def _add_search_commands(sub: Any) -> None:
    from indexer.cli.search import add_commands  # search and eval (owned by search)

    add_commands(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


def load_settings(args: argparse.Namespace) -> Any:
    """Settings from the environment, overridden by the options given; None when invalid."""
    from indexer.settings import IndexSettings
    from indexer.settings import load_settings as load

    overrides = {key: value for key, value in (
        ("kb_dir", getattr(args, "kb", None)), ("index_dir", getattr(args, "index", None)),
        ("model", getattr(args, "model", None)),
        ("release_dir", getattr(args, "release_dir", None))) if value is not None}
    return load(IndexSettings, **overrides)


def run_build(args: argparse.Namespace) -> int:
    from indexer.build.pipeline import KnowledgeBaseMissing, build_index
    from indexer.cli.progress import JsonProgress, TerminalProgress

    settings = load_settings(args)
    if settings is None:
        return EXIT_USAGE
    progress = JsonProgress() if args.progress_json else TerminalProgress.if_terminal()
    try:
        report = build_index(settings, progress=progress)
    except KnowledgeBaseMissing as exc:
        return _failed(args, f"{exc} (set --kb or WISSENSLOTSE_KB_DIR)", EXIT_USAGE)
    except IndexBusy as exc:
        return _failed(args, str(exc), EXIT_BUSY)
    except IndexerError as exc:
        return _failed(args, str(exc), EXIT_FAILED)
    except Exception as exc:  # disk full, damaged files...: say so, the old version serves
        log.exception("build failed")
        return _failed(args, f"{type(exc).__name__}: {exc}", EXIT_FAILED)
    finally:
        if progress is not None:
            progress.close()
    code = EXIT_SKIPPED if report.skipped else EXIT_OK
    if args.progress_json:
        _print_json({"phase": "done", "exit_code": code, **report.to_dict()})
        return code
    print(report.summary())
    if not report.published:
        print(f"nothing changed: version {report.version_id} keeps serving")
    for skip in report.skipped:
        print(f"skipped: {skip.file}: {skip.reason}")
    for warning in report.warnings:
        print(f"warning: {warning.file}: {warning.reason}")
    return code


def _failed(args: argparse.Namespace, message: str, code: int) -> int:
    if getattr(args, "progress_json", False):
        _print_json({"phase": "failed", "exit_code": code, "error": message})
    print(f"error: {message}", file=sys.stderr)
    if code in (EXIT_FAILED, EXIT_BUSY):
        print("the previous index version (if any) keeps serving", file=sys.stderr)
    return code


def run_status(args: argparse.Namespace) -> int:
    from indexer.store.version import open_current

    settings = load_settings(args)
    if settings is None:
        return EXIT_USAGE
    try:
        version = open_current(settings.index_dir, None)
    except IndexNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    skipped = version.skipped()
    if args.json:
        _print_json({"index_dir": str(settings.index_dir), "version_id": version.version_id,
                     "manifest": version.manifest, "skipped": skipped})
        return EXIT_OK
    manifest, counts = version.manifest, version.manifest.get("counts", {})
    print(f"index {settings.index_dir}: version {version.version_id}, built "
          f"{manifest.get('built_at')} from {manifest.get('kb_dir')}")
    print(f"model {manifest.get('model')} ({manifest.get('dimension')} dimensions), "
          f"files {counts.get('files')}, chunks {counts.get('chunks')}, skipped {len(skipped)}")
    for skip in skipped:
        print(f"skipped: {skip['file']}: {skip['reason']}")
    return EXIT_OK


def run_rollback(args: argparse.Namespace) -> int:
    """Under the build lock, so it never races a build (or another replica's rollback)."""
    from indexer.store import BuildLock, rollback

    settings = load_settings(args)
    if settings is None:
        return EXIT_USAGE
    if not Path(settings.index_dir).is_dir():
        print(f"error: no index folder {settings.index_dir}", file=sys.stderr)
        return EXIT_FAILED
    try:
        with BuildLock(settings.index_dir):
            done = rollback(settings.index_dir, args.to)
    except IndexerError as exc:  # no previous version, a build is running
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY if isinstance(exc, IndexBusy) else EXIT_FAILED
    if args.json:
        _print_json({"index_dir": str(settings.index_dir), "previous": done.previous,
                     "version_id": done.current})
    else:
        print(f"index {settings.index_dir}: version {done.current} serves again "
              f"(was {done.previous}; both stay on disk)")
    return EXIT_OK


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)
