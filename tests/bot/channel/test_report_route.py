"""``GET /bericht`` over real HTTP: admins see all, heads their department, nobody else
anything; outside local mode only with a valid, unexpired, untampered signed link."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import create_app
from bot.assistant.assistant import Assistant
from bot.directory import Directory
from bot.gaps.access import load_secret, sign_link
from bot.settings import Settings
from bot.state import State
from bot.texts import risk as texts
from tests.bot.assistant.conftest import ScriptedSearcher, write_directory
from tests.bot.channel.conftest import serve


def _assistant(settings: Settings) -> Assistant:
    directory = Directory.load(write_directory(settings.directory_path))
    return Assistant(settings, ScriptedSearcher([]), directory, State(settings.state_db),
                     today=lambda: date(2026, 12, 2), docs_meta={})


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                    state_db=tmp_path / "state.sqlite", directory_dir=tmp_path / "verzeichnis",
                    admins=["admin@musterstadt.de"],
                    **extra)


async def _get(settings: Settings, paths: list[tuple[str, dict[str, str]]]) -> list[Any]:
    results = []
    async with serve(create_app(settings, _assistant(settings))) as url, \
            aiohttp.ClientSession() as http:
        for path, headers in paths:
            async with http.get(url + path, headers=headers) as response:
                results.append((response.status, await response.text(), response.headers))
    return results


def test_local_mode_follows_the_web_chats_person_choice(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    results = asyncio.run(_get(settings, [
        ("/bericht", {}), ("/bericht?person=tkoch", {}), ("/bericht?person=ukeller", {}),
        ("/bericht?person=admin", {"Host": "evil.example"}), ("/bericht?person=niemand", {}),
        ("/bericht?person=admin", {}), ("/bericht?person=admin", {"X-Forwarded-For": "10.0.0.9"}),
    ]))
    assert [status for status, _, _ in results] == [403, 403, 200, 403, 403, 200, 403]
    assert "Gehaltsabrechnung" in results[5][1] and "alle Abteilungen" in results[5][1]
    assert texts.PAGE_FORBIDDEN in results[0][1]
    head = results[2][1]
    assert "Hundesteuer" in head and "Gehaltsabrechnung" not in head
    assert "Stand 02.12.2026 · Steueramt" in head
    headers = results[2][2]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"


def test_outside_local_mode_only_a_valid_signed_link_opens_it(tmp_path: Path) -> None:
    settings = _settings(tmp_path, app_id="teams-app", app_password="secret",
                         public_url="https://bot.example")
    secret = load_secret(settings.report_secret, settings.state_db.parent)
    now = time.time()
    admin = sign_link(secret, "admin", None, now)
    expired = sign_link(secret, "admin", None, now - 3601)
    forged = sign_link(b"another key", "admin", None, now)
    mac = admin.split(".")[1]
    tampered = sign_link(secret, "ukeller", None, now).split(".")[0] + "." + mac
    results = asyncio.run(_get(settings, [
        (f"/bericht?t={admin}", {}), ("/bericht?person=admin", {}), (f"/bericht?t={expired}", {}),
        (f"/bericht?t={forged}", {}), (f"/bericht?t={tampered}", {}), ("/bericht?t=x.y", {}),
        (f"/bericht?t={sign_link(secret, 'tkoch', None, now)}", {}),
    ]))
    assert [status for status, _, _ in results] == [200, 403, 403, 403, 403, 403, 403]
    page = results[0][1]
    assert "Hundesteuer" in page and "Gehaltsabrechnung" in page and "<svg" in page
    assert all(texts.PAGE_EXPIRED in text for _, text, _ in results[2:6])
    assert texts.PAGE_FORBIDDEN in results[6][1]


def test_the_access_log_leaves_out_the_link_token(tmp_path: Path,
                                                   caplog: Any) -> None:
    import logging

    from aiohttp import web

    from bot.channel.report import PathOnlyAccessLogger

    async def run() -> None:
        app = create_app(_settings(tmp_path), _assistant(_settings(tmp_path)))
        runner = web.AppRunner(app, access_log_class=PathOnlyAccessLogger)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/bericht?t=geheim.token") as response:
                assert response.status == 403
        await runner.cleanup()

    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        asyncio.run(run())
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert any('"GET /bericht" 403' in line for line in lines)
    assert not any("geheim" in line for line in lines)


def test_report_settings_are_checked_at_start(tmp_path: Path) -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="public_url"):
        _settings(tmp_path, public_url="bot.example")
    with pytest.raises(ValidationError, match="report_secret"):
        _settings(tmp_path, report_secret="zu-kurz")
    assert _settings(tmp_path, public_url="https://bot.example/").report_base_url == (
        "https://bot.example")
    assert _settings(tmp_path, port=8080).report_base_url == "http://127.0.0.1:8080"
    assert _settings(tmp_path, app_id="teams-app").report_base_url == ""
    secret = "s" * 32
    assert load_secret(_settings(tmp_path, report_secret=secret).report_secret, tmp_path) == (
        secret.encode())
    assert not (tmp_path / "report.key").exists()  # a configured key writes no file
    generated = load_secret("", tmp_path / "state")
    assert len(generated) == 32 and load_secret("", tmp_path / "state") == generated
    assert (tmp_path / "state" / "report.key").stat().st_mode & 0o077 == 0
