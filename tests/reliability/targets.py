"""What the bad-input row feeds: each function takes one generated case and raises only on a
defect. Refusals the code is meant to give (``DateError``, ``LoaderError``) are fine.

Imports are at the top: the budget worker loads this module before the clock starts."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from botbuilder.schema import Activity

from bot.channel.bot_framework import strip_mentions
from bot.directory import DateError, Directory, find_range, parse_absence_request, read_ics
from indexer.errors import LoaderError
from indexer.loaders import load_file

TODAY = date(2026, 2, 28)  # the day before a 29.02. that does not exist this year
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "directory"


def dates(text: str) -> None:
    try:
        find_range(text, TODAY)
    except DateError:
        pass


def absence_sentence(text: str) -> None:
    try:
        parse_absence_request(text, TODAY)
    except DateError:
        pass


def mentions(case: dict[str, Any]) -> None:
    strip_mentions(Activity().deserialize(case))


def csv_file(case: tuple[str, bytes]) -> None:
    """A spoilt directory file among good ones: loaded with problems, never an exception."""
    name, content = case
    with tempfile.TemporaryDirectory() as folder:
        for good in FIXTURES.glob("*.csv"):
            shutil.copy(good, Path(folder, good.name))
        Path(folder, name).write_bytes(content)
        Directory.load(Path(folder))


def ics_file(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "abwesenheiten.ics")
        path.write_bytes(content)
        read_ics(path, {"b.schneider@musterstadt.de": "bschneider"}, [])


def front_matter(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "dokument.md")
        path.write_bytes(content)
        try:
            load_file(path, Path(folder))
        except LoaderError:
            pass
