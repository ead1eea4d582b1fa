"""``python -m bot datenschutz``: what the bot stores about a person, and deleting it.

Examples:
  python -m bot datenschutz export --person bschneider                 # JSON to stdout
  python -m bot datenschutz export --person bschneider --out auskunft.json
  python -m bot datenschutz loeschen --person 3f2a9c41-7d0e-4b8a-9c55-1e6d2f0a7b13

``--person`` takes a person id of personen.csv, an e-mail address or a Teams (AAD) id; when
the directory knows the person, all of that person's identifiers are searched. Web chat
sessions ("web:...") are anonymous and can only be named directly.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot datenschutz", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True)
    for name, help_text in (("export", "Auskunft (Art. 15 DSGVO): alles zu einer Person als JSON"),
                            ("loeschen", "Löschung (Art. 17 DSGVO): alles zu einer Person")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--person", required=True,
                            help="Personen-ID, E-Mail oder Teams-/AAD-ID")
        action.add_argument("--state", help="SQLite file or postgresql:// URL (default: "
                            "WISSENSLOTSE_STATE_URL, else WISSENSLOTSE_STATE_DB)")
        action.add_argument("--directory", type=Path,
                            help="folder of personen.csv (default: <kb>/_verzeichnis)")
        if name == "export":
            action.add_argument("--out", type=Path, help="write the JSON here, not to stdout")
    return parser


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Fehler: ungültige Einstellung: {error}", file=sys.stderr)
        return 2
    from bot.state import open_state, state_exists

    source = args.state or settings
    if not state_exists(source):
        print(f"Fehler: keine Zustandsdatenbank unter {args.state or settings.state_db} "
              "(--state angeben)", file=sys.stderr)
        return 2
    from bot.directory import StateError

    try:
        state = open_state(source)
    except StateError as error:
        print(f"Fehler: Zustandsdatenbank nicht nutzbar: {error}", file=sys.stderr)
        return 2
    try:
        keys = identifiers(args.person, args.directory or settings.directory_path)
        if args.action == "export":
            return _export(state, keys, args.person, settings.retention_days, args.out)
        counts = state.erase_person(keys)
    finally:
        state.close()
    print(f"Gelöscht für {args.person} (Kennungen: {', '.join(keys)}):")
    for table, count in counts.items():
        print(f"  {_LABELS.get(table, table)}: {count}")
    return 0


_LABELS = {
    "feedback": "Bewertungen (👍/👎)",
    "answers": "beantwortete Fragen",
    "unanswered": "unbeantwortete Fragen",
    "absences": "Abwesenheiten aus dem Chat",
    "conversation_refs": "gespeicherte Chat-Adressen",
    "person_users": "Zuordnungen Person – Chat-Kennung",
    "interviews_kept": "Übergabe-Interviews (behalten: Arbeitsunterlagen, ggf. von Hand löschen)",
    "drafts_kept": "Entwürfe (behalten: Arbeitsunterlagen, ggf. von Hand löschen)",
    "absences_anonymised": "Abwesenheiten anderer, Verweis entfernt",
    "routed_questions": "weitergeleitete Fragen",
    "briefings_sent": "Vertretungsmappen (Zustellvermerke; Notizen gehen mit ihrer Abwesenheit)",
    "routed_returns": "weitergeleitete Fragen, die nach der Abwesenheit zurückkommen",
    "web_inbox": "noch nicht abgeholte Nachrichten im Web-Chat",
}


def identifiers(person: str, directory_folder: Path) -> list[str]:
    """The given identifier and, when the directory knows the person, all of theirs."""
    keys = [person.strip()]
    if (directory_folder / "personen.csv").is_file():
        from bot.directory import Directory

        found = Directory.load(directory_folder).find_person(person)
        if found is not None:
            keys += [found.id, found.email, found.teams_id]
    variants = [variant for key in keys if key for variant in (key, key.casefold())]
    return list(dict.fromkeys(variants))


def _export(state: Any, keys: list[str], person: str, retention_days: int,
            out: Path | None) -> int:
    report = {
        "person": person,
        "kennungen": keys,
        "erstellt": datetime.now(UTC).isoformat(timespec="seconds"),
        "aufbewahrung_tage": retention_days,
        **state.export_person(keys),
    }
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return 0
    out.write_text(text, encoding="utf-8")
    rows = sum(len(value) for value in report.values() if isinstance(value, list)) - len(keys)
    print(f"Auskunft für {person} geschrieben nach {out} ({rows} Einträge).", file=sys.stderr)
    return 0
