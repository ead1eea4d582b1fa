"""Routed questions (issue 12): a question the documents do not answer goes to the person
responsible for its task today (``Directory.who_handles``: absences and stand-ins counted),
or to the head of a department the asker picks; their answer goes back to the asker.

``host`` is the assistant (directory, state, today, notifier, notify_person); no botbuilder.
Every card value is checked against the state and the directory: a forged or repeated submit
gets a German message and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from bot.capture import routing_cards as cards
from bot.capture.cards import ANSWER_FIELD
from bot.capture.secrets import secret_kind
from bot.directory import Person, Task
from bot.state.routing import ROUTED_OPEN, RoutedRow
from bot.texts import capture as capture_texts
from bot.texts import routing as texts
from bot.turns import MAX_MESSAGE_CHARS, Reply, Turn

log = logging.getLogger(__name__)
_ID = re.compile(r"^[0-9a-f]{32}$")
# deliver_waiting waits this long at most for a question someone else is sending right now
# (one send takes well under a second; a crashed sender's claim goes stale after minutes)
CLAIM_WAIT = 5.0
CLAIM_POLL = 0.2
ROUTING_ACTIONS = frozenset({cards.ACTION_FORWARD, cards.ACTION_ANSWER, cards.ACTION_ADOPT})


class RoutingDesk:
    """One per assistant; everything it knows lives in the state database."""

    def __init__(self, host: Any) -> None:
        self.host = host

    async def action(self, turn: Turn, user: Person | None, value: dict[str, Any]
                     ) -> list[Reply]:
        action = value.get("action")
        if action == cards.ACTION_FORWARD:
            return await self.forward(turn, user, value)
        if action == cards.ACTION_ANSWER:
            return await self.answer(user, value.get("routed"), value.get(ANSWER_FIELD))
        from bot.capture.routing_faq import adopt

        return await adopt(self, user, value.get("routed"))

    # -- forwarding --------------------------------------------------------------------------
    async def forward(self, turn: Turn, user: Person | None, value: dict[str, Any]
                      ) -> list[Reply]:
        question = value.get("question")
        if not isinstance(question, str) or not question.strip():
            return [_say(texts.QUESTION_MISSING, "routed_invalid")]
        question = " ".join(question.split())
        if len(question) > MAX_MESSAGE_CHARS:
            return [_say(texts.QUESTION_TOO_LONG.format(length=len(question),
                                                        limit=MAX_MESSAGE_CHARS), "routed_invalid")]
        if turn.is_group:
            return [_say(texts.GROUP_CHAT, "routed_personal_only")]
        directory = self.host.directory
        department = value.get("department")
        task = self._task(value.get("task"), user)
        if isinstance(department, str) and department.strip():
            return await self._to_head(turn, user, question, department.strip())
        if task is None:
            intro = texts.TASK_GONE if value.get("task") else texts.PICK_DEPARTMENT
            return [self._department_choice(question, intro)]
        today = directory.who_handles(task.id, self.host.today())
        contact = today.contact
        if contact is None:
            return [_say(texts.NO_ONE.format(task=task.name), "routed_nobody")]
        role = (texts.ROLE_ALL_AWAY if today.all_away else texts.ROLE_RESPONSIBLE).format(
            task=task.name)
        return await self._send(turn, user, question, task, task.department, contact, role)

    def _task(self, task_id: Any, user: Person | None) -> Task | None:
        """The card's task, if it exists and the asker may see it (restricted tasks fail
        closed: a forged id of a task for other groups is treated like a missing one)."""
        if not isinstance(task_id, str):
            return None
        task: Task | None = self.host.directory.task(task_id)
        groups = getattr(user, "groups", ()) if user is not None else ()
        return task if task is not None and task.visible_to(groups) else None

    def _department_choice(self, question: str, intro: str) -> Reply:
        names = [d.name for d in self.host.directory.departments.values()
                 if d.head and self.host.directory.person(d.head) is not None]
        if not names:
            return _say(texts.NO_DEPARTMENTS, "routed_nobody")
        card = cards.departments_card(question, sorted(names))
        card["body"][0]["text"] = intro
        return Reply("\n".join([intro, *sorted(names)]), card, {"kind": "routed_departments"})

    async def _to_head(self, turn: Turn, user: Person | None, question: str, name: str
                       ) -> list[Reply]:
        record = self.host.directory.department(name)
        head = self.host.directory.person(record.head) if record and record.head else None
        if record is None or head is None:
            return [_say(texts.NO_HEAD.format(department=name[:80]), "routed_nobody")]
        role = texts.ROLE_HEAD.format(department=record.name)
        return await self._send(turn, user, question, None, record.name, head, role)

    async def _send(self, turn: Turn, user: Person | None, question: str, task: Task | None,
                    department: str, contact: Person, role: str) -> list[Reply]:
        state = self.host.state
        routed_id = await asyncio.to_thread(
            state.add_routed, question, turn.user.key, user.id if user else None,
            task.id if task else None, department, contact.id)
        log.info("question routed (task=%s)", task.id if task else None)
        row = await asyncio.to_thread(state.routed, routed_id)
        delivered = await self.deliver(row, texts.INCOMING_TITLE)
        if not delivered:
            phone = contact.phone or contact.email or "?"
            return [_say(texts.UNREACHABLE.format(name=contact.name, role=role, phone=phone),
                         "routed_unreachable")]
        text = texts.SENT.format(name=contact.name, role=role)
        if self.host.directory.absence_on(contact.id, self.host.today()) is not None:
            text += texts.SENT_AWAY.format(name=contact.name)
        return [Reply(text, data={"kind": "routed_sent", "routed": routed_id})]

    async def deliver(self, row: RoutedRow, title: str, reminded: bool = False) -> bool:
        """Send the question with its answer form to its holder; True when it arrived.

        A first delivery is claimed in the state database before it is sent
        (``claim_delivery``): the sweep of one replica, a holder's first message on another
        and the return after an absence may reach the same waiting question at once, and only
        the claim's winner sends. False when someone else sends it, it arrived already, or it
        moved on. A reminder (the question arrived before) is only ever sent by the sweep,
        which one replica runs at a time (``routing_sweep.sweep_once``)."""
        state = self.host.state
        if reminded:
            delivered = bool(await self.host.notify_person(row.assignee,
                                                           [self.question_reply(row, title)]))
            if delivered:
                await asyncio.to_thread(state.mark_reminded, row.id, row.assignee)
            return delivered
        return bool(await self._send_claimed(row, title))

    async def _send_claimed(self, row: RoutedRow, title: str) -> bool | None:
        """A first delivery under a claim: True sent, False not reached (waiting again), None
        when the claim went to someone else (or the question arrived or moved on)."""
        state = self.host.state
        reply = self.question_reply(row, title)
        if not await asyncio.to_thread(state.claim_delivery, row.id, row.assignee):
            return None
        delivered = False
        try:
            delivered = bool(await self.host.notify_person(row.assignee, [reply]))
        finally:  # not delivered (no chat, an error): waiting again for the next sender
            await asyncio.to_thread(state.finish_delivery, row.id, row.assignee, delivered)
        return delivered

    async def deliver_waiting(self, person_id: str) -> int:
        """The person wrote (first time since the start): deliver the questions that waited
        for a chat with them; a failure is logged and left to the periodic sweep.

        A question another sender has claimed at this moment (the sweep, another replica) is
        tried again for up to ``CLAIM_WAIT`` seconds: that sender may have tried just before
        this person's chat was known and put it back to waiting, and then it is sent here, not
        a sweep period later. Once it has arrived (by either sender) it is no longer open."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLAIM_WAIT
        done: set[str] = set()  # sent or tried here
        sent = 0
        try:
            while True:
                rows = await asyncio.to_thread(self.host.state.routed_questions, ROUTED_OPEN)
                todo = [r for r in rows
                        if r.assignee == person_id and not r.delivered and r.id not in done]
                claimed_elsewhere = False
                for row in todo:
                    outcome = await self._send_claimed(row, texts.INCOMING_TITLE)
                    if outcome is None:
                        claimed_elsewhere = True
                    else:
                        done.add(row.id)
                        sent += outcome
                if not claimed_elsewhere or loop.time() >= deadline:
                    return sent
                await asyncio.sleep(CLAIM_POLL)
        except Exception:
            log.exception("waiting routed questions not delivered")
            return sent

    def question_reply(self, row: RoutedRow, title: str, answer: str = "") -> Reply:
        directory = self.host.directory
        asker = directory.person(row.asker_person) if row.asker_person else None
        task = directory.task(row.task_id) if row.task_id else None
        about = texts.INCOMING_ABOUT.format(task=task.name) if task else ""
        intro = texts.INCOMING_FROM.format(asker=asker.name if asker else texts.SOMEONE,
                                           about=about)
        card = cards.question_card(row.id, title, intro, row.question, answer)
        return Reply(f"{title}\n{intro}\n{row.question}", card,
                     {"kind": "routed_question", "routed": row.id})

    # -- answering ---------------------------------------------------------------------------
    async def answer(self, user: Person | None, routed_id: Any, text: Any) -> list[Reply]:
        row = await asyncio.to_thread(self.open_row_for, user, routed_id)
        if isinstance(row, Reply):
            return [row]
        assert user is not None
        answer = text.strip() if isinstance(text, str) else ""
        if not answer:
            return [_say(texts.ANSWER_EMPTY, "routed_answer_empty")]
        if len(answer) > cards.MAX_ROUTED_ANSWER:
            limit = cards.MAX_ROUTED_ANSWER
            again = self.question_reply(row, texts.INCOMING_TITLE, answer[:limit])
            return [_say(texts.ANSWER_TOO_LONG.format(length=_thousands(len(answer)),
                                                      limit=_thousands(limit)),
                         "routed_answer_too_long"), again]
        secret = secret_kind(answer)
        if secret:
            what = capture_texts.SECRET.get(secret, capture_texts.SECRET["password"])
            return [_say(texts.ANSWER_SECRET.format(what=what), "routed_answer_secret")]
        if not await asyncio.to_thread(self.host.state.answer_routed, row.id, user.id, answer):
            return [await asyncio.to_thread(self._already, row.id)]
        asker = self._asker_name(row)
        reached = await self._send_back(row, user, answer)
        if not reached:
            return [_say(texts.ANSWER_THANKS_UNREACHED.format(asker=asker), "routed_answered")]
        message = texts.ANSWER_THANKS.format(asker=asker)
        return [Reply(message, cards.adopt_card(message, row.id),
                      {"kind": "routed_answered", "routed": row.id})]

    def open_row_for(self, user: Person | None, routed_id: Any) -> RoutedRow | Reply:
        """The open question ``user`` holds, or the German reason why not (reads the state
        database: call it in a worker thread)."""
        if user is None:
            return _say(texts.UNKNOWN_SELF, "routed_unknown")
        row = self.host.state.routed(routed_id) if isinstance(routed_id, str) and _ID.match(
            routed_id) else None
        if row is None:
            return _say(texts.UNKNOWN, "routed_unknown")
        if row.status != ROUTED_OPEN:
            return self._already(row.id)
        if row.assignee != user.id:
            log.warning("routed answer by someone else than its holder refused")
            return _say(texts.NOT_YOURS.format(name=self._name(row.assignee)), "routed_not_yours")
        return row

    def _already(self, routed_id: str) -> Reply:
        row = self.host.state.routed(routed_id)
        name = self._name(row.answered_by) if row and row.answered_by else "?"
        return _say(texts.ALREADY_ANSWERED.format(name=name), "routed_already_answered")

    async def _send_back(self, row: RoutedRow, user: Person, answer: str) -> bool:
        send = getattr(self.host._notifier, "notify_user", None)
        if send is None:
            return False
        intro = texts.ANSWER_TO_ASKER.format(name=user.name, question=row.question[:300])
        reply = Reply(f"{intro}\n{answer}", cards.answer_card(intro, answer),
                      {"kind": "routed_answer", "routed": row.id})
        try:
            return bool(await send(row.asker_key, [reply]))
        except Exception:  # the answer is stored; the asker can be told later
            log.exception("routed answer not delivered")
            return False

    def _asker_name(self, row: RoutedRow) -> str:
        asker = self.host.directory.person(row.asker_person) if row.asker_person else None
        return asker.name if asker else "der fragenden Person"

    def _name(self, person_id: str) -> str:
        person = self.host.directory.person(person_id)
        return person.name if person else person_id


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _say(text: str, kind: str) -> Reply:
    return Reply(text, data={"kind": kind})
