"""The Dockerfile's own start (one container, no compose): its ENTRYPOINT script with the
image's ENV, run as a process from a clean working directory. /data/knowledge_base and
/data/var are temp folders, ``python`` is the project's interpreter, the port a free one."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.compose import (
    ROOT,
    base_environment,
    dockerfile_env,
    dockerfile_instructions,
    free_port,
    http,
    small_knowledge_base,
    wait_healthy,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def container() -> Iterator[tuple[Path, dict[str, str]]]:
    root = Path(tempfile.mkdtemp(prefix="wl-docker-"))
    folders = {"/data/knowledge_base": root / "kb", "/data/var": root / "var"}
    small_knowledge_base(folders["/data/knowledge_base"])
    folders["/data/var"].mkdir()
    env = dockerfile_env()
    for key, value in env.items():
        for target, folder in folders.items():
            if value.startswith(target):
                env[key] = str(folder) + value[len(target):]
    (root / "app").mkdir()
    try:
        yield root, {**base_environment(root), **env}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _entrypoint() -> list[str]:
    entry = json.loads(dockerfile_instructions("ENTRYPOINT")[0])
    assert entry == ["/app/entrypoint.sh"]  # COPY docker/entrypoint.sh /app/entrypoint.sh
    return [str(ROOT / "docker" / "entrypoint.sh")]


def test_the_image_refuses_to_start_without_credentials_or_local_mode(
        container: tuple[Path, dict[str, str]]) -> None:
    root, env = container
    result = subprocess.run(_entrypoint(), cwd=root / "app", env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "MicrosoftAppId" in result.stderr


def test_the_image_indexes_then_serves(container: tuple[Path, dict[str, str]]) -> None:
    root, env = container
    port = free_port()
    env = {**env, "MicrosoftAppId": "00000000-0000-0000-0000-00000000c0de",
           "MicrosoftAppPassword": "not-a-real-secret", "WISSENSLOTSE_PORT": str(port)}
    log = root / "container.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(_entrypoint(), cwd=root / "app", env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        health = json.loads(http(f"http://127.0.0.1:{port}/healthz")[1])
        assert health["mode"] == "bot-framework" and health["index_version"]
        assert (root / "var" / "index" / "CURRENT").exists()
        assert (root / "var" / "state.sqlite").exists()
    finally:
        process.terminate()
        process.wait(30)
