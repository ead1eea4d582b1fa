"""The handover interview as a state machine over the state database.

An interview belongs to a person and a task of the directory. Its position is the section
shown next; every answer is stored at once, so a restart, a day off or "später weiter" loses
nothing. Steps: ``next`` (store the answer, go on), ``skip`` (keep what was there, go on),
``back``, ``later`` (store, pause), ``finish`` (from the summary: becomes a draft).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.capture.cards import MAX_ANSWER_CHARS
from bot.capture.document import prefill
from bot.capture.errors import Closed, Gone, NotFound, NotYours
from bot.capture.secrets import secret_kind
from bot.capture.template import TemplateSection
from bot.directory import Person, Task
from bot.state.capture import OPEN, RETURNED, InterviewRow

ActsFor = Callable[[Person, str], bool]  # (user, person id): may the user act for them?


@dataclass(frozen=True)
class Screen:
    """What to show next: a section (``index`` < total), the summary (``index`` == total),
    or a pause; ``problem`` names why an answer was refused (empty, too_long, secret:...)."""

    interview: InterviewRow
    index: int
    answers: dict[str, str]
    prefilled: frozenset[str] = frozenset()
    problem: str = ""
    kept_text: str = ""  # text to put back into the field after a refusal
    paused: bool = False


class Interviews:
    """Starts interviews and moves them along; ``sections`` come from the template."""

    def __init__(self, state: Any, sections: Sequence[TemplateSection], kb_roots: Sequence[Path]
                 ) -> None:
        self.state = state
        self.sections = tuple(sections)
        self._roots = tuple(kb_roots)  # where existing handover documents are read from

    def start(self, person: Person, task: Task, started_by: Person) -> Screen:
        """A new interview, or the unfinished one for the same person and task; sections
        are prefilled from the task's existing Markdown handover document, unless it is
        restricted (``zugriff``) to groups that the person or the starter lacks: then a new
        document is written beside it and nothing of it is shown."""
        base = self.existing_document(task)
        if base is not None and not _readable(base[1], person, started_by):
            base = None
        answers, _ = prefill(base[1], self.sections) if base else ({}, {})
        row = self.state.start_interview(person.id, task.id, started_by.id,
                                         base[0] if base else None, answers)
        return self._screen(row)

    def resume(self, interview_id: Any, user: Person | None, acts_for: ActsFor) -> Screen:
        return self._screen(self.owned(interview_id, user, acts_for, open_only=True))

    def owned(self, interview_id: Any, user: Person | None, acts_for: ActsFor,
              open_only: bool) -> InterviewRow:
        """The interview if ``user`` gives it, started it or may act for its person (head of
        the department, admin): card data is never trusted."""
        if not isinstance(interview_id, str) or not interview_id or len(interview_id) > 64:
            raise NotFound("no interview id")
        row = self.state.interview(interview_id)
        if row is None:
            raise NotFound(interview_id)
        if user is None or (user.id not in (row.person_id, row.started_by)
                            and not acts_for(user, row.person_id)):
            raise NotYours(interview_id)
        if open_only and row.status not in (OPEN, RETURNED):
            raise Closed(row.status)
        return row

    def step(self, row: InterviewRow, section_key: Any, step: str, answer: Any) -> Screen:
        """Apply one button press to the section the card showed (not the stored position:
        an old card pressed again still lands where its user expects)."""
        index = self._index_of(section_key, row.position)
        text = answer.strip() if isinstance(answer, str) else ""
        if step in ("next", "later"):
            refusal = self._refusal(text, answer, step)
            if refusal is not None:
                return self._screen(row, index, *refusal)
        target = {"next": index + 1, "skip": index + 1, "back": max(index - 1, 0),
                  "later": index}.get(step, index)
        stored = text if step in ("next", "later") and text else None
        if index < len(self.sections):
            self.state.save_answer(row.id, self.sections[index].key, stored, target)
        else:  # the summary: nothing to store
            self.state.save_answer(row.id, self.sections[-1].key, None, target)
        fresh = self.state.interview(row.id)
        return self._screen(fresh, target, paused=step == "later")

    def check_directory(self, row: InterviewRow, directory: Any) -> tuple[Person, Task]:
        """The interview's person and task as the directory has them now."""
        person = directory.person(row.person_id)
        if person is None:
            raise Gone("person", row.person_id)
        task = directory.task(row.task_id)
        if task is None:
            raise Gone("task", row.task_id)
        return person, task

    # -- helpers ---------------------------------------------------------------------------
    def _refusal(self, text: str, raw: Any, step: str) -> tuple[str, str] | None:
        if not text:
            return None if step == "later" else ("empty", "")
        if len(text) > MAX_ANSWER_CHARS:
            return f"too_long:{len(text)}", text[:MAX_ANSWER_CHARS]
        kind = secret_kind(text)
        if kind:
            return f"secret:{kind}", ""
        return None

    def _index_of(self, section_key: Any, fallback: int) -> int:
        for index, section in enumerate(self.sections):
            if section.key == section_key:
                return index
        return min(max(fallback, 0), len(self.sections))

    def _screen(self, row: InterviewRow, index: int | None = None, problem: str = "",
                kept: str = "", paused: bool = False) -> Screen:
        answers = self.state.answers(row.id)
        position = row.position if index is None else index
        prefilled = frozenset(answers) if row.base_source else frozenset()
        return Screen(row, min(position, len(self.sections)), answers, prefilled, problem,
                      kept, paused)

    def existing_document(self, task: Task) -> tuple[str, str] | None:
        """(source, text) of the task's Markdown handover document, the released copy first."""
        for source in task.documents:
            if not source.lower().endswith(".md"):
                continue
            for root in self._roots:
                path = root / source
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if "uebergabe" in text[:2000]:
                    return source, text
        return None


def _readable(markdown: str, *people: Person) -> bool:
    from indexer.loaders.frontmatter import meta_from_front_matter

    try:
        groups = set(meta_from_front_matter(markdown)[0].groups)
    except Exception:  # a document whose front matter cannot be read is not shown
        return False
    return not groups or all(groups & set(p.groups) for p in people)
