"""Recognise the bot's commands in a chat message (German, case-insensitive, "/" optional).

A message that is not a command is a question. Only a message starting with "/" can be an
unknown command: "Hundesteuer" alone is a (short) question, "/hundesteuer" is not a command.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from bot import texts
from bot.cards import message_card
from bot.turns import Reply, Turn


class CommandKind(Enum):
    HELP = "hilfe"
    STATUS = "status"
    ABSENT = "abwesend"
    BACK = "zurück"
    GAPS = "lücken"
    REINDEX = "neu indexieren"
    UNKNOWN = "unknown"


ADMIN_ONLY = frozenset({CommandKind.GAPS, CommandKind.REINDEX})

# Spellings per command, after folding (lower case, umlauts kept, ß kept).
_NAMES: dict[str, CommandKind] = {
    "hilfe": CommandKind.HELP,
    "help": CommandKind.HELP,
    "?": CommandKind.HELP,
    "befehle": CommandKind.HELP,
    "status": CommandKind.STATUS,
    "abwesend": CommandKind.ABSENT,
    "abwesenheit": CommandKind.ABSENT,
    "zurück": CommandKind.BACK,
    "zurueck": CommandKind.BACK,
    "wieder da": CommandKind.BACK,
    "lücken": CommandKind.GAPS,
    "luecken": CommandKind.GAPS,
    "wissenslücken": CommandKind.GAPS,
    "neu indexieren": CommandKind.REINDEX,
    "neuindexieren": CommandKind.REINDEX,
    "reindex": CommandKind.REINDEX,
    "indexieren": CommandKind.REINDEX,
}
# Commands that take arguments; the others must stand alone (so "status der Akte?" is a question).
_WITH_ARGS = frozenset({CommandKind.ABSENT})

_ABSENCE_SENTENCE = re.compile(
    r"^\s*(ich\s+bin|ich\s+werde|bin)\b.*\b(urlaub|abwesend|krank|nicht\s+da|nicht\s+im\s+dienst|"
    r"dienstreise|fortbildung|elternzeit|kur|weg|frei)\b",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    args: str = ""  # the rest of the message (original case), for "abwesend ..."
    name: str = ""  # the word the user typed, for "unknown command" replies

    @property
    def admin_only(self) -> bool:
        return self.kind in ADMIN_ONLY


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


def parse_command(text: str) -> Command | None:
    """The command in ``text``, or None when the message is a question."""
    stripped = unicodedata.normalize("NFC", text).strip()
    slash = stripped.startswith("/")
    body = stripped.lstrip("/").strip()
    folded = _fold(body).rstrip(".!")
    for name in sorted(_NAMES, key=len, reverse=True):
        kind = _NAMES[name]
        if folded == name:
            return Command(kind, "", name)
        if kind in _WITH_ARGS and folded.startswith(name + " "):
            return Command(kind, body[len(name) :].strip(), name)
    if slash:
        word = body.split(maxsplit=1)[0] if body else ""
        return Command(CommandKind.UNKNOWN, body[len(word) :].strip(), word)
    return None


def looks_like_absence(text: str) -> bool:
    """A first-person sentence about being away ("Ich bin vom 3. bis 14. August im Urlaub")."""
    return bool(_ABSENCE_SENTENCE.search(text)) and bool(re.search(r"\d", text))


# -- running the commands (the assistant passes itself; no botbuilder, no globals) --------


def run_command(assistant: Any, command: Command, turn: Turn, admin: bool) -> list[Reply]:
    """Help, status, zurück, lücken and unknown commands (reindex/absence live elsewhere)."""
    if command.kind is CommandKind.HELP:
        lines = [texts.HELP_TEXT] + ([texts.HELP_ADMIN_TEXT] if admin else [])
        return [_message(texts.HELP_TITLE, lines, "help")]
    if command.kind is CommandKind.STATUS:
        return [_message(texts.STATUS_TITLE, status_lines(assistant, turn, admin), "status")]
    if command.kind is CommandKind.BACK:
        return [back(assistant, turn)]
    if command.kind is CommandKind.GAPS:
        return [_message(texts.GAPS_TITLE, gap_lines(assistant), "gaps")]
    return [Reply(texts.unknown_command(command.name, admin), data={"kind": "unknown_command"})]


def _message(title: str, lines: list[str], kind: str) -> Reply:
    return Reply("\n".join([title, *lines]), message_card(title, lines), {"kind": kind})


def status_lines(assistant: Any, turn: Turn, admin: bool) -> list[str]:
    health = assistant.health()
    if health.get("index_version"):
        lines = [texts.STATUS_INDEX.format(
            documents=health.get("documents") if health.get("documents") is not None else "?",
            version=health["index_version"],
            model=health.get("model", "?"),
        )]  # fmt: skip
    else:
        lines = [texts.STATUS_NO_INDEX]
    person = assistant.person_of(turn.user)
    if person is None:
        lines.append(texts.STATUS_YOU_UNKNOWN)
    else:
        suffix = texts.STATUS_YOU_ADMIN if admin else ""
        lines.append(texts.STATUS_YOU.format(name=getattr(person, "name", "?"), admin=suffix))
        lines += _own_absences(assistant, person)
    if health.get("reindex_running"):
        lines.append(texts.STATUS_REINDEX_RUNNING)
    return lines


def _own_absences(assistant: Any, person: Any) -> list[str]:
    today = assistant.today()
    lines = []
    for absence in assistant.state.absences():
        who = getattr(absence, "person_id", None) or getattr(absence, "person", None)
        end = getattr(absence, "end", None)
        if who == getattr(person, "id", None) and isinstance(end, date) and end >= today:
            start = absence.start
            lines.append(texts.STATUS_ABSENT.format(
                start=texts.format_date(start), end=texts.format_date(end)
            ))  # fmt: skip
    return lines


def back(assistant: Any, turn: Turn) -> Reply:
    person = assistant.person_of(turn.user)
    if person is None:
        return Reply(texts.ABSENCE_UNKNOWN_PERSON, data={"kind": "absence"})
    ended = assistant.state.end_absence(person.id, assistant.today())
    assistant.reload_directory()
    text = texts.BACK_DONE if ended else texts.BACK_NONE
    return Reply(text, data={"kind": "back", "ended": ended})


def gap_lines(assistant: Any) -> list[str]:
    unanswered = assistant.state.unanswered(20)
    lines = [texts.GAPS_UNANSWERED if unanswered else texts.GAPS_NO_UNANSWERED]
    lines += [f"{count} × {question}" for question, count in unanswered]
    counts = assistant.state.feedback_counts()
    lines.append(texts.GAPS_FEEDBACK.format(up=counts.get("up", 0), down=counts.get("down", 0)))
    return lines


def absence(assistant: Any, turn: Turn, text: str, free_text: bool) -> list[Reply]:
    """Store an absence from "abwesend ..." or a sentence; only admins may set someone else's.

    For a free-text sentence that turns out not to be an absence request, returns [] so the
    message is answered as a question instead.
    """
    person = assistant.person_of(turn.user)
    request = _parse_absence(assistant, text)
    if request is None:
        return [] if free_text else [Reply(texts.ABSENCE_NOT_UNDERSTOOD, data={"kind": "absence"})]
    if person is None:
        return [Reply(texts.ABSENCE_UNKNOWN_PERSON, data={"kind": "absence"})]
    target = getattr(request, "person_id", None) or person.id
    if target != person.id and not assistant.is_admin(turn.user, person):
        return [Reply(texts.ABSENCE_NOT_OWN, data={"kind": "absence", "stored": False})]
    stand_in = getattr(request, "stand_in", None)
    assistant.state.add_absence(target, request.start, request.end, stand_in, person.id)
    assistant.reload_directory()
    text = _absence_saved(assistant, target, request)
    return [Reply(text, data={"kind": "absence", "stored": True})]


def _parse_absence(assistant: Any, text: str) -> Any | None:
    from bot.absences import parse_absence_request

    try:
        return parse_absence_request(text, assistant.today(), assistant.directory)
    except ValueError:
        return None


def _absence_saved(assistant: Any, person_id: str, request: Any) -> str:
    directory = assistant.directory
    target = directory.person(person_id) if directory is not None else None
    stand_in = getattr(request, "stand_in", None)
    stand_in_person = directory.person(stand_in) if stand_in and directory is not None else None
    stand_in_text = ""
    if stand_in:
        name = getattr(stand_in_person, "name", stand_in)
        stand_in_text = texts.ABSENCE_STAND_IN.format(name=name)
    return texts.ABSENCE_SAVED.format(
        name=getattr(target, "name", person_id),
        start=texts.format_date(request.start),
        end=texts.format_date(request.end),
        stand_in=stand_in_text,
    )
