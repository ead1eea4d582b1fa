"""The knowledge-risk report of the sample town in headless Chromium: served at /bericht,
it shows both charts (inline SVG, drawn with a size) and the table of the 15 riskiest tasks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import create_app
from bot.assistant.assistant import Assistant
from bot.directory import Directory
from bot.gaps import read_docs_meta
from bot.settings import Settings
from bot.state import State
from tests.bot.assistant.conftest import ScriptedSearcher
from tests.bot.test_webchat_browser import _browser_binaries

pytestmark = pytest.mark.browser

KB = Path(__file__).resolve().parents[2] / "knowledge_base"


@pytest.fixture
def report_url(tmp_path: Path) -> Iterator[str]:
    """The app with the sample town's directory and documents on a free port of 127.0.0.1."""
    settings = Settings(kb_dir=KB, index_dir=tmp_path / "index", _env_file=None,
                        state_db=tmp_path / "state.sqlite")
    docs = read_docs_meta(KB) or {}
    directory = Directory.load(KB / "_verzeichnis", docs)
    state = State(settings.state_db)
    state.record_unanswered("Wie läuft die Stundung?", "u", task_id="stundung_erlass")
    assistant = Assistant(settings, ScriptedSearcher([]), directory, state,
                          today=lambda: date(2026, 12, 2), docs_meta=docs)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(settings, assistant))
    started = threading.Event()
    address: list[str] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        address.append(f"http://127.0.0.1:{port}/bericht?person=fbeck")  # an admin
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(30), "the app did not start"
    yield address[0]
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


def test_report_shows_charts_and_the_top_15(report_url: str, tmp_path: Path) -> None:
    chromium, driver_path = _browser_binaries()  # type: ignore[misc]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-gpu", f"--user-data-dir={tmp_path / 'chromium'}",
                 "--window-size=1200,900"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    browser.set_page_load_timeout(120)
    try:
        browser.get(report_url)
        assert browser.title.startswith("Wissensrisiko")
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert [c.get_attribute("data-chart") for c in charts] == ["zeit", "abt"]
        assert all(c.size["width"] > 300 and c.size["height"] > 100 for c in charts)
        bars = charts[0].find_elements(By.CSS_SELECTOR, "path")
        assert len(bars) > 50  # bars, axes and glyphs were drawn, not an empty frame
        rows = browser.find_elements(By.CSS_SELECTOR, "table#top15 tr")
        assert len(rows) == 16  # the header and 15 tasks
        first = rows[1].find_elements(By.TAG_NAME, "td")
        assert first[0].text == "1" and int(first[5].text) >= int(
            rows[15].find_elements(By.TAG_NAME, "td")[5].text)
        assert "Übergabegespräch" in browser.find_element(By.ID, "top15").text
        # the page loaded nothing from anywhere else
        entries = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert entries == []
    finally:
        browser.quit()
