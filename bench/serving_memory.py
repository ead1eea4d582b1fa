"""Memory of one serving bot process (RSS), for the sizing table in docs/operations.md.

Starts ``python -m bot serve`` on an index (built first into a temp folder unless --index is
given), asks the sample questions through the web chat (so the lazily opened FAISS and BM25
structures are in memory), and reads VmRSS and VmHWM of the process from /proc. The reindex
child is a separate process and is not counted.

  nice python bench/serving_memory.py --kb knowledge_base --model e5
  RELIABILITY_FAKE_DIMENSION=384 nice python bench/serving_memory.py \\
      --kb ../shared/data/hamburg_service --model fake      # index size without the model

``--model fake`` uses the FakeEmbedder (tests/reliability/fake_model.py) with
RELIABILITY_FAKE_DIMENSION dimensions: the index's own memory without a language model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.harness import (  # noqa: E402
    QUESTIONS,
    BotProcess,
    ask,
    build_index,
)


def status_kb(pid: int) -> dict[str, float]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


async def _ask_all(url: str, rounds: int) -> int:
    answered = 0
    async with aiohttp.ClientSession() as http:
        for number in range(rounds):
            for text in QUESTIONS:
                status, replies = await ask(http, url, f"mem-{number}", text, timeout=300)
                answered += status == 200 and bool(replies)
    return answered


def measure(kb: Path, index: Path, model: str, workdir: Path, rounds: int) -> dict[str, Any]:
    env = {"WISSENSLOTSE_MODEL": model}
    with BotProcess(kb, index, workdir / "state.sqlite", workdir / "bot.log", env=env) as bot:
        started = status_kb(bot.pid)
        answered = asyncio.run(_ask_all(bot.url, rounds))
        after = status_kb(bot.pid)
    version = (index / "CURRENT").read_text().strip()
    manifest = json.loads((index / "versions" / version / "manifest.json").read_text())
    return {"kb": str(kb), "model": model, "chunks": manifest["counts"]["chunks"],
            "files": manifest["counts"]["files"], "answered": answered,
            "rss_mb_ready": round(started["VmRSS"], 1),
            "rss_mb_after_questions": round(after["VmRSS"], 1),
            "peak_mb": round(after["VmHWM"], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--index", type=Path, help="an index of --kb (default: build one)")
    parser.add_argument("--model", default="e5")
    parser.add_argument("--rounds", type=int, default=2, help="times the questions are asked")
    parser.add_argument("--json", type=Path, help="also append the result here")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wl-memory-"))
    try:
        index = args.index or workdir / "index"
        if args.index is None:
            build_index(args.kb, index, model=args.model)
        result = measure(args.kb, index, args.model, workdir, args.rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    line = json.dumps(result)
    print(line)
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            out.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
