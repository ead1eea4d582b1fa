"""JSON log lines: one object per line, the request id, no exception message."""

from __future__ import annotations

import json
import logging

from bot.operations.logs import REQUEST_ID, JsonFormatter


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("bot.assistant", logging.WARNING, __file__, 1, message, args, info)


def test_a_line_is_one_json_object_with_the_request_id() -> None:
    token = REQUEST_ID.set("req-0123456789")
    try:
        line = JsonFormatter().format(_record("question answered=%s hits=%d", True, 8))
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
    assert entry["request_id"] is None
