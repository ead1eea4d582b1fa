"""The Dockerfile's own start (one container, no compose): its ENTRYPOINT script with the
image's ENV, run as a process in the image's WORKDIR with the package installed by the
Dockerfile's ``pip install .`` into a fresh environment (``compose.build_image``).
/data/knowledge_base and /data/var are temp folders, the port a free one."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.compose import (
    base_environment,
    build_image,
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
    image = build_image(root)
    try:
        yield image.root, {**base_environment(root, image), **env}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _entrypoint(app: Path) -> list[str]:
    entry = json.loads(dockerfile_instructions("ENTRYPOINT")[0])
    assert entry == ["/app/entrypoint.sh"]  # COPY docker/entrypoint.sh /app/entrypoint.sh
    return [str(app / "entrypoint.sh")]


def test_the_image_refuses_to_start_without_credentials_or_local_mode(
        container: tuple[Path, dict[str, str]]) -> None:
    app, env = container
    result = subprocess.run(_entrypoint(app), cwd=app, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "MicrosoftAppId" in result.stderr


def test_the_image_indexes_then_serves(container: tuple[Path, dict[str, str]]) -> None:
    app, env = container
    root = app.parent
    port = free_port()
    env = {**env, "MicrosoftAppId": "00000000-0000-0000-0000-00000000c0de",
           "MicrosoftAppPassword": "not-a-real-secret", "WISSENSLOTSE_PORT": str(port)}
    log = root / "container.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(_entrypoint(app), cwd=app, env=env, stdout=out,
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
