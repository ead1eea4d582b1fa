"""The Teams app package: ``manifest.json`` plus two icons in a zip, to upload ("sideload").

The manifest follows the Teams app manifest schema v1.22; the icons are committed PNGs
(``bot/teams/``, drawn by ``scripts/make_teams_icons.py``).
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bot.errors import PackageError

MANIFEST_VERSION = "1.22"
SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"
    "/MicrosoftTeams.schema.json"
)
COLOR_ICON = "color.png"  # 192x192, full colour
OUTLINE_ICON = "outline.png"  # 32x32, white on transparent
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
DOMAIN = re.compile(r"^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$")

COMMANDS = [
    ("hilfe", "Was ich kann, mit Beispielen"),
    ("status", "Stand des Wissens: Version, Dokumente, letzte Aktualisierung"),
    ("abwesend", "abwesend bis 12.08. [Vertretung: Name]: Abwesenheit eintragen"),
    ("zurück", "Ihre Abwesenheit beenden"),
    ("lücken", "Wissenslücken-Bericht (nur Administratoren)"),
    ("bericht", "Link zum Bericht Wissensrisiko (Administratoren und Abteilungsleitungen)"),
    ("neu indexieren", "Wissensbasis neu einlesen (nur Administratoren)"),
]


@dataclass(frozen=True)
class AppInfo:
    """What an administration may change about the app as Teams shows it."""

    developer_name: str = "Stadtverwaltung"
    website_url: str = "https://example.org/wissenslotse"
    privacy_url: str = ""
    terms_url: str = ""
    short_name: str = "Wissenslotse"
    accent_color: str = "#1F5F8B"
    domains: list[str] = field(default_factory=list)


def build_manifest(
    app_id: str, version: str = "1.0.0", info: AppInfo | None = None
) -> dict[str, Any]:
    info = info or AppInfo()
    _check(app_id, version, info)
    scopes = ["personal", "team", "groupChat"]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": info.developer_name,
            "websiteUrl": info.website_url,
            "privacyUrl": info.privacy_url or info.website_url,
            "termsOfUseUrl": info.terms_url or info.website_url,
        },
        "name": {"short": info.short_name, "full": f"{info.short_name}: Wissen der Verwaltung"},
        "description": {
            "short": "Wer ist zuständig, wie geht es, wo steht es? Antworten aus Ihren Unterlagen.",
            "full": (
                "Der Wissenslotse beantwortet Fragen der Beschäftigten: wer eine Aufgabe heute "
                "erledigt (zuständig oder in Vertretung), wie sie erledigt wird (Schritte aus "
                "Übergabe- und Verfahrensdokumenten) und wo es steht (Dokument, Abschnitt, "
                "Seite). Er läuft vollständig im Netz der Verwaltung. In Kanälen und "
                "Gruppenchats antwortet er, wenn er mit @Wissenslotse erwähnt wird."
            ),
        },
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": info.accent_color,
        "bots": [{
            "botId": app_id,
            "scopes": scopes,
            "supportsFiles": False,
            "isNotificationOnly": False,
            "commandLists": [{
                "scopes": scopes,
                "commands": [{"title": t, "description": d} for t, d in COMMANDS],
            }],
        }],
        "validDomains": list(info.domains),
    }


def _check(app_id: str, version: str, info: AppInfo) -> None:
    if not GUID.match(app_id):
        raise PackageError(f"--app-id must be the bot's Microsoft App ID (a GUID), got {app_id!r}")
    if not SEMVER.match(version):
        raise PackageError(f"--version must look like 1.0.0, got {version!r}")
    for url in (info.website_url, info.privacy_url, info.terms_url):
        if url and not url.startswith("https://"):
            raise PackageError(f"developer URLs must start with https://, got {url!r}")
    for domain in info.domains:
        if not DOMAIN.match(domain):
            raise PackageError(f"--domain takes a host name like docs.example.org, got {domain!r}")
    if len(info.domains) > 16:
        raise PackageError("Teams accepts at most 16 valid domains")
    if not re.match(r"^#[0-9a-fA-F]{6}$", info.accent_color):
        raise PackageError(f"accent colour must look like #1F5F8B, got {info.accent_color!r}")
    if not 0 < len(info.short_name) <= 30 or not 0 < len(info.developer_name) <= 32:
        raise PackageError("the app name takes 1-30 characters, the developer name 1-32")


def write_package(
    app_id: str, out: Path, version: str = "1.0.0", info: AppInfo | None = None
) -> Path:
    """Write the zip (manifest.json and the two icons at its root) and return its path."""
    manifest = build_manifest(app_id, version, info)
    icons = resources.files("bot.teams_app").joinpath("icons")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name in (COLOR_ICON, OUTLINE_ICON):
            package.writestr(name, icons.joinpath(name).read_bytes())
    return out
