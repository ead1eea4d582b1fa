"""The per-minute message counters (schema 6) on both backends: shared by every store on one
database, one window per sender and minute, old windows dropped, senders kept as digests."""

from __future__ import annotations

from collections.abc import Callable

from bot.state import SqlState
from bot.state.records import sender_digest
from tests.bot.state.conftest import run_sql


def test_replicas_count_into_one_window(open_store: Callable[..., SqlState]) -> None:
    first, second = open_store(), open_store()  # two processes on one database
    assert [first.count_message("aad-1", 1000), second.count_message("aad-1", 1000),
            first.count_message("aad-1", 1000)] == [1, 2, 3]
    assert second.count_message("aad-2", 1000) == 1  # another sender
    assert first.count_message("aad-1", 1001) == 1  # the next minute starts again


def test_old_windows_are_dropped_and_senders_are_digests(store: SqlState) -> None:
    for minute in (1000, 1001, 1002):
        store.count_message("aad-1", minute)
    store.count_message("aad-2", 1003)
    rows = run_sql(store, "SELECT sender, minute, messages FROM message_counts ORDER BY minute")
    assert rows == [(sender_digest("aad-1"), 1002, 1), (sender_digest("aad-2"), 1003, 1)]
    assert all("aad" not in str(sender) for sender, _, _ in rows)
