"""A real bot process on 127.0.0.1 and the instruments the reliability rows read.

Shared by ``tests/reliability`` (short runs, in ``make test``) and ``bench/reliability.py``
(long runs): the same code measures, only the sizes differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_KB = ROOT / "knowledge_base"
LAUNCHER = "tests.reliability.fake_model"
# "fake" (FakeEmbedder) by default; bench/reliability.py --model e5 for answers with meaning
MODEL = os.environ.get("RELIABILITY_MODEL", "fake")

QUESTIONS = [
    "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?",
    "Wie melde ich einen Hund an?",
    "Wer ist für die Grundsteuer zuständig?",
    "Wie läuft eine Mahnung ab?",
    "Was mache ich mit einem gefundenen Fahrrad im Fundbüro?",
    "Welche Unterlagen braucht man für einen Reisepass?",
    "Wie wird eine Abmeldung ins Ausland bearbeitet?",
    "Wer macht den Kassenabschluss?",
    "Wie funktioniert die Vollstreckung?",
    "Wo ist die Kantine?",
]


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child: this checkout first, none of the caller's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WISSENSLOTSE_", "Microsoft"))}
    env.update({"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE",
                "TOKENIZERS_PARALLELISM": "false"}, **extra)
    return env


def build_index(kb: Path, index: Path, model: str = MODEL, timeout: float = 1800) -> None:
    """``python -m indexer build`` in a child (exit 3, "some files skipped", counts as built)."""
    result = subprocess.run(
        [sys.executable, "-m", LAUNCHER, "indexer", "build", "--kb", str(kb), "--index",
         str(index), "--model", model], cwd=ROOT, env=child_env(), capture_output=True,
        text=True, timeout=timeout)
    if result.returncode not in (0, 3):
        raise RuntimeError(f"index build failed ({result.returncode}): {result.stderr[-2000:]}")


def copy_sample_kb(target: Path) -> Path:
    shutil.copytree(SAMPLE_KB, target, ignore=shutil.ignore_patterns("fragen.jsonl"))
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ignore_file_size_signal() -> None:
    # in the child, before exec: a write past RLIMIT_FSIZE (see ``BotProcess.fill_disk``)
    # fails with EFBIG, as on a full disk, instead of killing the process
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@dataclass
class BotProcess:
    """``python -m bot serve`` (FakeEmbedder) on a free port of 127.0.0.1, logging to a file."""

    kb: Path
    index: Path
    state: Path
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 120) -> BotProcess:
        self.port = free_port()
        # the rows measure answers: the per-sender limit is lifted unless a row sets it
        env = child_env(**{"WISSENSLOTSE_STATE_DB": str(self.state), "WISSENSLOTSE_MODEL": MODEL,
                           "WISSENSLOTSE_RATE_LIMIT_PER_MINUTE": "1000000", **self.env})
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", LAUNCHER, "bot", "serve", "--local", "--kb", str(self.kb),
                 "--index", str(self.index), "--port", str(self.port)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_ignore_file_size_signal)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"bot exited {self.process.returncode}: {self.log_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if http_get_json(f"{self.url}/healthz", 1.0)[0] == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"bot not ready in {timeout} s: {self.log_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def fill_disk(self) -> None:
        """From now on no file of the bot may grow (RLIMIT_FSIZE of one byte): SQLite gets
        EFBIG when its WAL or database would grow, as on a full disk; writes inside a file's
        present size still work, as on a real full disk."""
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (1, 1))

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def http_get_json(url: str, timeout: float) -> tuple[int, Any]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


# --- the process as the kernel sees it ------------------------------------------------------

def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled_open_files(pid: int, target: int, seconds: float = 10.0) -> int:
    """Open files once the last chats' sockets are closed on the server's side too: the count
    read right after a load can still hold connections the bot has not seen end yet. Polls
    until the count is at most ``target`` or ``seconds`` pass; returns the lowest count seen
    (a real leak stays up)."""
    lowest = open_files(pid)
    deadline = time.monotonic() + seconds
    while lowest > target and time.monotonic() < deadline:
        time.sleep(0.25)
        lowest = min(lowest, open_files(pid))
    return lowest


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cores() -> int:
    return len(os.sched_getaffinity(0))


def db_bytes(path: Path) -> int:
    """Bytes the database's content takes (pages in use, WAL included, as a reader sees it)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
        pages, free, size = (connection.execute(f"PRAGMA {name}").fetchone()[0]
                             for name in ("page_count", "freelist_count", "page_size"))
    return int((pages - free) * size)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- clients ----------------------------------------------------------------------------------

async def ask(http: aiohttp.ClientSession, url: str, session: str, text: str,
              timeout: float = 60, person: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """One question through the web chat: (status, replies)."""
    body: dict[str, Any] = {"session": session, "text": text}
    if person:
        body["person"] = person
    async with http.post(f"{url}/api/chat", json=body,
                         timeout=aiohttp.ClientTimeout(total=timeout)) as response:
        data = await response.json(content_type=None) if response.status < 500 else None
        return response.status, list((data or {}).get("replies", []))


@dataclass
class LagProbe:
    """GET /healthz every ``interval`` seconds; the worst answer time is the loop's lag (plus
    one local HTTP round trip, ~1 ms)."""

    url: str
    interval: float = 0.1
    timeout: float = 5.0
    samples: list[float] = field(default_factory=list)
    failures: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        async with aiohttp.ClientSession() as http:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    async with http.get(f"{self.url}/healthz",
                                        timeout=aiohttp.ClientTimeout(total=self.timeout)) as r:
                        await r.read()
                        if r.status != 200:
                            self.failures += 1
                except (aiohttp.ClientError, TimeoutError):
                    self.failures += 1
                elapsed = time.monotonic() - started
                self.samples.append(elapsed)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), max(0.0, self.interval - elapsed))

    @property
    def worst_ms(self) -> float:
        return max(self.samples, default=float("nan")) * 1000


class _ProbeThread:
    """A LagProbe on its own thread and event loop."""

    def __init__(self, url: str, interval: float) -> None:
        import threading

        self.probe = LagProbe(url, interval)
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._loop.run_until_complete(self.probe.run(self._stop))

    def stop(self) -> None:
        """Ask the probe to stop after its request in flight (does not wait)."""
        self._loop.call_soon_threadsafe(self._stop.set)

    def join(self) -> None:
        self._thread.join(10)
        self._loop.close()


@contextlib.contextmanager
def probing(url: str, interval: float = 0.1) -> Iterator[LagProbe]:
    """A LagProbe on its own thread and loop, for a bot in another process (the caller may
    block its own loop). A bot served on the caller's own loop needs ``probing_here``."""
    thread = _ProbeThread(url, interval)
    try:
        yield thread.probe
    finally:
        thread.stop()
        thread.join()


@contextlib.asynccontextmanager
async def probing_here(url: str, interval: float = 0.1) -> AsyncIterator[LagProbe]:
    """``probing`` for a bot served on the running loop: the end waits for the probe thread
    off the loop. Joining it on the loop would deadlock with a probe request in flight (the
    loop that must answer it waits for the thread) until the probe's 5 s timeout, which is
    what the hung-endpoint rows used to measure as a 5 s /healthz "stall"."""
    thread = _ProbeThread(url, interval)
    try:
        yield thread.probe
    finally:
        thread.stop()
        await asyncio.to_thread(thread.join)
