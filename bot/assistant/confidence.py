"""Does the knowledge base cover the question? The answer's confidence and its signals.

Used by bot.assistant.answer to decide between an answer and "Dazu habe ich nichts gefunden".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.assistant.gate import DEFAULT_RULE, DEFAULT_SCALE, GateRule
from bot.directory import GUESS as TASK_GUESS
from bot.directory import MATCH as TASK_MATCH
from bot.directory import Task
from bot.directory.match import FOREIGN_HEAD_MIN
from indexer.calibration import CosineScale
from indexer.lexical import analyze
from indexer.lexical import question_stems as content_stems
from indexer.lexical.thesaurus import Thesaurus, built_in
from indexer.model import Hit

# ---------------------------------
# The signals mean the same on any knowledge base (none is a raw score of one model on one
# town's documents):
#   relative  the best cosine of the question and a retrieved passage, read on the index's own
#             scale (indexer.calibration.CosineScale: 0 = like generic off-topic probes,
#             1 = like a document's title asked as a question). The raw cosine is not used:
#             its level depends on the model, the vector recipe and how alike the documents
#             are (the old rule, 84.7 * cosine - 75.1, sat on the sample town's scale);
#   coverage  the share of the question's content words (the shared analyser) found in the
#             document the cosine liked best: a near-domain question's topic word
#             ("Fischereischein") is in no document, its filler words are;
#   agreement 1 when the dense and the lexical side put the same document first (two
#             retrievers that fail differently agreeing), 0.5 when the lexical side's best
#             document is among the dense side's first three, else 0;
#   task      the directory's task match (lexical and dense, bot.directory.recognise). Not part
#             of the document gate: a town whose directory covers few topics (Hamburg's pages
#             have none) must not be refused for it. It answers "who" on its own
#             (names_a_task) and picks the task once the documents are trusted.
# The confidence is a logistic combination of relative, coverage and agreement
# (bot.assistant.gate.GateRule: the fitted default, or an admin's calibration next to the index).
TASK_MATCH_WITH_UNKNOWN = 0.7
# A question that does not ask who gets a person without documents only when it is little
# more than the task's name or a keyword of it ("Fundsachen", the topic button of a refused
# question; bot.assistant.answer._person_is_the_answer). On the development towns such
# answers to other questions named a wrong task 9 times of 13 ("Wie wechsle ich den Schlauch
# an meinem Fahrrad?" -> Fundsachen by the keyword "Fahrrad"); keyword matches there reach
# 0.84 with the dense side's vote, a task's own name 1.0.
TASK_NAMED = 0.9
CALIBRATED_MIN_CONFIDENCE: float = DEFAULT_RULE.threshold
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Evidence:
    """What the confidence is computed from (reported by bench/calibrate.py)."""

    cosine: float  # best cosine of the question and a retrieved chunk (raw, for the logs)
    coverage: float  # share of the question's content words in that chunk's document
    task: float  # the directory's best task match score
    # 1.0 when a noun of the question is in no retrieved document nor matched task: not part
    # of the confidence (see names_a_task)
    unknown: float = 0.0
    relative: float = 0.0  # the cosine on the index's own scale (see above)
    agreement: float = 0.0  # dense and lexical retrieval put the same document first
    # 1.0 when the question names nouns and none of them is known to a retrieved document or a
    # matched task: its topic is not here, whatever its filler words match (see covers_topic)
    topic_unknown: float = 0.0

    @property
    def signals(self) -> tuple[float, float, float]:
        """The fitted signals, in GateRule.weights order."""
        return (self.relative, self.coverage, self.agreement)

    @property
    def confidence(self) -> float:
        """The confidence under the default rule."""
        return self.confidence_under(DEFAULT_RULE)

    def confidence_under(self, rule: GateRule) -> float:
        """The logistic combination in [0, 1] of ``rule`` (see the comment above)."""
        z = rule.intercept + sum(w * x for w, x in zip(rule.weights, self.signals, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def min_confidence(settings: Any, rule: GateRule = DEFAULT_RULE) -> float:
    """The threshold below which the bot says it found nothing: the setting when an operator
    set one, else the rule's (calibrated) threshold."""
    value = getattr(settings, "min_confidence", None)
    return float(value) if value is not None else rule.threshold


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
    stems: frozenset[str], hits: Sequence[Hit], tasks: Sequence[Task] = (),
    thesaurus: Thesaurus | None = None,
) -> list[str]:
    """The ``stems`` that neither a retrieved document nor a matched task knows: the topic word
    of a question the knowledge base does not cover ("Fischereischein", "Hühner") is found
    nowhere, since a document with that rare word would have been retrieved by the lexical
    search. A task word inside the stem counts ("bussgeld" in "Bußgeldbescheide"), and so does
    a synonym of ``thesaurus`` (the town's, ``Directory.thesaurus``; None: the built-in list)."""
    thesaurus = built_in() if thesaurus is None else thesaurus
    document_words = _words_of(hits)
    known = set(_found(stems, document_words))
    task_words = set(analyze(" ".join(w for t in tasks for w in (t.name, *t.keywords))))
    known.update(s for s in stems if s in task_words or _shares_compound(s, task_words))
    # a word is known when a synonym is, as a whole word ("Perso" where the documents say
    # "Personalausweis"; "pass" inside "Passwort" is no Reisepass)
    # (one word at a time: the stems come without their order, so no phrase of several words)
    words = task_words | document_words
    for s in stems - known:
        if not words.isdisjoint(thesaurus.alternatives([s]).get(s, ())):
            known.add(s)
    return sorted(stems - known)


def _shares_compound(stem: str, words: set[str]) -> bool:
    """Whether a question's stem is part of a task word, or holds one. A compound that ends in
    a task word behind a head no task word knows is another thing of the same kind
    ("Anwohnerparkausweis" is no Personalausweis; bot.directory.match reads it the same way)."""
    if len(stem) < 4:
        return False
    for word in words:
        if stem in word:
            return True
        if len(word) >= 5 and word in stem:
            head = stem[: len(stem) - len(word)] if stem.endswith(word) else ""
            if len(head) < FOREIGN_HEAD_MIN or any(w.startswith(head[:4]) for w in words):
                return True
    return False


def _words_of(hits: Sequence[Hit]) -> set[str]:
    """The stems of the hits' matching chunks and their documents' keywords."""
    parts: list[str] = []
    for hit in hits:
        chunk = hit.chunk
        parts += [chunk.embed_text, *(c.text for c in hit.more_in_document), *chunk.meta.keywords]
    return set(analyze("\n".join(parts)))


def _found_in(stems: frozenset[str], hits: Sequence[Hit]) -> list[str]:
    """The stems that occur in the hits' documents (matching chunks and keywords); a stem
    inside a longer word counts ("steuer" in "Hundesteuer")."""
    return _found(stems, _words_of(hits))


def _found(stems: frozenset[str], found: set[str]) -> list[str]:
    return [s for s in stems if s in found or len(s) >= 4 and any(s in f for f in found)]


def agreement_of(hits: Sequence[Hit]) -> float:
    """1 when the lexical side's best document is the dense side's best, 0.5 when it is among
    the dense side's first three, else 0 (also when the lexical side found nothing)."""
    lexical = [h for h in hits if h.lexical_score is not None]
    dense = [h for h in hits if h.dense_score is not None]
    if not lexical or not dense:
        return 0.0
    best_lexical = max(lexical, key=lambda h: h.lexical_score or 0.0).source
    by_cosine = [h.source for h in sorted(dense, key=lambda h: -(h.dense_score or 0.0))]
    if by_cosine[0] == best_lexical:
        return 1.0
    return 0.5 if best_lexical in by_cosine[:3] else 0.0


def evidence_of(
    question: str, hits: Sequence[Hit], task_score: float = 0.0, tasks: Sequence[Task] = (),
    scale: CosineScale | None = None, thesaurus: Thesaurus | None = None,
) -> Evidence:
    """The signals for ``question``: the best cosine (and where it lies on the index's
    ``scale``), the coverage by that hit's document, the agreement of the two retrievers, the
    directory's best task score, and whether some word is known neither to the retrieved
    documents nor to the matched ``tasks`` (nor through a synonym of the town's
    ``thesaurus``, see ``unknown_words``)."""
    stems = question_stems(question)
    nouns = noun_stems(question) & stems
    unknown_nouns = set(unknown_words(stems, hits, tasks, thesaurus)) & nouns
    unknown = 1.0 if unknown_nouns else 0.0
    topic_unknown = 1.0 if nouns and unknown_nouns == nouns else 0.0
    scored = [h for h in hits if h.dense_score is not None]
    if not scored:
        return Evidence(0.0, 0.0, task_score, unknown, topic_unknown=topic_unknown)
    best = max(scored, key=lambda h: h.dense_score or 0.0)
    cosine = best.dense_score or 0.0
    relative = (scale or DEFAULT_SCALE).relative(cosine)
    return Evidence(cosine, coverage_of(stems, best), task_score, unknown, round(relative, 4),
                    agreement_of(hits), topic_unknown)  # fmt: skip


def names_a_task(evidence: Evidence) -> bool:
    """Whether the question names a directory task clearly enough to say who handles it
    without a document: a task match, and a strong one when the question has a word nothing
    here knows ("Sperrmüll anmelden" matches the keyword "Anmeldung" at 0.70, but Sperrmüll is
    no topic of this town hall's documents or tasks). A question that does not ask who needs
    more (bot.assistant.answer._person_is_the_answer)."""
    if evidence.unknown:
        return evidence.task >= TASK_MATCH_WITH_UNKNOWN
    return evidence.task >= TASK_MATCH


def covers_topic(evidence: Evidence) -> bool:
    """Whether the documents may answer at all: not when every noun of the question (its
    topic: "Wie beantrage ich Elterngeld?") is unknown to the retrieved documents and to the
    directory's tasks, and no task is even a guess. Short questions of that kind reach a high
    cosine with any procedure ("Wie beantrage ich ...") although their topic is in no
    document; a question with at least one known noun, or a task guess, goes to the gate."""
    return not (evidence.topic_unknown and evidence.task < TASK_GUESS)


def confidence_of(
    question: str, hits: Sequence[Hit], task_score: float = 0.0, tasks: Sequence[Task] = (),
    scale: CosineScale | None = None, rule: GateRule = DEFAULT_RULE,
) -> float:
    """How likely the knowledge base answers ``question``, in [0, 1] (0 when nothing found)."""
    if not any(h.dense_score is not None for h in hits):
        return 0.0
    return evidence_of(question, hits, task_score, tasks, scale).confidence_under(rule)
