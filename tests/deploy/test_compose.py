"""compose.yaml without Docker: its services' exact commands and environment, run as real
processes in the image's WORKDIR with the package installed by the Dockerfile's
``pip install .`` into a fresh environment (see ``tests/deploy/compose.py`` for the few
substitutions): the index job on a small knowledge base, two replicas on one index folder,
nginx in front of them (unprivileged, from a temp folder), the Dockerfile's import check and
health check. PostgreSQL is a fresh database of the ``postgres_cluster`` fixture when the
state backend provides one; without it the replicas share the SQLite file on the shared
volume."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.operations.config_reference import all_rows
from tests.bot.channel.conftest import teams_message
from tests.deploy.compose import (
    ROOT,
    Deployment,
    MissingVariable,
    base_environment,
    dockerfile_instructions,
    http,
    load_compose,
    services,
    small_knowledge_base,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WEB_TOKEN = "web-chat-token-for-the-compose-test"
METRICS_TOKEN = "metrics-token-for-the-compose-test"
DOT_ENV = {  # what an operator puts into .env (dummy credentials: nothing reaches Azure)
    "POSTGRES_PASSWORD": "compose-test-password",
    "MicrosoftAppId": "00000000-0000-0000-0000-00000000c0de",
    "MicrosoftAppPassword": "not-a-real-secret",
    "WISSENSLOTSE_WEB_CHAT_TOKEN": WEB_TOKEN,
    "WISSENSLOTSE_REPORT_SECRET": "r" * 40,
    "WISSENSLOTSE_METRICS_TOKEN": METRICS_TOKEN,
}
REPLICAS = ("bot-1", "bot-2")
# settings the compose file sets before the branch that reads them is merged: tolerated only
# while no settings class knows them (then they must be spelled as the class spells them)
AWAITED_SETTINGS = {"WISSENSLOTSE_STATE_URL"}


# --- the file itself ----------------------------------------------------------------------

def test_compose_refuses_to_start_without_the_bot_framework_credentials() -> None:
    for missing in ("MicrosoftAppId", "MicrosoftAppPassword", "POSTGRES_PASSWORD",
                    "WISSENSLOTSE_WEB_CHAT_TOKEN", "WISSENSLOTSE_REPORT_SECRET"):
        with pytest.raises(MissingVariable, match=missing):
            load_compose({k: v for k, v in DOT_ENV.items() if k != missing})


def test_no_replica_runs_in_local_mode_and_metrics_stay_internal() -> None:
    compose = load_compose(DOT_ENV)
    for name in REPLICAS:
        env = compose["services"][name]["environment"]
        assert env.get("WISSENSLOTSE_LOCAL_MODE", "false") == "false"
        assert env["MicrosoftAppId"] == DOT_ENV["MicrosoftAppId"]
        assert "--local" not in compose["services"][name]["entrypoint"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "location = /metrics" in nginx and "return 404;" in nginx
    assert "X-Forwarded-For" in nginx  # a local-mode replica would refuse what nginx relays


def test_every_setting_in_compose_exists() -> None:
    known = {row.env for row in all_rows()} | {a for row in all_rows() for a in row.aliases}
    compose = load_compose(DOT_ENV)
    for name in ("indexer", *REPLICAS):
        for key in compose["services"][name]["environment"]:
            if key in AWAITED_SETTINGS and key not in known:
                continue
            assert key in known, f"{name}: {key} is no setting (typo?)"


def test_every_variable_compose_reads_is_in_env_example() -> None:
    import re

    from bot.operations.config_reference import COMPOSE_VARIABLES

    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    missing = [name for name in sorted(used) if f"#{name}=" not in example]
    assert missing == [], f"add them to COMPOSE_VARIABLES or the settings: {missing}"
    assert set(COMPOSE_VARIABLES) <= used


def test_replicas_share_one_index_volume_with_the_index_job() -> None:
    found = services(load_compose(DOT_ENV))
    volumes = [found[name].volume_targets() for name in ("indexer", *REPLICAS)]
    assert all(v["/data/var"] == "var" for v in volumes)
    assert found["bot-1"].spec["environment"]["WISSENSLOTSE_INDEX_DIR"].startswith("/data/var/")


# --- the services as processes ---------------------------------------------------------

def _state_url(request: pytest.FixtureRequest) -> str | None:
    """A fresh database of the state backend's PostgreSQL fixture; None without it."""
    try:
        cluster = request.getfixturevalue("postgres_cluster")
    except pytest.FixtureLookupError:
        return None
    return str(cluster.create_database())


@pytest.fixture(scope="module")
def deployment(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    root = Path(tempfile.mkdtemp(prefix="wl-compose-"))
    root.chmod(0o755)  # nginx's workers (nobody) must reach their config
    deployment = Deployment(root, _state_url(request), DOT_ENV)
    small_knowledge_base(deployment.folders["knowledge"])
    try:
        yield deployment
    finally:
        deployment.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def replicas(deployment: Deployment) -> dict[str, str]:
    job = deployment.run_job("indexer")
    assert job.returncode == 0, job.stderr[-3000:]
    assert (deployment.folders["var"] / "index" / "CURRENT").exists()
    return {name: deployment.start_replica(name) for name in REPLICAS}


@pytest.fixture(scope="module")
def proxy(deployment: Deployment, replicas: dict[str, str]) -> str:
    if shutil.which("nginx") is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (.ci/run installs it)")
        pytest.skip("nginx is not installed here (apt-get install nginx-light)")
    return deployment.start_proxy(replicas)


def _ask(url: str, session: str, text: str) -> tuple[int, list[dict[str, Any]]]:
    status, body, _ = http(f"{url}/api/chat", {"session": session, "text": text},
                            {"X-Wissenslotse-Token": WEB_TOKEN})
    return status, (json.loads(body).get("replies", []) if status == 200 else [])


def _turns(url: str) -> float:
    _, body, _ = http(f"{url}/metrics")
    return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
               if line.startswith("wissenslotse_turns_total{"))


def test_index_job_and_replicas_serve_one_version(
        deployment: Deployment, replicas: dict[str, str]) -> None:
    versions = {json.loads(http(f"{url}/healthz")[1])["index_version"]
                for url in replicas.values()}
    assert len(versions) == 1 and None not in versions
    # the state is where compose puts it: PostgreSQL when there is one, else the shared volume
    shared_sqlite = deployment.folders["var"] / "state.sqlite"
    assert shared_sqlite.exists() == (deployment.state_url is None)
    for url in replicas.values():
        health = json.loads(http(f"{url}/healthz")[1])
        assert health["mode"] == "bot-framework"


def test_the_proxy_spreads_questions_over_both_replicas(
        proxy: str, replicas: dict[str, str]) -> None:
    before = {name: _turns(url) for name, url in replicas.items()}
    for number in range(6):
        status, replies = _ask(proxy, f"compose-{number}", "Wie melde ich einen Hund ab?")
        assert status == 200
        assert replies and replies[0]["data"]["kind"] in ("answer", "not_found")
    moved = {name: _turns(url) - before[name] for name, url in replicas.items()}
    assert sum(moved.values()) == 6
    assert all(count > 0 for count in moved.values()), moved


def test_through_the_proxy_metrics_are_hidden_and_messages_need_a_token(proxy: str) -> None:
    assert http(f"{proxy}/metrics")[0] == 404
    activity = teams_message("https://smba.trafficmanager.net/emea/", "Hallo")
    status, _, _ = http(f"{proxy}/api/messages", activity)
    assert status == 401  # Bot Framework mode: no token, no turn
    status, _, _ = http(f"{proxy}/api/chat", {"session": "no-token", "text": "Hallo"})
    assert status == 401  # the web chat outside local mode wants its token


def test_replica_metrics_need_the_token_from_another_host(replicas: dict[str, str]) -> None:
    url = replicas["bot-1"]
    relayed = {"X-Forwarded-For": "198.51.100.7"}
    assert http(f"{url}/metrics", headers=relayed)[0] == 401
    status, body, _ = http(f"{url}/metrics",
                            headers={**relayed, "Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200 and "wissenslotse_index_info" in body


def test_the_replicas_run_the_installed_package_and_pass_the_health_check(
        deployment: Deployment, replicas: dict[str, str]) -> None:
    env = {**base_environment(deployment.root, deployment.image), **deployment.image_env}
    def where(*flags: str) -> str:
        code = "import bot.channel, pathlib; print(pathlib.Path(bot.channel.__file__).parent)"
        return subprocess.run(["python", *flags, "-c", code], cwd=deployment.workdir, env=env,
                              capture_output=True, text=True, timeout=120).stdout.strip()

    # as in the container: WORKDIR /app holds the copied sources, which `python -m` finds first
    assert where() == str(deployment.image.root / "bot" / "channel")
    installed = Path(where("-I"))  # the installed package (isolated: no cwd on sys.path)
    assert installed.is_relative_to(deployment.image.bin.parent)
    assert (installed / "static" / "index.html").exists()  # package data made it in
    health = dockerfile_instructions("HEALTHCHECK")[0].split(" CMD ", 1)[1]
    assert shlex.split(health)[0] == "python"
    port = str(deployment.ports["bot-1"])
    result = subprocess.run(["sh", "-c", health.replace("3978", port)], cwd=deployment.workdir,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
