"""Answering a question: search, compose, remember; the part of ``Assistant`` that answers.

A mixin of ``bot.assistant.assistant.Assistant`` (which owns the attributes declared here):
the search runs in a worker thread, admission is bounded by the cores, and a state DB that
cannot be written costs the feedback buttons, never the answer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.assistant.answer import Answer, Gate, compose_answer
from bot.assistant.cards import answer_card, answer_text
from bot.assistant.ports import SearchBackend
from bot.directory import Directory, Person
from bot.settings import Settings
from bot.state.failures import STATE_ERRORS
from bot.state.store import StateStore
from bot.turns import Reply, Turn, UserRef
from indexer.model import Chunk, Hit

if TYPE_CHECKING:
    from indexer.store.version import IndexVersion

log = logging.getLogger(__name__)

SEARCH_K = 8
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
# A task asked for by its name this soon after a refusal that offered it as a topic button
# is the task the refused question was about (``_note_choice_if_possible``): its words are
# the ones the task's keywords miss, suggested to the admins in the gap report.
CHOICE_WINDOW = timedelta(minutes=30)
CHOICE_BUDGET_SECONDS = 1.0  # noting such a choice may delay the reply this much, no more
STATE_OR_TIMEOUT: tuple[type[Exception], ...] = (TimeoutError, *STATE_ERRORS)


class QuestionAnswering:
    """Questions in, answers out (the attributes are set by ``Assistant.__init__``)."""

    settings: Settings
    searcher: SearchBackend
    directory: Directory
    state: StateStore
    today: Callable[[], date]
    _slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None
    _search_lock: threading.Lock
    _refresh_lock: threading.Lock
    _version: IndexVersion | None
    _gate: tuple[str | None, Gate] | None
    _gate_for: Callable[[str | None], Gate]

    def person_of(self, user: UserRef) -> Person | None:
        raise NotImplementedError

    def reload_absences(self) -> None:
        raise NotImplementedError

    # -- questions ------------------------------------------------------------------------
    async def answer_question(self, turn: Turn, question: str) -> list[Reply]:
        # Everything that blocks runs in a worker thread, never on the event loop: the search
        # (CPU) and the SQLite commit (an fsync, ~20 ms of waiting). Admission is first come,
        # first served and bounded (see _admission), which keeps the p95 down under overload.
        async with self._admission():
            answer = await asyncio.to_thread(self._search_and_compose_for, turn, question)
        answer = await self._remember_if_possible(answer, turn.user)
        chosen = self._asked_by_name(answer)
        if chosen is not None:
            await self._note_choice_if_possible(chosen, turn.user)
        return [self._answer_reply(answer)]

    async def _remember_if_possible(self, answer: Answer, user: UserRef) -> Answer:
        """A full, locked or broken state DB costs the feedback buttons, never the answer."""
        job = asyncio.to_thread(self._remember, answer, user)
        try:
            return await asyncio.wait_for(job, STATE_BUDGET_SECONDS)
        except STATE_OR_TIMEOUT as error:
            log.warning("state not written (%s): answering without feedback",
                        type(error).__name__)
            return answer

    async def _note_choice_if_possible(self, task_id: str, user: UserRef) -> None:
        """After the answer is stored: a task asked for by its name (a topic button's text)
        may be the click after a refusal that offered it; the state then notes the task for
        that refused question (the keyword suggestions). A locked or broken state costs the
        suggestion, at most CHOICE_BUDGET_SECONDS of the reply, never the answer or its
        feedback buttons."""
        since = datetime.now(UTC) - CHOICE_WINDOW
        job = asyncio.to_thread(self.state.choose_offered, user.key, task_id, since)
        try:
            await asyncio.wait_for(job, CHOICE_BUDGET_SECONDS)
        except STATE_OR_TIMEOUT as error:
            log.warning("choice after a refusal not noted (%s)", type(error).__name__)

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
        except STATE_ERRORS as error:  # answer with what we know
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
        self.state.record_unanswered(answer.question, user.key, answer.task_id or answer.near_task,
                                     self._offered_tasks(answer))
        return answer

    def _offered_tasks(self, refusal: Answer) -> list[str]:
        """The tasks among a refusal's topic buttons (the others are document titles)."""
        by_name = {task.name: task.id for task in self.directory.tasks.values()}
        return [by_name[topic] for topic in refusal.topics if topic in by_name]

    def _asked_by_name(self, answer: Answer) -> str | None:
        """The task of an answer to nothing but the task's name (what a topic button
        asks), else None: only such an answer can be a choice after a refusal (a cheap check
        on the event loop; the state is asked only then)."""
        task = self.directory.tasks.get(answer.task_id or "") if answer.found else None
        if task is None or (answer.question or "").strip().casefold() != task.name.casefold():
            return None
        return task.id

    def _search_and_compose(
        self, question: str, groups: frozenset[str], day: date
    ) -> tuple[Answer, list[Hit]]:
        with self._refresh_lock:  # one thread opens a new version, the others wait for it
            self.searcher.refresh()
        # one directory for the whole question: a reload meanwhile must not give the search
        # the old synonyms and the answer the new ones
        directory = self.directory
        # typed in lower case: read with the capitals the town's documents use (the gate finds
        # a question's topic by its nouns); the answer keeps the question as it was asked
        casing = getattr(self.searcher, "casing", None)
        reading = casing.recase(question) if casing is not None else question
        # Searches run side by side (ANSWER_SLOTS of them): the embedders are reentrant and a
        # search finishes on the version it started with, even when another thread refreshes.
        hits = self.searcher.search(reading, k=SEARCH_K, groups=groups,
                                    thesaurus=directory.thesaurus)
        with self._search_lock:  # _document_chunks swaps the version it quotes from
            answer = compose_answer(
                reading, hits, directory, day, self.settings, self._document_chunks,
                self.gate(), groups=groups,
            )
        if reading != question:
            answer = replace(answer, question=question)
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


def _groups_of(person: Any | None) -> tuple[str, ...]:
    return tuple(getattr(person, "groups", ()) or ()) if person is not None else ()


def _answer_data(answer: Answer) -> dict[str, Any]:
    """The structured answer for the web chat (JSON-safe)."""
    from dataclasses import asdict

    return asdict(answer)
