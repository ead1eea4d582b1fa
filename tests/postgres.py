"""A real, private PostgreSQL cluster for the tests (no mock, no Docker).

``PostgresCluster`` runs Debian's PostgreSQL binaries (``apt-get install postgresql``; found in
/usr/lib/postgresql/<major>/bin or on PATH) in a fresh temp folder, listening on a free TCP
port of 127.0.0.1 and on a unix socket inside that folder. ``initdb`` and ``postgres`` refuse
to run as root, so under root (CI) they run as the unprivileged user ``nobody`` (via
``runuser``) in a folder that user owns. Authentication is ``trust``: the cluster is reachable
from this machine only and lives for one test session.

The fixtures in tests/conftest.py build on it: ``postgres_url`` (the session's cluster) and
``postgres_database`` (a fresh database per test). Without the binaries the tests are skipped
locally and FAIL when ``CI`` is set (CI must really test PostgreSQL; .ci/run installs it).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

INSTALL_HINT = "PostgreSQL tests need the server binaries: apt-get install -y postgresql"
UNPRIVILEGED_USER = "nobody"


def postgres_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest installed major version)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda path: int(Path(path).parts[-3]), reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    return Path(found).parent if found else None


def require_postgres_bin() -> Path:
    """The binaries' folder; skips the test without them, fails it in CI."""
    folder = postgres_bin()
    if folder is not None:
        return folder
    if os.environ.get("CI"):
        pytest.fail(INSTALL_HINT)
    pytest.skip(INSTALL_HINT)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """One private cluster: ``start()``, ``url``, ``create_database()``, ``stop()``."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        self.bin_dir = bin_dir
        self.durable = durable  # False: fsync off (a test cluster's crash loses nothing real)
        self.root = Path(tempfile.mkdtemp(prefix="wl-postgres-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_user = os.geteuid() == 0
        if self._as_user:  # root: the folder belongs to the unprivileged user
            account = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresCluster:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        settings = [f"-p {self.port}", "-h 127.0.0.1", f"-k {self.root}",
                    "-c max_connections=200", "-c shared_buffers=32MB"]
        if not self.durable:
            settings += ["-c fsync=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "-o", " ".join(settings), "start")
        return self

    def create_database(self, prefix: str = "test") -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url_of(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        log = self.root / "server.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() \
            else ""

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self._as_user:
            command = ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr}\n"
                               f"{self.log_tail()}")
