"""A small town for the briefing tests: the directory of ``tests.bot.assistant.conftest``
without its fixed absence, the sample town's Hundesteuer handover document (with its
Fristen table), and a restricted document of the same task for the Personalamt only."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.assistant.reindex import Reindexer
from bot.settings import Settings
from indexer.model import DocumentMeta
from tests.bot.assistant.conftest import KB, ScriptedSearcher, write_directory
from tests.bot.capture.conftest import FAKE_BUILD, RecordingNotifier

HANDOVER = "steueramt/hundesteuer_uebergabe.md"
RESTRICTED = "personalamt/zwinger_geheim.md"
MARKER = "ZWINGERGEHEIM"
DOCS_META = {
    HANDOVER: DocumentMeta(title="Übergabe Hundesteuer", tasks=("hundesteuer",)),
    RESTRICTED: DocumentMeta(title=f"{MARKER} Liste", tasks=("hundesteuer",),
                             groups=("personalamt",)),
}
START = date(2026, 8, 5)  # a Wednesday: Berta's absence starts
# The app's start-up purge counts from the real date, not the test's day: with the default 90
# days it deleted the chat absence of August 2026 (and its note) from 18.11.2026 on, racing
# the briefing pass of the same start-up. The tests' days are fixed: the purge must not reach
# them.
RETENTION_DAYS = 3650


def town_settings(tmp_path: Path) -> Settings:
    kb = tmp_path / "kb"
    (kb / "steueramt").mkdir(parents=True)
    (kb / "personalamt").mkdir(parents=True)
    shutil.copy(KB / HANDOVER, kb / HANDOVER)
    (kb / RESTRICTED).write_text(f"# {MARKER}\n\nFrist bis 10.08.2026: {MARKER} melden.\n",
                                 encoding="utf-8")
    folder = write_directory(tmp_path / "verzeichnis")
    (folder / "abwesenheiten.csv").write_text("person;von;bis;vertretung;grund\n",
                                              encoding="utf-8")
    # retention: the app's start-up purge once counted from the machine's clock, not the
    # test's day, and deleted the chat absence of August 2026 (it follows the app's day now,
    # bot.background); a long retention keeps the fixed dates away from any cutoff anyway
    return Settings(_env_file=None, kb_dir=kb, index_dir=tmp_path / "index",
                    release_dir=tmp_path / "freigegeben", state_db=tmp_path / "var" / "s.sqlite",
                    directory_dir=folder, rate_limit_per_minute=1000,
                    retention_days=RETENTION_DAYS)


class Day:
    """The assistant's today and the briefing desk's clock, both movable by the test."""

    def __init__(self, day: date, hour: int = 8) -> None:
        self.day, self.hour = day, hour

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, self.hour)


def town_assistant(settings: Settings, day: Day) -> tuple[Any, RecordingNotifier]:
    from bot.assistant.assistant import Assistant
    from bot.directory.directory import Directory
    from bot.state.sqlite import State

    directory = Directory.load(settings.directory_path, DOCS_META)
    assistant = Assistant(settings, ScriptedSearcher([]), directory, State(settings.state_db),
                          today=day.today, docs_meta=DOCS_META,
                          reindexer=Reindexer(FAKE_BUILD, lambda: None))
    assistant.briefing.clock = day.now
    assistant.reload_absences()
    notifier = RecordingNotifier()
    assistant.set_notifier(notifier)
    return assistant, notifier
