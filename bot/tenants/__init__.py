"""Many towns in one deployment (Mandanten): the tenants file and each town's settings."""

from __future__ import annotations

from bot.tenants.config import Town, Towns, load_towns, parse_towns
from bot.tenants.errors import TenantsFileError, UnknownTown
from bot.tenants.settings import (
    find_town,
    town_environment,
    town_overrides,
    town_settings,
    towns_of,
)

__all__ = [
    "TenantsFileError",
    "Town",
    "Towns",
    "UnknownTown",
    "find_town",
    "load_towns",
    "parse_towns",
    "town_environment",
    "town_overrides",
    "town_settings",
    "towns_of",
]
