"""Fixtures every test package may use: a real private PostgreSQL cluster (tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import PostgresCluster, require_postgres_bin


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the whole session (skipped without the binaries, failed in
    CI); stopped and deleted at the end."""
    cluster = PostgresCluster(require_postgres_bin()).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The session cluster's URL (database ``postgres``, user ``postgres``, no password)."""
    return postgres_cluster.url


@pytest.fixture
def postgres_database(postgres_cluster: PostgresCluster) -> str:
    """A fresh empty database for one test: its URL (isolation without a new cluster)."""
    return postgres_cluster.create_database()
