"""Delivering the stand-in's briefing (issue 12): once per stand-in and absence, on the
morning the absence starts, from the periodic sweep; on request (``was vertrete ich?``); and
to a stand-in without a chat yet the next time they write. Also brings routed questions back
to their holder after an absence (``bot.capture.routing_sweep`` moved them away).

``host`` is the assistant (directory, state, settings, today, notify_person, routing). Every
read of files or the state database runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.capture.briefing import BriefingWriter, DeadlineReader, cover_for, covers_of, stand_ins_of
from bot.capture.desk import release_folder
from bot.directory import Absence, Person
from bot.state.briefing import PENDING, SENT, absence_key
from bot.state.routing import ROUTED_OPEN
from bot.texts import briefing as texts
from bot.turns import Reply, Turn

log = logging.getLogger(__name__)

BRIEFING_HOUR = 7  # "on the morning": not at 3 a.m. when the bot restarts at night
CATCH_UP_DAYS = 3  # a bot that was down on the first day still briefs in the first days
REQUEST_DAYS = 14  # ``was vertrete ich?`` looks this far ahead
_REQUEST = re.compile(
    r"^\s*/?\s*(?:(?:was|wen|wofür|wofuer)\s+(?:vertrete|übernehme|uebernehme)\s+ich"
    r"(?:\s+(?:gerade|heute|zurzeit|aktuell|demnächst|bald))?|(?:meine\s+)?vertretungsmappe"
    r"|meine\s+vertretungen|vertretungen)\s*[?!.]*\s*$", re.IGNORECASE)


def asks_for_briefing(text: str) -> bool:
    """``was vertrete ich?``, ``Wen vertrete ich gerade``, ``Vertretungsmappe``."""
    return len(text) < 80 and bool(_REQUEST.match(text))


class BriefingDesk:
    """One per assistant; what was sent lives in the state database."""

    def __init__(self, host: Any, clock: Callable[[], datetime] | None = None) -> None:
        self.host = host
        settings = host.settings
        zone = ZoneInfo(settings.timezone)
        self.clock = clock or (lambda: datetime.now(zone))
        self.reader = DeadlineReader((release_folder(settings), settings.kb_dir))
        self._waiting: set[str] = set()  # stand-ins with a briefing that waits for a chat

    def writer(self) -> BriefingWriter:
        return BriefingWriter(self.host.settings, self.host.docs_meta, self.reader)

    # -- on request -------------------------------------------------------------------------
    async def on_request(self, turn: Turn, person: Person | None) -> list[Reply]:
        if person is None:
            return [Reply(texts.UNKNOWN_SELF, data={"kind": "briefing_unknown"})]
        if turn.is_group:
            return [Reply(texts.GROUP_CHAT, data={"kind": "briefing_personal_only"})]
        return [await asyncio.to_thread(self._requested, person)]

    def _requested(self, person: Person) -> Reply:
        today = self.host.today()
        notes = self.host.state.absence_notes()
        covers = covers_of(self.host.directory, person.id, today,
                           today + timedelta(days=REQUEST_DAYS), notes)
        if not covers:
            return Reply(texts.NOTHING.format(days=REQUEST_DAYS),
                         data={"kind": "briefing", "covers": []})
        return self.writer().reply(person, covers, today, texts.TITLE_ON_REQUEST, "briefing")

    # -- the morning run --------------------------------------------------------------------
    async def sweep(self) -> dict[str, int]:
        """Send the briefings due today; counts of sent and pending (no chat yet)."""
        counts = {"sent": 0, "pending": 0}
        today = self.host.today()
        pending = await asyncio.to_thread(self.host.state.briefings, PENDING)
        self._waiting |= {row.person_id for row in pending}  # also those of other replicas
        await self.return_questions(today)  # questions go back whenever the holder is back
        if self.clock().hour < BRIEFING_HOUR:
            return counts
        for person_id, key, reply in await asyncio.to_thread(self._due, today):
            if not await asyncio.to_thread(self.host.state.claim_briefing, person_id, key):
                continue
            delivered = await self._send(person_id, reply)
            await asyncio.to_thread(self.host.state.finish_briefing, person_id, key, delivered)
            counts["sent" if delivered else "pending"] += 1
            if not delivered:
                self._waiting.add(person_id)
        if counts["sent"] or counts["pending"]:
            log.info("briefings: %s", counts)
        return counts

    def _due(self, today: date) -> list[tuple[str, str, Reply]]:
        host = self.host
        host.reload_absences()  # chat absences of other bot processes
        directory, state = host.directory, host.state
        done = {(r.person_id, r.absence_key) for r in state.briefings(SENT)}
        notes = state.absence_notes()
        due = []
        for absence in directory.absences:
            if not _starts_now(absence, today):
                continue
            key = absence_key(absence.person, absence.start, absence.end)
            for person_id in stand_ins_of(directory, absence, today):
                person = directory.person(person_id)
                cover = cover_for(directory, absence, person_id, today, notes)
                if person is None or cover is None or (person_id, key) in done:
                    continue
                reply = self.writer().reply(person, [cover], today, texts.TITLE, "briefing")
                due.append((person_id, key, reply))
        return due

    async def _send(self, person_id: str, reply: Reply) -> bool:
        try:
            return bool(await self.host.notify_person(person_id, [reply]))
        except Exception:  # the claim turns into "pending": sent when the person writes
            log.exception("briefing not delivered")
            return False

    # -- a stand-in writes for the first time -----------------------------------------------
    async def deliver_waiting(self, person_id: str) -> int:
        """The stand-in wrote: send the briefings that waited for a chat with them."""
        if person_id not in self._waiting:
            return 0
        self._waiting.discard(person_id)
        try:
            rows = await asyncio.to_thread(self.host.state.briefings, PENDING)
            keys = [r.absence_key for r in rows if r.person_id == person_id]
            if not keys:
                return 0
            replies = await asyncio.to_thread(self._pending_replies, person_id, keys)
            sent = 0
            for key, reply in replies:
                if not await asyncio.to_thread(self.host.state.claim_briefing, person_id, key):
                    continue
                delivered = await self._send(person_id, reply)
                await asyncio.to_thread(self.host.state.finish_briefing, person_id, key,
                                        delivered)
                sent += delivered
            return sent
        except Exception:
            log.exception("waiting briefings not delivered")
            return 0

    def _pending_replies(self, person_id: str, keys: list[str]) -> list[tuple[str, Reply]]:
        directory, today = self.host.directory, self.host.today()
        person = directory.person(person_id)
        notes = self.host.state.absence_notes()
        result = []
        for absence in directory.absences:
            key = absence_key(absence.person, absence.start, absence.end)
            if person is None or key not in keys or absence.end < today:
                continue
            cover = cover_for(directory, absence, person_id, max(today, absence.start), notes)
            if cover is not None:
                result.append((key, self.writer().reply(person, [cover], today, texts.TITLE,
                                                        "briefing")))
        return result

    # -- routed questions come back ---------------------------------------------------------
    async def return_questions(self, today: date) -> int:
        """Questions moved away from an absent holder go back once the holder is present.
        Every replica runs this pass: the move is conditional on the holder read, and the
        delivery is claimed (``RoutingDesk.deliver``), so a question comes back once."""
        moved = 0
        for routed_id, person_id in await asyncio.to_thread(self.host.state.routed_returns):
            row = await asyncio.to_thread(self._return_one, routed_id, person_id, today)
            if row is not None:
                moved += 1
                await self.host.routing.deliver(row, texts.MOVED_BACK_TITLE)
        return moved

    def _return_one(self, routed_id: str, person_id: str, today: date) -> Any:
        state, directory = self.host.state, self.host.directory
        row = state.routed(routed_id)
        if row is None or row.status != ROUTED_OPEN or directory.person(person_id) is None:
            state.forget_return(routed_id)  # answered, or the holder left: nothing to return
            return None
        if directory.absence_on(person_id, today) is not None:
            return None  # still away
        state.forget_return(routed_id)
        if row.assignee == person_id:
            return None
        if not state.reassign_routed(routed_id, person_id, row.assignee):
            return None  # answered, or another replica's pass moved it back first
        return state.routed(routed_id)


def _starts_now(absence: Absence, today: date) -> bool:
    return absence.start <= today <= absence.end and (today - absence.start).days < CATCH_UP_DAYS


SWEEP_SECONDS = 15 * 60


async def brief_periodically(desk: BriefingDesk, seconds: float = SWEEP_SECONDS) -> None:
    """The app's task: a pass at start-up (a restart before or after the morning run), then
    every ``seconds``; a failing pass is logged and the next one runs."""
    while True:
        try:
            await desk.sweep()
        except Exception:
            log.exception("briefing sweep failed")
        await asyncio.sleep(seconds)
