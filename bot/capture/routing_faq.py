"""A routed question's answer into the knowledge base: "In die Wissensbasis übernehmen" makes
a draft of the task's FAQ document (the released one plus this entry, or a new one), which
goes to the head for release like a handover draft (``bot.capture.release``), then indexed.

The front matter comes from the directory only; question and answer land in the body through
``neutralise`` (no heading, no ``---``, no ``zugriff:`` of their own)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.capture.document import neutralise
from bot.capture.release import department_folder, reviewers_for
from bot.directory import Person, Task
from bot.state.routing import ROUTED_ANSWERED, RoutedRow
from bot.texts import routing as texts
from bot.turns import Reply

FAQ_KIND = "faq"
_ID = re.compile(r"^[0-9a-f]{32}$")


async def adopt(desk: Any, user: Person | None, routed_id: Any) -> list[Reply]:
    host = desk.host
    row = await asyncio.to_thread(host.state.routed, routed_id) if isinstance(
        routed_id, str) and _ID.match(routed_id) else None
    if user is None or row is None:
        return [_say(texts.UNKNOWN, "routed_unknown")]
    if row.status != ROUTED_ANSWERED or not row.answer:
        return [_say(texts.ADOPT_NOT_ANSWERED, "routed_not_answered")]
    if row.answered_by != user.id:
        return [_say(texts.NOT_YOURS.format(name=desk._name(row.answered_by or "?")),
                     "routed_not_yours")]
    task = host.directory.task(row.task_id) if row.task_id else None
    if task is None:
        return [_say(texts.ADOPT_NO_TASK, "routed_no_task")]
    handover = host.handover
    folder = department_folder(task.department, host.docs_meta or {})
    target = f"{folder}/faq_{_safe(task.id)}.md"
    base = await asyncio.to_thread(_existing, host.settings, target)
    groups = faq_groups(task, host.docs_meta or {})
    markdown = faq_document(base, task, row, host.today().isoformat(), groups)
    draft_id = await asyncio.to_thread(handover.drafts.create, row.id, target,
                                       task.department, user.id, markdown, kind=FAQ_KIND)
    reviewers = reviewers_for(host.directory, task.department, user, handover.admin_check)
    if not reviewers:
        return [_say(texts.ADOPT_NO_REVIEWER.format(department=task.department),
                     "routed_draft")]
    review = _review(handover, draft_id, user, task, row, folder)
    lines = [texts.ADOPT_SENT.format(question=row.question[:200],
                                     reviewers=", ".join(p.name for p in reviewers))]
    for reviewer in reviewers:
        if not await host.notify_person(reviewer.id, [review]):
            lines.append(texts.ADOPT_REVIEWER_UNREACHABLE.format(
                name=reviewer.name, phone=reviewer.phone or reviewer.email or "?"))
    return [Reply("\n\n".join(lines), data={"kind": "routed_draft", "draft": draft_id})]


def faq_groups(task: Task, docs_meta: Mapping[str, Any]) -> tuple[str, ...]:
    """Who may read the task's FAQ: the task's groups; for an open task whose documents are
    all restricted, their groups (an answer about a restricted procedure stays restricted)."""
    if task.groups:
        return task.groups
    metas = [docs_meta[s] for s in task.documents if s in docs_meta]
    if not metas or any(not meta.groups for meta in metas):
        return ()
    return tuple(dict.fromkeys(g for meta in metas for g in meta.groups))


def faq_document(base: str | None, task: Task, row: RoutedRow, day: str,
                 groups: tuple[str, ...] = ()) -> str:
    """``base`` (the released FAQ document, whose front matter stays) with one more entry,
    or a new document readable by ``groups`` (empty: everybody)."""
    entry = f"## {neutralise(' '.join(row.question.split()))}\n\n{neutralise(row.answer or '')}\n"
    if base is not None and base.startswith("---"):
        return base.rstrip("\n") + "\n\n" + entry
    front = {
        "titel": texts.FAQ_TITLE.format(task=task.name),
        "aufgaben": [task.id],
        "zustaendig": task.responsible,
        "vertretung": list(task.deputies),
        "stichwoerter": list(task.keywords),
        "zugriff": list(groups),  # a restricted task's FAQ stays restricted
        "abteilung": task.department,
        "dokumenttyp": "faq",
        "zuletzt_geprueft": day,
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    title = neutralise(texts.FAQ_TITLE.format(task=task.name))
    return f"---\n{head}---\n\n# {title}\n\n{texts.FAQ_INTRO}\n\n{entry}"


def pending_review(host: Any, draft: Any) -> Reply | None:
    """``freigaben``: the review card of a pending FAQ draft (None when its question, task
    or author is gone from the state or the directory)."""
    row = host.state.routed(draft.origin_id)
    author = host.directory.person(draft.author)
    task = host.directory.task(row.task_id) if row and row.task_id else None
    if row is None or author is None or task is None:
        return None
    return _review(host.handover, draft.id, author, task, row, draft.target.split("/", 1)[0])


def task_of(host: Any, draft: Any) -> Task | None:
    """The task a FAQ draft belongs to (through its routed question)."""
    row = host.state.routed(draft.origin_id)
    return host.directory.task(row.task_id) if row and row.task_id else None


def _existing(settings: Any, target: str) -> str | None:
    from bot.capture.desk import release_folder

    for root in (release_folder(settings), Path(settings.kb_dir)):
        path = root / target
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _review(handover: Any, draft_id: str, author: Person, task: Task, row: RoutedRow,
            folder: str) -> Reply:
    from bot.capture import cards
    from bot.texts import capture as capture_texts

    title = texts.FAQ_TITLE.format(task=task.name)
    intro = texts.FAQ_REVIEW_INTRO.format(author=author.name, task=task.name, folder=folder)
    facts = [(capture_texts.FACT_TASK, task.name), (capture_texts.FACT_PERSON, author.name),
             (capture_texts.FACT_DEPARTMENT, task.department)]
    sections = [(texts.FAQ_SECTION_QUESTION, row.question),
                (texts.FAQ_SECTION_ANSWER, row.answer or "")]
    cut = capture_texts.REVIEW_CUT.format(path=f"{draft_id}.md")
    card = cards.review_card(draft_id, title, intro, facts, sections, author.name, cut)
    text = "\n".join([capture_texts.REVIEW_TITLE.format(title=title), intro, row.question])
    return Reply(text, card, {"kind": "draft_review", "draft": draft_id})


def _safe(task_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", task_id).strip("_") or "aufgabe"


def _say(text: str, kind: str) -> Reply:
    return Reply(text, data={"kind": kind})
