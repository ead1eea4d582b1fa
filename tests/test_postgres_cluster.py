"""The test cluster of tests/postgres.py: a real server run by an unprivileged user, skipped
without the binaries on a developer's machine, a failure in CI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests import postgres
from tests.postgres import PostgresCluster
from tests.postgres import require_postgres_bin as postgres_bin_or_skip

ROOT = Path(__file__).resolve().parents[1]


def test_the_cluster_is_real_and_not_run_by_root(postgres_cluster: PostgresCluster) -> None:
    with psycopg.connect(postgres_cluster.url) as connection:
        version = connection.execute("SHOW server_version_num").fetchone()
        assert version is not None and int(version[0]) >= 150000
    if os.geteuid() == 0:
        assert postgres_cluster.data.stat().st_uid != 0
    assert str(postgres_cluster.port) in postgres_cluster.url


def test_each_test_database_is_fresh(postgres_cluster: PostgresCluster) -> None:
    first, second = postgres_cluster.create_database(), postgres_cluster.create_database()
    assert first != second
    with psycopg.connect(first) as connection:
        connection.execute("CREATE TABLE planted (x INTEGER)")
    with psycopg.connect(second) as connection:
        found = connection.execute("SELECT to_regclass('planted')").fetchone()
        assert found == (None,)


def test_missing_binaries_skip_locally_and_fail_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "postgres_bin", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y postgresql"):
        postgres.require_postgres_bin()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y postgresql"):
        postgres.require_postgres_bin()


def test_a_terminated_test_run_stops_its_server(tmp_path: Path) -> None:
    """`kill <pytest>` (SIGTERM) still runs the session teardown: no server is left behind on
    a machine many engineers share."""
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "test_waits.py").write_text(
        "import time\n\n"
        "def test_waits(postgres_cluster):\n"
        "    print('DATA', postgres_cluster.root, flush=True)\n"
        "    time.sleep(120)\n", encoding="utf-8")
    shutil.copy(ROOT / "tests" / "conftest.py", folder / "conftest.py")
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         "--rootdir", str(folder), str(folder / "test_waits.py")],
        cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert run.stdout is not None
    root = None
    for line in run.stdout:
        if line.startswith("DATA "):
            root = Path(line.split()[1])
            break
    assert root is not None and (root / "data" / "postmaster.pid").exists()
    run.send_signal(signal.SIGTERM)
    run.communicate(timeout=120)
    left_behind = root.exists()
    if left_behind:  # stop it here, so a failing test leaves nothing running either
        leftover = PostgresCluster.__new__(PostgresCluster)
        leftover.root, leftover.data = root, root / "data"
        leftover.bin_dir, leftover._as_user = postgres_bin_or_skip(), os.geteuid() == 0
        leftover.stop()
    assert not left_behind, "the cluster of the terminated run was left behind"
