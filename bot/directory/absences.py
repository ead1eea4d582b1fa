"""Absences from chat: "Ich bin vom 3. bis 14. August im Urlaub, meine Vertretung ist Tobias
Koch", the command ``abwesend 03.08.-14.08. [vertretung <Name>] [für <Person>]`` and ``zurück``.

``parse_absence_request`` only reads the text (None when the text is no absence statement,
``DateError`` when it is one with a broken date). ``carry_out`` resolves the names, checks the
rule "a person sets only their own absence, admins anyone's" (``check_may_set``), writes to
``bot.state.sqlite`` and returns the German confirmation. Errors are typed
(``bot.directory.errors``); ``bot.texts.directory.error_message`` words them for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from bot.directory.dates import find_range
from bot.directory.errors import (
    AbsenceInPast,
    DateError,
    NoteError,
    NotOwnAbsence,
    StandInIsSelf,
    UnknownPerson,
    UnknownSelf,
)
from bot.directory.model import Absence, Person, absence_category
from bot.texts import directory as texts

if TYPE_CHECKING:
    from bot.directory.directory import Directory
    from bot.state.store import AbsenceStore

ABSENT = "absent"
BACK = "back"

_COMMAND = re.compile(r"^\s*/?abwesend\b\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_BACK = re.compile(
    r"^\s*/?(?:(?:ich\s+bin\s+)?(?:wieder\s+)?(?:zurück|zurueck)|(?:ich\s+bin\s+)?wieder\s+da)"
    r"\b\s*(?P<rest>.*?)[.!\s]*$",
    re.IGNORECASE | re.DOTALL,
)
# "abwesend 03.08.-14.08. Notiz: Akte Meyer liegt im Fach": everything after it is the note
_NOTE = re.compile(r"(?:^|\s)(?:notiz|hinweis)\s*:\s*(?P<note>.*)$", re.IGNORECASE | re.DOTALL)
_FOR = re.compile(r"\b(?:für|fuer)\s+(?P<name>.+?)\s*(?=\bvertretung\b|$)", re.I | re.DOTALL)
_STAND_IN_CMD = re.compile(r"\bvertretung\s*:?\s+(?P<name>.+?)\s*(?=\b(?:für|fuer)\b|$)",
                           re.IGNORECASE | re.DOTALL)
_FIRST_PERSON = re.compile(r"\b(?:ich\s+bin|bin\s+ich)\b", re.IGNORECASE)
# Words that make a first-person sentence an absence statement. Only the category of
# ``absence_category`` is stored: "krank" and "Reha" are kept as plain "abwesend".
_AWAY_WORDS = (
    "urlaub", "krank", "krankgeschrieben", "fortbildung", "schulung", "seminar", "dienstreise",
    "elternzeit", "mutterschutz", "kur", "reha", "abwesend", "nicht da", "nicht im haus",
    "nicht im büro", "nicht erreichbar", "außer haus", "ausser haus", "verreist", "frei", "weg",
    "unterwegs",
)
# "Sonderurlaub", "Resturlaub", "Bildungsurlaub" are Urlaub too
_AWAY = re.compile(
    r"\b(\w*urlaub|" + "|".join(re.escape(w) for w in _AWAY_WORDS) + r")\b", re.I
)
_NAME = r"(?:(?i:frau|herr|herrn)\s+)?(?P<name>[A-ZÄÖÜ][\w'-]*(?:\s+[A-ZÄÖÜ][\w'-]*){0,2})"
_STAND_IN_TEXT = re.compile(
    r"(?i:vertretung(?:\s+(?:ist|hat|übernimmt|macht))?\s*:?|vertreten\s+(?:werde\s+ich\s+)?"
    r"(?:von|durch)|vertritt\s+mich)\s+" + _NAME
)


@dataclass(frozen=True)
class AbsenceRequest:
    """What a chat message asks for. ``person`` None means the writer; names as written."""

    kind: str  # ABSENT or BACK
    start: date | None = None
    end: date | None = None
    stand_in: str | None = None
    person: str | None = None
    reason: str = "abwesend"  # one of ABSENCE_CATEGORIES
    note: str | None = None  # the handover note for the stand-in (``Notiz: ...``)


def parse_absence_request(text: str, today: date) -> AbsenceRequest | None:
    """Read an absence statement or command; None when the text is something else."""
    back = _BACK.match(text)
    if back:
        rest = back.group("rest")
        target = _FOR.search(rest)
        if rest.strip() and not target:
            return None  # "zurück zur Frage ..." is no return message
        return AbsenceRequest(BACK, person=target.group("name").strip() if target else None)
    text, note = _split_note(text)
    command = _COMMAND.match(text)
    if command:
        request: AbsenceRequest | None = _parse_command(command.group("rest"), today)
    else:
        request = _parse_sentence(text, today)
    if request is None or note is None:
        return request
    return replace(request, note=_checked_note(note))


def _split_note(text: str) -> tuple[str, str | None]:
    """The text before ``Notiz:`` and the note (None without one)."""
    found = _NOTE.search(text)
    if found is None:
        return text, None
    return text[: found.start()], found.group("note")


def _checked_note(note: str) -> str:
    """The note as stored: whitespace folded; empty, overlong and secret notes are refused
    (raising ``NoteError``: nothing of the absence is stored then)."""
    from bot.texts.briefing import MAX_NOTE_CHARS

    note = " ".join(note.split())
    if not note:
        raise NoteError("empty")
    if len(note) > MAX_NOTE_CHARS:
        raise NoteError("too_long", length=len(note))
    from bot.capture.secrets import secret_kind
    from bot.texts.capture import SECRET

    secret = secret_kind(note)
    if secret:
        raise NoteError("secret", what=SECRET.get(secret, SECRET["password"]))
    return note


def _parse_command(rest: str, today: date) -> AbsenceRequest:
    cut = min([m.start() for m in (_FOR.search(rest), _STAND_IN_CMD.search(rest)) if m],
              default=len(rest))
    span = find_range(rest[:cut], today)
    if span is None:
        raise DateError(rest[:cut].strip() or rest.strip())
    end = span.end or span.start
    stand_in = _STAND_IN_CMD.search(rest)
    target = _FOR.search(rest)
    return AbsenceRequest(
        ABSENT, span.start, end,
        stand_in=stand_in.group("name").strip(" .") if stand_in else None,
        person=target.group("name").strip(" .") if target else None,
    )


def _parse_sentence(text: str, today: date) -> AbsenceRequest | None:
    if text.rstrip().endswith("?") or not _FIRST_PERSON.search(text):
        return None
    away = _AWAY.search(text)
    if away is None:
        return None
    span = find_range(text, today)
    if span is None:
        return None
    stand_in = _STAND_IN_TEXT.search(text)
    return AbsenceRequest(
        ABSENT, span.start, span.end or span.start,
        stand_in=stand_in.group("name").strip() if stand_in else None,
        reason=absence_category(away.group(1)),
    )


def check_may_set(actor: Person | None, target: Person, admin: bool) -> None:
    """A person may set (or end) only their own absence; admins anyone's."""
    if admin:
        return
    if actor is None:
        raise UnknownSelf("the writer is not in the directory")
    if actor.id != target.id:
        raise NotOwnAbsence(actor.id, target.id)


def resolve_person(directory: Directory, name: str) -> Person:
    found = directory.find_people(name)
    if len(found) != 1:
        raise UnknownPerson(name, tuple(p.id for p in found))
    return found[0]


def carry_out(
    request: AbsenceRequest, actor: Person | None, admin: bool, directory: Directory,
    state: AbsenceStore, today: date,
) -> str:
    """Check and store the request; the German confirmation for the writer."""
    target = resolve_person(directory, request.person) if request.person else actor
    if target is None:
        raise UnknownSelf("the writer is not in the directory")
    check_may_set(actor, target, admin)
    own = actor is not None and actor.id == target.id
    if request.kind == BACK:
        return texts.absence_ended(state.end_absence(target.id, today), own)
    assert request.start is not None and request.end is not None
    stand_in = resolve_person(directory, request.stand_in) if request.stand_in else None
    if stand_in is not None and stand_in.id == target.id:
        raise StandInIsSelf(target.id)
    absence = Absence(target.id, request.start, request.end,
                      stand_in.id if stand_in else None, request.reason, "chat")
    if absence.end < today:
        raise AbsenceInPast(absence.end)
    created_by = actor.id if actor else "admin"
    replaced = [a for a in state.absences() if a.person == target.id and a.id is not None
                and a.start <= absence.end and absence.start <= a.end]
    for old in replaced:  # the latest statement wins: "vom 3. bis 12." corrects "bis 14."
        state.remove_absence(old.id or 0)
    absence_id = state.add_absence(target.id, absence.start, absence.end, absence.stand_in,
                                   created_by, request.reason)
    saved = texts.absence_saved(target, absence, stand_in, own, replaced=len(replaced))
    if request.note and hasattr(state, "set_absence_note"):
        from bot.texts.briefing import NOTE_SAVED

        state.set_absence_note(absence_id, request.note)
        saved += NOTE_SAVED
    return saved
