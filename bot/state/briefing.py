"""The state of the stand-in's briefing (issue 12, "Vertretungsmappe").

- ``absence_notes``: the handover note of a chat absence (``abwesend ... Notiz: ...``). It
  lives and dies with its absence (``ON DELETE CASCADE``): the retention purge, ``zurück``
  and ``datenschutz loeschen`` that remove the absence remove the note.
- ``briefings_sent``: one row per stand-in and absence once its briefing was claimed: the
  briefing goes out once, across restarts and replicas. ``status`` is ``claimed`` (being
  sent), ``sent``, or ``pending`` (the stand-in has no chat with the bot yet: shown in the
  gap report, sent when they next write). A ``claimed`` row older than ``CLAIM_STALE`` is a
  process that died while sending: it is sent again.
- ``routed_returns``: a routed question moved away from an absent holder goes back to them
  after the absence (``bot.capture.briefing_returns``).

A mixin of ``bot.state.records.SqlState`` like ``RoutingStore``: the SQL is the common subset
of SQLite and PostgreSQL (``bot.state.dialect``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.state.dialect import Connection

SCHEMA_8 = [
    """CREATE TABLE IF NOT EXISTS absence_notes (
        absence_id BIGINT PRIMARY KEY REFERENCES absences(id) ON DELETE CASCADE,
        note TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS briefings_sent (
        person_id TEXT NOT NULL, absence_key TEXT NOT NULL, absence_end TEXT NOT NULL,
        status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (person_id, absence_key))""",
    "CREATE INDEX IF NOT EXISTS briefings_status ON briefings_sent(status)",
    "CREATE INDEX IF NOT EXISTS briefings_end ON briefings_sent(absence_end)",
    """CREATE TABLE IF NOT EXISTS routed_returns (
        routed_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, created_at TEXT NOT NULL)""",
]

CLAIMED, SENT, PENDING = "claimed", "sent", "pending"
CLAIM_STALE = timedelta(minutes=10)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class BriefingRow:
    person_id: str  # the stand-in
    absence_key: str  # "<absent person>:<start>:<end>" (``absence_key``)
    status: str
    updated_at: str


def absence_key(person_id: str, start: date, end: date) -> str:
    """The same absence from CSV, ICS or chat gives the same key (and one briefing)."""
    return f"{person_id}:{start.isoformat()}:{end.isoformat()}"


class BriefingStore:
    """Absence notes, briefings sent and routed questions to return (see module doc)."""

    def _connect(self) -> AbstractContextManager[Connection]:  # from State
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:  # from State
        raise NotImplementedError

    # --- notes -----------------------------------------------------------------------------

    def set_absence_note(self, absence_id: int, note: str) -> None:
        with self._write() as db:
            db.execute("INSERT INTO absence_notes (absence_id, note) VALUES (?, ?) "
                       "ON CONFLICT (absence_id) "
                       "DO UPDATE SET note = excluded.note", (absence_id, note))

    def absence_notes(self) -> dict[int, str]:
        with self._connect() as db:
            rows = db.execute("SELECT absence_id, note FROM absence_notes").fetchall()
        return {int(absence_id): str(note) for absence_id, note in rows}

    # --- briefings -------------------------------------------------------------------------

    def claim_briefing(self, person_id: str, key: str) -> bool:
        """True when this caller may send the briefing now: no row yet, a ``pending`` one
        (the person became reachable) or a stale claim."""
        stale = (datetime.now(UTC) - CLAIM_STALE).isoformat(timespec="seconds")
        with self._write() as db:
            row = db.execute("SELECT status, updated_at FROM briefings_sent WHERE person_id = ? "
                             "AND absence_key = ?", (person_id, key)).fetchone()
            if row is not None and (row[0] == SENT or (row[0] == CLAIMED and row[1] > stale)):
                return False
            db.execute("INSERT INTO briefings_sent (person_id, absence_key, absence_end, status, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                       "(person_id, absence_key) DO UPDATE SET status = excluded.status, "
                       "updated_at = excluded.updated_at",
                       (person_id, key, key.rsplit(":", 1)[-1], CLAIMED, _now(), _now()))
        return True

    def finish_briefing(self, person_id: str, key: str, delivered: bool) -> None:
        with self._write() as db:
            db.execute("UPDATE briefings_sent SET status = ?, updated_at = ? WHERE person_id = ? "
                       "AND absence_key = ?", (SENT if delivered else PENDING, _now(),
                                               person_id, key))

    def briefings(self, status: str | None = None) -> list[BriefingRow]:
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        with self._connect() as db:
            rows = db.execute("SELECT person_id, absence_key, status, updated_at FROM "
                              f"briefings_sent {where} ORDER BY created_at", args).fetchall()
        return [BriefingRow(*row) for row in rows]

    # --- routed questions that come back ---------------------------------------------------

    def remember_return(self, routed_id: str, person_id: str) -> None:
        """The first absent holder is the one it returns to (a second move keeps it)."""
        with self._write() as db:
            db.execute("INSERT INTO routed_returns (routed_id, person_id, created_at) "
                       "VALUES (?, ?, ?) ON CONFLICT (routed_id) "
                       "DO NOTHING", (routed_id, person_id, _now()))

    def routed_returns(self) -> list[tuple[str, str]]:
        with self._connect() as db:
            rows = db.execute("SELECT routed_id, person_id FROM routed_returns "
                              "ORDER BY created_at").fetchall()
        return [(str(a), str(b)) for a, b in rows]

    def forget_return(self, routed_id: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM routed_returns WHERE routed_id = ?", (routed_id,))
