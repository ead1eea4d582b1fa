"""The Teams app package (manifest and icons) for sideloading."""

from __future__ import annotations

from bot.errors import PackageError
from bot.teams_app.package import (
    AppInfo,
    build_manifest,
    write_package,
)

__all__ = [
    "AppInfo",
    "PackageError",
    "build_manifest",
    "write_package",
]
