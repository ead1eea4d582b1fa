"""The web chat in headless Chromium: ask a question, see an answer with its source."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings
from bot.turns import Notifier, Reply, Turn, UserRef
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


# document text and questions are shown as text in the web chat, never run as HTML.
#
# A handover document may contain anything (``<script>``, ``<img onerror>``, a Markdown link to
# ``javascript:``); so may a question, which comes back in the answer. Headless Chromium renders
# a reply that carries such text in every card element the web chat knows.


PAYLOADS = [
    "<img src=x onerror=\"window.__xss=1\">",
    "<script>window.__xss=2</script>",
    "[klick](javascript:window.__xss=3)",
    "[x](https://a.example/\"onmouseover=\"window.__xss=4)",
    "**<svg onload=window.__xss=5>**",
    "1. <iframe src=javascript:window.__xss=6>",
    "- *<b onclick=window.__xss=7>fett</b>*",
]


@dataclass
class HostileAssistant:
    """Answers every question with the payloads in every element of a card."""

    turns: list[Turn] = field(default_factory=list)

    async def handle(self, turn: Turn) -> list[Reply]:
        self.turns.append(turn)
        texts = [*PAYLOADS, turn.text]
        body: list[dict[str, Any]] = [{"type": "TextBlock", "text": t} for t in texts]
        body += [
            {"type": "FactSet", "facts": [{"title": t, "value": t} for t in texts]},
            {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": t} for t in texts]},
            {"type": "Container", "items": [{"type": "Unknown", "text": t} for t in texts]},
        ]
        actions = [{"type": "Action.OpenUrl", "title": t, "url": "javascript:window.__xss=8"}
                   for t in texts[:2]]
        actions.append({"type": "Action.Submit", "title": PAYLOADS[0], "data": {"x": 1}})
        card = {"type": "AdaptiveCard", "version": "1.5", "body": body, "actions": actions}
        return [Reply(text="\n".join(texts), card=card), Reply(text="\n".join(texts))]

    def welcome(self, user: UserRef) -> list[Reply]:
        return []

    def set_notifier(self, notifier: Notifier) -> None:
        pass

    def health(self) -> dict[str, Any]:
        return {}

    def people(self) -> list[tuple[str, str]]:
        return [("p1", PAYLOADS[0])]


@pytest.fixture
def hostile_chat_url(tmp_path: Path) -> Iterator[str]:
    settings = Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index", _env_file=None)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(settings, HostileAssistant()))  # type: ignore[arg-type]
    address: list[str] = []
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        address.append(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/")  # type: ignore[union-attr]
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(30)
    yield address[0]
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


ACTIVE_CONTENT = """
const log = document.getElementById('log');
const tags = [...log.querySelectorAll('img,script,svg,iframe,b,object,embed')].map(e => e.tagName);
const handlers = [...document.querySelectorAll('*')].flatMap(
    e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name));
const links = [...log.querySelectorAll('a')].map(a => a.getAttribute('href'))
    .filter(h => !/^https?:\\/\\//.test(h));
const options = [...document.querySelectorAll('#person option')].map(o => o.innerHTML);
return {xss: window.__xss || null, tags, handlers, links, options};
"""


def test_payloads_in_documents_and_questions_stay_text(
        hostile_chat_url: str, tmp_path: Path) -> None:
    chromium, driver_path = _browser_binaries()  # type: ignore[misc]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", f"--user-data-dir={tmp_path / 'c'}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        browser.get(hostile_chat_url)
        browser.find_element(By.ID, "question").send_keys("<img src=y onerror=window.__xss=9>")
        browser.find_element(By.ID, "send").click()
        WebDriverWait(browser, 30).until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, ".msg.bot:not(.pending)")) >= 2)
        for link in browser.find_elements(By.CSS_SELECTOR, "#log a"):
            browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover'))",
                                   link)
        found = browser.execute_script(ACTIVE_CONTENT)
        log_text = browser.find_element(By.ID, "log").text
    finally:
        browser.quit()
    people = found.pop("options")
    assert found == {"xss": None, "tags": [], "handlers": [], "links": []}
    assert any(option.startswith("&lt;img") for option in people)  # names are text, too
    assert "<img src=x onerror=\"window.__xss=1\">" in log_text  # shown, as text
    assert "<img src=y onerror=window.__xss=9>" in log_text
