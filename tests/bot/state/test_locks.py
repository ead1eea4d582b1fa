"""Locks across replicas: PostgreSQL session advisory locks (real cluster) and the file lock
beside a SQLite state; the reindex guard refuses on the advisory lock alone (storage where
the index folder's flock is not honoured)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.assistant.reindex_guard import build_guard
from bot.settings import Settings
from bot.state.locks import AdvisoryLock, FileLock, advisory_key, replica_lock


def test_an_advisory_lock_has_one_holder_and_is_released(postgres_database: str) -> None:
    first, second = AdvisoryLock(postgres_database, "x"), AdvisoryLock(postgres_database, "x")
    other = AdvisoryLock(postgres_database, "y")
    assert first.acquire() and first.held
    assert second.acquire() is False and not second.held
    assert other.acquire()  # another name is another lock
    first.release()
    assert second.acquire()
    second.release()
    other.release()


def test_a_killed_holder_frees_the_advisory_lock(postgres_database: str) -> None:
    """kill -9 of a replica ends its database session, and with it the lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from bot.state.locks import AdvisoryLock\n"
         f"lock = AdvisoryLock({postgres_database!r}, 'reindex')\n"
         "assert lock.acquire()\nprint('held', flush=True)\ntime.sleep(600)\n"],
        cwd=Path(__file__).resolve().parents[3], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        mine = AdvisoryLock(postgres_database, "reindex")
        assert mine.acquire() is False
        holder.kill()
        holder.wait(30)
        deadline = time.monotonic() + 60  # the server notices the closed socket at once
        while not mine.acquire():
            assert time.monotonic() < deadline, "lock not freed after the holder died"
            time.sleep(0.1)
        mine.release()
    finally:
        holder.kill()
        holder.wait(30)


def test_the_reindex_guard_refuses_on_the_advisory_lock_alone(
        postgres_database: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, index_dir=tmp_path / "index",
                        state_url=postgres_database)
    settings.index_dir.mkdir()
    other_replica = build_guard(settings)  # the flock is free: only PostgreSQL knows
    assert other_replica.acquire()
    try:
        assert build_guard(settings).acquire() is False
    finally:
        other_replica.release()
    guard = build_guard(settings)
    assert guard.acquire()
    guard.release()


def test_replica_lock_picks_the_backend(tmp_path: Path) -> None:
    sqlite = Settings(_env_file=None, state_db=tmp_path / "state.sqlite")
    lock = replica_lock(sqlite, "routing-sweep:a")
    assert isinstance(lock, FileLock) and lock.path.parent == tmp_path
    assert replica_lock(sqlite, "routing-sweep:b").path != lock.path  # type: ignore[attr-defined]
    pg = Settings(_env_file=None, state_url="postgresql://127.0.0.1:1/x")
    assert isinstance(replica_lock(pg, "routing-sweep:a"), AdvisoryLock)
    assert advisory_key("a") == advisory_key("a") != advisory_key("b")


def test_a_state_database_that_cannot_be_reached_is_an_error_not_a_hang(tmp_path: Path) -> None:
    lock = AdvisoryLock("postgresql://127.0.0.1:1/nichts", "x")
    with pytest.raises(Exception):  # noqa: B017 - psycopg's OperationalError
        lock.acquire()
    assert not lock.held
