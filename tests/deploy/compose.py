"""Reading compose.yaml and the Dockerfile the way Docker would, to run their services'
commands without Docker: variable interpolation from an env file, the image's ENV under the
service's environment, named volumes as folders, service names as addresses.

What is substituted (and nothing else): volume targets (``/data/...``) by temp folders, the
service name ``postgres:5432`` by the test's PostgreSQL, each replica's port (all containers
listen on 3978) by a free port, and ``python`` by the project's interpreter (on PATH). The
checkout under test is put on PYTHONPATH.
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
                    replace: dict[str, str]) -> dict[str, str]:
        """The process environment: image ENV, then the service's; volume targets mapped to
        ``folders`` (by volume name); ``replace`` substitutes substrings (addresses)."""
        env = {**(image_env if "image" in self.spec or "build" in self.spec else {}),
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


def base_environment(home: Path) -> dict[str, str]:
    """What a container has besides its ENV: a PATH whose ``python`` is the project's."""
    bin_dir = str(Path(sys.executable).parent)
    return {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
            "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}


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
