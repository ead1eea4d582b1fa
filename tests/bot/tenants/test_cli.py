"""``python -m bot ... --town ID``: each command works on the named town's folders; serve
hosts every town of the tenants file below its web path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import indexer.build.pipeline
import indexer.embedding
from bot.__main__ import main
from indexer.embedding import FakeEmbedder
from tests.bot.tenants.towns import NORD, SUED, write_tenants


@pytest.fixture
def tenants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    saved = dict(os.environ)  # --town writes this process's settings into the environment
    for name in ("MicrosoftAppId", "WISSENSLOTSE_APP_ID", "WISSENSLOTSE_HOST", "WISSENSLOTSE_PORT",
                 "WISSENSLOTSE_WEB_CHAT", "WISSENSLOTSE_MODEL", "WISSENSLOTSE_KB_DIR",
                 "WISSENSLOTSE_INDEX_DIR", "WISSENSLOTSE_RELEASE_DIR"):
        os.environ.pop(name, None)
    monkeypatch.chdir(tmp_path)  # no stray .env file
    monkeypatch.setattr(indexer.embedding, "load_embedder", lambda name: FakeEmbedder())
    monkeypatch.setattr(indexer.build.pipeline, "load_embedder", lambda name: FakeEmbedder())
    path = write_tenants(tmp_path, NORD, SUED)
    os.environ["WISSENSLOTSE_TENANTS_FILE"] = str(path)
    try:
        yield path
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_reindex_builds_the_named_town_only(tenants: Path) -> None:
    assert main(["reindex", "--town", "sued"]) == 0
    assert (tenants.parent / "sued" / "index" / "CURRENT").is_file()
    assert not (tenants.parent / "nord" / "index").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["luecken"], "choose one with --town ID (nord, sued)"),
    (["datenschutz", "--town", "west", "export", "--person", "x"], "unknown town 'west'"),
    (["kalibrieren", "--town"], "--town needs a value"),
])
def test_a_town_command_needs_a_known_town(tenants: Path, argv: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_town_without_a_tenants_file_is_refused(
        tenants: Path, capsys: pytest.CaptureFixture[str]) -> None:
    del os.environ["WISSENSLOTSE_TENANTS_FILE"]
    assert main(["luecken", "--town", "nord"]) == 2
    assert "--town needs a tenants file" in capsys.readouterr().err


def test_serve_hosts_every_town_below_its_path(
        tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, Any] = {}
    monkeypatch.setattr(web, "run_app", lambda app, **kw: calls.update(app=app, **kw))
    assert main(["serve", "--local", "--port", "4002"]) == 0
    routes = {r.resource.canonical for r in calls["app"].router.routes()}  # type: ignore[union-attr]
    for town in (NORD, SUED):
        assert {town.web_path, f"{town.web_path}api/chat", f"{town.web_path}bericht",
                f"{town.web_path}healthz"} <= routes
    assert {"/api/messages", "/healthz"} <= routes
    assert "/" not in routes and "/bericht" not in routes  # no town answers for all


def test_a_broken_tenants_file_stops_the_start(
        tenants: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tenants.write_text("towns:\n  - id: nord\n", encoding="utf-8")
    assert main(["serve", "--local"]) == 2
    assert "'kb_dir' is missing" in capsys.readouterr().err
