"""One sample knowledge base, indexed once with the FakeEmbedder, for every reliability row."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import BotProcess, build_index, copy_sample_kb

FIGURES = os.environ.get("RELIABILITY_FIGURES")  # a JSONL file the rows append to (optional)


def private_dir(name: str) -> Iterator[Path]:
    """A temporary folder of our own: pytest's numbered base folders are pruned by any other
    pytest run on the machine, which would pull the index from under a running bot."""
    root = Path(tempfile.mkdtemp(prefix=f"wl-{name}-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def indexed_kb() -> Iterator[tuple[Path, Path]]:
    """The sample town hall and its index (built once per session, read-only for the rows)."""
    for root in private_dir("reliability"):
        kb = copy_sample_kb(root / "kb")
        build_index(kb, root / "index")
        yield kb, root / "index"


@pytest.fixture(scope="module")
def bot_dir() -> Iterator[Path]:
    yield from private_dir("bot")


@pytest.fixture(scope="module")
def running_bot(indexed_kb: tuple[Path, Path], bot_dir: Path) -> Iterator[BotProcess]:
    kb, index = indexed_kb
    with BotProcess(kb, index, bot_dir / "state.sqlite", bot_dir / "bot.log") as bot:
        yield bot


def record(row: str, figures: dict[str, object]) -> None:
    """Print a row's figures (seen with -rA or -s) and append them to RELIABILITY_FIGURES."""
    line = json.dumps({"row": row, **figures}, ensure_ascii=False, default=str)
    print(line)
    if FIGURES:
        with open(FIGURES, "a", encoding="utf-8") as out:
            out.write(line + "\n")
