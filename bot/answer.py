"""Build an Answer from search hits and the directory: who, how (quoted), where it says so.

Extractive only: steps are lines copied from the best matching section, never new text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from urllib.parse import quote

from indexer.model import Chunk, Hit

log = logging.getLogger(__name__)

MAX_STEPS = 10
MAX_STEP_CHARS = 500
TOPIC_COUNT = 3

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•–])\s+(?P<text>\S.*)$")
_HOW_QUESTION = re.compile(
    r"\b(wie|was\s+muss|was\s+ist\s+zu\s+tun|welche\s+schritte|ablauf|vorgehen|verfahren)\b",
    re.IGNORECASE,
)
_PROCEDURE_HEADING = re.compile(
    r"ablauf|vorgehen|verfahren|schritt|so\s+geht|arbeitsschritte|anleitung", re.IGNORECASE
)
_PARTICLES = ("ab", "an", "um", "aus", "zu", "weg", "nach", "vor", "ein", "zurück", "auf")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


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


def is_how_question(question: str) -> bool:
    return bool(_HOW_QUESTION.search(question))


def confidence_of(hits: Sequence[Hit]) -> float:
    """The best cosine similarity of the question to a retrieved chunk (0 when none)."""
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)


def compose_answer(
    question: str, hits: Sequence[Hit], directory: TaskDirectory | None, day: date, settings: Any
) -> Answer:
    """The answer to ``question`` from ranked ``hits`` and the directory, for ``day``."""
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
    chunk = best_section(question, hits)
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


def _candidates(hits: Sequence[Hit]) -> list[Chunk]:
    """Chunks of the best document, in rank order (its hits and their further chunks)."""
    best_source = hits[0].source
    chunks: list[Chunk] = []
    for hit in hits:
        if hit.source != best_source:
            continue
        for chunk in (hit.chunk, *hit.more_in_document):
            if chunk not in chunks:
                chunks.append(chunk)
    return chunks


def question_terms(question: str) -> set[str]:
    """Lower-case word stems of the question, with German separable verbs re-joined
    ("melde ... ab" -> "abmeld"), to recognise the section a question is about."""
    words = [w.lower() for w in _WORD.findall(question)]
    terms = {w[:-1] if w.endswith("e") else w for w in words if len(w) >= 4}
    if words and words[-1] in _PARTICLES:
        for word in words[:-1]:
            if len(word) >= 3:
                terms.add(words[-1] + (word[:-1] if word.endswith("e") else word))
    return terms


def best_section(question: str, hits: Sequence[Hit]) -> Chunk:
    """The section to quote: for a how-question prefer a procedure (numbered list, "Ablauf")
    of the best document whose heading names what is asked."""
    candidates = _candidates(hits)
    if not is_how_question(question):
        return candidates[0]
    terms = question_terms(question)

    def score(item: tuple[int, Chunk]) -> float:
        position, chunk = item
        heading = " ".join(chunk.heading_path).lower()
        value = 1.0 / (1 + position)
        if _list_items(chunk.text):
            value += 1.0
        if _PROCEDURE_HEADING.search(heading):
            value += 0.5
        value += sum(1.0 for term in terms if term in heading)
        return value

    return max(enumerate(candidates), key=score)[1]


def _list_items(text: str) -> list[str]:
    return [m.group("text").strip() for line in text.splitlines() if (m := _LIST_ITEM.match(line))]


def quote_steps(text: str) -> tuple[str, ...]:
    """The list items of a section, or its first lines: quoted verbatim, shortened only."""
    items = _list_items(text)
    if not items:
        items = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return tuple(_shorten(item) for item in items[:MAX_STEPS])


def _shorten(line: str) -> str:
    return line if len(line) <= MAX_STEP_CHARS else line[: MAX_STEP_CHARS - 1].rstrip() + "…"


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
