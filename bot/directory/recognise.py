"""Which task a question is about, from three independent kinds of evidence.

1. **lexical** (``bot.directory.match.TaskMatcher``): the question shares words (stems,
   compound parts, re-joined separable verbs) with the task's name or keywords. Precise, but
   blind to synonyms and to words the town's table does not use.
2. **documents**: the retrieved documents name their tasks (front matter ``aufgaben``, PDF and
   office sidecars). A top hit that names task T is evidence for T. Strong when retrieval is
   right, but a document may name several tasks, and an off-topic question also has a "top
   hit"; so the documents vote fully only once the answer gate trusts them. Before that, and
   only for a question asking who, the first document may confirm the dense side's clear
   first task (``document_votes``).
3. **dense** (``TaskEmbedding``): the question's vector against each task's text (name,
   keywords and the titles of the documents linked to it), embedded once per directory load
   and cached by text hash. Knows synonyms; the raw cosine means nothing across models and
   towns, so only a task's standing among this town's tasks counts (its z-score against all
   tasks, and being first or second).

How they combine, and why: the sources fail in different ways (lexical on vocabulary, dense
on near misses, documents on off-topic questions), so agreement is the signal. A lexical
match (>= MATCH) stands on its own, as it always did, unless it rests on one shared keyword
(< UNCONTESTED) and the dense side clearly prefers another task (z >= DENSE_Z_CONTEST, and
the lexical task, if the dense side ranks it at all, DENSE_Z_MARGIN below): then it is only a
vote. Otherwise each source casts a vote for a task (lexical: a guess >= GUESS; documents:
named by the first document 1, by the second or third 0.5; dense: first among the tasks 1,
second 0.5, with z >= DENSE_Z); a task with two votes is a match (MATCH, plus
AGREEMENT_STEP per extra vote so that more agreement wins), a task with one vote only a
guess (offered as a topic, never answered alone; the dense side alone needs
z >= DENSE_Z_ALONE even for that, but with a second document or a lexical guess beside it
the votes make a guess: "Firma will Geld zurück, Mitarbeiter ausgerückt" puts the
Entschädigung first on the dense side and its document second). A lexical match the other
sources agree with gains AGREEMENT_STEP per vote too: a keyword match the dense side confirms
is surer than the keyword alone (bot.assistant.confidence asks more of a match when a noun
is unknown).

The task's words are the table's name and keywords plus the keywords (stichwoerter) of the
open documents that name it: the words its authors use ("Schulessen" for the table's
"Mittagessen"). Restricted documents lend no words.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from bot.directory.match import GUESS, MATCH
from bot.directory.model import Task

# A task's dense z-score among all tasks from which it votes. Measured with e5 on the sample
# town's 74 tasks: off-topic questions ("Wie spät ist es?") put their best task at up to
# z = 2.9, a synonym question ("Abgabe für Vierbeiner" -> Hundesteuer) at 2.6, a paraphrase
# ("Auto parken" -> Bewohnerparkausweis) at 4.1. So the dense side votes from 2.5 (a vote
# needs a second source to count), and offers a task on its own only from 3.5.
DENSE_Z = 2.5
DENSE_Z_ALONE = 3.5
# A lexical match from one shared keyword ("Schlüssel" of Fundsachen in "Wer hat den Schlüssel
# zum Tresor?", "Hund" of Hundesteuer in "Nachbarin wurde von einem Hund gebissen") is
# contested when the dense side clearly prefers another task (z >= DENSE_Z_CONTEST; there
# Kassenabschluss 4.3, Gefährliche Hunde 3.4): then it is a vote, no longer a match on its own.
# Measured on the sample town's tuning questions (bench/questions/musterstadt.jsonl).
DENSE_Z_CONTEST = 3.0
# ... but not when the dense side ranks the lexical task a close second: a near tie is no
# clear preference (a z-score a third of a standard deviation apart; "Laterne ... brennt
# nicht" put Brandverhütungsschau at 3.01 and the Straßenbeleuchtung it names at 2.87).
DENSE_Z_MARGIN = 0.3
# Documents the gate does not trust confirm the dense side's first task only from this z on (a
# who-question, see document_votes): off-topic questions put their best task at up to 2.9.
DENSE_Z_UNTRUSTED = DENSE_Z_CONTEST
UNCONTESTED = 0.8  # a lexical match this strong names the task in the question's own words
DENSE_RANKS = 2  # the first two tasks by cosine may vote
DOCUMENT_RANKS = 3  # documents (distinct, best first) whose tasks vote
AGREEMENT_STEP = 0.05  # each vote beyond two adds this to MATCH
# The two semantic sources agreeing: the dense side's first task (z >= DENSE_Z) is a task of
# the first retrieved document. Both read the whole question, words no task or document
# knows included ("Sozialwohnungen", "zwangsgeräumt"), so their agreement names the task as
# surely as a lexical match that has to stand against an unknown word
# (bot.assistant.confidence.TASK_MATCH_WITH_UNKNOWN).
# In a question for a person ("wer ...", bot.assistant.sections.is_who_question) the dense
# side's first task counts the same from DENSE_Z_ALONE on: on the development towns'
# who-questions (sample town, Lindenbach's two sets) its first task was right 42 times of 43 from
# there, and no out-of-scope who-question reached 2.8. So does a lexical match (>= MATCH) that
# is the dense side's first task (z >= DENSE_Z): on the development sets of stop 22 (seven
# towns, the four *_wer sets, Kirchwalde) 122 who-questions had both; the 4 out of scope among
# them were answered already, and one right one was refused. It names the task where the
# question has a word nothing here knows ("Witwenrente"), as the other agreements do.
SEMANTIC_AGREEMENT = 0.7
MIN_TASKS = 5  # with fewer tasks a z-score says nothing


def task_passage(task: Task, titles: Mapping[str, str]) -> str:
    """The text a task is embedded as: name, keywords (the table's, then its open documents'),
    titles of its documents."""
    parts = [task.name]
    keywords = [*task.keywords, *task.document_keywords]
    if keywords:
        parts.append("Stichwörter: " + ", ".join(keywords))
    linked = [titles[s] for s in task.documents if titles.get(s)]
    if linked:
        parts.append("Dokumente: " + "; ".join(dict.fromkeys(linked)))
    return ". ".join(parts)


class TaskEmbedding:
    """Task vectors for one embedder (``indexer.embedding.Embedder``), built in the warm-up.

    ``cache`` (text hash -> vector) survives directory reloads: a reload after a reindex
    embeds only tasks whose text changed."""

    def __init__(self, tasks: Sequence[Task], embedder: Any, titles: Mapping[str, str] = {},
                 cache: MutableMapping[str, np.ndarray] | None = None) -> None:  # fmt: skip
        self.embedder = embedder
        self.task_ids = tuple(task.id for task in tasks)
        texts = [task_passage(task, titles) for task in tasks]
        keys = [_key(getattr(embedder, "name", ""), text) for text in texts]
        cache = {} if cache is None else cache
        missing = [(k, t) for k, t in dict(zip(keys, texts, strict=True)).items() if k not in cache]
        if missing:
            vectors = embedder.embed_passages([t for _, t in missing])
            cache.update((k, np.asarray(v, dtype=np.float32)) for (k, _), v in
                         zip(missing, vectors, strict=True))  # fmt: skip
        self.vectors = np.stack([cache[k] for k in keys]) if keys else np.zeros((0, 1))

    def standing(self, question: str, query_vector: Any = None) -> dict[str, float]:
        """The tasks that may vote (first ``DENSE_RANKS`` by cosine, z >= ``DENSE_Z``),
        with their z-score among all tasks."""
        if len(self.task_ids) < MIN_TASKS or not question.strip():
            return {}
        vector = self.embedder.embed_query(question) if query_vector is None else query_vector
        sims = np.asarray(self.vectors @ np.asarray(vector, dtype=np.float32)).ravel()
        spread = float(sims.std()) or 1.0
        z = (sims - float(sims.mean())) / spread
        order = np.argsort(-sims)[:DENSE_RANKS]
        return {self.task_ids[int(i)]: round(float(z[i]), 3) for i in order if z[i] >= DENSE_Z}


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()


def document_votes(documents: Sequence[Sequence[str]], trusted: bool = True,
                   dense: Mapping[str, float] = {},
                   lexical: Mapping[str, float] = {}) -> dict[str, float]:  # fmt: skip
    """Votes of the retrieved documents' tasks (each entry: one document's task ids, best
    document first): 1 for the first document's tasks, 0.5 for the next ones'.

    Documents the answer gate does not trust (an off-topic question has a "first document"
    too) vote only where they confirm the dense side: the first document, for the dense
    side's first task (``dense``: task id -> z-score), and only where that task leads clearly
    (z >= DENSE_Z_UNTRUSTED: off-topic questions reach 2.9, and the two sides then agree on
    whatever the question's words touch) or the question shares a word with it too (a
    ``lexical`` score, however small: "brennt eine Laterne nicht" at z 2.7)."""
    if not trusted:
        first_task = _first(dense)
        first_document = documents[0] if documents else ()
        if first_task is None or (dense[first_task] < DENSE_Z_UNTRUSTED
                                  and not lexical.get(first_task, 0.0)):  # fmt: skip
            return {}
        return {first_task: 1.0} if first_task in first_document else {}
    votes: dict[str, float] = {}
    for rank, task_ids in enumerate(documents[:DOCUMENT_RANKS]):
        for task_id in task_ids:
            votes.setdefault(task_id, 1.0 if rank == 0 else 0.5)
    return votes


def _first(dense: Mapping[str, float]) -> str | None:
    """The dense side's first task (the highest z-score), None when no task may vote."""
    return max(dense, key=dense.__getitem__, default=None)


def _contested(task_id: str, lexical: float, dense: Mapping[str, float]) -> bool:
    """A weak lexical match the dense side clearly disagrees with: it prefers another task
    (z >= DENSE_Z_CONTEST) and ranks this one, if at all, DENSE_Z_MARGIN below it."""
    first = _first(dense)
    if lexical >= UNCONTESTED or first is None or first == task_id:
        return False
    return (dense[first] >= DENSE_Z_CONTEST
            and dense[first] - dense.get(task_id, -math.inf) >= DENSE_Z_MARGIN)


def combine(lexical: Mapping[str, float], documents: Mapping[str, float],
            dense: Mapping[str, float], asks_person: bool = False) -> dict[str, float]:  # fmt: skip
    """Each task's score from the three sources (see the module docstring); ``dense``: task
    id -> z-score (in any order). ``asks_person``: a who-question, where the dense side's clear
    first task (z >= DENSE_Z_ALONE) names the task on its own."""
    combined: dict[str, float] = {}
    ranked = sorted(dense, key=dense.__getitem__, reverse=True)
    dense_votes = {task_id: 1.0 if rank == 0 else 0.5 for rank, task_id in enumerate(ranked)}
    dense_first = ranked[0] if ranked else None
    for task_id in {*lexical, *documents, *dense}:
        lex = lexical.get(task_id, 0.0)
        votes = (lex >= GUESS) + documents.get(task_id, 0.0) + dense_votes.get(task_id, 0.0)
        # asking who: a lexical match the dense side puts first counts the same (two sources
        # that read the question differently agree)
        semantic = task_id == dense_first and (
            documents.get(task_id, 0.0) >= 1.0
            or asks_person and (dense[task_id] >= DENSE_Z_ALONE or lex >= MATCH))
        if lex >= MATCH and not _contested(task_id, lex, dense):
            # the other sources agreeing make a lexical match surer (never weaker)
            score = max(lex + AGREEMENT_STEP * (votes - 1), MATCH + AGREEMENT_STEP * (votes - 2))
        elif votes >= 2:
            score = MATCH + AGREEMENT_STEP * (votes - 2)
        elif votes >= 1 and (votes > dense_votes.get(task_id, 0.0)
                             or dense[task_id] >= DENSE_Z_ALONE):  # fmt: skip
            # a guess, unless the dense side is its only source and not clearly first
            score = max(min(lex, MATCH - 0.01), GUESS)
        else:
            score = min(lex, MATCH - 0.01)
        if semantic:
            score = max(score, SEMANTIC_AGREEMENT)
        if score > 0:
            combined[task_id] = round(min(1.0, score), 4)
    return combined
