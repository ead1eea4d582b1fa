"""One reindex at a time across processes: the index folder's lock (held here as another
replica's build child would hold it) refuses a reindex from chat at once, in German."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.assistant import Assistant, Reindexer
from bot.assistant.reindex_guard import AllGuards, IndexLockProbe, build_guard
from bot.settings import Settings
from bot.texts import assistant as texts
from bot.turns import Reply, Turn, UserRef
from indexer.store import BuildLock

from .conftest import RecordingNotifier

ADMIN = UserRef("aad-admin", email="admin@musterstadt.de")
REPORT = ('import json; print(json.dumps({"version_id": "v9", "new": [], "changed": ["a.md"], '
          '"removed": [], "skipped": []}))')


def _reindexer(assistant: Assistant, tmp_path: Path, body: str = REPORT) -> Path:
    script = tmp_path / "build.py"
    ran = tmp_path / "ran"
    script.write_text(f"open({str(ran)!r}, 'a').write('x')\n{body}\n", encoding="utf-8")
    assistant.reindexer = Reindexer([sys.executable, str(script)], assistant._after_reindex,
                                    guard=build_guard(assistant.settings))
    assistant.set_notifier(RecordingNotifier())
    return ran


async def _reindex(assistant: Assistant) -> list[Reply]:
    replies = await assistant.handle(Turn("neu indexieren", ADMIN, "admin-chat"))
    while assistant.reindexer.running:
        await asyncio.sleep(0.05)
    return replies


def test_a_build_elsewhere_refuses_the_reindex_from_chat_at_once(
        assistant: Assistant, tmp_path: Path) -> None:
    ran = _reindexer(assistant, tmp_path)
    with BuildLock(assistant.settings.index_dir):  # another replica's build child holds it
        refused = asyncio.run(_reindex(assistant))
    assert refused[0].text == texts.REINDEX_ELSEWHERE
    assert refused[0].data == {"kind": "reindex", "started": False, "busy": "elsewhere"}
    assert not ran.exists()  # no build child was started
    started = asyncio.run(_reindex(assistant))  # the other build has finished
    assert started[0].text == texts.REINDEX_STARTED and ran.read_text() == "x"


def test_a_build_that_finds_the_lock_taken_reports_busy_not_failed(
        assistant: Assistant, tmp_path: Path) -> None:
    """The probe and the child's lock are not one step: a build elsewhere may start in
    between; the child then exits 4 (busy) and the admin reads why, not an error."""
    _reindexer(assistant, tmp_path, "import sys; sys.exit(4)")
    notifier = RecordingNotifier()
    assistant.set_notifier(notifier)
    started = asyncio.run(_reindex(assistant))
    assert started[0].text == texts.REINDEX_STARTED
    assert notifier.sent[-1][1][0].text == texts.REINDEX_ELSEWHERE


def test_the_real_build_exits_4_while_another_holds_the_lock(tmp_path: Path) -> None:
    import subprocess

    from tests.indexer.conftest import REPO

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.md").write_text("# A\nText", encoding="utf-8")
    with BuildLock(tmp_path / "index"):
        result = subprocess.run(
            [sys.executable, "-m", "tests.reliability.fake_model", "indexer", "build", "--kb",
             str(kb), "--index", str(tmp_path / "index"), "--model", "fake"], cwd=REPO,
            capture_output=True, text=True, timeout=300)
    assert result.returncode == 4, result.stderr
    assert "another build holds" in result.stderr


def test_the_probe_leaves_the_lock_free(tmp_path: Path) -> None:
    probe = IndexLockProbe(tmp_path)
    assert probe.acquire() is True
    with BuildLock(tmp_path):  # the probe took nothing with it
        assert probe.acquire() is False
    assert IndexLockProbe(tmp_path / "noch-nicht-da").acquire() is True


class _Guard:
    def __init__(self, answer: bool) -> None:
        self.answer, self.held = answer, False

    def acquire(self) -> bool:
        self.held = self.answer
        return self.answer

    def release(self) -> None:
        self.held = False


def test_all_guards_release_what_they_took_when_one_refuses() -> None:
    first, second = _Guard(True), _Guard(False)
    guards = AllGuards([first, second])
    assert guards.acquire() is False
    assert not first.held and not second.held
    both = AllGuards([_Guard(True), _Guard(True)])
    assert both.acquire() is True


def test_postgresql_state_adds_an_advisory_lock(tmp_path: Path) -> None:
    class PgSettings(Settings):
        state_url: str = ""

    plain = build_guard(Settings(_env_file=None, index_dir=tmp_path))
    assert [type(g).__name__ for g in plain._guards] == ["IndexLockProbe"]  # type: ignore[attr-defined]
    pg = build_guard(PgSettings(_env_file=None, index_dir=tmp_path,
                                state_url="postgresql://127.0.0.1:1/x"))
    names = [type(g).__name__ for g in pg._guards]  # type: ignore[attr-defined]
    assert names == ["IndexLockProbe", "AdvisoryLock"]


@pytest.fixture
def assistant(settings: Settings, directory: object) -> Assistant:
    from bot.state.sqlite import State

    from .conftest import ScriptedSearcher

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return Assistant(settings, ScriptedSearcher([]), directory, State(settings.state_db))  # type: ignore[arg-type]


class _SlowGuard(_Guard):
    """Answers after a moment (a database round trip), so two turns overlap."""

    def __init__(self) -> None:
        super().__init__(True)
        self.releases = 0

    def acquire(self) -> bool:
        import time

        time.sleep(0.2)
        return super().acquire()

    def release(self) -> None:
        self.releases += 1
        super().release()


def test_two_turns_at_once_start_one_build_and_keep_its_guard(tmp_path: Path) -> None:
    guard = _SlowGuard()
    script = tmp_path / "build.py"
    gate = tmp_path / "gate"
    script.write_text(f"import os, time\nwhile not os.path.exists({str(gate)!r}): "
                      f"time.sleep(0.02)\n{REPORT}\n", encoding="utf-8")
    reindexer = Reindexer([sys.executable, str(script)], lambda: None, guard=guard)

    async def notify(replies: list[Reply]) -> None:
        return None

    async def scenario() -> tuple[list[object], bool]:
        results = await asyncio.gather(reindexer.start_checked(notify),
                                       reindexer.start_checked(notify), return_exceptions=True)
        held_while_building = guard.held and guard.releases == 0
        gate.touch()
        while reindexer.running:
            await asyncio.sleep(0.02)
        return list(results), held_while_building

    results, held_while_building = asyncio.run(scenario())
    assert sum(isinstance(r, asyncio.Task) for r in results) == 1
    assert sum(type(r).__name__ == "ReindexBusy" for r in results) == 1
    assert held_while_building  # the refused turn did not release the running build's guard
    assert guard.releases == 1 and not guard.held
