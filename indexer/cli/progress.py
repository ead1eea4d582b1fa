"""How the CLI shows build progress: a tqdm bar on a terminal, JSON lines for the bot."""

from __future__ import annotations

import json
import sys
from typing import Any


class JsonProgress:
    """One JSON object per line on stdout, at most one per phase step change."""

    def __call__(self, phase: str, done: int, total: int) -> None:
        print(json.dumps({"phase": phase, "done": done, "total": total}), flush=True)

    def close(self) -> None:
        pass


class TerminalProgress:
    """A tqdm bar per phase on stderr; only when stderr is a terminal."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._phase = ""

    @classmethod
    def if_terminal(cls) -> TerminalProgress | None:
        return cls() if sys.stderr.isatty() else None

    def __call__(self, phase: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if phase != self._phase:
            self.close()
            self._phase = phase
            self._bar = tqdm(total=total, desc=phase, unit="chunk" if phase == "embed"
                             else "file", leave=False, file=sys.stderr)
        if self._bar is not None:
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
