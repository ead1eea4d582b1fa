"""What only the PostgreSQL backend has: versioned migrations in ``schema_version`` under an
advisory lock, namespaces (one schema per town), a clear error when the server is away. The
shared records are tested on both backends by the rest of this folder."""

from __future__ import annotations

import threading
from datetime import date

import psycopg
import pytest
from pydantic import ValidationError

from bot.directory import StateError
from bot.settings import Settings
from bot.state import SCHEMA_VERSION, State, check_namespace, open_state
from bot.state.dialect import POSTGRES
from bot.state.postgres import PostgresState, QmarkConnection
from bot.state.schema import steps_for
from tests.postgres import free_port


def _versions(url: str, schema: str = "public") -> list[int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(f'SELECT version FROM "{schema}".schema_version ORDER BY 1')
        return [row[0] for row in rows.fetchall()]


def test_every_step_is_recorded_once(postgres_database: str) -> None:
    open_state(postgres_database).close()
    open_state(postgres_database).close()  # a restart runs nothing again
    assert _versions(postgres_database) == list(range(1, SCHEMA_VERSION + 1))


def test_replicas_starting_at_once_migrate_once(postgres_database: str) -> None:
    start = threading.Barrier(6)
    errors: list[BaseException] = []
    opened: list[PostgresState] = []

    def replica() -> None:
        start.wait()
        try:
            opened.append(PostgresState(postgres_database, "musterstadt"))
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=replica) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for state in opened:
        state.close()
    assert errors == [] and len(opened) == 6
    assert _versions(postgres_database, "musterstadt") == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_database_refuses_to_start(postgres_database: str) -> None:
    open_state(postgres_database).close()
    with psycopg.connect(postgres_database) as connection:
        connection.execute("INSERT INTO schema_version VALUES (%s, 'later')",
                           (SCHEMA_VERSION + 1,))
    with pytest.raises(StateError, match=f"version {SCHEMA_VERSION + 1}.*knows {SCHEMA_VERSION}"):
        open_state(postgres_database)


def _plant(url: str, version: int, *statements: str) -> None:
    """A database as a bot of schema ``version`` left it, with ``statements`` run after."""
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                           "applied_at TEXT NOT NULL)")
        planted = QmarkConnection(connection)
        for number in range(1, version + 1):
            for step in steps_for(POSTGRES)[number]:
                planted.execute(step) if isinstance(step, str) else step(planted)
            connection.execute("INSERT INTO schema_version VALUES (%s, 'old')", (number,))
        for statement in statements:
            connection.execute(statement)


def test_a_version_4_database_gains_the_later_steps_and_keeps_its_rows(
    postgres_database: str,
) -> None:
    _plant(postgres_database, 4, "INSERT INTO conversation_refs VALUES ('aad-uwe', 'ref', 'now')")
    state = open_state(postgres_database)
    try:
        assert state.reference_of("aad-uwe") == "ref"
        routed = state.add_routed("Frage", "aad-bs", None, None, "Steueramt", "tkoch")
        assert state.routed(routed) is not None
        assert state.count_message("aad-bs", 100) == 1
    finally:
        state.close()
    assert _versions(postgres_database) == list(range(1, SCHEMA_VERSION + 1))


def test_step_2_cuts_reasons_to_their_category_on_postgres_too(postgres_database: str) -> None:
    _plant(postgres_database, 1, *(
        'INSERT INTO absences (person_id, start, "end", reason, created_by, created_at) '
        f"VALUES ('p{number}', '2026-12-01', '2026-12-20', '{reason}', 'x', '2026-11-30')"
        for number, reason in enumerate(["Krankheit", "Sonderurlaub", "Dienstreise"])))
    state = open_state(postgres_database)
    try:
        assert [a.reason for a in sorted(state.absences(), key=lambda a: a.person)] == [
            "abwesend", "Urlaub", "Dienstreise"]
        assert state.add_absence("q", date(2026, 12, 3), date(2026, 12, 4), None, "q") == 4
    finally:
        state.close()


def test_towns_in_one_database_do_not_see_each_other(postgres_database: str) -> None:
    lemgo, detmold = open_state(postgres_database, "lemgo"), open_state(postgres_database,
                                                                         "detmold")
    try:
        lemgo.record_unanswered("Lemgo fragt?", "aad-1")
        lemgo.add_absence("bschneider", date(2026, 8, 3), date(2026, 8, 4), None, "x")
        detmold.record_unanswered("Detmold fragt?", "aad-1")
        assert lemgo.unanswered() == [("Lemgo fragt?", 1)]
        assert detmold.unanswered() == [("Detmold fragt?", 1)]
        assert detmold.absences() == [] and len(lemgo.absences()) == 1
        assert detmold.export_person(["aad-1"])["unanswered"][0]["question"] == "Detmold fragt?"
    finally:
        lemgo.close()
        detmold.close()


@pytest.mark.parametrize("name", ["Lemgo", "a-b", "1stadt", "x;drop", "", "pg_catalog",
                                  "a" * 49, 'x"y'])
def test_a_namespace_must_be_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        check_namespace(name)


def test_a_sqlite_namespace_is_its_own_file(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    settings = Settings(state_db=folder / "state.sqlite", _env_file=None)
    town = open_state(settings, "lemgo")
    assert isinstance(town, State) and town.path == folder / "state.lemgo.sqlite"
    town.record_unanswered("nur Lemgo?", "u")
    assert open_state(settings).unanswered() == []


def test_the_setting_chooses_the_backend(postgres_database: str, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    assert isinstance(open_state(Settings(state_db=folder / "s.sqlite", _env_file=None)), State)
    state = open_state(Settings(state_db=folder / "t.sqlite", state_url=postgres_database,
                                _env_file=None))
    try:
        assert isinstance(state, PostgresState) and state.shared_by_replicas
        assert not (folder / "t.sqlite").exists()
    finally:
        state.close()


def test_the_url_setting_is_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WISSENSLOTSE_STATE_URL", "mysql://bot@db/wl")
    with pytest.raises(ValidationError, match="state_url"):
        Settings(_env_file=None)
    monkeypatch.setenv("WISSENSLOTSE_STATE_URL", "postgresql://bot@db:5432/wl")
    assert Settings(_env_file=None).state_url == "postgresql://bot@db:5432/wl"


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    url = f"postgresql://bot:geheim@127.0.0.1:{free_port()}/wl"
    with pytest.raises(StateError) as raised:
        PostgresState(url, connect_timeout=1.0)
    assert "WISSENSLOTSE_STATE_URL" in str(raised.value) and "geheim" not in str(raised.value)


def test_placeholders_in_the_values_are_data(postgres_database: str) -> None:
    state = open_state(postgres_database)
    try:
        state.record_unanswered("100 % Zuschuss? Wer zahlt %s und ?", "aad-1")
        assert state.unanswered() == [("100 % Zuschuss? Wer zahlt %s und ?", 1)]
    finally:
        state.close()


def test_connections_dropped_by_the_server_are_replaced(postgres_database: str) -> None:
    """After a database restart or failover the pool's connections are dead: the next calls
    must get fresh ones instead of failing a user's turn."""
    state = open_state(postgres_database)
    try:
        state.record_unanswered("vorher?", "aad-1")
        with psycopg.connect(postgres_database, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                          "datname = current_database() AND pid <> pg_backend_pid()")
        assert state.unanswered() == [("vorher?", 1)]
        state.record_unanswered("nachher?", "aad-1")
        assert len(state.unanswered()) == 2
    finally:
        state.close()
