"""A routed question in the web chat, in headless Chromium: Miriam Fischer forwards a Fundbüro
question the documents do not answer, today's holder answers it in his tab, the answer
arrives in hers, goes "In die Wissensbasis", Anna Becker (head of the Bürgerbüro) releases
it, and Miriam's same question is then answered from the FAQ document.
Screenshots go to ``$WISSENSLOTSE_SCREENSHOTS`` when set (docs/routing.md uses them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import create_app
from bot.directory import today_in_berlin
from bot.directory.directory import Directory
from bot.settings import Settings
from tests.bot.capture.test_routing_e2e import ANSWER, QUESTION
from tests.bot.capture.test_webchat_handover import Tab
from tests.browser import headless_chromium, served

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def chat_url(town: Settings) -> Iterator[str]:
    """The real bot (e5, index, directory, state) on a free port of 127.0.0.1."""
    with served(create_app(town), start_seconds=120) as url:
        yield url


def holder_today(settings: Settings) -> str:
    """Who the Fundbüro question goes to today (the chain walked past today's absences)."""
    directory = Directory.load(settings.directory_path)
    contact = directory.who_handles("fundsachen", today_in_berlin()).contact
    assert contact is not None and contact.id != "abecker"
    return contact.name


def test_routed_question_answered_released_and_answered_in_the_web_chat(
        chat_url: str, town: Settings, tmp_path: Path) -> None:
    shots = Path(os.environ.get("WISSENSLOTSE_SCREENSHOTS") or tmp_path)
    holder_name = holder_today(town)
    with headless_chromium(tmp_path / "chromium", "1000,1100") as browser:
        anna = Tab(browser, chat_url, "Anna Becker")
        anna.say("status")
        anna.wait_text("Anna Becker")
        holder = Tab(browser, chat_url, holder_name)
        holder.say("status")  # the holder has a chat with the bot (their tab)
        holder.wait_text(holder_name)

        miriam = Tab(browser, chat_url, "Miriam Fischer")
        miriam.say(QUESTION)
        miriam.click(miriam.last_card("Fundbüro"), "Frage weiterleiten")
        miriam.wait_text(f"Ihre Frage ist an {holder_name} weitergeleitet")
        miriam.shot(shots, "routing-forward.png")

        holder.focus()
        incoming = holder.last_card("Eine Frage an Sie")  # proactive, through the inbox
        assert QUESTION in incoming.text and "Miriam Fischer" in incoming.text
        incoming.find_element(holder.by.CSS_SELECTOR, "textarea").send_keys(ANSWER)
        holder.shot(shots, "routing-question.png")
        holder.click(incoming, "Antwort senden")
        offer = holder.last_card("Ihre Antwort ist bei Miriam Fischer")

        miriam.focus()
        back = miriam.last_card("Antwort auf Ihre Frage")
        assert ANSWER in back.text and holder_name in back.text
        miriam.shot(shots, "routing-answer.png")

        holder.focus()
        holder.click(offer, "In die Wissensbasis übernehmen")
        holder.wait_text("als Entwurf bei Anna Becker")

        anna.focus()
        review = anna.last_card("Freigabe erbeten")
        assert QUESTION in review.text and "sechsmonatigen" in review.text
        anna.shot(shots, "routing-review.png")
        anna.click(review, "Freigeben")
        anna.wait_text("jetzt im Index")

        miriam.focus()
        miriam.say(QUESTION)
        answer = miriam.last_card("faq_fundsachen")
        assert "sechsmonatigen Aufbewahrungsfrist" in answer.text
        miriam.shot(shots, "routing-faq-answer.png")
