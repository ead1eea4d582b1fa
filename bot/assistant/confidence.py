"""Does the knowledge base cover the question? The answer's confidence and its signals.

Used by bot.assistant.answer to decide between an answer and "Dazu habe ich nichts gefunden".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.directory import MATCH as TASK_MATCH
from bot.directory import Task
from bot.settings import Settings
from indexer.lexical import analyze
from indexer.lexical import question_stems as content_stems
from indexer.model import Hit

# ---------------------------------
# The best cosine alone is a poor judge: e5 scores all German office prose high, so on the
# sample knowledge base the in-domain questions and far-off ones ("Wie backe ich Brot?") were
# 0.006 apart, and a near-domain question ("Wo bekommt man einen Fischereischein?") scores like
# an in-domain one. Two more signals know what the cosine does not:
#   coverage  the share of the question's content words (stemmed, stop words out) that occur in
#             the document the cosine liked best: a near-domain question's topic word
#             ("Fischereischein", "Pflegegeld") is in no document, its filler words are;
#   task      the directory's match score of the best task (bot.directory.match, in [0, 1]):
#             a question that names a task of zustaendigkeiten.csv is about this town hall.
# The confidence is a logistic combination of the three, fitted on the tuning questions of
# tests/bot/assistant/confidence_questions.py (fragen.jsonl, far-off and near-domain questions;
# see tests/bot/assistant/calibrate.py and docs/assistant.md for the measurements): a number in
# [0, 1], read as "how likely the knowledge base answers this". The margin over the next
# document, the BM25 score and the dense/lexical agreement were tried and, cross-validated on
# the tuning set, added nothing; so did a fourth signal "a noun of the question occurs in no
# retrieved document and no matched task" (it serves names_a_task instead).
CONFIDENCE_INTERCEPT = -75.12
CONFIDENCE_WEIGHTS = (84.71, 2.40, 3.33)  # cosine, coverage, task
# The default of Settings.min_confidence (0.70): the cheapest threshold on the
# tuning set when a wrongly refused in-domain question costs half a wrong answer (the refusal
# still offers the closest topics as buttons).
# The directory alone answers "who" for a task match (>= TASK_MATCH); when the question has a
# word that no retrieved document and no matched task knows, only for a strong one.
TASK_MATCH_WITH_UNKNOWN = 0.7
CALIBRATED_MIN_CONFIDENCE: float = Settings.model_fields["min_confidence"].default
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


def min_confidence(settings: Any) -> float:
    """The threshold below which the bot says it found nothing (calibrated by default)."""
    return float(settings.min_confidence)


def question_stems(question: str) -> frozenset[str]:
    """The content stems of a question (the shared analyser, indexer.lexical)."""
    return frozenset(content_stems(question))


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
