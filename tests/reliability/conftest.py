"""One sample knowledge base, indexed once with the FakeEmbedder, for every reliability row."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import BotProcess, build_index, copy_sample_kb

FIGURES = os.environ.get("RELIABILITY_FIGURES")  # a JSONL file the rows append to (optional)


@pytest.fixture(scope="session")
def indexed_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample town hall and its index (built once per session, read-only for the rows)."""
    root = tmp_path_factory.mktemp("reliability")
    kb = copy_sample_kb(root / "kb")
    build_index(kb, root / "index")
    return kb, root / "index"


@pytest.fixture(scope="module")
def running_bot(indexed_kb: tuple[Path, Path],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    kb, index = indexed_kb
    root = tmp_path_factory.mktemp("bot")
    with BotProcess(kb, index, root / "state.sqlite", root / "bot.log") as bot:
        yield bot


def record(row: str, figures: dict[str, object]) -> None:
    """Print a row's figures (seen with -rA or -s) and append them to RELIABILITY_FIGURES."""
    line = json.dumps({"row": row, **figures}, ensure_ascii=False, default=str)
    print(line)
    if FIGURES:
        with open(FIGURES, "a", encoding="utf-8") as out:
            out.write(line + "\n")
