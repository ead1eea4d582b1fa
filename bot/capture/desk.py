"""The handover interview in the chat: the command ``übergabe``, the card actions, the
drafts' review by the head, the release and the reindex. Turns capture errors into German.

``host`` is the assistant (settings, state, directory, docs_meta, today, reindexer,
notifier); this module never imports botbuilder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.capture import cards, errors
from bot.capture.drafting import DraftFlow
from bot.capture.interview import Interviews, Screen
from bot.capture.release import (
    Drafts,
    reviewers_for,
)
from bot.capture.template import load_sections
from bot.directory import Person, Task, is_head
from bot.texts import capture as texts
from bot.turns import Reply, Turn

log = logging.getLogger(__name__)


def release_folder(settings: Any) -> Path:
    return Path(settings.release_dir or settings.kb_dir)


class HandoverDesk:
    """One per assistant; everything it knows lives in the state database and the folders."""

    def __init__(self, host: Any) -> None:
        self.host = host
        settings = host.settings
        roots = [release_folder(settings), Path(settings.kb_dir)]
        self.interviews = Interviews(host.state, load_sections(settings.kb_dir), roots)
        self.drafts = Drafts(host.state, Path(settings.state_db).parent / "drafts",
                             release_folder(settings))
        self.flow = DraftFlow(self)

    @property
    def sections(self) -> tuple[Any, ...]:
        return self.interviews.sections

    # -- the command ---------------------------------------------------------------------
    def command(self, user: Person | None, admin: bool, args: str) -> list[Reply]:
        """``übergabe``, ``übergabe <Aufgabe>``, ``übergabe für <Name>``. Returns [] when the
        words after "übergabe" name no task of the user: then the message is a question
        ("Übergabe der Kasse, wie läuft das?")."""
        if user is None:
            return [_say(texts.UNKNOWN_SELF, "handover_error")]
        target, rest = user, args.strip()
        if rest.casefold().startswith("für ") or rest.casefold().startswith("fuer "):
            name = rest.split(" ", 1)[1].strip()
            found = self.host.directory.find_people(name)
            if not found:
                return [_say(texts.UNKNOWN_PERSON.format(name=name[:80]), "handover_error")]
            if len(found) > 1:
                names = ", ".join(p.name for p in found[:6])
                return [_say(texts.SEVERAL_PEOPLE.format(name=name[:80], names=names),
                             "handover_error")]
            target, rest = found[0], ""
        if not self._may_start_for(user, target, admin):
            return [_say(texts.NOT_ALLOWED_FOR, "handover_not_allowed")]
        if rest:
            task = _match_task(self.host.directory.tasks_of(target), rest)
            if task is None:
                return []
            return self._show(self.interviews.start(target, task, user))
        return [self._overview(user, target)]

    def _may_start_for(self, user: Person, target: Person, admin: bool) -> bool:
        if user.id == target.id or admin:
            return True
        record = self.host.directory.department(target.department)
        if record is not None and record.head == user.id:
            return True
        return is_head(user) and user.department.casefold() == target.department.casefold()

    def _acts_for(self, admin: bool) -> Callable[[Person, str], bool]:
        def acts_for(user: Person, person_id: str) -> bool:
            target = self.host.directory.person(person_id)
            return target is not None and self._may_start_for(user, target, admin)

        return acts_for

    def _overview(self, user: Person, target: Person) -> Reply:
        directory = self.host.directory
        total = len(self.sections)
        open_items = []
        for row in self.host.state.interviews_of(target.id):
            task = directory.task(row.task_id)
            if row.status in ("open", "returned") and row.person_id == target.id:
                done = len(self.host.state.answers(row.id))
                open_items.append((texts.RESUME_BUTTON.format(
                    task=task.name if task else row.task_id, done=done, total=total), row.id))
        started = {r.task_id for r in self.host.state.interviews_of(target.id)
                   if r.status in ("open", "returned")}
        tasks = [(t.name + (texts.UPDATE_SUFFIX if _has_markdown(t) else ""), target.id, t.id)
                 for t in directory.tasks_of(target) if t.id not in started]
        title = texts.OVERVIEW_TITLE if user.id == target.id else texts.OVERVIEW_FOR.format(
            name=target.name)
        card = cards.overview_card(title, texts.OVERVIEW_INTRO, open_items, tasks,
                                   texts.OVERVIEW_NO_TASKS.format(name=target.name))
        lines = [title, *(label for label, _ in open_items), *(label for label, _, _ in tasks)]
        return Reply("\n".join(lines), card, {"kind": "handover_overview"})

    # -- card actions ----------------------------------------------------------------------
    async def action(self, turn: Turn, user: Person | None, admin: bool,
                     value: dict[str, Any]) -> list[Reply]:
        try:
            return await self._action(turn, user, admin, value)
        except errors.NotFound:
            return [_say(texts.UNKNOWN_INTERVIEW, "handover_unknown")]
        except errors.NotYours:
            log.warning("card submit for another person's interview refused")
            return [_say(texts.NOT_YOURS, "handover_not_yours")]
        except errors.Closed as closed:
            return [_say(texts.INTERVIEW_CLOSED.format(status=closed.status), "handover_closed")]
        except errors.Gone as gone:
            text = texts.PERSON_GONE if gone.what == "person" else texts.TASK_GONE.format(
                task=gone.name)
            return [_say(text, "handover_gone")]
        except errors.AlreadyDecided as done:
            name = self.name_of(done.by) if done.by else "?"
            decision = texts.DECISION.get(done.decision, done.decision)
            return [_say(texts.ALREADY_DECIDED.format(name=name, decision=decision),
                         "draft_decided")]
        except errors.NotPermitted as refused:
            return [_say(texts.NOT_REVIEWER.format(department=str(refused)), "draft_not_allowed")]

    async def _action(self, turn: Turn, user: Person | None, admin: bool,
                      value: dict[str, Any]) -> list[Reply]:
        action = value.get("action")
        if action == cards.ACTION_START:
            return self._start(user, admin, value.get("person"), value.get("task"))
        if action == cards.ACTION_RESUME:
            return self._show(self.interviews.resume(value.get("interview"), user,
                                                     self._acts_for(admin)))
        if action == cards.ACTION_STEP:
            return await self._step(user, admin, value)
        if action == cards.ACTION_RELEASE:
            return await self.flow.release(turn, user, admin, value.get("draft"))
        if action == cards.ACTION_RETURN:
            return await self.flow.give_back(user, admin, value.get("draft"),
                                         value.get(cards.NOTE_FIELD))
        raise errors.NotFound(str(action)[:40])

    def _start(self, user: Person | None, admin: bool, person_id: Any, task_id: Any
               ) -> list[Reply]:
        if user is None:
            return [_say(texts.UNKNOWN_SELF, "handover_error")]
        directory = self.host.directory
        target = directory.person(person_id) if isinstance(person_id, str) else None
        task = directory.task(task_id) if isinstance(task_id, str) else None
        if target is None:
            raise errors.Gone("person", str(person_id)[:40])
        if task is None:
            raise errors.Gone("task", str(task_id)[:80])
        if not self._may_start_for(user, target, admin):
            return [_say(texts.NOT_ALLOWED_FOR, "handover_not_allowed")]
        return self._show(self.interviews.start(target, task, user))

    async def _step(self, user: Person | None, admin: bool, value: dict[str, Any]
                    ) -> list[Reply]:
        row = self.interviews.owned(value.get("interview"), user, self._acts_for(admin),
                                    open_only=True)
        step = value.get("step")
        if step not in cards.STEPS:
            raise errors.NotFound(str(step)[:20])
        if step == "finish":
            return await self.flow.finish(row, user)
        screen = self.interviews.step(row, value.get("section"), str(step),
                                      value.get(cards.ANSWER_FIELD))
        self.interviews.check_directory(row, self.host.directory)  # answer kept, then say so
        return self._show(screen)

    # -- showing a screen ------------------------------------------------------------------
    def _show(self, screen: Screen) -> list[Reply]:
        row = screen.interview
        person, task = self.interviews.check_directory(row, self.host.directory)
        total = len(self.sections)
        replies = []
        if screen.problem:
            replies.append(_say(_problem_text(screen.problem), "handover_refused"))
        if screen.paused:
            return [*replies, _say(texts.PAUSED.format(number=screen.index + 1, total=total),
                                   "handover_paused")]
        if screen.index >= total:
            reviewers = reviewers_for(self.host.directory, task.department, person,
                                      self.admin_check)
            names = ", ".join(p.name for p in reviewers) or "die Administration"
            card = cards.summary_card(row.id, task.name, len(screen.answers), total, names,
                                      "")  # "back" from here: the last section
            return [*replies, Reply(texts.SUMMARY_TITLE.format(task=task.name), card,
                                    {"kind": "handover_summary", "interview": row.id})]
        section = self.sections[screen.index]
        answer = screen.kept_text or screen.answers.get(section.key, "")
        name = person.name if row.started_by != row.person_id else None
        card = cards.section_card(row.id, task.name, name, screen.index + 1, section, total,
                                  answer, section.key in screen.prefilled)
        text = f"{section.title}\n{section.hint}"
        return [*replies, Reply(text, card, {"kind": "handover_section", "interview": row.id,
                                             "section": section.key})]

    def pending(self, user: Person | None, admin: bool) -> list[Reply]:
        return self.flow.pending(user, admin)

    def admin_check(self, person: Person) -> bool:
        return bool(self.host.is_admin_person(person))

    def name_of(self, person_id: str) -> str:
        person = self.host.directory.person(person_id)
        return person.name if person else person_id

def _problem_text(problem: str) -> str:
    if problem == "empty":
        return texts.EMPTY_ANSWER
    if problem.startswith("too_long:"):
        return texts.TOO_LONG.format(length=f"{int(problem.split(':')[1]):,}".replace(",", "."),
                                     limit=f"{cards.MAX_ANSWER_CHARS:,}".replace(",", "."))
    kind = problem.split(":", 1)[1] if ":" in problem else "password"
    return texts.SECRET_ASK_WHERE.format(what=texts.SECRET.get(kind, texts.SECRET["password"]))


def _match_task(tasks: list[Task], text: str) -> Task | None:
    wanted = text.casefold().strip(" .!?„“\"")
    exact = [t for t in tasks if wanted in (t.id.casefold(), t.name.casefold())]
    if exact:
        return exact[0]
    partial = [t for t in tasks if wanted in t.name.casefold()
               or any(wanted == k.casefold() for k in t.keywords)]
    return partial[0] if len(partial) == 1 else None


def _has_markdown(task: Task) -> bool:
    return any(source.lower().endswith(".md") for source in task.documents)


def _say(text: str, kind: str) -> Reply:
    return Reply(text, data={"kind": kind})
