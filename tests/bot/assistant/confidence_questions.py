"""Questions for calibrating ``min_confidence``: in-domain from the sample knowledge base's
``fragen.jsonl``, out-of-domain written by us (things staff might type that no town-hall
document answers)."""

from __future__ import annotations

import json
from pathlib import Path

OUT_OF_DOMAIN: tuple[str, ...] = (
    "Wie backe ich Brot?",
    "Wer hat die Fußball-WM 2014 gewonnen?",
    "Wie wird das Wetter morgen?",
    "Was ist die Hauptstadt von Australien?",
    "Wie repariere ich einen platten Fahrradreifen?",
    "Welche Aktien sollte ich jetzt kaufen?",
    "Wie koche ich Spaghetti Carbonara?",
    "Wer hat die Relativitätstheorie entwickelt?",
    "Wie lange fährt der Zug von Stuttgart nach Paris?",
    "Was kostet ein neues iPhone?",
    "Wie pflanze ich Tomaten auf dem Balkon?",
    "Wann ist der nächste Vollmond?",
    "Wie funktioniert ein Verbrennungsmotor?",
    "Welcher Film hat 2020 den Oscar gewonnen?",
    "Wie trainiere ich für einen Marathon?",
    "Wie viele Einwohner hat China?",
    "Was ist ein schwarzes Loch?",
    "Wie stricke ich einen Schal?",
    "Welche Band hat das Lied Yesterday geschrieben?",
    "Wie entkalke ich die Kaffeemaschine?",
    "Wer war der erste Mensch auf dem Mond?",
    "Wie lerne ich am schnellsten Schach?",
)


def in_domain(kb_dir: Path) -> list[str]:
    """The questions of ``fragen.jsonl`` (empty when the file is absent)."""
    path = kb_dir / "fragen.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]
