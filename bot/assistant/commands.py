"""Recognise the bot's commands in a chat message (German, case-insensitive, "/" optional).

A message that is not a command is a question. Only a message starting with "/" can be an
unknown command: "Hundesteuer" alone is a (short) question, "/hundesteuer" is not a command.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot.assistant.cards import message_card
from bot.assistant.errors import InvalidAction
from bot.directory import Person, format_date
from bot.state.store import AnswerLog
from bot.texts import assistant as texts
from bot.turns import Reply, Turn, UserRef

if TYPE_CHECKING:
    from bot.assistant.ports import CommandContext


class CommandKind(Enum):
    HELP = "hilfe"
    STATUS = "status"
    ABSENT = "abwesend"
    BACK = "zurück"
    GAPS = "lücken"
    REPORT = "bericht"
    REINDEX = "neu indexieren"
    HANDOVER = "übergabe"
    RELEASES = "freigaben"
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
    "zurück": CommandKind.BACK,
    "zurueck": CommandKind.BACK,
    "wieder da": CommandKind.BACK,
    "lücken": CommandKind.GAPS,
    "luecken": CommandKind.GAPS,
    "wissenslücken": CommandKind.GAPS,
    "bericht": CommandKind.REPORT,
    "wissensrisiko": CommandKind.REPORT,
    "risikobericht": CommandKind.REPORT,
    "neu indexieren": CommandKind.REINDEX,
    "neuindexieren": CommandKind.REINDEX,
    "reindex": CommandKind.REINDEX,
    "indexieren": CommandKind.REINDEX,
    "übergabe": CommandKind.HANDOVER,
    "uebergabe": CommandKind.HANDOVER,
    "übergabe-interview": CommandKind.HANDOVER,
    "freigaben": CommandKind.RELEASES,
    "freigabe": CommandKind.RELEASES,
}
# Commands that take arguments; the others must stand alone (so "status der Akte?" is a question).
_WITH_ARGS = frozenset({CommandKind.ABSENT, CommandKind.BACK, CommandKind.HANDOVER})


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


# -- running the commands (the assistant passes itself; no botbuilder, no globals) --------


def run_command(
    assistant: CommandContext, command: Command, turn: Turn, admin: bool
) -> list[Reply]:
    """Help, status, zurück, lücken and unknown commands (reindex/absence live elsewhere)."""
    if command.kind is CommandKind.HELP:
        from bot.texts import capture

        lines = [texts.HELP_TEXT + "\n" + capture.HELP_LINES]
        lines += [texts.HELP_ADMIN_TEXT] if admin else []
        return [_message(texts.HELP_TITLE, lines, "help")]
    if command.kind is CommandKind.STATUS:
        return [_message(texts.STATUS_TITLE, status_lines(assistant, turn, admin), "status")]
    if command.kind is CommandKind.GAPS:
        return [_message(texts.GAPS_TITLE, gap_lines(assistant), "gaps")]
    if command.kind is CommandKind.REPORT:
        return [report_link(assistant, turn)]
    return [Reply(texts.unknown_command(command.name, admin), data={"kind": "unknown_command"})]


def _message(title: str, lines: list[str], kind: str) -> Reply:
    return Reply("\n".join([title, *lines]), message_card(title, lines), {"kind": kind})


def status_lines(assistant: CommandContext, turn: Turn, admin: bool) -> list[str]:
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
        lines.append(texts.STATUS_YOU.format(name=person.name, admin=suffix))
        lines += _own_absences(assistant, person)
    if health.get("reindex_running"):
        lines.append(texts.STATUS_REINDEX_RUNNING)
    return lines


def _own_absences(assistant: CommandContext, person: Person) -> list[str]:
    today = assistant.today()
    lines = []
    for absence in assistant.directory.absences_of(person.id):
        if absence.person == person.id and absence.end >= today:
            lines.append(texts.STATUS_ABSENT.format(
                start=format_date(absence.start), end=format_date(absence.end)
            ))  # fmt: skip
    return lines


def feedback(state: AnswerLog, user: UserRef, value: dict[str, Any]) -> Reply:
    """Store a 👍/👎 of a card; forged data raises InvalidAction, an unknown id is said so."""
    answer_id, vote = value.get("answer_id"), value.get("vote")
    if not isinstance(answer_id, str) or not answer_id or len(answer_id) > 100:
        raise InvalidAction("feedback without a valid answer id")
    if vote not in ("up", "down"):
        raise InvalidAction("feedback with an invalid vote")
    if not state.record_feedback(answer_id, vote, user.key):
        return Reply(texts.FEEDBACK_UNKNOWN, data={"kind": "feedback", "stored": False})
    text = texts.FEEDBACK_THANKS_UP if vote == "up" else texts.FEEDBACK_THANKS_DOWN
    return Reply(text, data={"kind": "feedback", "stored": True})


def gap_lines(assistant: CommandContext) -> list[str]:
    """The gap report of ``bot.gaps.report`` in short (tasks without deputy, chains away, people
    leaving, tasks without document, stale documents, unanswered questions, feedback)."""
    from bot.gaps.report import format_summary, gap_report

    settings = assistant.settings
    report = gap_report(
        assistant.directory,
        assistant.today(),
        assistant.docs_meta,
        assistant.state,
        leaving_days=settings.gap_leaving_days,
        review_days=settings.gap_review_days,
    )
    # unanswered questions are staff text: no Markdown link may reach the admin's card
    return [_no_links(line) for line in format_summary(report).splitlines() if line.strip()]


def _no_links(text: str) -> str:
    """Adaptive Card TextBlocks render Markdown: ``[Formular](https://evil)`` would be a link."""
    return text.replace("[", "(").replace("]", ")")


def absence(assistant: CommandContext, turn: Turn, text: str, free_text: bool) -> list[Reply]:
    """Store or end an absence ("abwesend ...", "zurück", or a sentence) through
    ``bot.directory.absences``: a person sets only their own absence, admins anyone's.

    Returns [] when the text turns out to be no absence request (it is then a question).
    """
    from bot.directory.absences import carry_out, parse_absence_request
    from bot.directory.errors import DirectoryError
    from bot.texts.directory import error_message

    today = assistant.today()
    try:
        request = parse_absence_request(text, today)
        if request is None:
            if free_text:
                return []
            return [Reply(texts.ABSENCE_NOT_UNDERSTOOD, data={"kind": "absence", "stored": False})]
        person = assistant.person_of(turn.user)
        admin = assistant.is_admin(turn.user, person)
        message = carry_out(request, person, admin, assistant.directory, assistant.state, today)
    except DirectoryError as error:
        names = {p.id: p.name for p in assistant.directory.people.values()}
        return [Reply(error_message(error, names), data={"kind": "absence", "stored": False})]
    assistant.reload_absences()
    if request.kind == "absent" and request.start and request.end:  # issue 12
        from bot.capture.briefing import chain_warnings

        target = assistant.directory.find_person(request.person) if request.person else person
        if target is not None:
            warnings = chain_warnings(assistant.directory, target.id, request.start, request.end)
            message = " ".join([message, *warnings])
    return [Reply(message, data={"kind": "absence", "stored": True})]


def report_link(assistant: CommandContext, turn: Turn, now: float | None = None) -> Reply:
    """``bericht``: a signed link to ``/bericht`` for admins and heads, valid one hour, sent
    only in a personal chat (everybody in a group could open it)."""
    import time

    from bot.gaps.access import load_secret, report_scope, sign_link
    from bot.gaps.errors import ReportNotAllowed
    from bot.texts import risk as risk_texts

    settings = assistant.settings
    person = assistant.person_of(turn.user)
    user = turn.user
    try:
        scope = report_scope(settings.admins, person, user.key, user.email, user.teams_id)
    except ReportNotAllowed:
        return Reply(risk_texts.REPORT_NOT_ALLOWED, data={"kind": "report", "sent": False})
    if turn.is_group:
        return Reply(risk_texts.REPORT_PERSONAL_ONLY, data={"kind": "report", "sent": False})
    if not settings.report_base_url:
        return Reply(risk_texts.REPORT_NO_URL, data={"kind": "report", "sent": False})
    secret = load_secret(settings.report_secret, settings.state_db.parent)
    token = sign_link(secret, person.id if person else None, user.key,
                      time.time() if now is None else now)
    url = f"{settings.report_base_url}/bericht?t={token}"
    text = risk_texts.REPORT_LINK.format(
        scope=risk_texts.SCOPE_ALL if scope is None else ", ".join(scope) or risk_texts.SCOPE_NONE)
    card = message_card(risk_texts.REPORT_TITLE, [text])
    card["actions"] = [{"type": "Action.OpenUrl", "title": risk_texts.REPORT_OPEN, "url": url}]
    return Reply(f"{risk_texts.REPORT_TITLE}\n{text}\n{url}", card,
                 {"kind": "report", "sent": True, "url": url})
