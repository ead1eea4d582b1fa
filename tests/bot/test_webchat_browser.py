"""The web chat in headless Chromium: ask a question, see an answer with its source."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant

pytestmark = pytest.mark.browser

QUESTION = "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?"


def _browser_binaries() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = "headless Chromium needs: apt-get install -y chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
    return None


@pytest.fixture
def web_chat_url(tmp_path: Path) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, served from its own thread and event loop."""
    settings = Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index", _env_file=None)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(settings, FakeAssistant()))
    started = threading.Event()
    address: list[str] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        address.append(f"http://127.0.0.1:{port}/")
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(30), "the web chat did not start"
    yield address[0]
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


def test_question_gets_an_answer_with_a_source(web_chat_url: str, tmp_path: Path) -> None:
    chromium, driver_path = _browser_binaries()  # type: ignore[misc]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-gpu", f"--user-data-dir={tmp_path / 'chromium'}",
                 "--window-size=1100,900"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        browser.get(web_chat_url)
        box = browser.find_element(By.ID, "question")
        box.send_keys(QUESTION)
        browser.find_element(By.ID, "send").click()
        wait = WebDriverWait(browser, 30)
        card = wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".msg.bot.card")))
        assert QUESTION in card.text
        assert "steueramt/hundesteuer.md" in card.text and "S. 2" in card.text
        # the feedback buttons post back as card submits
        card.find_element(By.XPATH, ".//button[text()='👍']").click()
        wait.until(lambda b: "Danke für Ihre Rückmeldung (up)." in b.find_element(
            By.ID, "log").text)
    finally:
        browser.quit()
