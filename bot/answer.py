"""Build an Answer from search hits and the directory: who, how (quoted), where it says so.

Extractive only: steps are lines copied from the best matching section, never new text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from urllib.parse import quote

from bot.sections import DocumentChunks, best_section, quote_steps
from indexer.model import Chunk, Hit

log = logging.getLogger(__name__)

TOPIC_COUNT = 3


class TaskDirectory(Protocol):
    """What compose_answer needs of bot.directory.Directory."""

    def match_tasks(self, question: str, k: int = 3) -> list[tuple[Any, float]]: ...
    def task(self, task_id: str) -> Any: ...
    def who_handles(self, task_id: str, day: date) -> Any: ...


@dataclass(frozen=True)
class Contact:
    person_id: str
    name: str
    phone: str = ""
    room: str = ""
    email: str = ""
    department: str = ""


@dataclass(frozen=True)
class Responsibility:
    """Who handles the task today, and why it is that person (absences, stand-ins)."""

    contact: Contact | None
    reasons: tuple[str, ...] = ()
    is_stand_in: bool = False


@dataclass(frozen=True)
class SourceRef:
    title: str
    path: str
    section: str = ""
    page: int | None = None
    url: str = ""

    @property
    def key(self) -> str:
        """How the source is stored with feedback: path, section and page."""
        parts = [self.path]
        if self.section:
            parts.append(self.section)
        if self.page:
            parts.append(f"p.{self.page}")
        return "#".join(parts)


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    confidence: float
    task_id: str | None = None
    task_name: str | None = None
    who: Responsibility | None = None
    steps: tuple[str, ...] = ()
    steps_title: str = ""  # document and section the steps are quoted from
    sources: tuple[SourceRef, ...] = ()
    topics: tuple[str, ...] = ()  # closest topics, offered as buttons when nothing was found
    answer_id: str | None = None


def confidence_of(hits: Sequence[Hit]) -> float:
    """The best cosine similarity of the question to a retrieved chunk (0 when none)."""
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    directory: TaskDirectory | None,
    day: date,
    settings: Any,
    document_chunks: DocumentChunks | None = None,
) -> Answer:
    """The answer to ``question`` from ranked ``hits`` and the directory, for ``day``.

    ``document_chunks(source)`` (all chunks of a document) lets the answer quote a section
    that the chunker cut into several chunks in full."""
    confidence = confidence_of(hits)
    topics = closest_topics(hits)
    if not hits or confidence < settings.min_confidence:
        return Answer(question, False, confidence, topics=topics)
    task_id = choose_task(question, hits, directory)
    task_name, who = None, None
    if task_id is not None and directory is not None:
        task = directory.task(task_id)
        task_name = getattr(task, "name", None) if task is not None else None
        who = responsibility(directory, task_id, day)
    chunk = best_section(question, hits, document_chunks)
    steps = quote_steps(chunk.text)
    base_url = getattr(settings, "doc_base_url", "")
    return Answer(
        question=question,
        found=True,
        confidence=confidence,
        task_id=task_id,
        task_name=task_name,
        who=who,
        steps=steps,
        steps_title=_section_title(chunk),
        sources=sources_of(hits, chunk, base_url, settings.min_confidence),
        topics=topics,
    )


def choose_task(question: str, hits: Sequence[Hit], directory: TaskDirectory | None) -> str | None:
    """The task the question is about: the directory's match confirmed by the documents."""
    hit_tasks: list[str] = []
    for hit in hits[:3]:
        hit_tasks.extend(t for t in hit.chunk.meta.tasks if t not in hit_tasks)
    matched: list[str] = []
    if directory is not None:
        matched = [_task_id(task) for task, _score in directory.match_tasks(question, k=3)]
    for task_id in matched:
        if task_id in hit_tasks:
            return task_id
    if hit_tasks:
        return hit_tasks[0]
    return matched[0] if matched else None


def _task_id(task: Any) -> str:
    return str(getattr(task, "id", None) or task.task_id)


def responsibility(directory: TaskDirectory, task_id: str, day: date) -> Responsibility:
    """The directory's chain walk for today as contact data and reason lines."""
    availability = directory.who_handles(task_id, day)
    person = getattr(availability, "person", None)
    reasons = getattr(availability, "reasons", None)
    if reasons is None:
        reason = getattr(availability, "reason", "")
        reasons = [reason] if reason else []
    contact = _contact(person) if person is not None else None
    stand_in = bool(getattr(availability, "is_stand_in", False) or len(reasons) > 0)
    return Responsibility(contact, tuple(str(r) for r in reasons if r), stand_in)


def _contact(person: Any) -> Contact:
    def field(*names: str) -> str:
        for name in names:
            value = getattr(person, name, None)
            if value:
                return str(value)
        return ""

    return Contact(
        person_id=field("id", "person_id"),
        name=field("name"),
        phone=field("phone", "telefon"),
        room=field("room", "raum"),
        email=field("email"),
        department=field("department", "abteilung"),
    )


def _section_title(chunk: Chunk) -> str:
    return " > ".join(p for p in (chunk.title, *chunk.heading_path) if p)


def sources_of(
    hits: Sequence[Hit], quoted: Chunk, base_url: str, min_score: float
) -> tuple[SourceRef, ...]:
    """The quoted section first, then other confident documents of the top hits (one each)."""
    refs = [_source(quoted, base_url)]
    seen = {quoted.source}
    for hit in hits[:3]:
        if hit.source not in seen and (hit.dense_score or 0.0) >= min_score:
            seen.add(hit.source)
            refs.append(_source(hit.chunk, base_url))
    return tuple(refs)


def _source(chunk: Chunk, base_url: str) -> SourceRef:
    url = ""
    if base_url:
        url = base_url.rstrip("/") + "/" + quote(chunk.source)
        if chunk.page:
            url += f"#page={chunk.page}"
    return SourceRef(
        title=chunk.title or chunk.source,
        path=chunk.source,
        section=" > ".join(chunk.heading_path),
        page=chunk.page,
        url=url,
    )


def closest_topics(hits: Sequence[Hit]) -> tuple[str, ...]:
    """Up to three distinct document titles of the best hits: what the user may have meant."""
    topics: list[str] = []
    for hit in hits:
        title = hit.chunk.title or hit.source
        if title not in topics:
            topics.append(title)
        if len(topics) == TOPIC_COUNT:
            break
    return tuple(topics)
