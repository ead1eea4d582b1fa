"""Build an Answer from search hits and the directory: who, how (quoted), where it says so.

Extractive only: steps are lines copied from the best matching section, never new text.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from urllib.parse import quote

from bot.directory_match import GUESS as TASK_GUESS
from bot.directory_match import MATCH as TASK_MATCH
from bot.directory_model import RESPONSIBLE, Availability, Person, Task
from bot.sections import DocumentChunks, best_section, is_how_question, quote_steps
from bot.settings import Settings
from indexer.lexical import analyze
from indexer.model import Chunk, Hit

log = logging.getLogger(__name__)

TOPIC_COUNT = 3
MAX_SOURCES = 3

# --- confidence: does the knowledge base cover the question? ---------------------------------
# The best cosine alone is a poor judge: e5 scores all German office prose high, so on the
# sample knowledge base the in-domain questions and far-off ones ("Wie backe ich Brot?") were
# 0.006 apart, and a near-domain question ("Wo bekommt man einen Fischereischein?") scores like
# an in-domain one. Two more signals know what the cosine does not:
#   coverage  the share of the question's content words (stemmed, stop words out) that occur in
#             the document the cosine liked best: a near-domain question's topic word
#             ("Fischereischein", "Pflegegeld") is in no document, its filler words are;
#   task      the directory's match score of the best task (bot.directory_match, in [0, 1]):
#             a question that names a task of zustaendigkeiten.csv is about this town hall.
# The confidence is a logistic combination of the three, fitted on the tuning questions of
# tests/bot/assistant/confidence_questions.py (fragen.jsonl, far-off and near-domain questions;
# see tests/bot/assistant/calibrate.py and docs/assistant.md for the measurements): a number in
# [0, 1], read as "how likely the knowledge base answers this". The margin over the next
# document, the BM25 score and the dense/lexical agreement were tried and, cross-validated on
# the tuning set, added nothing; so did a fourth signal "a noun of the question occurs in no
# retrieved document and no matched task" (it serves names_a_task instead).
CONFIDENCE_INTERCEPT = -59.83
CONFIDENCE_WEIGHTS = (68.04, 3.33, 2.91)  # cosine, coverage, task
# The default of Settings.min_confidence (0.63): the cheapest threshold on the
# tuning set when a wrongly refused in-domain question costs half a wrong answer (the refusal
# still offers the closest topics as buttons).
# The directory alone answers "who" for a task match (>= TASK_MATCH); when the question has a
# word that no retrieved document and no matched task knows, only for a strong one.
TASK_MATCH_WITH_UNKNOWN = 0.7
CALIBRATED_MIN_CONFIDENCE: float = Settings.model_fields["min_confidence"].default
# Words of a question that say nothing about its topic (beyond indexer.lexical's stop words).
QUESTION_FILLER = frozenset(
    """
    zuständig zustaendig zuständige zuständigen kümmert kuemmert macht erledigt bearbeitet
    ansprechpartner ansprechpartnerin vertretung frage bitte hallo danke heute jetzt grad
    gerade eigentlich uns
    """.split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Evidence:
    """What the confidence is computed from (reported by tests/bot/assistant/calibrate.py)."""

    cosine: float  # best cosine of the question and a retrieved chunk
    coverage: float  # share of the question's content words in that chunk's document
    task: float  # the directory's best task match score
    # 1.0 when a noun of the question is in no retrieved document nor matched task: not part
    # of the confidence (see names_a_task)
    unknown: float = 0.0

    @property
    def confidence(self) -> float:
        """The logistic combination in [0, 1] (see the comment above)."""
        w_cos, w_cov, w_task = CONFIDENCE_WEIGHTS
        z = (CONFIDENCE_INTERCEPT + w_cos * self.cosine + w_cov * self.coverage
             + w_task * self.task)  # fmt: skip
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


class TaskDirectory(Protocol):
    """What compose_answer needs of bot.directory.Directory."""

    def match_tasks(self, question: str, k: int = 3) -> list[tuple[Task, float]]: ...
    def task(self, task_id: str) -> Task | None: ...
    def who_handles(self, task_id: str, day: date) -> Availability: ...


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
    how_to: bool = True  # the question asks how: the quote is the procedure
    sources: tuple[SourceRef, ...] = ()
    topics: tuple[str, ...] = ()  # closest topics, offered as buttons when nothing was found
    answer_id: str | None = None


def min_confidence(settings: Any) -> float:
    """The threshold below which the bot says it found nothing (calibrated by default)."""
    return float(settings.min_confidence)


def question_stems(question: str) -> frozenset[str]:
    """The content stems of a question: indexer.lexical's analysis minus question filler."""
    words = [w for w in _WORD.findall(question.lower()) if w not in QUESTION_FILLER]
    return frozenset(analyze(" ".join(words)))


def noun_stems(question: str) -> frozenset[str]:
    """The stems of the words written with a capital letter: in German the nouns that name a
    question's topic (and the first word; a question typed in lower case has none)."""
    words = [w for w in _WORD.findall(question) if w[0].isupper()]
    return question_stems(" ".join(words))


def coverage_of(stems: frozenset[str], hit: Hit) -> float:
    """Share of ``stems`` found in the hit's document (its matching chunks and keywords); a
    stem inside a longer word counts ("steuer" in "Hundesteuer")."""
    if not stems:
        return 0.0
    return len(_found_in(stems, [hit])) / len(stems)


def unknown_words(
    stems: frozenset[str], hits: Sequence[Hit], tasks: Sequence[Task] = ()
) -> list[str]:
    """The ``stems`` that neither a retrieved document nor a matched task knows: the topic word
    of a question the knowledge base does not cover ("Fischereischein", "Hühner") is found
    nowhere, since a document with that rare word would have been retrieved by the lexical
    search. A task word inside the stem counts ("bussgeld" in "Bußgeldbescheide")."""
    known = set(_found_in(stems, hits)) if hits else set()
    task_words = set(analyze(" ".join(w for t in tasks for w in (t.name, *t.keywords))))
    known.update(s for s in stems if s in task_words or _shares_compound(s, task_words))
    return sorted(stems - known)


def _shares_compound(stem: str, words: set[str]) -> bool:
    return len(stem) >= 4 and any(stem in w or len(w) >= 5 and w in stem for w in words)


def _found_in(stems: frozenset[str], hits: Sequence[Hit]) -> list[str]:
    """The stems that occur in the hits' documents (matching chunks and keywords); a stem
    inside a longer word counts ("steuer" in "Hundesteuer")."""
    parts: list[str] = []
    for hit in hits:
        chunk = hit.chunk
        parts += [chunk.embed_text, *(c.text for c in hit.more_in_document), *chunk.meta.keywords]
    found = set(analyze("\n".join(parts)))
    return [s for s in stems if s in found or len(s) >= 4 and any(s in f for f in found)]


def evidence_of(
    question: str, hits: Sequence[Hit], task_score: float = 0.0, tasks: Sequence[Task] = ()
) -> Evidence:
    """The signals for ``question``: the best cosine, the coverage by that hit's document,
    the directory's best task score, and whether some word is known neither to the retrieved
    documents nor to the matched ``tasks``."""
    stems = question_stems(question)
    unknown = 1.0 if set(unknown_words(stems, hits, tasks)) & noun_stems(question) else 0.0
    scored = [h for h in hits if h.dense_score is not None]
    if not scored:
        return Evidence(0.0, 0.0, task_score, unknown)
    best = max(scored, key=lambda h: h.dense_score or 0.0)
    return Evidence(best.dense_score or 0.0, coverage_of(stems, best), task_score, unknown)


def names_a_task(evidence: Evidence) -> bool:
    """Whether the question names a directory task clearly enough to say who handles it
    without a document: a task match, and a strong one when the question has a word nothing
    here knows ("Sperrmüll anmelden" matches the keyword "Anmeldung" at 0.70, but Sperrmüll is
    no topic of this town hall's documents or tasks)."""
    if evidence.unknown:
        return evidence.task >= TASK_MATCH_WITH_UNKNOWN
    return evidence.task >= TASK_MATCH


def confidence_of(
    question: str, hits: Sequence[Hit], task_score: float = 0.0, tasks: Sequence[Task] = ()
) -> float:
    """How likely the knowledge base answers ``question``, in [0, 1] (0 when nothing found)."""
    if not any(h.dense_score is not None for h in hits):
        return 0.0
    return evidence_of(question, hits, task_score, tasks).confidence


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
    matches = directory.match_tasks(question, k=3) if directory is not None else []
    task_score = max((score for _, score in matches), default=0.0)
    tasks = [task for task, _ in matches]
    evidence = evidence_of(question, hits, task_score, tasks)
    confidence = evidence.confidence if any(h.dense_score is not None for h in hits) else 0.0
    threshold = min_confidence(settings)
    docs_ok = bool(hits) and confidence >= threshold
    task_id = choose_task(hits, matches, docs_ok) if docs_ok or names_a_task(evidence) else None
    if not docs_ok and task_id is None:
        return Answer(question, False, confidence, topics=closest_topics(hits, matches))
    task_name, who = None, None
    if task_id is not None and directory is not None:
        task = directory.task(task_id)
        task_name = task.name if task is not None else None
        who = responsibility(directory, task_id, day)
    hits = documents_for_task(question, hits, task_id, threshold, task_score) if docs_ok else []
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
        how_to=is_how_question(question),
        sources=sources_of(hits, chunk, settings.doc_base_url, task_id),
    )


def documents_for_task(
    question: str,
    hits: Sequence[Hit],
    task_id: str | None,
    threshold: float,
    task_score: float = 0.0,
) -> list[Hit]:
    """The hits to quote from: a confident document about the task first (its own confidence,
    as if it were the only hit). When the best document is about other tasks and none is about
    this one, there is nothing to quote."""
    if task_id is None or not hits[0].chunk.meta.tasks or task_id in hits[0].chunk.meta.tasks:
        return list(hits)
    for hit in hits[1:]:
        if (
            task_id in hit.chunk.meta.tasks
            and confidence_of(question, [hit], task_score) >= threshold
        ):
            return [hit, *(h for h in hits if h is not hit)]
    return []


def choose_task(
    hits: Sequence[Hit], matches: Sequence[tuple[Any, float]], docs_ok: bool
) -> str | None:
    """The task the question is about: a directory match the documents confirm, else a strong
    directory match (the task named in the question), else the best document's task."""
    hit_tasks: list[str] = []
    for hit in hits[:3] if docs_ok else ():
        hit_tasks.extend(t for t in hit.chunk.meta.tasks if t not in hit_tasks)
    for task, score in matches:
        if score >= TASK_GUESS and task.id in hit_tasks:
            return str(task.id)
    strong = [task for task, score in matches if score >= TASK_MATCH]
    if strong:
        return str(strong[0].id)
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
    """The quoted section first, then other found documents about the same task (one each)."""
    refs = [_source(quoted, base_url)]
    seen = {quoted.source}
    for hit in hits:
        if hit.source not in seen and task_id is not None and task_id in hit.chunk.meta.tasks:
            seen.add(hit.source)
            refs.append(_source(hit.chunk, base_url))
    return tuple(refs[:MAX_SOURCES])


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


def closest_topics(
    hits: Sequence[Hit], matches: Sequence[tuple[Any, float]] = ()
) -> tuple[str, ...]:
    """Up to three topics the user may have meant: directory tasks that half match the
    question, then the titles of the best documents."""
    topics = [task.name for task, score in matches if score >= TASK_GUESS]
    for hit in hits:
        title = hit.chunk.title or hit.source
        if title not in topics:
            topics.append(title)
    return tuple(topics[:TOPIC_COUNT])
