"""Entry points for child processes that use the FakeEmbedder under the model name "fake".

  python -m tests.reliability.fake_model bot serve --kb KB --index INDEX --port 0
  python -m tests.reliability.fake_model indexer build --kb KB --index INDEX --model fake

Test hook ``RELIABILITY_EMBED_GATE=<file>`` (index builds only): the build touches
``<file>.reached`` when it first embeds passages, then waits (holding the index's build lock)
until ``<file>`` exists. It makes "a reindex is running" a state a test can hold, instead
of a build that is slow enough on this machine today (tests/replicas).

The reliability rows need a real bot process (real HTTP, real FAISS and SQLite) whose answer
time is not dominated by a language model: every other name still loads the real model.
The bot's own reindex child is started through this module too, so it embeds alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

FAKE = "fake"


def _patch() -> None:
    import indexer.build.pipeline
    import indexer.embedding
    from indexer.embedding.fake import FakeEmbedder

    real = indexer.embedding.load_embedder

    delay = float(os.environ.get("RELIABILITY_EMBED_DELAY", "0"))  # seconds per batch
    # bench/serving_memory.py: e5's 384 dimensions, so a fake index is as big as a real one
    dimension = int(os.environ.get("RELIABILITY_FAKE_DIMENSION", "64"))

    def load(name: str = "e5") -> Any:
        return FakeEmbedder(dimension, delay=delay) if name == FAKE else real(name)

    indexer.embedding.load_embedder = load  # type: ignore[assignment]
    indexer.build.pipeline.load_embedder = load  # type: ignore[attr-defined]


def _patch_gate() -> None:
    """The RELIABILITY_EMBED_GATE test hook (see the module docstring)."""
    import time

    from indexer.embedding.fake import FakeEmbedder

    gate = os.environ.get("RELIABILITY_EMBED_GATE")
    if not gate:
        return
    embed = FakeEmbedder.embed_passages

    def held(self: FakeEmbedder, texts: Any, *args: Any, **kwargs: Any) -> Any:
        Path(gate + ".reached").touch()
        while not Path(gate).exists():
            time.sleep(0.05)
        return embed(self, texts, *args, **kwargs)

    FakeEmbedder.embed_passages = held  # type: ignore[method-assign]


def _patch_reindex() -> None:
    import bot.assistant.assistant
    from bot.assistant import reindex

    mode_file = os.environ.get("RELIABILITY_REINDEX_MODE_FILE")  # see fake_reindex.py

    def command(settings: Any) -> list[str]:
        argv = reindex.build_command(settings)
        at = argv.index("-m")
        argv = [*argv[:at], "-m", "tests.reliability.fake_model", "indexer", *argv[at + 2:]]
        if mode_file:
            script = str(Path(__file__).with_name("fake_reindex.py"))
            argv = [argv[0], script, mode_file, *argv]
        return argv

    bot.assistant.assistant.build_command = command  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    _patch()
    if argv[:1] == ["bot"]:
        _patch_reindex()
        from bot.__main__ import main as bot_main

        return bot_main(argv[1:])
    if argv[:1] == ["indexer"]:
        _patch_gate()
        from indexer.__main__ import _configure_logging
        from indexer.cli import main as indexer_main

        _configure_logging()
        return indexer_main(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
