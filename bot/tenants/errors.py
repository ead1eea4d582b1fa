"""Errors of the tenants file.

    ConfigurationError (bot.errors)
    └── TenantsFileError     the tenants file cannot be read or breaks a rule (all problems listed)
    UnknownTown (BotError)   a ``--town`` id that the tenants file does not name
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import BotError, ConfigurationError


class TenantsFileError(ConfigurationError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"tenants file {path}: " + "; ".join(problems))


class UnknownTown(BotError):
    def __init__(self, town_id: str, known: list[str]) -> None:
        self.town_id = town_id
        super().__init__(f"unknown town {town_id!r}; the tenants file names: "
                         + (", ".join(known) or "none"))
