"""A town's settings: the deployment's settings with the town's folders, admins and links.

The same overrides serve the process that hosts all towns (``town_settings``) and the CLIs
run for one town (``town_environment``, applied by ``python -m bot ... --town ID`` before the
command reads its settings), so a CLI and the server never disagree about a town's folders.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from bot.settings import Settings
from bot.tenants.config import Town, Towns, load_towns
from bot.tenants.errors import UnknownTown


def towns_of(settings: Settings) -> Towns | None:
    """The towns of the tenants file, or None when the deployment is one town."""
    if settings.tenants_file is None:
        return None
    return load_towns(settings.tenants_file, settings.state_db.parent.absolute() / "towns")


def town_overrides(town: Town, base: Settings) -> dict[str, Any]:
    base_url = base.report_base_url
    return {
        "town": town.id,
        "kb_dir": town.kb_dir,
        "index_dir": town.index_dir,
        "directory_dir": town.directory_dir,
        "release_dir": town.release_dir,
        "state_db": town.state_db,
        "admins": list(town.admins),
        "fallback_contact": town.fallback_contact,
        "doc_base_url": town.doc_base_url,
        "allowed_tenants": [town.teams_tenant_id],
        # links to /bericht point below the town's own path
        "public_url": base_url + town.web_path.rstrip("/") if base_url else "",
        "report_secret": town_secret(base.report_secret, town.id),
        "tenants_file": None,
        # never the deployment's token: it would open every town's chat
        "web_chat_token": town.web_chat_token,
    }


def town_secret(secret: str, town_id: str) -> str:
    """A town's own key for /bericht links: a link of town A never opens town B's report.
    Empty stays empty (each town then keeps a random key in its own state folder)."""
    if not secret:
        return ""
    return hmac.new(secret.encode(), b"town\0" + town_id.encode(), hashlib.sha256).hexdigest()


def town_settings(town: Town, base: Settings) -> Settings:
    return base.model_copy(update=town_overrides(town, base))


def find_town(towns: Towns, town_id: str) -> Town:
    town = towns.by_id(town_id)
    if town is None:
        raise UnknownTown(town_id, towns.ids())
    return town


def town_environment(town: Town, base: Settings) -> dict[str, str | None]:
    """The town's settings as ``WISSENSLOTSE_*`` variables (None: remove the variable)."""
    env: dict[str, str | None] = {}
    for name, value in town_overrides(town, base).items():
        if name == "tenants_file":
            continue  # the commands run for one town never read it
        key = f"WISSENSLOTSE_{name.upper()}"
        if value is None:
            env[key] = None
        elif isinstance(value, list):
            env[key] = json.dumps(value)
        else:
            env[key] = str(value)
    return env
