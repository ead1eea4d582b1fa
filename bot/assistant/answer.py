"""Build an Answer from search hits and the directory: who, how (quoted), where it says so.

Extractive only: steps are lines copied from the best matching section, never new text.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from urllib.parse import quote

from bot.assistant.confidence import (
    TASK_NAMED,
    confidence_of,
    covers_topic,
    evidence_of,
    min_confidence,
    names_a_task,
)
from bot.assistant.gate import DEFAULT_RULE, GateRule
from bot.assistant.sections import (
    DocumentChunks,
    best_section,
    is_how_question,
    is_list,
    is_who_question,
    quote_steps,
)
from bot.directory import GUESS as TASK_GUESS
from bot.directory import MATCH as TASK_MATCH
from bot.directory import RESPONSIBLE, Availability, Person, Task
from indexer.calibration import CosineScale
from indexer.lexical.thesaurus import Thesaurus
from indexer.model import Chunk, Hit

log = logging.getLogger(__name__)

TOPIC_COUNT = 3
MAX_SOURCES = 3
# An answer from documents whose confidence is less than this above the threshold says that
# it may touch the question only in passing (Answer.uncertain): the gate cannot tell a
# near-domain question from an in-scope one (docs/evaluation.md), but such answers sit
# closer to the threshold. Chosen on the development sets at the default threshold,
# measured on the held-out ones (docs/evaluation.md, stop 21). For another threshold (an
# operator's setting, a calibrated rule) the same distance counts in log-odds, so that a
# threshold of 0.8 does not mark every answer.
UNCERTAIN_MARGIN = 0.25


class TaskDirectory(Protocol):
    """What compose_answer needs of bot.directory.directory.Directory (its ``thesaurus``: the
    town's synonyms, which the gate reads as the task matcher does)."""

    thesaurus: Thesaurus

    def match_tasks(
        self, question: str, k: int = 3, query_vector: Any = None,
        documents: Sequence[Sequence[str]] = (), groups: Collection[str] | None = None,
        trusted: bool = True, asks_person: bool = False,
    ) -> list[tuple[Task, float]]: ...
    def nearest_tasks(self, question: str, groups: Collection[str] | None = None,
                      query_vector: Any = None) -> list[Task]: ...
    def task(self, task_id: str) -> Task | None: ...
    def who_handles(self, task_id: str, day: date) -> Availability: ...


@dataclass(frozen=True)
class Gate:
    """What the gate reads besides the evidence: the index's cosine scale (None: the default
    scale) and the rule (default or calibrated, bot.assistant.gate)."""

    scale: CosineScale | None = None
    rule: GateRule = DEFAULT_RULE


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
    # copies of the same content in other places (the index's content group: the page in a
    # second folder, a PDF's text export) the asker may read, cited as "auch in: ..."
    also_in: tuple[SourceRef, ...] = ()

    @property
    def key(self) -> str:
        """How the source is stored with feedback: path, section and page."""
        parts = [self.path]
        if self.section:
            parts.append(self.section)
        if self.page:
            parts.append(f"p.{self.page}")
        return "#".join(parts)


def tasks_before_gate(
    directory: TaskDirectory | None, question: str, hits: Sequence[Hit],
    groups: Collection[str] | None = None,
) -> list[tuple[Task, float]]:
    """The tasks a question is about before the answer gate has judged the documents (also
    what the calibration measures). A question for a person may be answered with the task its
    whole meaning points to: the first document confirming the dense side's clear first task
    (bot.directory.recognise). Other questions get no document votes yet: they would get a
    person they did not ask for from two sides that read the same words ("Wetter am
    Wochenende" -> the events' handover and the events task)."""
    if directory is None:
        return []
    asks_person = is_who_question(question)
    documents = [hit.chunk.meta.tasks for hit in hits] if asks_person else []
    return directory.match_tasks(question, k=3, documents=documents, groups=groups,
                                 trusted=False, asks_person=asks_person)  # fmt: skip


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
    steps_are_list: bool = True  # the quote is a list (numbered steps), else paragraphs
    how_to: bool = True  # the question asks how: the quote is the procedure
    sources: tuple[SourceRef, ...] = ()
    topics: tuple[str, ...] = ()  # closest topics, offered as buttons when nothing was found
    answer_id: str | None = None
    # not found: the task the question was probably about (kept with the unanswered question
    # so the knowledge-risk overview can count, per task, what the bot could not answer)
    near_task: str | None = None
    # found in documents, but close to the gate's threshold: the answer says so (see
    # UNCERTAIN_MARGIN)
    uncertain: bool = False


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    directory: TaskDirectory | None,
    day: date,
    settings: Any,
    document_chunks: DocumentChunks | None = None,
    gate: Gate | None = None,
    groups: Collection[str] | None = None,
) -> Answer:
    """The answer to ``question`` from ranked ``hits`` and the directory, for ``day``.

    ``document_chunks(source)`` (all chunks of a document) lets the answer quote a section
    that the chunker cut into several chunks in full; ``gate``: the index's cosine scale and
    the gate's rule (defaults when None). ``groups``: the asking user's access groups; tasks
    only restricted documents name stay hidden from others (None: no filter)."""
    gate = gate or Gate()
    documents = [hit.chunk.meta.tasks for hit in hits]
    asks_person = is_who_question(question)
    matches = tasks_before_gate(directory, question, hits, groups)
    task_score = max((score for _, score in matches), default=0.0)
    tasks = [task for task, _ in matches]
    thesaurus = directory.thesaurus if directory is not None else None
    evidence = evidence_of(question, hits, task_score, tasks, gate.scale, thesaurus)
    scored = any(h.dense_score is not None for h in hits)
    confidence = evidence.confidence_under(gate.rule) if scored else 0.0
    threshold = min_confidence(settings, gate.rule)
    docs_ok = bool(hits) and confidence >= threshold and covers_topic(evidence)
    if docs_ok and directory is not None:  # trusted documents vote for their tasks
        matches = directory.match_tasks(question, k=3, documents=documents, groups=groups,
                                        asks_person=asks_person)
    task_id = choose_task(hits, matches, docs_ok) if docs_ok or names_a_task(evidence) else None
    if not _visible(directory, task_id, groups):
        task_id = None
    quoted = (documents_for_task(question, hits, task_id, threshold, task_score, gate)
              if docs_ok else [])  # fmt: skip
    # (with no task and untrusted documents nothing is quoted either: refused here too)
    own_score = next((score for task, score in matches if task.id == task_id), 0.0)
    if not quoted and not _person_is_the_answer(directory, task_id, own_score, asks_person,
                                                groups):  # fmt: skip
        near = next((str(t.id) for t, score in matches if score >= TASK_GUESS), None)
        # a question asking who: the tasks its meaning is closest to, one click from a person
        closest = (directory.nearest_tasks(question, groups)
                   if asks_person and directory is not None else [])  # fmt: skip
        return Answer(question, False, confidence,
                      topics=closest_topics(hits, matches, closest), near_task=task_id or near)
    task_name, who = None, None
    if task_id is not None and directory is not None:
        task = directory.task(task_id)
        task_name = task.name if task is not None else None
        who = responsibility(directory, task_id, day)
    hits = quoted
    if not hits:  # the directory knows the task, no document says how it is done
        return Answer(question, True, confidence, task_id, task_name, who)
    chunk = best_section(question, hits, document_chunks)
    return Answer(
        question=question,
        found=True,
        confidence=confidence,
        task_id=task_id,
        task_name=task_name,
        who=who,
        steps=quote_steps(chunk.text),
        steps_title=_section_title(chunk),
        steps_are_list=is_list(chunk.text),
        how_to=is_how_question(question),
        sources=sources_of(hits, chunk, settings.doc_base_url, task_id),
        uncertain=is_uncertain(confidence, threshold),
    )


def is_uncertain(confidence: float, threshold: float) -> bool:
    """Whether an answer of ``confidence`` passed ``threshold`` by less than UNCERTAIN_MARGIN,
    measured in log-odds from the default threshold (0.59 -> 0.84)."""
    return _logit(confidence) < _logit(threshold) + _UNCERTAIN_LOGITS


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


# UNCERTAIN_MARGIN above the default threshold, in log-odds (computed once, not per answer)
_UNCERTAIN_LOGITS = (_logit(min(DEFAULT_RULE.threshold + UNCERTAIN_MARGIN, 0.999))
                     - _logit(DEFAULT_RULE.threshold))


def documents_for_task(
    question: str,
    hits: Sequence[Hit],
    task_id: str | None,
    threshold: float,
    task_score: float = 0.0,
    gate: Gate | None = None,
) -> list[Hit]:
    """The hits to quote from: a confident document about the task first (its own confidence,
    as if it were the only hit). When the best document is about other tasks and none is about
    this one, there is nothing to quote."""
    if task_id is None or not hits[0].chunk.meta.tasks or task_id in hits[0].chunk.meta.tasks:
        return list(hits)
    gate = gate or Gate()
    for hit in hits[1:]:
        if (
            task_id in hit.chunk.meta.tasks
            and confidence_of(question, [hit], task_score, scale=gate.scale, rule=gate.rule)
            >= threshold
        ):
            return [hit, *(h for h in hits if h is not hit)]
    return []


def _person_is_the_answer(directory: TaskDirectory | None, task_id: str | None,
                          task_score: float, asks_person: bool,
                          groups: Collection[str] | None) -> bool:  # fmt: skip
    """Whether, with no document to quote, the task's person is the answer: to a question that
    asks who, to one that names this task outright (its own score >= ``TASK_NAMED``), or to
    one about a task whose document the asker may not read (who does it is no secret; in a
    group chat every restricted document counts as closed, so this says only that someone
    does the task). Not otherwise: such a task comes from a keyword the documents do not back
    ("Wie wechsle ich den Schlauch an meinem Fahrrad?" -> Fundsachen by "Fahrrad", "Wo melde
    ich eine Demonstration an?" -> Meldewesen), and on the development towns it was the wrong
    task 9 times of 13."""
    if task_id is None:
        return False
    if asks_person or task_score >= TASK_NAMED:
        return True
    task = directory.task(task_id) if directory is not None else None
    return task is not None and task.closed_to(groups)


def _visible(directory: TaskDirectory | None, task_id: str | None,
             groups: Collection[str] | None) -> bool:
    task = directory.task(task_id) if directory is not None and task_id else None
    return task is None or task.visible_to(groups)


def choose_task(
    hits: Sequence[Hit], matches: Sequence[tuple[Any, float]], docs_ok: bool
) -> str | None:
    """The task the question is about: a match the documents confirm, else a match (the task
    named in the question, even when its document is not readable to the asker), else a
    guess the documents confirm, else the best document's task."""
    hit_tasks: list[str] = []
    for hit in hits[:3] if docs_ok else ():
        hit_tasks.extend(t for t in hit.chunk.meta.tasks if t not in hit_tasks)
    for floor, confirmed in ((TASK_MATCH, True), (TASK_MATCH, False), (TASK_GUESS, True)):
        for task, score in matches:
            if score >= floor and (task.id in hit_tasks or not confirmed):
                return str(task.id)
    return hit_tasks[0] if hit_tasks else None


def responsibility(directory: TaskDirectory, task_id: str, day: date) -> Responsibility:
    """The directory's chain walk for ``day``: the contact and the reason lines."""
    availability = directory.who_handles(task_id, day)
    person = availability.contact
    contact = _contact(person) if person is not None else None
    stand_in = availability.contact_role != RESPONSIBLE
    # the reason lines matter when someone else than the responsible person is the contact
    reasons = tuple(availability.lines) if stand_in else ()
    return Responsibility(contact, reasons, stand_in)


def _contact(person: Person) -> Contact:
    return Contact(
        person_id=person.id,
        name=person.name,
        phone=person.phone,
        room=person.room,
        email=person.email,
        department=person.department,
    )


def _section_title(chunk: Chunk) -> str:
    return " > ".join(p for p in (chunk.title, *chunk.heading_path) if p)


def sources_of(
    hits: Sequence[Hit], quoted: Chunk, base_url: str, task_id: str | None
) -> tuple[SourceRef, ...]:
    """The quoted section first, then other found documents about the same task (one each);
    each with the copies of its content elsewhere (``Hit.also_in``)."""
    copies = {hit.source: hit.also_in for hit in hits}
    refs = [_source(quoted, base_url, copies.get(quoted.source, ()))]
    seen = {quoted.source, *copies.get(quoted.source, ())}
    for hit in hits:
        if hit.source not in seen and task_id is not None and task_id in hit.chunk.meta.tasks:
            seen.update((hit.source, *hit.also_in))
            refs.append(_source(hit.chunk, base_url, hit.also_in))
    return tuple(refs[:MAX_SOURCES])


def _source(chunk: Chunk, base_url: str, also_in: Sequence[str] = ()) -> SourceRef:
    url = _url(base_url, chunk.source)
    if url and chunk.page:
        url += f"#page={chunk.page}"
    return SourceRef(
        title=chunk.title or chunk.source,
        path=chunk.source,
        section=" > ".join(chunk.heading_path),
        page=chunk.page,
        url=url,
        also_in=tuple(SourceRef(title=path, path=path, url=_url(base_url, path))
                      for path in also_in),
    )


def _url(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + quote(path) if base_url else ""


def closest_topics(
    hits: Sequence[Hit], matches: Sequence[tuple[Any, float]] = (), closest: Sequence[Any] = ()
) -> tuple[str, ...]:
    """Up to three topics the user may have meant: directory tasks that half match the
    question, then the tasks closest to its meaning (``closest``, for a question asking who:
    a click names the person), then the titles of the best documents."""
    topics = [task.name for task, score in matches if score >= TASK_GUESS]
    for task in closest:
        if task.name not in topics:
            topics.append(task.name)
    for hit in hits:
        title = hit.chunk.title or hit.source
        if title not in topics:
            topics.append(title)
    return tuple(topics[:TOPIC_COUNT])
