"""Calls with a time budget: each runs in a worker process, so a hang is seen, counted and
ended (a thread cannot be stopped, and a spinning one would eat a core of the test run).

The worker is started with "spawn" (no copy of the caller's threads and locks) and reused
across calls; after a hang it is killed and a fresh one takes the next call.
"""

from __future__ import annotations

import importlib
import multiprocessing
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

_CONTEXT = multiprocessing.get_context("spawn")


def _serve(connection: Connection, modules: list[str]) -> None:
    for module in modules:  # imports are not part of any call's budget
        importlib.import_module(module)
    connection.send(("ready", ""))
    while True:
        try:
            target, case = connection.recv()
        except EOFError:
            return
        module, _, name = target.rpartition(".")
        try:
            getattr(importlib.import_module(module), name)(case)
            connection.send(("ok", ""))
        except Exception as error:  # reported to the caller, who decides what is expected
            connection.send(("error", f"{type(error).__name__}: {str(error)[:200]}\n"
                             + "".join(traceback.format_tb(error.__traceback__)[-2:])))


@dataclass
class Outcome:
    tried: int = 0
    hangs: list[Any] = field(default_factory=list)
    errors: list[tuple[Any, str]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {"cases": self.tried, "hangs": len(self.hangs), "errors": len(self.errors),
                "first_hang": repr(self.hangs[0])[:80] if self.hangs else "",
                "first_error": self.errors[0][1].splitlines()[0][:120] if self.errors else ""}


class Budget:
    """``call(target, case)`` runs ``target`` ("module.function") on ``case`` in the worker;
    a call that takes longer than ``seconds`` is a hang."""

    def __init__(self, seconds: float = 2.0, preload: tuple[str, ...] = (),
                 max_hangs: int = 3) -> None:
        self.seconds = seconds
        self.preload = list(preload)
        self.max_hangs = max_hangs  # then the reader is known to hang: stop feeding it
        self.outcome = Outcome()
        self._process: Any = None
        self._connection: Connection | None = None

    def _worker(self) -> Connection:
        if self._connection is None:
            ours, theirs = _CONTEXT.Pipe()
            self._process = _CONTEXT.Process(target=_serve, args=(theirs, self.preload),
                                             daemon=True)
            self._process.start()
            theirs.close()
            if not ours.poll(120) or ours.recv()[0] != "ready":
                raise RuntimeError("the budget worker did not start")
            self._connection = ours
        return self._connection

    def call(self, target: str, case: Any, seconds: float | None = None) -> str:
        """"ok", "error", "hang" or "skipped" (after ``max_hangs``); errors and hangs are kept
        in ``outcome``."""
        if len(self.outcome.hangs) >= self.max_hangs:
            return "skipped"
        module = target.rpartition(".")[0]
        if module not in self.preload:
            self.close()
            self.preload.append(module)
        connection = self._worker()
        self.outcome.tried += 1
        connection.send((target, case))
        if not connection.poll(seconds or self.seconds):
            self.outcome.hangs.append(case)
            self.close()
            return "hang"
        status, detail = connection.recv()
        if status == "error":
            self.outcome.errors.append((case, detail))
        return str(status)

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection = None, None

    def __enter__(self) -> Budget:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
