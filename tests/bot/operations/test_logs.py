"""JSON log lines: one object per line, the request id, no exception message."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from bot.operations.logs import REQUEST_ID, configure_logging
from indexer.logs import JsonFormatter
from tests.reliability.harness import ROOT, child_env


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("bot.assistant", logging.WARNING, __file__, 1, message, args, info)


def test_a_line_is_one_json_object_with_the_request_id() -> None:
    token = REQUEST_ID.set("req-0123456789")
    try:
        formatter = JsonFormatter(lambda: {"request_id": REQUEST_ID.get()})
        line = formatter.format(_record("question answered=%s hits=%d", True, 8))
    finally:
        REQUEST_ID.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "question answered=True hits=8"
    assert entry["request_id"] == "req-0123456789"
    assert entry["level"] == "WARNING" and entry["logger"] == "bot.assistant"
    assert entry["time"].endswith("+00:00")


def test_an_exception_keeps_its_type_and_stack_but_not_its_message() -> None:
    question = "Wie melde ich meinen Hund ab, Frau Schneider?"
    try:
        raise ValueError(question)  # as a parser might, quoting its input
    except ValueError as error:
        line = JsonFormatter().format(_record("turn failed", exc=error))
    entry = json.loads(line)
    assert entry["exception"] == "ValueError"
    assert "test_logs.py" in entry["stack"]
    assert "Schneider" not in line and "Hund" not in line  # the stack shows code, not values


def test_the_index_build_logs_json_lines_when_asked(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.md").write_text("# Hundesteuer\n\nAbmeldung beim Steueramt.\n", encoding="utf-8")
    env = child_env(WISSENSLOTSE_LOG_FORMAT="json")
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.fake_model", "indexer", "build", "--kb",
         str(kb), "--index", str(tmp_path / "index"), "--model", "fake"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(e["logger"] == "indexer.build.pipeline" for e in entries)
    assert all(not line.startswith("20") for line in result.stderr.splitlines())  # no text lines


def test_configure_logging_leaves_a_foreign_root_logger_alone() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    foreign = logging.NullHandler()
    root.addHandler(foreign)
    try:
        configure_logging("INFO", "json")
        assert root.handlers == [*before, foreign]
    finally:
        root.removeHandler(foreign)
