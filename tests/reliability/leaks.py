"""Row "leaks": marker words planted in a restricted document (title, keywords, body, task
id), then searched in every output the bot gives each identity that must not see it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MARKERS = ("Zwergfalke", "Kobaltfink", "Moorlilie", "Zinnoberkasse")
_MARKER = re.compile("|".join(MARKERS), re.IGNORECASE)
MEMBER = ("cmueller", "1e9c7a5f-0b3d-4c28-96e4-a8f2d7b1c053")  # group personalamt
OUTSIDER = ("kroth", "3f2a9c41-7d0e-4b8a-9c55-1e6d2f0a7b13")  # hauptamt, leitung
ADMIN = ("fbeck", "4a7e1c3b-9f2d-4b86-a05c-6d8e3f1b2c97")
QUESTIONS = [
    "Wie läuft der Zwergfalke-Vorgang?", "Kobaltfink", "Was ist die Moorlilie-Regel?",
    "Wer ist zuständig für die Zinnoberkasse?", "Personalakte Sonderfall", "status", "hilfe",
    "Was ist mit Zwergfalke?",  # asked through /api/messages; "Frage weiterleiten" echoes it
]


def plant(kb: Path) -> Path:
    """A restricted handover document of the Personalamt whose every field carries a marker;
    its task exists only in its front matter (finding 3's case)."""
    path = kb / "personalamt" / "zwergfalke_sonderfall.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "---\n"
        "titel: Zwergfalke Personalakte Sonderfall\n"
        "aufgaben: [kobaltfink]\n"
        "zustaendig: cmueller\n"
        "stichwoerter: [Zwergfalke, Kobaltfink, Moorlilie, Personalakte Sonderfall]\n"
        "zugriff: [personalamt]\n"
        "abteilung: Personalamt\n"
        "dokumenttyp: verfahren\n"
        "zuletzt_geprueft: 2026-06-08\n"
        "---\n\n# Zwergfalke Personalakte Sonderfall\n\n## Ablauf\n\n"
        "1. Die Moorlilie-Regel prüfen und die Zinnoberkasse anweisen.\n"
        "2. Den Zwergfalke-Vermerk in die Personalakte legen.\n", encoding="utf-8")
    return path


def found(output: Any) -> list[str]:
    """Marker words in any output (text, JSON of cards and replies, log lines); the asker's
    own questions, echoed back, do not count (they carry markers by design)."""
    if isinstance(output, list):
        return sorted({marker for item in output for marker in found(item)})
    if isinstance(output, str):
        try:  # a JSON body escapes "ä" as \u00e4: compare the decoded text
            output = json.loads(output)
        except ValueError:
            pass
    text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
    for question in QUESTIONS:
        text = text.replace(question, " ")
    return sorted({match.group(0).casefold() for match in _MARKER.finditer(text)})
