"""Time from "Freigeben" to the first answer citing the released handover document, on the
whole sample knowledge base with e5, through the real assistant, state database and
incremental build (``python -m indexer build`` as the bot's low-priority subprocess).

Copies knowledge_base/ to a temporary folder, builds the index once (a few minutes), then for
each task below: the responsible person gives the interview, the head of department (or an
admin) releases the draft, the bot reindexes, and a colleague asks. Prints one line per task
and the figures as JSON. Writes nothing into the repository (goal: under 30 s each).

    nice python bench/handover_release.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.assistant.assistant import build_assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.turns import Reply, Turn, UserRef  # noqa: E402
from indexer.build.pipeline import build_index  # noqa: E402

# (task, interviewed person, releasing person, question, the steps she writes down)
CASES = [
    ("bewohnerparkausweis", "twolf", "abecker", "Wie stelle ich einen Bewohnerparkausweis aus?",
     "1. Antrag und Fahrzeugschein prüfen.\n2. Gebühr kassieren.\n3. Ausweis drucken."),
    ("plakatierung", "dlange", "rzimmermann", "Wie genehmige ich Wahlplakate?",
     "1. Antrag auf Plakatierung prüfen: Anzahl, Standorte, Zeitraum.\n2. Genehmigung mit "
     "Auflagen erteilen (Abstand zu Kreuzungen).\n3. Abbau nach der Wahl kontrollieren."),
    ("namensrecht", "gvogel", "fbeck", "Wie läuft eine Namenserklärung im Standesamt ab?",
     "1. Erklärung aufnehmen und Unterschrift beglaubigen.\n2. Namensführung im "
     "Personenstandsregister fortschreiben.\n3. Bescheinigung über die Namensführung "
     "ausstellen."),
]


class Outbox:
    def __init__(self) -> None:
        self.events: list[tuple[float, str, Reply]] = []

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        self.events += [(time.monotonic(), conversation_id, r) for r in replies]

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
        self.events += [(time.monotonic(), user_key, r) for r in replies]
        return True


def user(pid: str) -> UserRef:
    return UserRef(key=f"web:{pid}", person_id=pid)


async def turn(assistant: Any, pid: str, text: str = "", value: Any = None) -> list[Reply]:
    return await assistant.handle(Turn(text, user(pid), f"web:{pid}", value))  # type: ignore[no-any-return]


def button(reply: Reply, part: str) -> dict[str, Any]:
    card = reply.card or {}
    actions = list(card.get("actions", []))
    for item in card.get("body", []):
        actions += item.get("actions", []) if item.get("type") == "ActionSet" else []
    return next(dict(a["data"]) for a in actions if part in a["title"])


async def one_case(assistant: Any, outbox: Outbox, case: tuple[str, ...]) -> dict[str, Any]:
    task, person, head, question, steps = case
    await turn(assistant, head, "status")
    reply = (await turn(assistant, person, f"übergabe {task}"))[-1]
    reply = (await turn(assistant, person, value={**button(reply, "Weiter"),
                                                  "antwort": f"Die Aufgabe {task}."}))[-1]
    reply = (await turn(assistant, person, value={**button(reply, "Weiter"), "step": "skip"}))[-1]
    reply = (await turn(assistant, person, value={**button(reply, "Weiter"),
                                                  "antwort": steps}))[-1]
    while "Entwurf erstellen" not in json.dumps(reply.card):
        reply = (await turn(assistant, person, value={**button(reply, "Weiter"),
                                                      "step": "skip"}))[-1]
    created = (await turn(assistant, person, value=button(reply, "Entwurf erstellen")))[-1]
    review = next(r for _, key, r in outbox.events if r.data.get("draft") ==
                  created.data["draft"] and r.data.get("kind") == "draft_review")
    pressed = time.monotonic()
    await turn(assistant, head, value=button(review, "Freigeben"))
    while not any(r.data.get("kind", "").startswith("release_index") and t > pressed
                  for t, _, r in outbox.events):
        await asyncio.sleep(0.1)
    indexed = time.monotonic() - pressed
    answer = (await turn(assistant, "ekaya", question))[-1]
    seconds = time.monotonic() - pressed
    sources = [s["path"] for s in answer.data.get("answer", {}).get("sources", [])]
    cited = any(f"uebergabe_{task}.md" in s for s in sources)
    return {"task": task, "indexed_seconds": round(indexed, 1),
            "answer_seconds": round(seconds, 1), "cited": cited, "sources": sources[:3]}


async def run(settings: Settings) -> list[dict[str, Any]]:
    assistant = build_assistant(settings)
    outbox = Outbox()
    assistant.set_notifier(outbox)
    results = []
    for case in CASES:
        result = await one_case(assistant, outbox, case)
        print(f"{result['task']}: indexed after {result['indexed_seconds']} s, answer citing "
              f"it: {result['cited']} after {result['answer_seconds']} s", flush=True)
        results.append(result)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "knowledge_base", root / "kb")
        settings = Settings(_env_file=None, kb_dir=root / "kb", index_dir=root / "index",
                            release_dir=root / "freigegeben", state_db=root / "state.sqlite",
                            model="e5")
        started = time.monotonic()
        build_index(settings)
        print(f"full build: {time.monotonic() - started:.0f} s", flush=True)
        results = asyncio.run(run(settings))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
