"""Reindex from chat: `python -m indexer build` as a low-priority subprocess, one at a time.

The bot keeps answering from the current index version while the child embeds; the child gets
a lower CPU priority and one OpenMP thread so a live query embedding is not starved. Progress
is reported a few times (not per chunk), then the summary; the caller's ``on_success`` makes
the searcher switch to the new version. A build that runs past its time limit is stopped with
its whole process group (a hung build would otherwise keep "running" and refuse every later
reindex until the bot restarts).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from bot.assistant.errors import ReindexBusy, ReindexElsewhere
from bot.assistant.reindex_guard import BuildGuard
from bot.texts import assistant as texts
from bot.turns import Notifier, Reply

log = logging.getLogger(__name__)

NICENESS = 10
PROGRESS_MARKS = (25, 50, 75)
# The report is one JSON line and lists every skipped file: far beyond asyncio's default line
# limit of 64 KiB on a large knowledge base (a published build then looked failed).
LINE_LIMIT = 16 * 1024 * 1024
SUCCESS_CODES = (0, 3)  # `python -m indexer build`: 3 = published, some files skipped
BUSY_CODE = 4  # `python -m indexer build`: another build holds the index's lock
GUARD_RETRY_SECONDS = 5.0  # a build asked for by a release waits for a build elsewhere
GUARD_PATIENCE_SECONDS = 3600.0
Notify = Callable[[list[Reply]], Awaitable[None]]  # sends to the asking admin's chat
Finished = Callable[[bool, float], None]  # (succeeded, seconds): metrics listen to builds


def build_command(settings: Any) -> list[str]:
    release = getattr(settings, "release_dir", None)
    return [
        sys.executable, "-m", "indexer", "build",
        "--kb", str(settings.kb_dir),
        "--index", str(settings.index_dir),
        "--model", str(settings.model),
        *(["--release-dir", str(release)] if release else []),
        "--progress-json",
    ]  # fmt: skip


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[name] = "1"
    env["OMP_WAIT_POLICY"] = "PASSIVE"  # idle OpenMP threads must not spin against live queries
    env["TOKENIZERS_PARALLELISM"] = "false"
    return env


def _lower_priority() -> None:
    os.nice(NICENESS)


def _count(value: Any) -> int:
    if isinstance(value, list | tuple):
        return len(value)
    return int(value) if isinstance(value, int | float) else 0


def _skipped_files(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(item.get("file", item)) if isinstance(item, dict) else str(item) for item in value]


def summary_replies(report: dict[str, Any], directory: str | None = None) -> list[Reply]:
    """The German summary of a build report (new / changed / removed / skipped files), with
    ``directory``: what the bot made of the directory it read again (``on_success``)."""
    text = texts.REINDEX_DONE.format(
        version=report.get("version_id", "?"),
        new=_count(report.get("new")),
        changed=_count(report.get("changed")),
        removed=_count(report.get("removed")),
        skipped=_count(report.get("skipped")),
    )
    skipped = _skipped_files(report.get("skipped"))
    if skipped:
        text += "\n" + texts.REINDEX_SKIPPED_FILES.format(files=", ".join(skipped[:10]))
    if directory:
        text += "\n" + directory
    return [Reply(text=text, data={"reindex": "done", "report": report})]


class ProgressReporter:
    """Turns a stream of progress lines into a few messages (25 %, 50 %, 75 %)."""

    def __init__(self, marks: Sequence[int] = PROGRESS_MARKS) -> None:
        self._marks = list(marks)

    def message(self, event: dict[str, Any]) -> str | None:
        done, total = event.get("done"), event.get("total")
        if event.get("phase") != "embed" or not isinstance(done, int) or not total:
            return None
        if not isinstance(total, int) or total <= 0:
            return None
        percent = 100 * done // total
        passed = [mark for mark in self._marks if mark <= percent]
        if not passed:
            return None
        self._marks = [mark for mark in self._marks if mark > percent]
        return texts.REINDEX_PROGRESS.format(done=done, total=total, percent=percent)


class Reindexer:
    """Runs one index build at a time in a child process and reports to the asking admin."""

    def __init__(
        self,
        command: Sequence[str],
        on_success: Callable[[], str | None],
        env: dict[str, str] | None = None,
        timeout: float | None = None,
        guard: BuildGuard | None = None,
    ) -> None:
        """``timeout``: seconds a build may run before it is stopped (None: no limit).
        ``guard`` (``bot.assistant.reindex_guard``) keeps builds of other processes on the
        same index out; without one, only this process's builds are one at a time.
        ``on_success`` runs after a successful build (in a worker thread); a text it returns
        is added to the summary."""
        self._command = list(command)
        self._timeout = timeout
        self._on_success = on_success
        self._env = env if env is not None else child_environment()
        self._guard = guard
        self._task: asyncio.Task[bool] | None = None
        self._starting = False  # start_checked is asking the guard (a turn in between waits)
        self._queued: list[Notify] = []  # asked for while a build ran: one more build after it
        self._failure = ""  # the build's own error message (its "failed" progress line)
        self._listeners: list[Finished] = []

    def add_listener(self, listener: Finished) -> None:
        """``listener(ok, seconds)`` after every build (metrics); it must not raise."""
        self._listeners.append(listener)

    @property
    def running(self) -> bool:
        return self._starting or (self._task is not None and not self._task.done())

    def start(self, notify: Notify) -> asyncio.Task[bool]:
        """Start a build in the background; raises ReindexBusy while one is running here (a
        build elsewhere is waited for, see ``_run``; ``start_checked`` refuses instead)."""
        if self.running:
            raise ReindexBusy("a reindex is already running")
        self._task = asyncio.create_task(self._run(notify))
        return self._task

    async def start_checked(self, notify: Notify) -> asyncio.Task[bool]:
        """Like ``start``, but raises ReindexElsewhere at once when another process (a
        replica, the CLI) builds the same index: the admin is told now, not later."""
        if self.running:
            raise ReindexBusy("a reindex is already running")
        self._starting = True  # a second turn meanwhile is busy: it must not touch the guard
        try:
            if self._guard is not None and not await asyncio.to_thread(self._guard.acquire):
                raise ReindexElsewhere("another process builds this index")
            self._task = asyncio.create_task(self._run(notify, guarded=True))
        finally:
            self._starting = False
        return self._task

    def request(self, notify: Notify) -> None:
        """Build now, or once more right after the running build (a document released
        while a build reads the folder may have been missed by it)."""
        if self.running:
            self._queued.append(notify)
        else:
            self.start(notify)

    def _next_queued(self) -> None:
        if not self._queued:
            return
        waiting, self._queued = self._queued, []

        async def notify_all(replies: list[Reply]) -> None:
            for notify in waiting:
                await notify(replies)

        self._task = asyncio.create_task(self._run(notify_all))

    async def _run(self, notify: Notify, guarded: bool = False) -> bool:
        started = time.monotonic()
        try:
            if not guarded:
                await self._wait_for_guard()
            ok, reply = await self._build(notify)
        except Exception as exc:  # the build must never take the bot down
            log.exception("reindex failed to run")
            ok, reply = False, Reply(texts.REINDEX_FAILED.format(reason=type(exc).__name__))
        finally:
            await self._release_guard()
        for listener in self._listeners:
            try:
                listener(ok, time.monotonic() - started)
            except Exception:
                log.exception("a reindex listener failed")
        try:
            await notify([reply] if isinstance(reply, Reply) else reply)
        except Exception:
            log.exception("could not deliver the reindex result")
        self._next_queued()
        return ok

    async def _wait_for_guard(self) -> None:
        """A build asked for without an admin waiting (a released document) waits for a build
        elsewhere to finish rather than fail: that build may have missed the document."""
        if self._guard is None:
            return
        waited = 0.0
        while not await asyncio.to_thread(self._guard.acquire):
            if waited >= GUARD_PATIENCE_SECONDS:
                raise ReindexElsewhere("another process kept building this index")
            await asyncio.sleep(GUARD_RETRY_SECONDS)
            waited += GUARD_RETRY_SECONDS

    async def _release_guard(self) -> None:
        if self._guard is not None:
            await asyncio.to_thread(self._guard.release)

    async def _build(self, notify: Notify) -> tuple[bool, Reply | list[Reply]]:
        log.info("reindex started: %s", " ".join(self._command))
        self._failure = ""
        process = await asyncio.create_subprocess_exec(
            *self._command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._env,
            preexec_fn=_lower_priority,
            process_group=0,  # its own group: a time-out stops the build and its helpers
            limit=LINE_LIMIT,
        )
        errors: deque[str] = deque(maxlen=20)
        try:
            report, code = await asyncio.wait_for(
                self._watch(process, notify, errors), self._timeout)
        except TimeoutError:
            await _stop_group(process)
            log.error("reindex stopped: still running after %.0f s", self._timeout)
            text = texts.REINDEX_TIMED_OUT.format(duration=_duration(self._timeout or 0))
            return False, Reply(text, data={"reindex": "failed", "timed_out": True})
        except asyncio.CancelledError:  # the bot shuts down: do not leave an orphan build
            await _stop_group(process)
            raise
        if code in SUCCESS_CODES and report is None:  # built, but the report was unreadable
            report = {"version_id": "?"}
        if code == BUSY_CODE:  # another process took the index's lock first
            log.warning("reindex refused: another build holds the index lock")
            return False, Reply(texts.REINDEX_ELSEWHERE, data={"reindex": "busy_elsewhere"})
        if code not in SUCCESS_CODES or report is None:
            reason = self._failure or _last_error(errors) or f"exit code {code}"
            log.warning("reindex failed (exit %s): %s", code, reason)
            failed = texts.REINDEX_FAILED.format(reason=reason)
            return False, Reply(failed, data={"reindex": "failed"})
        # opening the new version takes a moment
        directory = await asyncio.to_thread(self._on_success)
        log.info("reindex done: version %s", report.get("version_id"))
        return True, summary_replies(report, directory)

    async def _watch(self, process: asyncio.subprocess.Process, notify: Notify,
                     errors: deque[str]) -> tuple[dict[str, Any] | None, int]:
        """Follow the child's output to its end: (report, exit code)."""
        assert process.stdout is not None and process.stderr is not None
        drain = asyncio.create_task(_collect(process.stderr, errors))
        try:
            report = await self._follow(process.stdout, notify)
            await drain
        finally:
            drain.cancel()
        return report, await process.wait()

    async def _follow(self, stream: asyncio.StreamReader, notify: Notify) -> dict[str, Any] | None:
        progress = ProgressReporter()
        report: dict[str, Any] | None = None
        async for raw in _lines(stream):
            try:
                event = json.loads(raw.decode("utf-8", "replace"))
            except json.JSONDecodeError:
                continue
            if not isinstance(event, dict):
                continue
            if _is_report(event):
                report = event  # the last line is the build report
                continue
            if event.get("phase") == "failed":
                self._failure = str(event.get("error", ""))[:300]
                continue
            message = progress.message(event)
            if message:
                await notify([Reply(message, data={"reindex": "progress"})])
        return report


async def _lines(stream: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """The child's lines; one beyond LINE_LIMIT is dropped (logged), never the end of it."""
    while True:
        try:
            line = await stream.readline()
        except ValueError:  # the line was longer than LINE_LIMIT: asyncio dropped it
            log.warning("reindex: dropped an output line over %d bytes", LINE_LIMIT)
            continue
        if not line:
            return
        yield line


def _duration(seconds: float) -> str:
    if seconds < 120:
        return texts.SECONDS.format(n=round(seconds))
    return texts.MINUTES.format(n=round(seconds / 60))


async def _stop_group(process: asyncio.subprocess.Process) -> None:
    """SIGKILL to the build's process group (the child and anything it started), then reap."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # already gone
        pass
    await process.wait()


def _is_report(event: dict[str, Any]) -> bool:
    return "version_id" in event or ("new" in event and "changed" in event)


async def _collect(stream: asyncio.StreamReader, lines: deque[str]) -> None:
    async for raw in _lines(stream):
        text = raw.decode("utf-8", "replace").strip()
        if text:
            lines.append(text)


def _last_error(lines: deque[str]) -> str:
    """The most telling stderr line: the exception line of a traceback, else the last line."""
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line[:300]
    return lines[-1][:300] if lines else ""


async def start_from_chat(reindexer: Reindexer, notifier: Notifier | None,
                          conversation: str) -> Reply:
    """Start a reindex asked for in ``conversation``; progress and summary go back there. A
    build running here or in another process (replica, CLI) is a polite refusal."""
    if notifier is None:
        return Reply(texts.REINDEX_NO_NOTIFIER, data={"kind": "reindex", "started": False})

    async def notify(replies: list[Reply]) -> None:
        await notifier.notify(conversation, replies)

    try:
        await reindexer.start_checked(notify)
    except ReindexBusy:
        return Reply(texts.REINDEX_BUSY, data={"kind": "reindex", "started": False})
    except ReindexElsewhere:
        return Reply(texts.REINDEX_ELSEWHERE,
                     data={"kind": "reindex", "started": False, "busy": "elsewhere"})
    except Exception as error:  # the guard's database is down: say so, keep answering
        log.warning("reindex guard failed (%s)", type(error).__name__)
        return Reply(texts.REINDEX_FAILED.format(reason=type(error).__name__),
                     data={"kind": "reindex", "started": False})
    return Reply(texts.REINDEX_STARTED, data={"kind": "reindex", "started": True})
