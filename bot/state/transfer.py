"""``python -m bot zustand kopieren``: copy a whole state to another backend, e.g. a town's
SQLite file into the provider's PostgreSQL (a schema per town) when it joins a shared service.

Examples:
  python -m bot zustand kopieren --von var/state.sqlite --nach postgresql://bot@db/wl
  python -m bot zustand kopieren --von var/state.sqlite --nach postgresql://bot@db/wl \\
      --namespace lemgo

Both sides are opened by this code, so both are migrated to the same schema version first.
The copy runs in one write transaction of the target and refuses a target that holds any
records (nothing is merged or overwritten). Stop the bot while copying: what it writes to the
source meanwhile would not be copied. The per-minute message counters are not copied (they
live two minutes). Row ids are kept (absences are referred to by id).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.directory import StateError
from bot.state.factory import open_state, state_exists
from bot.state.records import SqlState

SKIPPED = frozenset({"schema_version", "message_counts"})
# tables other tables' foreign keys point to, copied first (tests/bot/state/test_transfer.py
# checks this against the schema's foreign keys)
PARENTS_FIRST = ("absences", "answers", "interviews")


def copy_state(source: SqlState, target: SqlState) -> dict[str, int]:
    """Copy every record of ``source`` into the empty ``target``; rows per table."""
    tables = _ordered([name for name in source.table_names() if name not in SKIPPED])
    missing = sorted(set(tables) - set(target.table_names()))
    if missing:
        raise StateError(f"the target has no table {', '.join(missing)}")
    copied: dict[str, int] = {}
    with target._write() as out:
        filled = [t for t in tables if out.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
        if filled:
            raise StateError(f"the target already holds records ({', '.join(filled)}): "
                             "copy only into an empty state")
        for table in tables:
            names, rows = _read(source, table)
            if rows:
                marks = ", ".join("?" * len(names))
                statement = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
                for row in rows:
                    out.execute(statement, tuple(row))
            copied[table] = len(rows)
        target._after_copy(out, tables)
    return copied


def _read(state: SqlState, table: str) -> tuple[list[str], list[Any]]:
    with state._connect() as connection:
        cursor = connection.execute(f"SELECT * FROM {table}")
        names = [_quoted(column[0]) for column in cursor.description]
        return names, list(cursor.fetchall())


def _quoted(column: str) -> str:
    return f'"{column}"' if column == "end" else column


def _ordered(tables: list[str]) -> list[str]:
    return [t for t in PARENTS_FIRST if t in tables] + sorted(
        t for t in tables if t not in PARENTS_FIRST)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot zustand", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", required=True)
    copy = actions.add_parser("kopieren", help="copy a whole state into an empty one")
    copy.add_argument("--von", required=True, help="source: SQLite file or postgresql:// URL")
    copy.add_argument("--nach", required=True, help="target: SQLite file or postgresql:// URL")
    copy.add_argument("--namespace", help="the town's namespace in the target (PostgreSQL "
                      "schema or SQLite file beside the target)")
    args = parser.parse_args(argv)
    if not state_exists(args.von):
        print(f"Fehler: keine Zustandsdatenbank unter {args.von}", file=sys.stderr)
        return 2
    try:
        source = open_state(args.von)
        try:
            target = open_state(args.nach, args.namespace)
            try:
                copied = copy_state(source, target)
            finally:
                target.close()
        finally:
            source.close()
    except (StateError, ValueError) as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return 2
    print("Kopiert: " + ", ".join(f"{table} {count}" for table, count in copied.items()))
    return 0
