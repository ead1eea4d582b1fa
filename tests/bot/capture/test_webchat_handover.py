"""The handover interview in the web chat, in headless Chromium: Thomas Wolf (leaving) gives
the interview for the Bewohnerparkausweise in one tab, Anna Becker (head of the Bürgerbüro)
gets the draft in her tab and releases it, and Elif Kaya's question is answered from it.
Screenshots go to ``$WISSENSLOTSE_SCREENSHOTS`` when set (docs/handover.md uses them)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings
from tests.bot.test_webchat_browser import _browser_binaries

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

STEPS = ("1. Antrag und Fahrzeugschein prüfen: Hauptwohnsitz in der Parkzone, Halter oder "
         "Nachweis der Dienstwagennutzung.\n2. Gebühr von 30 EUR an der Kasse kassieren.\n"
         "3. Parkausweis im Parkausweis-Programm drucken und mit dem Kennzeichen ausgeben.")


@pytest.fixture
def chat_url(town: Settings) -> Iterator[str]:
    """The real bot (e5, index, directory, state) on a free port of 127.0.0.1."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(town))
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
    assert started.wait(120), "the web chat did not start"
    yield address[0]
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(60)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(30)


class Tab:
    """One browser tab = one web chat session, as one person."""

    def __init__(self, browser: Any, url: str, person: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select, WebDriverWait

        self.browser, self.by = browser, By
        browser.switch_to.new_window("tab")
        self.handle = browser.current_window_handle
        browser.get(url)
        self.wait = WebDriverWait(browser, 180)
        self.wait.until(lambda b: not b.find_element(By.ID, "who").get_attribute("hidden"))
        Select(browser.find_element(By.ID, "person")).select_by_visible_text(person)

    def focus(self) -> Tab:
        self.browser.switch_to.window(self.handle)
        return self

    def cards(self) -> list[Any]:
        return self.browser.find_elements(self.by.CSS_SELECTOR, ".msg.bot.card")

    def say(self, text: str) -> None:
        box = self.browser.find_element(self.by.ID, "question")
        box.send_keys(text)
        self.browser.find_element(self.by.ID, "send").click()

    def wait_text(self, text: str) -> None:
        self.wait.until(lambda b: text in b.find_element(self.by.ID, "log").text)

    def last_card(self, containing: str) -> Any:
        self.wait.until(lambda b: any(containing in c.text for c in self.cards()))
        return [c for c in self.cards() if containing in c.text][-1]

    def click(self, card: Any, title: str) -> None:
        card.find_element(self.by.XPATH, f".//button[contains(., '{title}')]").click()

    def answer(self, section: str, text: str | None, button: str = "Weiter") -> None:
        card = self.last_card(section)
        if text is not None:
            card.find_element(self.by.CSS_SELECTOR, "textarea").send_keys(text)
        self.click(card, button)

    def shot(self, folder: Path, name: str) -> None:
        self.browser.save_screenshot(str(folder / name))


def test_interview_release_and_answer_in_the_web_chat(chat_url: str, town: Settings,
                                                      tmp_path: Path) -> None:
    chromium, driver_path = _browser_binaries()  # type: ignore[misc]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    shots = Path(os.environ.get("WISSENSLOTSE_SCREENSHOTS") or tmp_path)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-gpu", f"--user-data-dir={tmp_path / 'chromium'}",
                 "--window-size=1000,1100"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        anna = Tab(browser, chat_url, "Anna Becker")
        anna.say("status")
        anna.wait_text("Anna Becker")
        thomas = Tab(browser, chat_url, "Thomas Wolf")
        thomas.say("übergabe")
        thomas.click(thomas.last_card("Übergabe-Interview"), "Bewohnerparkausweise")
        thomas.answer("Aufgabe und Zweck", "Parkausweise für Bewohner der Zonen A bis C.")
        thomas.answer("Rechtsgrundlagen", None, "Überspringen")
        card = thomas.last_card("Ablauf Schritt für Schritt")
        card.find_element(thomas.by.CSS_SELECTOR, "textarea").send_keys(STEPS)
        thomas.shot(shots, "handover-interview.png")
        thomas.click(card, "Weiter")
        thomas.answer("Fristen und Termine", "Kennwort: Parken#2024")
        thomas.wait_text("speichere ich nicht")
        thomas.shot(shots, "handover-secret.png")
        for section in ("Fristen und Termine", "Gebühren", "Fachverfahren", "Ansprechpartner",
                        "Typische Fehler", "Offene Vorgänge"):
            thomas.answer(section, None, "Überspringen")
        thomas.click(thomas.last_card("alle Abschnitte durchgegangen"), "Entwurf erstellen")
        thomas.wait_text("liegt Anna Becker zur Freigabe vor")

        anna.focus()
        review = anna.last_card("Freigabe erbeten")  # proactive, through the inbox
        assert "Gebühr von 30 EUR" in review.text and "Kennwort" not in review.text
        anna.shot(shots, "handover-review.png")
        anna.click(review, "Freigeben")
        anna.wait_text("jetzt im Index")

        elif_ = Tab(browser, chat_url, "Elif Kaya")
        elif_.say("Wie stelle ich einen Bewohnerparkausweis aus?")
        answer = elif_.last_card("Gebühr von 30 EUR")
        assert "Ablauf Schritt für Schritt" in answer.text
        elif_.shot(shots, "handover-answer.png")
    finally:
        browser.quit()
