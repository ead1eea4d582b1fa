"""The brain of the bot: a Turn in, replies out. Commands and questions; no botbuilder here."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from bot.assistant.answer import Answer, Gate, compose_answer
from bot.assistant.cards import answer_card, answer_text, welcome_card
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
from bot.assistant.throttle import SenderThrottle
from bot.capture import CAPTURE_ACTIONS, ROUTING_ACTIONS
from bot.directory import Directory, Person, is_admin
from bot.directory.errors import DirectoryError
from bot.settings import Settings
from bot.state.store import StateStore
from bot.texts import assistant as texts
from bot.turns import MAX_MESSAGE_CHARS, Notifier, Reply, Turn, UserRef
from indexer.errors import IndexerError
from indexer.model import Chunk, DocumentMeta, Hit

if TYPE_CHECKING:
    from indexer.store.version import IndexVersion

log = logging.getLogger(__name__)
_T = TypeVar("_T")

SEARCH_K = 8
# Commands run in a worker thread with this budget: the event loop (and /healthz, and every
# other chat) must never wait for one message, whatever its text makes a parser do.
TURN_BUDGET_SECONDS = 30.0
# Storing an answer (for 👍/👎) or a gap may wait this long for a locked state DB; then the
# answer goes out without feedback buttons: the search worked, the user gets its result.
STATE_BUDGET_SECONDS = 5.0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Questions searched at once: one per core (each with one OpenMP thread, see bot/__main__).
ANSWER_SLOTS = _cores()


class Assistant(Outreach):
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
    ) -> None:
        self.settings = settings
        self.searcher = searcher
        self.directory = directory
        self.state = state
        zone = ZoneInfo(settings.timezone)
        self.today = today or (lambda: datetime.now(zone).date())
        self._reload_directory = reload_directory
        # front matter of the indexed documents (gap report)
        self.docs_meta: Mapping[str, DocumentMeta] | None = docs_meta  # None: unknown yet
        self.reindexer = reindexer or Reindexer(build_command(settings), self._after_reindex)
        self._notifier: Notifier | None = None
        self._search_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self._throttle = SenderThrottle(settings.rate_limit_per_minute,
                                        settings.max_pending_per_sender)
        self._version: IndexVersion | None = None
        # the gate's scale belongs to an index version: looked up again when it changes
        self._gate_for = gate_for or (lambda _version: Gate())
        self._gate: tuple[str | None, Gate] | None = None
        self._linked: set[tuple[str, str]] = set()
        from bot.capture import HandoverDesk, RoutingDesk

        self.handover = HandoverDesk(self)
        self.routing = RoutingDesk(self)

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
        if not self._throttle.admit(sender):
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
        self.link_user(turn, self.person_of(turn.user))  # to reach this person later
        if turn.value is not None:
            return await self._card_action(turn)
        text = (turn.text or "").strip()
        if not text:
            return [Reply(texts.EMPTY_MESSAGE, data={"kind": "empty"})]
        if len(text) > MAX_MESSAGE_CHARS:
            return [Reply(texts.TOO_LONG.format(limit=MAX_MESSAGE_CHARS), data={"kind": "error"})]
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
            raise InvalidAction(f"unknown action {str(action)[:40]!r}")
        except InvalidAction as exc:
            log.info("card action refused: %s", exc)
            return [Reply(texts.ACTION_INVALID, data={"kind": "invalid_action"})]

    # -- questions ------------------------------------------------------------------------
    async def answer_question(self, turn: Turn, question: str) -> list[Reply]:
        # Everything that blocks runs in a worker thread, never on the event loop: the search
        # (CPU) and the SQLite commit (an fsync, ~20 ms of waiting). Admission is first come,
        # first served and bounded (see _admission), which keeps the p95 down under overload.
        async with self._admission():
            answer = await asyncio.to_thread(self._search_and_compose_for, turn, question)
        return [self._answer_reply(await self._remember_if_possible(answer, turn.user))]

    async def _remember_if_possible(self, answer: Answer, user: UserRef) -> Answer:
        """A full, locked or broken state DB costs the feedback buttons, never the answer."""
        job = asyncio.to_thread(self._remember, answer, user)
        try:
            return await asyncio.wait_for(job, STATE_BUDGET_SECONDS)
        except (TimeoutError, sqlite3.Error, OSError, DirectoryError) as error:
            log.warning("state not written (%s): answering without feedback",
                        type(error).__name__)
            return answer

    def _admission(self) -> asyncio.Semaphore:
        """Questions searched at once. CPU-bound work beyond the number of cores only adds
        switching and stretches every answer; an asyncio semaphore queues fairly (FIFO)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(ANSWER_SLOTS))
        return self._slots[1]

    def _search_and_compose_for(self, turn: Turn, question: str) -> Answer:
        try:
            self.reload_absences()
        except (sqlite3.Error, OSError, DirectoryError) as error:  # answer with what we know
            log.warning("chat absences not read (%s)", type(error).__name__)
        person = self.person_of(turn.user)
        # Everybody in a channel or group chat reads the answer: only open documents there.
        groups = frozenset() if turn.is_group else frozenset(_groups_of(person))
        answer, hits = self._search_and_compose(question, groups, self.today())
        log.info(
            "question answered=%s confidence=%.3f hits=%d task=%s",
            answer.found, answer.confidence, len(hits), answer.task_id,
        )  # fmt: skip
        if self.settings.log_questions:  # personal data: only when the operator allows it
            log.info("question text: %r", question[:300])
        return answer

    def _remember(self, answer: Answer, user: UserRef) -> Answer:
        """Store the answer (for feedback) or the unanswered question (a knowledge gap)."""
        if answer.found:
            return self._record(answer, user)
        self.state.record_unanswered(answer.question, user.key, answer.task_id or answer.near_task)
        return answer

    def _search_and_compose(
        self, question: str, groups: frozenset[str], day: date
    ) -> tuple[Answer, list[Hit]]:
        with self._refresh_lock:  # one thread opens a new version, the others wait for it
            self.searcher.refresh()
        # Searches run side by side (ANSWER_SLOTS of them): the embedders are reentrant and a
        # search finishes on the version it started with, even when another thread refreshes.
        hits = self.searcher.search(question, k=SEARCH_K, groups=groups)
        with self._search_lock:  # _document_chunks swaps the version it quotes from
            answer = compose_answer(
                question, hits, self.directory, day, self.settings, self._document_chunks,
                self.gate(), groups=groups,
            )
        return answer, hits

    def gate(self) -> Gate:
        """The gate (cosine scale and rule) of the version the searcher serves."""
        version_id = getattr(self.searcher, "version_id", None)
        if self._gate is None or self._gate[0] != version_id:
            self._gate = (version_id, self._gate_for(version_id))
        return self._gate[1]

    def _document_chunks(self, source: str) -> list[Chunk]:
        """All chunks of a document in the version the searcher serves (to quote a section
        whole); empty when that version cannot be read."""
        version_id = getattr(self.searcher, "version_id", None)
        if not version_id:
            return []
        if self._version is None or self._version.version_id != version_id:
            from indexer.store.version import IndexVersion, version_path

            path = version_path(self.settings.index_dir, version_id)
            if not path.is_dir():
                return []
            previous, self._version = self._version, IndexVersion(path)
            if previous is not None:
                previous.close()
        return self._version.chunks_of(source)

    def _record(self, answer: Answer, user: UserRef) -> Answer:
        answer_id = self.state.record_answer(
            answer.question,
            [source.key for source in answer.sources],
            getattr(self.searcher, "version_id", None) or "",
            user.key,
            answer.task_id,
        )
        return replace(answer, answer_id=answer_id)

    @staticmethod
    def _answer_reply(answer: Answer) -> Reply:
        data = {"kind": "answer" if answer.found else "not_found", "answer": _answer_data(answer)}
        return Reply(answer_text(answer), answer_card(answer), data)

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
                return self._reindex(turn)
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

    def _reindex(self, turn: Turn, conversation_id: str | None = None) -> list[Reply]:
        target = conversation_id or turn.conversation_id
        return [start_from_chat(self.reindexer, self._notifier, target)]

    async def _admin_in_group(self, turn: Turn, command: Command, admin: bool) -> list[Reply]:
        """Admin output (unanswered questions, absences, restricted file names) is for the
        admin alone: it goes to their personal chat, the channel gets a short note."""
        find = getattr(self._notifier, "personal_conversation", None)
        personal = find(turn.user.key) if callable(find) else None
        if self._notifier is None or not personal:
            return [Reply(texts.WRITE_PERSONALLY, data={"kind": "write_personally"})]
        private = replace(turn, conversation_id=personal, is_group=False)
        if command.kind is CommandKind.REINDEX:
            replies = self._reindex(private, personal)
        else:
            replies = await self._off_loop(run_command, self, command, private, admin)
        await self._notifier.notify(personal, replies)
        return [Reply(texts.SENT_PERSONALLY, data={"kind": "sent_personally"})]

    def _after_reindex(self) -> None:
        with self._refresh_lock:
            self.searcher.refresh()
        self.reload_directory()

    def reload_absences(self) -> None:
        """Take in absences entered in chat (by this or another bot process)."""
        self.directory = self.directory.with_absences(self.state.absences())

    def reload_directory(self) -> None:
        """Re-read the directory and the documents' metadata (after a reindex), keeping the
        previous ones on error."""
        if self._reload_directory is None:
            return
        try:
            self.directory, self.docs_meta = self._reload_directory()
        except Exception:
            log.exception("directory reload failed; keeping the previous one")
        self.reload_absences()


def _groups_of(person: Any | None) -> tuple[str, ...]:
    return tuple(getattr(person, "groups", ()) or ()) if person is not None else ()


def _open_documents(docs_meta: Mapping[str, DocumentMeta] | None) -> int | None:
    """Documents every member of staff may read (None while their metadata is unknown)."""
    if docs_meta is None:
        return None
    return sum(1 for meta in docs_meta.values() if not meta.groups)


def _answer_data(answer: Answer) -> dict[str, Any]:
    """The structured answer for the web chat (JSON-safe)."""
    from dataclasses import asdict

    return asdict(answer)
