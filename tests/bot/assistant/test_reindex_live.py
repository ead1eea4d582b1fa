"""Reindex from chat with the real CLI (`python -m indexer build`, e5) on a tiny knowledge base
of our own: the bot reports the summary and answers from the new version without a restart."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.turns import Reply, Turn, UserRef

from .conftest import RecordingNotifier, write_directory

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ADMIN = UserRef("aad-admin", email="admin@musterstadt.de")
DOG = """---
titel: Übergabe Hundesteuer
aufgaben: [hundesteuer]
---
# Übergabe Hundesteuer

## Abmeldung eines Hundes

1. Abmeldung schriftlich entgegennehmen, Formular HS-2.
2. Steuerpflicht endet mit Ablauf des Monats; Erstattung anteilig berechnen.
3. Hundemarke zurückfordern.
"""
PARKING = """---
titel: Bewohnerparkausweis
---
# Bewohnerparkausweis ausstellen

## Ablauf

1. Antrag mit Fahrzeugschein und Meldebescheinigung prüfen.
2. Gebühr von 30 Euro kassieren.
3. Parkausweis für die Parkzone drucken und aushändigen.
"""


def test_reindex_from_chat_switches_to_the_new_version(tmp_path: Path) -> None:
    from bot.assistant.assistant import Assistant
    from bot.directory.directory import Directory
    from bot.state.sqlite import State
    from indexer.build.pipeline import build_index
    from indexer.embedding import load_embedder
    from indexer.search.searcher import Searcher

    kb = tmp_path / "kb"
    (kb / "steueramt").mkdir(parents=True)
    (kb / "steueramt" / "hund.md").write_text(DOG, encoding="utf-8")
    settings = Settings(_env_file=None, kb_dir=kb, index_dir=tmp_path / "index",
                        state_db=tmp_path / "state.sqlite", admins=["admin@musterstadt.de"],
                        directory_dir=write_directory(tmp_path / "verzeichnis"))  # fmt: skip
    embedder = load_embedder("e5")
    build_index(settings, embedder)
    searcher = Searcher(settings.index_dir, embedder)
    first_version = searcher.version_id
    assistant = Assistant(settings, searcher, Directory.load(settings.directory_path),
                          State(settings.state_db), today=lambda: date(2026, 8, 5))  # fmt: skip
    notifier = RecordingNotifier()
    assistant.set_notifier(notifier)
    (kb / "ordnungsamt").mkdir()
    (kb / "ordnungsamt" / "parken.md").write_text(PARKING, encoding="utf-8")

    async def scenario() -> tuple[list[Reply], list[Reply]]:
        started = await assistant.handle(Turn("neu indexieren", ADMIN, "admin-chat"))
        during = await assistant.handle(Turn("Wie melde ich einen Hund ab?", ADMIN, "c"))
        while assistant.reindexer.running:
            await asyncio.sleep(0.2)
        return started, during

    started, during = asyncio.run(scenario())
    assert "Hintergrund" in started[0].text
    assert during[0].data["kind"] == "answer"  # answered from the current version meanwhile
    summary = notifier.sent[-1][1][0].text
    assert notifier.sent[-1][0] == "admin-chat"
    assert "1 neu, 0 geändert, 0 entfernt, 0 übersprungen" in summary, summary
    assert searcher.version_id != first_version
    reply = asyncio.run(assistant.handle(Turn("Wie stelle ich einen Bewohnerparkausweis aus?",
                                              ADMIN, "c")))  # fmt: skip
    answer: dict[str, Any] = reply[0].data["answer"]
    assert answer["sources"][0]["path"] == "ordnungsamt/parken.md"
    assert answer["steps"][1] == "Gebühr von 30 Euro kassieren."
