"""Reading compose.yaml and the Dockerfile the way Docker would, to run their services'
commands without Docker: variable interpolation from an env file, the image's ENV under the
service's environment, named volumes as folders, service names as addresses.

What is substituted (and nothing else): volume targets (``/data/...``) by temp folders, the
service name ``postgres:5432`` by the test's PostgreSQL, each replica's port (all containers
listen on 3978) by a free port, and ``python`` by the project's interpreter (on PATH). The
checkout under test is put on PYTHONPATH. Without a PostgreSQL, ``WISSENSLOTSE_STATE_URL``
is left out and the replicas share the SQLite file on the shared volume.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SMALL_KB = ("_verzeichnis", "steueramt/hundesteuer_uebergabe.md",
            "buergerbuero/fundbuero_uebergabe.md", "hauptamt")
_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")


class MissingVariable(ValueError):
    """``${NAME:?message}`` with NAME unset or empty: Docker refuses to start."""


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's interpolation: ``$$``, ``${X}``, ``${X:-d}``, ``${X-d}``, ``${X:?e}``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        value = variables.get(name)
        empty = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in (":-", "-") and (value is None if op == "-" else empty):
            return arg
        if op in (":?", "?") and (value is None if op == "?" else empty):
            raise MissingVariable(f"{name}: {arg}")
        return value or ""

    return _VARIABLE.sub(replace, text)


def _interpolate_tree(node: Any, variables: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, variables)
    if isinstance(node, list):
        return [_interpolate_tree(item, variables) for item in node]
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, variables) for key, value in node.items()}
    return node


def load_compose(variables: dict[str, str], path: Path = ROOT / "compose.yaml") -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))  # anchors and << merged here
    return dict(_interpolate_tree(raw, variables))


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def dockerfile_env(path: Path = ROOT / "Dockerfile") -> dict[str, str]:
    """The image's ENV (``ENV A=1 \\`` continued lines)."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for part in shlex.split(line[4:]):
                key, _, value = part.partition("=")
                env[key] = value
    return env


def dockerfile_instructions(name: str, path: Path = ROOT / "Dockerfile") -> list[str]:
    """The arguments of every ``name`` instruction (RUN, CMD, ...), continuations joined."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    return [line[len(name) + 1:].strip() for line in text.splitlines()
            if line.startswith(name + " ")]


@dataclass
class Service:
    name: str
    spec: dict[str, Any]

    @property
    def argv(self) -> list[str]:
        """entrypoint + command, as Docker runs them (lists only: no shell form here)."""
        entry = self.spec.get("entrypoint") or []
        command = self.spec.get("command") or []
        assert isinstance(entry, list) and isinstance(command, list), "use the exec form"
        return [*entry, *command]

    def volume_targets(self) -> dict[str, str]:
        """container path -> volume name (or host path of a bind mount)."""
        targets = {}
        for volume in self.spec.get("volumes", []):
            source, target = volume.split(":")[:2]
            targets[target] = source
        return targets

    def environment(self, image_env: dict[str, str], folders: dict[str, Path],
                    replace: dict[str, str], dot_env: dict[str, str] | None = None
                    ) -> dict[str, str]:
        """The process environment: image ENV, then ``dot_env`` if the service reads the
        ``.env`` file (env_file), then its ``environment``; volume targets mapped to
        ``folders`` (by volume name); ``replace`` substitutes substrings (addresses)."""
        files = [f["path"] if isinstance(f, dict) else f for f in self.spec.get("env_file", [])]
        env = {**(image_env if "image" in self.spec or "build" in self.spec else {}),
               **(dot_env or {} if ".env" in files else {}),
               **{k: str(v) for k, v in (self.spec.get("environment") or {}).items()}}
        targets = self.volume_targets()
        for key, value in env.items():
            for target, source in sorted(targets.items(), key=lambda t: -len(t[0])):
                if value == target or value.startswith(target + "/"):
                    value = str(folders[source]) + value[len(target):]
                    break
            for old, new in replace.items():
                value = value.replace(old, new)
            env[key] = value
        return env


def services(compose: dict[str, Any]) -> dict[str, Service]:
    return {name: Service(name, spec) for name, spec in compose["services"].items()}


def base_environment(home: Path, image: Image | None = None) -> dict[str, str]:
    """What a container has besides its ENV: a PATH whose ``python`` is the image's (the
    fresh environment of ``build_image``), else the project's venv with this checkout on
    PYTHONPATH."""
    if image is not None:
        return {"PATH": f"{image.bin}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
                "LANG": "C.UTF-8"}
    bin_dir = str(Path(sys.executable).parent)
    return {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
            "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}


@dataclass(frozen=True)
class Image:
    """The image's Python: a fresh virtual environment, the Dockerfile's ``COPY`` of the
    sources into its WORKDIR and its ``RUN pip install . && python -c ...`` run there. The
    dependencies (the torch layer, PyPI) are not downloaded: the new environment sees the
    project venv's site-packages through a .pth file (not its editable install of the
    checkout, whose finder is not loaded that way), and ``pip`` runs offline without them."""

    root: Path  # the image's WORKDIR (/app)
    bin: Path  # the environment's bin folder, first on PATH


def build_image(root: Path) -> Image:
    import sysconfig

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    purelib = Path(sysconfig.get_paths()["purelib"])
    fresh_lib = next((venv / "lib").glob("python3*/site-packages"))
    (fresh_lib / "project-dependencies.pth").write_text(f"{purelib}\n", encoding="utf-8")
    pip = venv / "bin" / "pip"  # the image's pip, offline, dependencies already there
    pip.write_text(f'#!/bin/sh\nexec "{venv}/bin/python" -m pip "$@" --no-index --no-deps '
                   "--no-build-isolation --quiet\n", encoding="utf-8")
    pip.chmod(0o755)
    app = root / "app"
    app.mkdir()
    for arguments in dockerfile_instructions("COPY"):
        *sources, target = arguments.split()
        if not (target.startswith("./") or target.startswith("/app/")):
            continue  # /data/knowledge_base: the tests bring their own knowledge base
        for source in sources:
            destination = app / target.removeprefix("/app/").removeprefix("./")
            if (ROOT / source).is_dir():
                shutil.copytree(ROOT / source, destination,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                destination = destination / source if target.endswith("/") else destination
                shutil.copy(ROOT / source, destination)
    image = Image(app, venv / "bin")
    for command in dockerfile_instructions("RUN"):
        if "pip install ." in command:
            result = subprocess.run(["sh", "-c", command], cwd=app, timeout=600,
                                    env={**base_environment(root, image), **dockerfile_env()},
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr
    return image


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
          timeout: float = 60) -> tuple[int, str, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={
        **({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path,
                  timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout  # a bound for a busy machine, not a measurement
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode}: {log.read_text()[-3000:]}")
        try:
            if http(f"{url}/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"not healthy in {timeout} s: {log.read_text()[-3000:]}")


def small_knowledge_base(target: Path) -> None:
    for part in SMALL_KB:
        source = ROOT / "knowledge_base" / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / part)


class Deployment:
    """The compose services as processes in one temp folder."""

    def __init__(self, root: Path, state_url: str | None, variables: dict[str, str]) -> None:
        self.root = root
        self.variables = variables
        self.compose = load_compose(variables)
        self.services = services(self.compose)
        self.image_env = dockerfile_env()
        self.folders = {name: root / "volumes" / name for name in self.compose["volumes"]}
        for folder in self.folders.values():
            folder.mkdir(parents=True)
        (root / "image").mkdir()
        self.image = build_image(root / "image")
        self.workdir = self.image.root  # WORKDIR /app: the installed code, not the checkout
        self.state_url = state_url
        self.replace = {}
        if state_url:  # the service name "postgres" is the test's PostgreSQL
            self.replace[self._compose_state_url()] = state_url
        self.ports: dict[str, int] = {}
        self.processes: list[subprocess.Popen[bytes]] = []

    def _compose_state_url(self) -> str:
        return str(self.services["bot-1"].spec["environment"]["WISSENSLOTSE_STATE_URL"])

    def env(self, service: Service, **extra: str) -> dict[str, str]:
        env = service.environment(self.image_env, self.folders, self.replace, self.variables)
        if not self.state_url:  # no PostgreSQL here: the replicas share SQLite on the volume
            env.pop("WISSENSLOTSE_STATE_URL", None)
        return {**base_environment(self.root, self.image), **env, **extra}

    def run_job(self, name: str) -> subprocess.CompletedProcess[str]:
        service = self.services[name]
        return subprocess.run(service.argv, cwd=self.workdir, env=self.env(service),
                              capture_output=True, text=True, timeout=1800)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Path:
        log = self.root / f"{name}.log"
        with open(log, "wb") as out:
            log.chmod(0o666)  # nginx as nobody reopens /dev/stdout, i.e. this file
            process = subprocess.Popen(argv, cwd=self.workdir, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return log

    def start_replica(self, name: str) -> str:
        service = self.services[name]
        self.ports[name] = free_port()  # every container listens on 3978; here they share a host
        env = self.env(service, WISSENSLOTSE_PORT=str(self.ports[name]))
        log = self.start(name, service.argv, env)
        url = f"http://127.0.0.1:{self.ports[name]}"
        wait_healthy(url, self.processes[-1], log)
        return url

    def start_proxy(self, replicas: dict[str, str]) -> str:
        return start_proxy(self, replicas)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def nginx_config(deployment: Deployment, replicas: dict[str, str], port: int) -> Path:
    """deploy/nginx.conf with the service names as this machine's ports; its /tmp paths in a
    folder of this test."""
    folder = deployment.root / "nginx"
    folder.mkdir(mode=0o777, exist_ok=True)
    folder.chmod(0o777)  # unprivileged nginx writes its pid and temp files here
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for name in replicas:
        text = text.replace(f"server {name}:3978", f"server 127.0.0.1:{deployment.ports[name]}")
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    text = text.replace("/tmp/wissenslotse-nginx", str(folder / "nginx"))
    config = folder / "wissenslotse.conf"
    config.write_text(text, encoding="utf-8")
    config.chmod(0o644)
    return config


def start_proxy(deployment: Deployment, replicas: dict[str, str]) -> str:
    """The proxy service's command with its config rewritten by ``nginx_config``, as
    ``nobody`` when we are root; returns its URL once it answers /healthz."""
    import os

    port = free_port()
    config = nginx_config(deployment, replicas, port)
    service = deployment.services["proxy"]
    argv = [str(config) if arg == "/etc/nginx/wissenslotse.conf" else arg for arg in service.argv]
    assert argv[0] == "nginx" and str(config) in argv
    if os.geteuid() == 0:  # unprivileged, as in the container's nginx-unprivileged variant
        argv = ["runuser", "-u", "nobody", "--", *argv]
    log = deployment.start("proxy", argv, {"PATH": "/usr/sbin:/usr/bin:/bin"})
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, deployment.processes[-1], log, timeout=60)
    return url
