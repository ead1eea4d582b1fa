"""What happens to a finished interview: the draft (document rendered, file in the drafts
folder), the preview for the head of department, the release into the department's folder
with the reindex after it, and the return with a note. Errors go up to ``HandoverDesk``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.capture import cards
from bot.capture.document import HandoverMeta, prefill, render
from bot.capture.release import (
    check_reviewer,
    department_folder,
    may_review,
    reviewers_for,
    target_path,
)
from bot.capture.review import review_reply
from bot.capture.routing_faq import FAQ_KIND, pending_review
from bot.capture.routing_faq import task_of as faq_task_of
from bot.directory import Person, Task
from bot.texts import capture as texts
from bot.turns import Reply, Turn

log = logging.getLogger(__name__)


class DraftFlow:
    """Drafts of one ``HandoverDesk`` (its host, interviews and drafts folder)."""

    def __init__(self, desk: Any) -> None:
        self.desk = desk
        self.host = desk.host

    async def finish(self, row: Any, user: Person | None) -> list[Reply]:
        person, task = self.desk.interviews.check_directory(row, self.host.directory)
        answers = self.host.state.answers(row.id)
        if not answers:
            return [_say(texts.SUMMARY_EMPTY, "handover_empty")]
        markdown, title = self._document(row, person, task, answers)
        folder = department_folder(task.department, self.host.docs_meta or {})
        target = target_path(folder, task.id, row.base_source)
        draft_id = self.desk.drafts.create(row.id, target, task.department, person.id, markdown)
        reviewers = reviewers_for(self.host.directory, task.department, person,
                                  self.desk.admin_check)
        if not reviewers:
            return [_say(texts.NO_REVIEWER.format(department=task.department), "draft_created")]
        review = review_reply(self.desk, draft_id, title, person, task, answers, folder,
                              row.base_source)
        lines = [texts.DRAFT_SENT.format(title=title, reviewers=", ".join(
            p.name for p in reviewers))]
        for reviewer in reviewers:
            if not await self.host.notify_person(reviewer.id, [review]):
                lines.append(texts.DRAFT_REVIEWER_UNREACHABLE.format(
                    name=reviewer.name, phone=reviewer.phone or reviewer.email or "?"))
        return [Reply("\n\n".join(lines), data={"kind": "draft_created", "draft": draft_id})]

    def _document(self, row: Any, person: Person, task: Task, answers: dict[str, str]
                  ) -> tuple[str, str]:
        meta_of = (self.host.docs_meta or {}).get(row.base_source) if row.base_source else None
        extra: dict[str, str] = {}
        if row.base_source:
            base = self.desk.interviews.existing_document(task)
            if base is not None:
                extra = prefill(base[1], self.desk.sections)[1]
        title = (meta_of.title if meta_of and meta_of.title
                 else texts.DOCUMENT_TITLE.format(task=task.name))
        meta = HandoverMeta(title, task.id, task.responsible, task.deputies, task.department,
                            person.name, self.host.today(),
                            tuple(meta_of.groups) if meta_of else (), task.keywords)
        return render(meta, self.desk.sections, answers, extra), title

    def pending(self, user: Person | None, admin: bool) -> list[Reply]:
        """``freigaben``: the drafts this user may release, each as its review card."""
        replies = []
        for draft in self.host.state.pending_drafts():
            if not may_review(user, draft, self.host.directory, admin):
                continue
            if draft.kind == FAQ_KIND:  # a routed question's answer (issue 12)
                faq = pending_review(self.host, draft)
                replies += [faq] if faq is not None else []
                continue
            row = self.host.state.interview(draft.origin_id)
            person = self.host.directory.person(draft.author)
            task = self.host.directory.task(row.task_id) if row else None
            if row is None or person is None or task is None:
                continue
            title = _title_of(self.desk.drafts.text_of(draft.id)) or task.name
            folder = draft.target.split("/", 1)[0]
            replies.append(review_reply(self.desk, draft.id, title, person, task,
                                        self.host.state.answers(row.id), folder,
                                        row.base_source))
        return replies or [_say(texts.PENDING_NONE, "drafts_none")]

    async def release(self, turn: Turn, user: Person | None, admin: bool, draft_id: Any
                       ) -> list[Reply]:
        draft = self.desk.drafts.pending(draft_id)
        check_reviewer(user, draft, self.host.directory, admin)
        assert user is not None or admin
        by = user.id if user is not None else turn.user.key
        try:
            await asyncio.to_thread(self.desk.drafts.release, draft, by)
        except OSError as error:
            log.error("release failed: %s", type(error).__name__)
            reason = error.strerror or type(error).__name__
            return [_say(texts.RELEASE_NOT_WRITABLE.format(reason=reason), "release_failed")]
        title = _title_of(self.desk.drafts.text_of(draft.id)) or draft.target
        task = self._task_of(draft)
        await self.host.notify_person(draft.author, [_say(texts.RELEASED_TO_AUTHOR.format(
            title=title, reviewer=user.name if user else "der Administration"), "released")])
        self.host.request_reindex(turn.conversation_id, _indexed_message(
            title, task.name if task else draft.target))
        return [_say(texts.RELEASED.format(title=title, target=draft.target), "released")]

    def _task_of(self, draft: Any) -> Task | None:
        if draft.kind == FAQ_KIND:
            return faq_task_of(self.host, draft)
        row = self.host.state.interview(draft.origin_id)
        return self.host.directory.task(row.task_id) if row else None

    async def give_back(self, user: Person | None, admin: bool, draft_id: Any, note: Any
                         ) -> list[Reply]:
        draft = self.desk.drafts.pending(draft_id)
        check_reviewer(user, draft, self.host.directory, admin)
        author = self.desk.name_of(draft.author)
        text = note.strip()[:2000] if isinstance(note, str) else ""
        if not text:
            return [_say(texts.RETURN_NEEDS_NOTE.format(author=author), "return_needs_note")]
        self.desk.drafts.give_back(draft, user.id if user else "admin", text)
        title = _title_of(self.desk.drafts.text_of(draft.id)) or draft.target
        message = texts.RETURNED_TO_AUTHOR.format(
            reviewer=user.name if user else "Die Administration", title=title, note=text)
        # a FAQ entry has no interview to resume: the note is the whole message
        card = cards.resume_card(message, draft.origin_id) if draft.kind != FAQ_KIND else None
        await self.host.notify_person(draft.author, [Reply(message, card, {"kind": "returned"})])
        return [_say(texts.RETURNED.format(author=author), "returned")]


def _indexed_message(title: str, task: str) -> Callable[[bool, str], Reply]:
    def message(ok: bool, reason: str) -> Reply:
        if ok:
            return _say(texts.RELEASED_INDEXED.format(title=title, task=task), "release_indexed")
        return _say(texts.RELEASED_INDEX_FAILED.format(title=title, reason=reason),
                    "release_index_failed")

    return message


def _title_of(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("titel:"):
            import yaml

            try:
                value = yaml.safe_load(line.split(":", 1)[1])
            except yaml.YAMLError:
                return ""
            return str(value) if value else ""
    return ""



def _say(text: str, kind: str) -> Reply:
    return Reply(text, data={"kind": kind})
