"""The brain of the bot: a Turn in, replies out. Commands and questions; no botbuilder here."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from bot.assistant.answer import Gate
from bot.assistant.answering import QuestionAnswering
from bot.assistant.cards import welcome_card
from bot.assistant.commands import (
    Command,
    CommandKind,
    absence,
    feedback,
    parse_command,
    run_command,
)
from bot.assistant.errors import InvalidAction, NotAllowed
from bot.assistant.outreach import Outreach
from bot.assistant.ports import SearchBackend
from bot.assistant.reindex import Reindexer, build_command, start_from_chat
from bot.assistant.reindex_guard import build_guard
from bot.assistant.throttle import SenderThrottle
from bot.capture import CAPTURE_ACTIONS, ROUTING_ACTIONS
from bot.directory import Directory, Person, is_admin
from bot.settings import Settings
from bot.state.store import StateStore
from bot.texts import assistant as texts
from bot.turns import MAX_MESSAGE_CHARS, Notifier, Reply, Turn, UserRef
from indexer.errors import IndexerError
from indexer.model import DocumentMeta
from indexer.store import read_built

if TYPE_CHECKING:
    from indexer.store.version import IndexVersion

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# Commands run in a worker thread with this budget: the event loop (and /healthz, and every
# other chat) must never wait for one message, whatever its text makes a parser do.
TURN_BUDGET_SECONDS = 30.0


_UNKNOWN = object()  # Assistant(built=...): not given, read the build token on creation

class Assistant(QuestionAnswering, Outreach):
    """Turns a Turn into replies. Every dependency is injected (tests use fixed dates)."""

    def __init__(
        self,
        settings: Settings,
        searcher: SearchBackend,
        directory: Directory,
        state: StateStore,
        today: Callable[[], date] | None = None,
        reindexer: Reindexer | None = None,
        reload_directory: Callable[[], tuple[Directory, Mapping[str, DocumentMeta]]] | None = None,
        docs_meta: Mapping[str, DocumentMeta] | None = None,
        gate_for: Callable[[str | None], Gate] | None = None,
        built: str | None | object = _UNKNOWN,
    ) -> None:
        """``built``: the build token (``indexer.store.read_built``) read before the directory
        was; None where there is none yet, ``_UNKNOWN`` to read it now."""
        self.settings = settings
        self.searcher = searcher
        self.directory = directory
        self.state = state
        zone = ZoneInfo(settings.timezone)
        self.today = today or (lambda: datetime.now(zone).date())
        self._reload_directory = reload_directory
        # what the last reload did: "" read, else why the previous directory was kept
        self._directory_kept = ""
        # the last build this process has seen (indexer.store.mark_built: a build that
        # published nothing, only _verzeichnis/ changed, is read again by every replica) and
        # the one its directory was read after; reloads run one at a time (the index watch
        # and an admin's reindex may both start one)
        self._built = (read_built(settings.index_dir) if built is _UNKNOWN
                       else built if isinstance(built, str) else None)
        self._directory_built = self._built
        self._reload_lock = threading.Lock()
        # front matter of the indexed documents (gap report)
        self.docs_meta: Mapping[str, DocumentMeta] | None = docs_meta  # None: unknown yet
        self.reindexer = reindexer or Reindexer(
            build_command(settings), self._after_reindex,
            timeout=settings.reindex_timeout_minutes * 60, guard=build_guard(settings))
        self._notifier: Notifier | None = None
        self._search_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        # swaps self.directory: a reload's new directory must not be overwritten by a question
        # adding chat absences to the one it read before
        self._directory_lock = threading.Lock()
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        # replicas (PostgreSQL) share a sender's budget through the store's counters
        shared = state if getattr(state, "shared_by_replicas", False) else None
        self._throttle = SenderThrottle(settings.rate_limit_per_minute,
                                        settings.max_pending_per_sender, shared=shared)
        self._version: IndexVersion | None = None
        self._followed = getattr(searcher, "version_id", None)  # the directory's version
        # the gate's scale belongs to an index version: looked up again when it changes
        self._gate_for = gate_for or (lambda _version: Gate())
        self._gate: tuple[str | None, Gate] | None = None
        self._linked: set[tuple[str, str]] = set()
        from bot.capture import HandoverDesk, RoutingDesk
        from bot.capture.briefing_desk import BriefingDesk

        self.handover = HandoverDesk(self)
        self.routing = RoutingDesk(self)
        self.briefing = BriefingDesk(self)

    # -- entry points -------------------------------------------------------------------
    def set_notifier(self, notifier: Notifier) -> None:
        self._notifier = notifier

    def health(self) -> dict[str, Any]:
        manifest: Mapping[str, Any] = getattr(self.searcher, "manifest", None) or {}
        return {
            "index_version": getattr(self.searcher, "version_id", None),
            # open documents only: /healthz is public, restricted ones are nobody's business
            "documents": _open_documents(self.docs_meta),
            "model": manifest.get("model", self.settings.model),
            "reindex_running": self.reindexer.running,
            "index_problem": getattr(self.searcher, "problem", None),
        }

    def people(self) -> list[tuple[str, str]]:
        """(person id, name) of the directory, for the local web chat's "Sie sind:" choice."""
        return [(p.id, p.name) for p in self.directory.people.values()]

    def welcome(self, user: UserRef) -> list[Reply]:
        lines = texts.welcome_lines()
        card = welcome_card(texts.WELCOME_TITLE, lines, texts.EXAMPLE_QUESTIONS)
        return [Reply("\n".join([texts.WELCOME_TITLE, *lines]), card, {"kind": "welcome"})]

    async def handle(self, turn: Turn) -> list[Reply]:
        """Never raises: an unexpected error becomes a German apology (and a log entry)."""
        sender = turn.user.key
        if not await self._throttle.admit_turn(sender):
            log.warning("sender throttled (rate or pending limit)")
            return [Reply(texts.RATE_LIMITED, data={"kind": "rate_limited"})]
        try:
            return await self._handle(turn)
        finally:
            self._throttle.done(sender)

    async def _handle(self, turn: Turn) -> list[Reply]:
        try:
            return await self._dispatch(turn)
        except TimeoutError:
            log.error("turn exceeded its budget of %.0f s", TURN_BUDGET_SECONDS)
            return [Reply(texts.TOO_SLOW, data={"kind": "error"})]
        except IndexerError:
            log.exception("index unavailable")
            return [Reply(texts.ERROR_NO_INDEX, data={"kind": "error"})]
        except Exception:
            log.exception("turn failed")
            return [Reply(texts.ERROR_GENERIC, data={"kind": "error"})]

    # -- dispatch -------------------------------------------------------------------------
    async def _dispatch(self, turn: Turn) -> list[Reply]:
        person = self.person_of(turn.user)
        if await self.link_user(turn, person) and person is not None:  # reachable from now on
            await self.routing.deliver_waiting(person.id)  # questions kept for this person
        if person is not None and not turn.is_group:  # a briefing that waited for a chat
            await self.briefing.deliver_waiting(person.id)
        if turn.value is not None:
            return await self._card_action(turn)
        text = (turn.text or "").strip()
        if not text:
            return [Reply(texts.EMPTY_MESSAGE, data={"kind": "empty"})]
        if len(text) > MAX_MESSAGE_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_MESSAGE_CHARS), data={"kind": "error"})]
        from bot.capture.briefing_desk import asks_for_briefing

        if asks_for_briefing(text):  # "was vertrete ich?"
            return await self.briefing.on_request(turn, person)
        command = parse_command(text)
        if command is not None:
            return await self._command(turn, command)
        replies = await self._off_loop(absence, self, turn, text, True)  # "Ich bin vom 3. ..."
        if replies:
            return replies
        return await self.answer_question(turn, text)

    async def _card_action(self, turn: Turn) -> list[Reply]:
        value = turn.value or {}
        action = value.get("action") if isinstance(value, dict) else None
        try:
            if action == "feedback":
                return [await self._off_loop(feedback, self.state, turn.user, value)]
            if action in CAPTURE_ACTIONS:
                person = self.person_of(turn.user)
                admin = self.is_admin(turn.user, person)
                return await self.handover.action(turn, person, admin, value)
            if action in ROUTING_ACTIONS:
                return await self.routing.action(turn, self.person_of(turn.user), value)
            if action == "ask":
                question = value.get("text")
                if not isinstance(question, str) or not question.strip():
                    raise InvalidAction("ask without text")
                return await self._dispatch(replace(turn, text=question, value=None))
            # card data is untrusted text: its length reaches the log, never its content
            raise InvalidAction(f"unknown action ({len(str(action))} characters)")
        except InvalidAction as exc:
            log.info("card action refused: %s", exc)
            return [Reply(texts.ACTION_INVALID, data={"kind": "invalid_action"})]

    # -- people ---------------------------------------------------------------------------
    def person_of(self, user: UserRef) -> Person | None:
        """The directory person behind a chat user (web chat choice, e-mail, Teams id)."""
        if user.person_id and self.settings.local_mode:  # the web chat's choice: local only
            person = self.directory.person(user.person_id)
            if person is not None:
                return person
        for ident in (user.email, user.teams_id, user.key):
            if ident:
                person = self.directory.find_person(ident)
                if person is not None:
                    return person
        return None

    def is_admin(self, user: UserRef, person: Person | None) -> bool:
        """The one admin rule (``bot.directory.is_admin``): settings or the group ``admins``."""
        return is_admin(self.settings.admins, person, user.key, user.email, user.teams_id)

    # -- commands -------------------------------------------------------------------------
    async def _command(self, turn: Turn, command: Command) -> list[Reply]:
        person = self.person_of(turn.user)
        admin = self.is_admin(turn.user, person)
        try:
            if command.admin_only and not admin:
                raise NotAllowed(command.kind.value)
            if command.admin_only and turn.is_group:
                return await self._admin_in_group(turn, command, admin)
            if command.kind is CommandKind.REINDEX:
                return await self._reindex(turn)
            if command.kind is CommandKind.ABSENT:
                return await self._off_loop(absence, self, turn, f"abwesend {command.args}", False)
            if command.kind in (CommandKind.HANDOVER, CommandKind.RELEASES) and turn.is_group:
                from bot.texts.capture import PERSONAL_CHAT_ONLY

                return [Reply(PERSONAL_CHAT_ONLY, data={"kind": "handover_personal_only"})]
            if command.kind is CommandKind.HANDOVER:
                replies = self.handover.command(person, admin, command.args)
                return replies or await self.answer_question(turn, turn.text.strip())
            if command.kind is CommandKind.RELEASES:
                return self.handover.pending(person, admin)
            if command.kind is CommandKind.BACK:
                replies = await self._off_loop(absence, self, turn, f"zurück {command.args}", True)
                return replies or await self.answer_question(turn, turn.text.strip())
            return await self._off_loop(run_command, self, command, turn, admin)
        except NotAllowed:
            return [Reply(texts.ADMIN_ONLY, data={"kind": "not_allowed"})]

    @staticmethod
    async def _off_loop(function: Callable[..., _T], *args: Any) -> _T:
        """Runs blocking command work (dates, SQLite, the gap report) in a worker thread
        within TURN_BUDGET_SECONDS; a TimeoutError becomes an apology in ``handle``."""
        return await asyncio.wait_for(asyncio.to_thread(function, *args), TURN_BUDGET_SECONDS)

    async def _reindex(self, turn: Turn, conversation_id: str | None = None) -> list[Reply]:
        target = conversation_id or turn.conversation_id
        return [await start_from_chat(self.reindexer, self._notifier, target)]

    async def _admin_in_group(self, turn: Turn, command: Command, admin: bool) -> list[Reply]:
        """Admin output (unanswered questions, absences, restricted file names) is for the
        admin alone: it goes to their personal chat, the channel gets a short note."""
        find = getattr(self._notifier, "personal_conversation", None)
        personal = await find(turn.user.key) if callable(find) else None
        if self._notifier is None or not personal:
            return [Reply(texts.WRITE_PERSONALLY, data={"kind": "write_personally"})]
        private = replace(turn, conversation_id=personal, is_group=False)
        if command.kind is CommandKind.REINDEX:
            replies = await self._reindex(private, personal)
        else:
            replies = await self._off_loop(run_command, self, command, private, admin)
        await self._notifier.notify(personal, replies)
        return [Reply(texts.SENT_PERSONALLY, data={"kind": "sent_personally"})]

    def _after_reindex(self) -> str | None:
        """A build succeeded. One that published nothing (only ``_verzeichnis/`` changed: a
        CSV file, ``synonyme.txt``) leaves the version as it is; the directory is read again
        all the same, since that change is what the admin or the folder watch built for.
        Returns what the admin is told about the directory read (None without one)."""
        self._follow()
        with self._reload_lock:  # a reload the index watch started ends first
            current = read_built(self.settings.index_dir)
            read_after_it = current is not None and self._directory_built == current
        if not read_after_it:  # (a build that wrote no token: read it here)
            self.reload_directory()
        return self._directory_summary()

    def _directory_summary(self) -> str | None:
        """The directory as the last reload left it, in German: its counts, the town's own
        synonym groups, how many problems the gap report lists; or that it was kept."""
        if self._reload_directory is None:
            return None
        with self._reload_lock:
            kept, directory = self._directory_kept, self.directory
        if kept == "empty":
            return texts.REINDEX_DIRECTORY_KEPT
        if kept:
            return texts.REINDEX_DIRECTORY_FAILED
        own = directory.own_synonym_groups
        synonyms = (texts.REINDEX_OWN_SYNONYM if own == 1
                    else texts.REINDEX_OWN_SYNONYMS.format(n=own) if own > 1 else "")
        people, tasks = len(directory.people), len(directory.tasks)
        lines = [texts.REINDEX_DIRECTORY.format(
            people=texts.ONE_PERSON if people == 1 else texts.PEOPLE.format(n=people),
            tasks=texts.ONE_TASK if tasks == 1 else texts.TASKS.format(n=tasks),
            synonyms=synonyms)]
        if directory.problems:
            lines.append(texts.REINDEX_DIRECTORY_PROBLEMS.format(n=len(directory.problems)))
        return "\n".join(lines)

    def follow_index(self) -> bool:
        """Serve the version CURRENT names (built here, by another replica, or rolled back),
        with the directory and documents' metadata read again; True when it switched. A build
        that published nothing (``BUILT`` changed, CURRENT not: only ``_verzeichnis/`` was
        edited) has the directory read again too. Blocks (opens files): the index watcher
        calls it in a worker thread."""
        return self._follow()

    def _follow(self) -> bool:
        """``follow_index``."""
        with self._refresh_lock:
            self.searcher.refresh()
            serving = getattr(self.searcher, "version_id", None)
            built = read_built(self.settings.index_dir)
            switched, rebuilt = serving != self._followed, built != self._built
            # a question may have switched the searcher already: the directory follows here
            self._followed, self._built = serving, built
        if switched or rebuilt:
            self.reload_directory()
        if switched:
            log.info("now serving index version %s", serving)
        elif rebuilt and self._reload_directory is not None:
            log.info("a build published no new version: directory read again")
        return switched

    def reload_absences(self) -> None:
        """Take in absences entered in chat (by this or another bot process)."""
        absences = self.state.absences()  # a database read: outside the lock
        with self._directory_lock:
            self.directory = self.directory.with_absences(absences)

    def reload_directory(self) -> None:
        """Re-read the directory and the documents' metadata (after a reindex), keeping the
        previous ones on error."""
        if self._reload_directory is None:
            return
        with self._reload_lock:
            built = read_built(self.settings.index_dir)  # before reading: a later build is new
            self._directory_kept = "failed"
            try:
                directory, docs_meta = self._reload_directory()
            except Exception:
                log.exception("directory reload failed; keeping the previous one")
            else:
                if _lost_its_core(self.directory, directory):
                    first = directory.problems[0] if directory.problems else None
                    log.error("directory reload found no people or no tasks (%d problems, first "
                              "in %s line %s); keeping the previous directory",
                              len(directory.problems), first.file if first else "-",
                              first.line if first else "-")  # fmt: skip
                    self._directory_kept = "empty"
                else:
                    with self._directory_lock:
                        self.directory, self.docs_meta = directory, docs_meta
                    self._directory_kept = ""
            self._directory_built = built
        self.reload_absences()


def _lost_its_core(previous: Directory, new: Directory) -> bool:
    """A reload that finds no people or no tasks where there were some read a broken
    ``personen.csv`` or ``zustaendigkeiten.csv`` (a half-saved Excel file): serving it would
    name nobody and take the admins' rights, so the previous directory keeps serving."""
    return (bool(previous.people) and not new.people) or (bool(previous.tasks) and not new.tasks)


def _open_documents(docs_meta: Mapping[str, DocumentMeta] | None) -> int | None:
    """Documents every member of staff may read (None while their metadata is unknown)."""
    if docs_meta is None:
        return None
    return sum(1 for meta in docs_meta.values() if not meta.groups)


# The warm-up moved to bot.assistant.warmup; its old home keeps working for callers (it is
# imported last: warmup needs the Assistant defined above).
from bot.assistant.warmup import build_assistant, documents_meta  # noqa: E402

__all__ = ["Assistant", "SearchBackend", "build_assistant", "documents_meta"]
