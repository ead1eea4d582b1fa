"""Finding the task a question is about: "wer ist für die Steuer für meinen Hund zuständig?"
finds the task "Hundesteuer".

Lexical, over the shared German analysis (``indexer.lexical.question_stems``: Snowball
stems, stop words and question filler out, separable verbs re-joined), with compound handling:
a query stem that is the head or the tail of a task word covers that part of it ("hund" +
"steu" cover "hundesteu"; short gaps between covered parts are linking elements such as the
"s" of "Geburtsurkunde").

The score is calibrated to [0, 1] so the caller can tell a match from noise:
``score = field_coverage * (0.6 + 0.4 * query_coverage)`` where ``field_coverage`` is how much
of the task's name (or of its best keyword, times 0.95) the question covers, and
``query_coverage`` how much of the question's content words the task explains.
Rule of thumb (see tests): >= 0.6 a match, 0.35-0.6 a guess worth offering, below: noise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.directory.model import Task
from indexer.lexical import VERB_PARTICLES, question_stems
from indexer.lexical.thesaurus import Thesaurus, built_in

MATCH = 0.6  # from here on the task is the question's topic
GUESS = 0.35  # worth offering as "meinten Sie ...?"
# A query compound that ends in a task word but has a head the task does not know
# ("Schwerbehinderten|ausweis" for the keyword "Ausweis" of Personalausweis) covers that word
# this much only; heads up to two letters are linking parts or noise.
FOREIGN_HEAD = 0.3
FOREIGN_HEAD_MIN = 3
# The papers and steps of any matter: a compound ending in one is about its first part
# ("Personalausweisantrag", "Hundesteuerbescheid"), even where a task's name ends in it too.
PAPERS = frozenset(question_stems(
    "Antrag Anträge Bescheid Formular Anmeldung Abmeldung Ummeldung Gebühr Gebühren Termin "
    "Frist Nummer Marke Unterlagen Bescheinigung Erlaubnis Genehmigung Verfahren Stelle Amt "
    "Büro Akte Vorgang Rechnung Zahlung Kosten Liste Satzung"))
# A synonym of the question's word (indexer.lexical.thesaurus) covers the task word it equals
# this much: a little less than the word itself, so the town's own words still win a tie.
SYNONYM_WEIGHT = 0.95
# What a conjugated verb adds to its stem, which the stemmer keeps ("streut" of "streuen",
# "räumt" of "räumen", "meldete"): such a query word is the task word itself.
VERB_ENDINGS = frozenset({"t", "et", "st", "est", "te", "tet", "ten", "tes"})


# A keyword covers a task a little less than its name; a keyword of a document that names the
# task (its front matter's stichwoerter) a little less than the table's own: a document may
# name several tasks, and its keywords describe the paper as much as the task.
KEYWORD_WEIGHT = 0.95
DOCUMENT_KEYWORD_WEIGHT = 0.9


@dataclass(frozen=True)
class _Indexed:
    task: Task
    name: tuple[str, ...]
    # keywords and the task id, each analysed, with the weight of a full cover
    phrases: tuple[tuple[tuple[str, ...], float], ...]
    words: frozenset[str]  # all of the above


def _indexed(task: Task) -> _Indexed:
    name = tuple(question_stems(task.name))
    weighted = [*((x, KEYWORD_WEIGHT) for x in (*task.keywords, task.id)),
                *((x, DOCUMENT_KEYWORD_WEIGHT) for x in task.document_keywords)]
    phrases = tuple((p, w) for p, w in ((tuple(question_stems(x)), w) for x, w in weighted) if p)
    return _Indexed(task, name, phrases, frozenset(name).union(*(p for p, _ in phrases)))


class _Query:
    """One question's stems, with the coverage of each task word computed once: the tasks
    share most of their words, and scoring them all is the matcher's whole cost. A stem's
    synonyms (``alternatives``, indexer.lexical.thesaurus) cover a task word they equal, a
    little less than the question's own word would (SYNONYM_WEIGHT), and explain the stem;
    the compound rules below read only the question's own words."""

    def __init__(self, stems: Sequence[str],
                 alternatives: Mapping[str, tuple[str, ...]] | None = None,
                 other_heads: AbstractSet[str] = frozenset()) -> None:  # fmt: skip
        self.stems = stems
        self.other_heads = other_heads
        self.alternatives = alternatives or {}
        self.synonyms = frozenset(a for alts in self.alternatives.values() for a in alts)
        self._coverage: dict[tuple[str, frozenset[str]], float] = {}
        self._explained: dict[frozenset[str], float] = {}

    def coverage(self, word: str, task_words: frozenset[str]) -> float:
        key = (word, task_words)
        known = self._coverage.get(key)
        if known is None:
            own = _coverage(word, self.stems, task_words, self.other_heads)
            known = self._coverage[key] = max(own, SYNONYM_WEIGHT * (word in self.synonyms))
        return known

    def field(self, words: Sequence[str], task_words: frozenset[str] = frozenset()) -> float:
        if not words:
            return 0.0
        return sum(self.coverage(w, task_words) for w in words) / len(words)

    def explained(self, words: frozenset[str]) -> float:
        """Share of the question's stems that ``words`` explain."""
        known = self._explained.get(words)
        if known is None:
            hits = len([q for q in self.stems if _explained(q, words)
                        or not words.isdisjoint(self.alternatives.get(q, ()))])
            known = self._explained[words] = hits / len(self.stems)
        return known


def _coverage(word: str, query: Sequence[str], task_words: AbstractSet[str] = frozenset(),
              heads: AbstractSet[str] = frozenset()) -> float:  # fmt: skip
    """Share of ``word``'s letters covered by query stems (compound parts count);
    ``task_words`` (all words of the task) tell a known head of a query compound from a
    foreign one."""
    covered = [False] * len(word)
    best = 0.0
    for q in query:
        if q == word:
            return 1.0
        if len(word) >= 4 and (q.startswith(word) or q.endswith(word)):
            best = max(best, _containment(word, q, task_words, heads))
            continue
        if len(q) < 4:
            continue
        if word.startswith(q):
            covered[: len(q)] = [True] * len(q)
        if word.endswith(q):
            covered[len(word) - len(q):] = [True] * len(q)
        at = word.find(q, 1)
        if len(q) >= 5 and at > 0:
            covered[at : at + len(q)] = [True] * len(q)
    return max(best, _close_gaps(covered) / len(word)) if word else 0.0


def _containment(word: str, query_word: str, task_words: AbstractSet[str] = frozenset(),
                 heads: AbstractSet[str] = frozenset()) -> float:  # fmt: skip
    """A query compound containing the task word. The last part of a German compound names
    what it is ("Kinderreisepass" is a Pass), the first only qualifies it ("Passwort" is no
    Pass, but "Hundesteuerbescheid" is about Hundesteuer); short words say less.
    But a head the task does not know makes it another thing of the same kind: a
    "Schwerbehindertenausweis" is an Ausweis, not the task's Personalausweis, and a
    "Jugendfeuerwehr" no matter of the Feuerwehr's cost recovery: only a faint hint.
    Likewise a compound that goes on with a kind of thing the task names know (``heads``):
    a "Gewerbesteuer" is a Steuer like the Grundsteuer and the Hundesteuer, not a matter of
    the Gewerbeanmeldung."""
    if query_word[len(word):] in VERB_ENDINGS and query_word.startswith(word):
        return 1.0
    if query_word.endswith(word):
        head = query_word[: len(query_word) - len(word)]
        if len(head) >= FOREIGN_HEAD_MIN and not _known_head(head, task_words):
            return FOREIGN_HEAD
        return 1.0 if len(word) >= 5 else 0.7
    tail = _without_link(query_word[len(word):], heads)
    if tail in heads and tail not in PAPERS and not _known_head(tail, task_words):
        return FOREIGN_HEAD
    return 0.8 if len(word) >= 6 else 0.4


def _known_head(head: str, task_words: AbstractSet[str]) -> bool:
    """Whether the head of a query compound (a linking "s", "n", "en", "es" stripped) is
    a word of the task, or the start of one ("kinderreise" in "kinderreisepass")."""
    if head in VERB_PARTICLES or head.endswith("zu") and head[:-2] in VERB_PARTICLES:
        return True
    cores = {head, *(head[: -len(link)] for link in ("s", "n", "en", "es", "e")
                     if head.endswith(link))}  # fmt: skip
    return any(
        len(core) >= 3 and any(w.startswith(core) or core.startswith(w) and len(w) >= 3
                               for w in task_words)
        for core in cores
    )  # fmt: skip


def _close_gaps(covered: list[bool]) -> int:
    """Count covered letters, bridging gaps of up to 2 letters between covered parts
    (German linking elements: Hund-e-steuer, Geburt-s-urkunde)."""
    count, gap, seen = 0, 0, False
    for letter in covered:
        if letter:
            count += 1 + (gap if seen and gap <= 2 else 0)
            seen, gap = True, 0
        else:
            gap += 1
    return count


def task_stems(task: Task) -> frozenset[str]:
    """The analysed words of a task (name, keywords, id) as the matcher reads them."""
    return _indexed(task).words


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Words of any question that name no task: the papers of any matter (PAPERS, except the
# registrations, which may be the very word a task lacks), greetings, people, common verbs.
GENERIC = (PAPERS - frozenset(question_stems("Anmeldung Abmeldung Ummeldung"))) | frozenset(
    question_stems(
        "Formular Formulare Frage Fragen Sache Problem Hallo Guten Tag Morgen Abend Frau Herr "
        "Mann Person Leute Bürger Bürgerin Kunde Kundin Kollege Kollegin Danke Bitte brauche "
        "brauchen möchte möchten suche suchen will wollen muss müssen kann können bekomme "
        "bekommen kriege kriegen verloren gefunden geht gehen mache machen weiß wissen"))


def words_missing(question: str, task: Task, taken: AbstractSet[str] = frozenset(),
                  thesaurus: Thesaurus | None = None) -> list[str]:  # fmt: skip
    """The question's nouns, as typed, that no word of ``task`` (name, keywords, id)
    explains: the words someone used for the task that its keywords lack ("Ummeldung" for a
    task whose keyword is "Umzug"), each once (one form of a stem).

    Nouns are the words written with a capital letter. A question with no capital after its
    first word (typed in lower case; a phone capitalises the first word) counts every content
    word. Left out: stop words and question filler, ``GENERIC`` words, ``taken`` stems (other
    tasks' words: "Bauhof" in a question about a burial is the Bauhof's word) and words whose
    synonym in ``thesaurus`` (the town's and the built-in one) the task knows already ("Welpe"
    for "Hund")."""
    known = _indexed(task).words
    words = _WORD.findall(question)
    in_case = any(word[:1].isupper() for word in words[1:])
    synonyms = (thesaurus if thesaurus is not None else built_in()).alternatives(
        question_stems(question), question)
    missing: dict[tuple[str, ...], str] = {}
    for word in words:
        if in_case and not word[:1].isupper():
            continue
        stems = tuple(question_stems(word))
        if not stems or stems in missing or all(stem in GENERIC for stem in stems):
            continue
        if any(_explained(stem, known) or stem in taken
               or any(_explained(a, known) for a in synonyms.get(stem, ()))
               for stem in stems):  # fmt: skip
            continue
        missing[stems] = word
    return list(missing.values())


def _explained(q: str, words: AbstractSet[str]) -> bool:
    return any(
        q == w or len(q) >= 4 and (w.startswith(q) or w.endswith(q))
        or len(w) >= 4 and (q.startswith(w) or q.endswith(w))
        for w in words
    )


def _heads(names: Iterable[Sequence[str]]) -> frozenset[str]:
    """The kinds of thing the directory's tasks are about: the last parts that two task names'
    words share ("steu" of "grundsteu" and "hundesteu"), and whole name words. Keywords are
    left out: their compounds name papers about the task ("Grundsteuerbescheid")."""
    words = {word for name in names for word in name}
    ends: dict[str, set[str]] = {}
    for word in words:
        for start in range(FOREIGN_HEAD_MIN, len(word) - 3):
            ends.setdefault(word[start:], set()).add(word)
    return frozenset({end for end, owners in ends.items() if len(owners) >= 2}
                     | {w for w in words if len(w) >= 4})  # fmt: skip


def _without_link(tail: str, heads: AbstractSet[str]) -> str:
    """A compound's tail without the linking element before it ("s" of
    "Friedhof|s|gebühren", "e" of "Gewerb|e|steuer")."""
    for link in ("es", "en", "s", "n", "e"):
        rest = tail[len(link):]
        if tail.startswith(link) and (rest in heads or rest in PAPERS):
            return rest
    return tail


class TaskMatcher:
    """Scores tasks against a question; built once per directory (cheap: no model)."""

    def __init__(self, tasks: Sequence[Task], thesaurus: Thesaurus | None = None) -> None:
        self._tasks = [_indexed(task) for task in tasks]
        self._thesaurus = built_in() if thesaurus is None else thesaurus
        self._heads = _heads(e.name for e in self._tasks)

    def _query(self, question: str) -> _Query:
        stems = question_stems(question)
        return _Query(stems, self._thesaurus.alternatives(stems, question), self._heads)

    def score(self, question: str, entry: _Indexed) -> float:
        return self._score(self._query(question), entry)

    def _score(self, query: _Query, entry: _Indexed) -> float:
        if not query.stems:
            return 0.0
        name = query.field(entry.name, entry.words)
        keyword = max((query.field(p, entry.words) * w for p, w in entry.phrases), default=0.0)
        field = max(name, keyword)
        if field == 0.0:
            return 0.0
        return round(field * (0.6 + 0.4 * query.explained(entry.words)), 4)

    def scores(self, question: str) -> dict[str, float]:
        """The lexical score of every task with a positive one (task id -> score)."""
        query = self._query(question)
        scored = ((e.task.id, self._score(query, e)) for e in self._tasks)
        return {task_id: score for task_id, score in scored if score > 0}

    def match(self, question: str, k: int = 3) -> list[tuple[Task, float]]:
        """Tasks by lexical score, best first."""
        scores = self.scores(question)
        tasks = {e.task.id: e.task for e in self._tasks}
        ranked = sorted(scores.items(), key=lambda s: (-s[1], tasks[s[0]].name))
        return [(tasks[task_id], score) for task_id, score in ranked[:k]]
