"""Each town's state is its own: a SQLite file per town, or a PostgreSQL schema per town
(``town_<id>``) in one database; what one town stores, the other never reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.settings import Settings
from bot.state import open_state
from bot.tenants import load_towns, town_settings
from tests.bot.tenants.towns import NORD, SUED, write_tenants


def towns_settings(tmp_path: Path, state_url: str = "") -> list[Settings]:
    path = write_tenants(tmp_path, NORD, SUED)
    base = Settings(_env_file=None, tenants_file=path, state_url=state_url,
                    state_db=tmp_path / "var" / "state.sqlite")
    return [town_settings(town, base) for town in load_towns(path, tmp_path / "var")]


def exchange(nord: Settings, sued: Settings) -> tuple[list[str], list[str]]:
    one, other = open_state(nord), open_state(sued)
    try:
        one.add_absence(NORD.deputy[0], date(2026, 8, 10), date(2026, 8, 12), None, "k")
        one.record_unanswered(NORD.question, "aad-x")
        other.add_absence(SUED.deputy[0], date(2026, 8, 10), date(2026, 8, 12), None, "k")
        return ([a.person for a in one.absences()] + [q for q, _ in one.unanswered(10)],
                [a.person for a in other.absences()] + [q for q, _ in other.unanswered(10)])
    finally:
        one.close()
        other.close()


def test_sqlite_state_is_one_file_per_town(tmp_path: Path) -> None:
    nord, sued = towns_settings(tmp_path)
    assert exchange(nord, sued) == ([NORD.deputy[0], NORD.question], [SUED.deputy[0]])
    assert nord.state_db.is_file() and sued.state_db.is_file()
    assert nord.state_db != sued.state_db


def test_postgres_state_is_one_schema_per_town(tmp_path: Path, postgres_database: str) -> None:
    import psycopg

    nord, sued = towns_settings(tmp_path, postgres_database)
    assert exchange(nord, sued) == ([NORD.deputy[0], NORD.question], [SUED.deputy[0]])
    with psycopg.connect(postgres_database) as connection:
        schemas = {row[0] for row in connection.execute(
            "SELECT schema_name FROM information_schema.schemata")}
    assert {"town_nord", "town_sued"} <= schemas
