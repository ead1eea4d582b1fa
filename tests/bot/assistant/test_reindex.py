"""Reindex from chat with a real child process (a small script standing in for the build)."""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from bot.assistant import ProgressReporter, ReindexBusy, Reindexer, build_command, child_environment
from bot.settings import Settings
from bot.turns import Reply

REPORT = {"version_id": "v2", "new": ["a.md"], "changed": ["b.md", "c.md"], "unchanged": [],
          "removed": [], "skipped": [{"file": "kaputt.pdf", "reason": "encrypted"}]}  # fmt: skip


def fake_build(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "fake_build.py"
    script.write_text(body, encoding="utf-8")
    return [sys.executable, str(script)]


SUCCESS = f"""
import json, os, sys
assert os.environ["OMP_NUM_THREADS"] == "1"
assert os.nice(0) >= 10, "the build must run with a lower priority"
for done in range(0, 201):
    print(json.dumps({{"phase": "embed", "done": done, "total": 200}}), flush=True)
print("not json, ignored")
print(json.dumps({json.dumps(REPORT)}))
"""

FAILURE = """
import sys, json
print(json.dumps({"phase": "scan", "done": 1, "total": 3}))
print("Traceback (most recent call last):", file=sys.stderr)
print("indexer.errors.IndexBusy: build.lock is held", file=sys.stderr)
sys.exit(2)
"""


async def _run(reindexer: Reindexer) -> tuple[bool, list[Reply]]:
    sent: list[Reply] = []

    async def notify(replies: list[Reply]) -> None:
        sent.extend(replies)

    ok = await reindexer.start(notify)
    return ok, sent


def test_build_reports_a_few_progress_messages_and_the_summary(tmp_path: Path) -> None:
    switched: list[bool] = []
    reindexer = Reindexer(fake_build(tmp_path, SUCCESS), lambda: switched.append(True))
    ok, sent = asyncio.run(_run(reindexer))
    assert ok and switched == [True]
    progress = [r for r in sent if r.data.get("reindex") == "progress"]
    assert [r.text.split("(")[1] for r in progress] == ["25 %).", "50 %).", "75 %)."]
    summary = sent[-1].text
    assert "1 neu, 2 geändert, 0 entfernt, 1 übersprungen" in summary
    assert "kaputt.pdf" in summary and "v2" in summary


def test_what_the_follow_up_says_ends_the_summary(tmp_path: Path) -> None:
    """``on_success`` reads the directory again; its line (counts, problems) is the summary's
    last line."""
    line = "Verzeichnis: 3 Personen, 2 Aufgaben."
    reindexer = Reindexer(fake_build(tmp_path, SUCCESS), lambda: line)
    ok, sent = asyncio.run(_run(reindexer))
    assert ok and sent[-1].text.splitlines()[-1] == line
    assert "1 neu, 2 geändert" in sent[-1].text


def test_failed_build_keeps_the_current_version_and_says_why(tmp_path: Path) -> None:
    switched: list[bool] = []
    reindexer = Reindexer(fake_build(tmp_path, FAILURE), lambda: switched.append(True))
    ok, sent = asyncio.run(_run(reindexer))
    assert not ok and switched == []
    assert "fehlgeschlagen" in sent[-1].text
    assert "build.lock is held" in sent[-1].text


def test_the_builds_own_error_message_is_preferred(tmp_path: Path) -> None:
    body = (
        "import json, sys\n"
        "print(json.dumps({'phase': 'failed', 'exit_code': 1, 'error': 'knowledge base folder "
        "kb does not exist'}))\n"
        "print('error: knowledge base folder kb does not exist', file=sys.stderr)\n"
        "sys.exit(1)\n"
    )
    ok, sent = asyncio.run(_run(Reindexer(fake_build(tmp_path, body), lambda: None)))
    assert not ok
    assert sent[-1].text.endswith("Fehler: knowledge base folder kb does not exist")


def test_missing_program_is_reported_not_raised(tmp_path: Path) -> None:
    reindexer = Reindexer([str(tmp_path / "no-such-program")], lambda: None)
    ok, sent = asyncio.run(_run(reindexer))
    assert not ok and "fehlgeschlagen" in sent[-1].text


def test_one_reindex_at_a_time(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    slow = fake_build(
        tmp_path,
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)",
    )

    async def scenario() -> None:
        reindexer = Reindexer(slow, lambda: None)

        async def notify(replies: list[Reply]) -> None:
            return None

        task = reindexer.start(notify)
        assert reindexer.running
        with pytest.raises(ReindexBusy):
            reindexer.start(notify)
        while not pid_file.exists() or not pid_file.read_text():
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not reindexer.running
        with pytest.raises(ProcessLookupError):  # the child was killed and reaped
            os.kill(int(pid_file.read_text()), 0)

    asyncio.run(scenario())


def test_progress_reporter_skips_marks_already_passed() -> None:
    reporter = ProgressReporter()
    assert reporter.message({"phase": "embed", "done": 1, "total": 100}) is None
    assert reporter.message({"phase": "embed", "done": 60, "total": 100}) is not None
    assert reporter.message({"phase": "embed", "done": 70, "total": 100}) is None
    assert reporter.message({"phase": "embed", "done": 80, "total": 100}) is not None
    assert reporter.message({"phase": "embed", "done": 99, "total": 100}) is None
    assert reporter.message({"phase": "scan", "done": 5, "total": "x"}) is None


def test_command_and_environment(settings: Settings) -> None:
    command = build_command(settings)
    assert command[1:4] == ["-m", "indexer", "build"]
    assert command[command.index("--kb") + 1] == str(settings.kb_dir)
    assert command[command.index("--index") + 1] == str(settings.index_dir)
    assert "--progress-json" in command
    env = child_environment()
    assert env["OMP_NUM_THREADS"] == "1" and env["OMP_WAIT_POLICY"] == "PASSIVE"
    json.dumps(env)


def test_a_report_over_64_kib_is_read_as_a_published_build(tmp_path: Path) -> None:
    """5,000 skipped files make the report line ~300 KB; a 100 KB line of noise before it is
    dropped or ignored. Exit code 3 (published, files skipped) is a success."""
    report = dict(REPORT, skipped=[{"file": f"ordner/datei-{i:05d}.pdf", "reason": "encrypted"}
                                   for i in range(5000)])
    body = f"""
import json, sys
print("x" * 100_000, flush=True)
sys.stdout.write({json.dumps(json.dumps(report))} + "\\n")
sys.exit(3)
"""
    switched: list[bool] = []
    reindexer = Reindexer(fake_build(tmp_path, body), lambda: switched.append(True))
    ok, sent = asyncio.run(_run(reindexer))
    assert ok and switched == [True]
    assert "v2" in sent[-1].text and "5000" in sent[-1].text


def test_an_unreadable_report_of_a_successful_build_is_no_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.assistant.reindex as reindex

    monkeypatch.setattr(reindex, "LINE_LIMIT", 1024)  # the report line is now "too long"
    body = f"print({json.dumps(json.dumps(dict(REPORT, pad='y' * 5000)))})"
    switched: list[bool] = []
    reindexer = Reindexer(fake_build(tmp_path, body), lambda: switched.append(True))
    ok, sent = asyncio.run(_run(reindexer))
    assert ok and switched == [True] and "fehlgeschlagen" not in sent[-1].text.lower()
def test_a_request_during_a_build_runs_one_more_build_after_it(tmp_path: Path) -> None:
    """A document released while a build already read the folder must not be missed."""
    counter = tmp_path / "builds.txt"
    body = ("import json, pathlib, time\n"
            f"p = pathlib.Path({str(counter)!r})\n"
            "p.write_text(p.read_text() + 'x' if p.exists() else 'x')\n"
            "time.sleep(0.5)\n"
            "print(json.dumps({'version_id': 'v', 'new': [], 'changed': []}))\n")
    reindexer = Reindexer(fake_build(tmp_path, body), lambda: None)
    finished: list[str] = []

    async def scenario() -> None:
        async def first(replies: list[Reply]) -> None:
            finished.append("first")

        async def second(replies: list[Reply]) -> None:
            finished.append("second")

        async def third(replies: list[Reply]) -> None:
            finished.append("third")

        reindexer.request(first)
        await asyncio.sleep(0.1)
        reindexer.request(second)  # both wait for one more build
        reindexer.request(third)
        while reindexer.running or len(finished) < 3:
            await asyncio.sleep(0.05)

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert finished == ["first", "second", "third"]
    assert counter.read_text() == "xx"


def _gone(pid: int) -> bool:
    """No such process, or a zombie nobody reaped yet (it runs no more)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _gone_soon(pid: int, seconds: float = 10.0) -> bool:
    """``_gone`` within ``seconds``: a killed process ends when it is next scheduled, which on
    a loaded machine takes a moment after the signal."""
    deadline = time.monotonic() + seconds
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_build_past_its_time_limit_is_stopped_with_its_helpers(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    hung = fake_build(tmp_path, (
        "import json, os, subprocess, sys, time\n"
        "helper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{helper.pid}}')\n"
        "print(json.dumps({'phase': 'scan', 'done': 1, 'total': 3}), flush=True)\n"
        "time.sleep(600)\n"))
    switched: list[bool] = []

    async def scenario() -> tuple[bool, list[Reply], bool]:
        # 4 s: on a loaded machine the child (nice 10) needs a while to start its helper
        reindexer = Reindexer(hung, lambda: switched.append(True), timeout=4)
        # the helper holds the child's pipes: unless it is stopped too, the end never comes
        ok, sent = await asyncio.wait_for(_run(reindexer), 30)
        return ok, sent, reindexer.running

    ok, sent, running = asyncio.run(scenario())
    assert not ok and not running and switched == []
    assert sent[-1].data == {"reindex": "failed", "timed_out": True}
    assert "nach 4 Sekunden nicht geendet und wurde abgebrochen" in sent[-1].text
    child, helper = (int(pid) for pid in pids.read_text().split())
    assert _gone_soon(child) and _gone_soon(helper)  # the whole process group, not the child only


def test_the_time_limit_is_a_setting(tmp_path: Path) -> None:
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", _env_file=None)
    assert settings.reindex_timeout_minutes == 60
    with pytest.raises(ValueError):
        Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", reindex_timeout_minutes=0,
                 _env_file=None)
