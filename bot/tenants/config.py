"""The tenants file: one deployment, many towns (Mandanten).

```yaml
towns:
  - id: lindenbach                    # a-z, 0-9 and '-': labels, CLI ``--town``, state
    name: Stadt Lindenbach
    teams_tenant_id: 0b1c...          # the town's Microsoft 365 tenant (routes Teams activities)
    web_path: /stadt/lindenbach/      # the town's web chat (and /bericht, /healthz below it)
    kb_dir: lindenbach/knowledge_base # relative paths are relative to this file
    index_dir: lindenbach/index
    directory_dir: lindenbach/verzeichnis   # optional, default <kb_dir>/_verzeichnis
    state_dir: lindenbach/var               # optional, default var/towns/<id>
    release_dir: lindenbach/freigaben       # optional, default: kb_dir itself
    admins: [it@lindenbach.de]              # optional; plus the group ``admins`` of personen.csv
    fallback_contact: hbraun                # optional
    doc_base_url: https://dms.lindenbach.de/ # optional
    web_chat_token: ...                     # the town's own web chat token (outside local mode)
```

Access groups and heads of department are the ``gruppen`` column of the town's own
``personen.csv`` (groups ``admins`` and ``leitung``): each town's directory folder is its
own access configuration. Every problem of the file is reported at once, with the town.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from bot.tenants.errors import TenantsFileError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PATH_PATTERN = re.compile(r"^/(?:[a-z0-9][a-z0-9-]*/)+$")
# the deployment's own routes: a town's web path may not hide them
RESERVED_PATHS = ("/api/", "/static/", "/healthz/", "/bericht/", "/metrics/")
REQUIRED = ("id", "name", "teams_tenant_id", "web_path", "kb_dir", "index_dir")
OPTIONAL = ("directory_dir", "state_dir", "release_dir", "admins", "fallback_contact",
            "doc_base_url", "web_chat_token")
FOLDERS = ("kb_dir", "index_dir", "directory_dir", "state_dir", "release_dir")


@dataclass(frozen=True)
class Town:
    """One town hall of the deployment; its folders are absolute."""

    id: str
    name: str
    teams_tenant_id: str  # lower case
    web_path: str
    kb_dir: Path
    index_dir: Path
    directory_dir: Path
    state_dir: Path
    release_dir: Path | None = None
    admins: tuple[str, ...] = ()
    fallback_contact: str = ""
    doc_base_url: str = ""
    web_chat_token: str = field(default="", repr=False)

    @property
    def state_db(self) -> Path:
        return self.state_dir / "state.sqlite"

    def folders(self) -> dict[str, Path]:
        found = {name: getattr(self, name) for name in FOLDERS}
        return {name: path for name, path in found.items() if path is not None}


@dataclass(frozen=True)
class Towns:
    """The towns of a deployment, found by id, Teams tenant or web path."""

    towns: tuple[Town, ...]
    _by_tenant: dict[str, Town] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_tenant", {t.teams_tenant_id: t for t in self.towns})

    def __iter__(self) -> Any:
        return iter(self.towns)

    def __len__(self) -> int:
        return len(self.towns)

    def ids(self) -> list[str]:
        return [town.id for town in self.towns]

    def by_id(self, town_id: str) -> Town | None:
        return next((t for t in self.towns if t.id == town_id), None)

    def by_tenant(self, tenant_id: str | None) -> Town | None:
        if not isinstance(tenant_id, str):
            return None
        return self._by_tenant.get(tenant_id.strip().lower())

    def tenant_ids(self) -> frozenset[str]:
        return frozenset(self._by_tenant)


def load_towns(path: Path, state_root: Path = Path("var/towns")) -> Towns:
    """Read and check the tenants file; raises ``TenantsFileError`` naming every problem."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TenantsFileError(path, [f"cannot read it: {error.strerror or error}"]) from error
    except yaml.YAMLError as error:
        raise TenantsFileError(path, [f"not valid YAML: {error}"]) from error
    return parse_towns(data, path, state_root)


def parse_towns(data: Any, path: Path, state_root: Path = Path("var/towns")) -> Towns:
    if not isinstance(data, Mapping) or set(data) != {"towns"}:
        raise TenantsFileError(path, ["expected one key 'towns' with a list of towns"])
    entries = data["towns"]
    if not isinstance(entries, list) or not entries:
        raise TenantsFileError(path, ["'towns' must be a non-empty list"])
    problems: list[str] = []
    towns = []
    for number, entry in enumerate(entries, start=1):
        town = _town(entry, f"town {number}", path.parent, state_root, problems)
        if town is not None:
            towns.append(town)
    problems += _clashes(towns)
    if problems:
        raise TenantsFileError(path, problems)
    return Towns(tuple(towns))


def _town(entry: Any, label: str, base: Path, state_root: Path,
          problems: list[str]) -> Town | None:
    if not isinstance(entry, Mapping):
        problems.append(f"{label}: expected a mapping of keys")
        return None
    if isinstance(entry.get("id"), str):
        label = f"town {entry['id']!r}"
    before = len(problems)
    unknown = sorted(str(k) for k in entry if k not in REQUIRED + OPTIONAL)
    if unknown:
        problems.append(f"{label}: unknown keys {', '.join(unknown)} (allowed: "
                        f"{', '.join(REQUIRED + OPTIONAL)})")
    problems += [f"{label}: '{key}' is missing" for key in REQUIRED if key not in entry]
    for key in REQUIRED + OPTIONAL:
        if key in entry and key != "admins" and not (
                isinstance(entry[key], str) and entry[key].strip()):
            problems.append(f"{label}: '{key}' must be a non-empty text")
    admins = entry.get("admins", [])
    if not isinstance(admins, list) or not all(isinstance(a, str) and a for a in admins):
        problems.append(f"{label}: 'admins' must be a list of texts")
    if len(problems) > before:
        return None
    if not ID_PATTERN.match(entry["id"]):
        problems.append(f"{label}: id must be 1-40 of a-z, 0-9 and '-'")
    if not PATH_PATTERN.match(entry["web_path"]) or entry["web_path"].startswith(RESERVED_PATHS):
        problems.append(f"{label}: web_path must look like /stadt/lindenbach/ (lower case, "
                        "ending in '/', not under /api/, /static/, /healthz/, /bericht/)")
    kb_dir = _folder(base, entry["kb_dir"])
    state_dir = entry.get("state_dir")
    return Town(
        id=entry["id"], name=entry["name"].strip(),
        teams_tenant_id=entry["teams_tenant_id"].strip().lower(),
        web_path=entry["web_path"], kb_dir=kb_dir, index_dir=_folder(base, entry["index_dir"]),
        directory_dir=(_folder(base, entry["directory_dir"]) if "directory_dir" in entry
                       else kb_dir / "_verzeichnis"),
        state_dir=(_folder(base, state_dir) if state_dir
                   else (state_root / entry["id"]).absolute()),
        release_dir=_folder(base, entry["release_dir"]) if "release_dir" in entry else None,
        admins=tuple(a.strip() for a in admins), fallback_contact=entry.get("fallback_contact", ""),
        doc_base_url=entry.get("doc_base_url", ""),
        web_chat_token=entry.get("web_chat_token", ""),
    )


def _folder(base: Path, text: str) -> Path:
    path = Path(text).expanduser()
    return (path if path.is_absolute() else base / path).resolve()


def _clashes(towns: list[Town]) -> list[str]:
    problems = []
    for key in ("id", "teams_tenant_id", "web_path"):
        problems += [f"{key} {value!r} is used by towns {', '.join(ids)}"
                     for value, ids in _duplicates(towns, key)]
    tokens = [t for t in towns if t.web_chat_token]
    problems += [f"web_chat_token of towns {', '.join(ids)} is the same (each town needs its "
                 "own: a token opens its town's chat)"
                 for _, ids in _duplicates(tokens, "web_chat_token")]
    for one, other in combinations(towns, 2):
        for name_a, path_a in one.folders().items():
            for name_b, path_b in other.folders().items():
                if _overlap(path_a, path_b):
                    problems.append(
                        f"towns {one.id!r} and {other.id!r} share a folder: {name_a} "
                        f"{path_a} and {name_b} {path_b} (each town needs its own folders)")
    return problems


def _duplicates(towns: Iterable[Town], key: str) -> list[tuple[str, list[str]]]:
    seen: dict[str, list[str]] = {}
    for town in towns:
        seen.setdefault(str(getattr(town, key)), []).append(town.id)
    return [(value, ids) for value, ids in seen.items() if len(ids) > 1]


def _overlap(one: Path, other: Path) -> bool:
    """The same folder, or one inside the other (a town would index the other's files)."""
    return one == other or one in other.parents or other in one.parents
