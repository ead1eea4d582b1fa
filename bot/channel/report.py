"""``GET /bericht``: the knowledge-risk overview as a page, for admins and heads only.

Who is asking comes from one of two places:

- ``?t=<token>``: the signed link the bot sends on ``bericht`` (``bot.gaps.access``), valid
  for an hour and bound to one person; the only way in outside local mode.
- ``?person=<id>``: local mode on this machine only, with the web chat's identity rules (the
  person chosen under "Sie sind:"; the Host header must name this machine).

The admin/head rule is checked on every request; everybody else gets a German refusal page.
The page has no script; it is sent with a CSP that forbids anything but its inline styles.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from html import escape
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from cachetools import TTLCache

from bot.channel.webchat import _loopback, _loopback_name
from bot.settings import Settings
from bot.texts import risk as texts

log = logging.getLogger(__name__)

REPORT_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the address: never pass it on
    "Cache-Control": "no-store",
}
# Drawing the charts takes a second or more (seconds on a busy machine): a page is kept for
# five minutes per scope and day; the numbers may be that old.
PAGE_SECONDS = 300


class ReportPage:
    def __init__(self, settings: Settings, assistant: Callable[[], Any]) -> None:
        self._settings = settings
        self._assistant = assistant
        self._person_choice = settings.local_mode and _loopback(settings.bind_host)
        self._pages: TTLCache[tuple[Any, ...], str] = TTLCache(maxsize=32, ttl=PAGE_SECONDS)
        self._lock = threading.Lock()  # one drawing at a time: matplotlib text is not reentrant

    async def get(self, request: web.Request) -> web.Response:
        from bot.gaps.errors import BadReportLink, ReportNotAllowed

        assistant = self._assistant()
        if assistant is None:
            return _page(texts.PAGE_STARTING, 503)
        try:
            person, key = self._viewer(request, assistant)
            html = await asyncio.to_thread(self._render, assistant, person, key)
        except BadReportLink as err:
            log.info("report link refused: %s", err.reason)
            return _page(texts.PAGE_EXPIRED, 403)
        except ReportNotAllowed:
            log.info("report refused: neither admin nor head")
            return _page(texts.PAGE_FORBIDDEN, 403)
        return web.Response(text=html, content_type="text/html", headers=REPORT_HEADERS)

    def _viewer(self, request: web.Request, assistant: Any) -> tuple[Any, str | None]:
        """(directory person or None, chat user key) of the request; raises when nobody."""
        from bot.gaps.access import load_secret, verify_link
        from bot.gaps.errors import ReportNotAllowed

        token = request.query.get("t")
        if token:
            secret = load_secret(self._settings.report_secret, self._settings.state_db.parent)
            person_id, key = verify_link(secret, token, time.time())
            return (assistant.directory.person(person_id) if person_id else None), key
        chosen = request.query.get("person", "")
        if chosen and self._person_choice and _loopback_name(request.host):
            person = assistant.directory.person(chosen)
            if person is not None:
                return person, None
        raise ReportNotAllowed()

    def _render(self, assistant: Any, person: Any, key: str | None) -> str:
        from bot.gaps.access import report_scope
        from bot.gaps.html import render_html
        from bot.gaps.overview import build_overview

        scope = report_scope(self._settings.admins, person, key)
        today = assistant.today()
        with self._lock:
            cached = self._pages.get((scope, today))
            if cached is not None:
                return cached
            started = time.monotonic()
            overview = build_overview(assistant.directory, today, assistant.docs_meta,
                                      assistant.state, scope, self._settings.gap_review_days)
            html = render_html(overview)
            self._pages[(scope, today)] = html
        log.info("report drawn: %s departments, %.1f s",
                 "all" if scope is None else len(scope), time.monotonic() - started)
        return html


def _page(message: str, status: int) -> web.Response:
    body = (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>'
            f"{escape(texts.TITLE)}</title></head><body><h1>{escape(texts.TITLE)}</h1>"
            f"<p>{escape(message)}</p></body></html>")
    return web.Response(text=body, status=status, content_type="text/html",
                        headers=REPORT_HEADERS)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """The access log without query strings: ``/bericht?t=...`` carries a credential that is
    valid for an hour, and logs outlive it."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %d %.3f s', request.remote, request.method, request.path,
                         response.status, time)


def add_report(app: web.Application, settings: Settings, assistant: Callable[[], Any],
               prefix: str = "/") -> None:
    app.router.add_get(prefix + "bericht", ReportPage(settings, assistant).get)
