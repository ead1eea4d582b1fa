"""A stand-in for the bot's reindex child, its behaviour read from a file at each start:
"crash", "hang", "flood" (100 KB lines, then a report), anything else: the real build.

  python tests/reliability/fake_reindex.py MODE_FILE python -m indexer build ...
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    mode_file, real = Path(argv[0]), argv[1:]
    mode = mode_file.read_text(encoding="utf-8").strip() if mode_file.exists() else "real"
    if mode == "crash":
        print("Traceback (most recent call last):\nMemoryError: simulated", file=sys.stderr)
        return 1
    if mode == "hang":  # its pid beside the mode file: the row checks that it was stopped
        Path(f"{mode_file}.pid").write_text(str(os.getpid()), encoding="ascii")
        while os.getppid() != 1:  # until the bot is gone: no orphan left behind
            time.sleep(0.5)
        return 0
    if mode == "flood":
        print("x" * 100_000, flush=True)
        print("y" * 100_000, file=sys.stderr, flush=True)
        report = {"version_id": "flood", "new": [f"datei-{n}.md" for n in range(8000)],
                  "changed": [], "removed": [], "skipped": []}
        print(json.dumps(report), flush=True)  # one line of ~100 KB
        return 0
    os.execv(real[0], real)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
