"""The stand-in's briefing in the web chat, in headless Chromium: Verena Huber (Thomas Wolf's
deputy for the Fundbüro) has her chat open; Elif Kaya (his deputy for the Bewohnerparkausweise)
wrote to the bot and closed her tab; Thomas enters his absence with a note in his tab the day
before it starts. The bot restarts in the night (same port, same state database); on the
morning the absence starts, its briefing pass puts the Vertretungsmappe into both stand-ins'
web chat inboxes: Verena's open page shows it (Thomas, the end date, his note, the Fundbüro's
handover document and the auction on 01.10.), and so does the new tab Elif opens (sessions are
per tab: the page that names her takes what waits in her closed tab's session). Another
restart the same morning sends nothing again: a later proactive message arrives in Verena's
page, and the Vertretungsmappe is still there once.
The screenshot goes to ``$WISSENSLOTSE_SCREENSHOTS`` when set (docs/routing.md uses it)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.app import create_app
from bot.settings import Settings
from bot.state.briefing import SENT
from bot.turns import Reply
from tests.bot.capture.briefing_fixtures import RETENTION_DAYS, Day
from tests.bot.capture.test_webchat_handover import Tab
from tests.browser import headless_chromium, served

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

DAY_BEFORE = date(2026, 9, 29)  # a Tuesday: Thomas enters his absence
START = date(2026, 9, 30)  # the absence starts (to 09.10.; the Fundbüro's auction is in October)
NOTE = "Fahrrad Fund-Nr. 2026-0117 holt der Eigentümer am Freitag ab, Quittung liegt im Fach 3"
TITLE = "Ihre Vertretungsmappe"
LATER = "Eine spätere Nachricht an Verena Huber"


class TownBot:
    """The real app (``create_app``) over the sample town's assistant, whose day is the
    test's; each ``running`` is one start of the bot on the same state database."""

    def __init__(self, settings: Settings, day: Day) -> None:
        from indexer.embedding import load_embedder

        self.settings, self.day = settings, day
        self.embedder = load_embedder(settings.model)  # loaded once for all starts

    @contextmanager
    def running(self, port: int = 0) -> Iterator[tuple[str, Any, list[dict[str, int]]]]:
        """(URL, assistant, results of its briefing passes: the start-up pass first)."""
        from bot.assistant.warmup import build_assistant

        assistant = build_assistant(self.settings, self.day.today, self.embedder)
        assistant.briefing.clock = self.day.now
        passes = record_passes(assistant.briefing)
        try:
            with served(create_app(self.settings, assistant), start_seconds=120,
                        port=port) as url:
                yield url, assistant, passes
        finally:
            assistant.state.close()


def record_passes(desk: Any) -> list[dict[str, int]]:
    """Keeps what each pass of ``desk`` (the app's periodic task) reports."""
    passes: list[dict[str, int]] = []
    sweep = desk.sweep

    async def recorded() -> dict[str, int]:
        counts: dict[str, int] = await sweep()
        passes.append(counts)
        return counts

    setattr(desk, "sweep", recorded)  # noqa: B010 - the app's task looks it up on the desk
    return passes


def briefings(tab: Tab) -> list[Any]:
    """The Vertretungsmappe cards the page shows (not the help text that names it)."""
    return [c for c in tab.cards() if TITLE in c.text and "Thomas Wolf" in c.text]


def test_briefing_reaches_the_stand_ins_web_chat_once_across_restarts(
        town: Settings, tmp_path: Path) -> None:
    shots = Path(os.environ.get("WISSENSLOTSE_SCREENSHOTS") or tmp_path)
    day = Day(DAY_BEFORE)
    # the start-up purge counts from the real date: it must not reach the test's fixed days
    bot = TownBot(town.model_copy(update={"retention_days": RETENTION_DAYS}), day)
    with headless_chromium(tmp_path / "chromium", "1000,1100") as browser:
        with bot.running() as (url, first, passes):
            port = urlsplit(url).port
            assert port is not None
            verena = Tab(browser, url, "Verena Huber")
            verena.say("status")  # she has a chat with the bot: it can reach her from now on
            verena.wait_text("Verena Huber")
            elif_ = Tab(browser, url, "Elif Kaya")
            elif_.say("status")
            elif_.wait_text("Elif Kaya")
            elif_.focus().browser.close()  # Elif closes her tab (and with it its session)
            verena.focus()
            thomas = Tab(browser, url, "Thomas Wolf")
            thomas.say(f"abwesend 30.09.-09.10. Notiz: {NOTE}")
            thomas.wait_text("Übergabenotiz")
            assert "vom 30.09.2026 bis 09.10.2026 abwesend" in thomas.browser.find_element(
                thomas.by.ID, "log").text
            verena.focus().wait.until(lambda _: passes)  # the start-up pass is done
            # the day before the absence: nothing is due
            assert asyncio.run(first.briefing.sweep()) == {"sent": 0, "pending": 0}
            assert first.state.briefings(SENT) == [] and briefings(verena) == []

        # the bot restarts in the night; on the morning the absence starts, its start-up
        # pass sends the briefing, and Verena's open page fetches it from the inbox
        day.day = START
        with bot.running(port) as (url, second, passes):
            verena.focus()
            card = verena.last_card(TITLE)
            text = card.text
            assert "Ab heute vertreten Sie Thomas Wolf bis einschließlich 09.10.2026" in text
            assert "Fundbüro" in text and "Übergabe Fundbüro" in text
            assert f"Notiz von Thomas Wolf: {NOTE}" in text
            assert "01.10.2026" in text and "Versteigerung" in text  # a deadline in the period
            verena.shot(shots, "routing-briefing.png")
            verena.wait.until(lambda _: passes)
            assert passes[0] == {"sent": 2, "pending": 0}  # Verena's and Elif's
            assert sorted(row.person_id for row in second.state.briefings(SENT)) == [
                "ekaya", "vhuber"]
            elif_ = Tab(browser, url, "Elif Kaya")  # her new tab, without a message yet
            hers = elif_.last_card(TITLE).text
            assert "Ab heute vertreten Sie Thomas Wolf bis einschließlich 09.10.2026" in hers
            assert "Bewohnerparkausweise" in hers and "Kein Übergabedokument" in hers
            assert NOTE in hers and "Fundbüro" not in hers
            assert len(briefings(elif_)) == 1

        # another restart the same morning: its start-up pass sends Verena nothing again
        with bot.running(port) as (url, third, passes):
            verena.focus().wait.until(lambda _: passes)
            assert passes[0] == {"sent": 0, "pending": 0}
            # a later proactive message reaches the page: every earlier one has been shown
            assert asyncio.run(third.notify_person("vhuber", [Reply(LATER)]))
            verena.wait_text(LATER)
            assert len(briefings(verena)) == 1
            verena.say("was vertrete ich?")  # on request: the same cover, in her chat
            asked = verena.last_card("Was Sie vertreten")
            assert "Thomas Wolf" in asked.text and NOTE in asked.text
            assert len(briefings(verena)) == 1
