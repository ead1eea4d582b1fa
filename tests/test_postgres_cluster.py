"""The test cluster of tests/postgres.py: a real server run by an unprivileged user, skipped
without the binaries on a developer's machine, a failure in CI."""

from __future__ import annotations

import os

import psycopg
import pytest

from tests import postgres
from tests.postgres import PostgresCluster


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
