"""Words that mean the same thing in a town hall: "Perso" and "Personalausweis", "Knöllchen"
and "Verwarnungsgeld", "heiraten" and "Eheschließung".

Staff ask in everyday words; documents and the task directory use the administrative ones.
The lexical side reads a question's words together with their synonyms from this list: the
task matcher (a synonym covers a task word it equals), the answer gate's "is this word known
here?", and BM25 for a word no document uses. The dense side needs no list.

The list (``thesaurus_de.txt`` beside this module) was written from general German
administrative language by someone who read none of the question sets or test towns; a few
groups got words after the development towns' failures were read (docs/assistant.md). One
group per line, comma-separated, the administrative term first; lines starting with ``#``
are comments. A word with a second everyday meaning is left out ("Pass" of "passen", "Urne"
of the ballot box).

A town adds its own groups in the same format (``synonyme.txt`` beside its directory, read by
``bot.directory.synonyms``): ``extended`` gives a thesaurus with both, leaving the built-in
one, which every town shares, as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from indexer.lexical.analysis import CLAUSE, WORD, question_stems
from indexer.lexical.analysis import stem as stem_of

log = logging.getLogger(__name__)

BUILT_IN = Path(__file__).with_name("thesaurus_de.txt")


class Thesaurus:
    """Groups of phrases with the same meaning, each phrase analysed to its stems.

    A question uses a phrase when the phrase's stems stand next to each other among the
    question's stems (one word: when it is there). Each of those stems then has the group's
    one-word phrases as alternatives (``alternatives``). Phrases of several words only
    trigger: handed out, their words would each stand alone for the group ("Zentrale Dienste"
    would make every "dien" a Personalamt)."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._groups: list[tuple[tuple[str, ...], ...]] = []
        self._by_stem: dict[str, list[int]] = {}
        self._known: set[tuple[tuple[str, ...], ...]] = set()  # a group written twice counts once
        for group in groups:
            self._add(phrases_of(group))

    def _add(self, phrases: tuple[tuple[str, ...], ...]) -> None:
        if not phrases or phrases in self._known:
            return
        self._known.add(phrases)
        number = len(self._groups)
        self._groups.append(phrases)
        for stem in dict.fromkeys(s for p in phrases for s in p):
            self._by_stem.setdefault(stem, []).append(number)

    def __len__(self) -> int:
        return len(self._groups)

    def extended(self, groups: Iterable[Sequence[str]]) -> Thesaurus:
        """A new thesaurus with this one's groups and ``groups`` (a town's own words beside
        the built-in list). This one stays as it is: every town of a deployment shares it."""
        combined = Thesaurus()
        combined._groups = list(self._groups)
        combined._by_stem = {stem: list(numbers) for stem, numbers in self._by_stem.items()}
        combined._known = set(self._known)
        for group in groups:
            combined._add(phrases_of(group))
        return combined

    def alternatives(self, stems: Sequence[str],
                     question: str = "") -> Mapping[str, tuple[str, ...]]:  # fmt: skip
        """For each of ``stems`` that belongs to a phrase the question uses: the one-word
        phrases of the same group (its meaning in other words). A phrase of several words
        counts only where its words stand together in ``question`` (at most one word between
        two of them, "in Raten zu zahlen"); without the question, only one-word phrases
        count."""
        present = set(stems)
        found: dict[str, list[str]] = {}
        together: dict[tuple[str, ...], bool] = {}  # a phrase in many groups is read once

        def stands_together(phrase: tuple[str, ...]) -> bool:
            if phrase not in together:
                together[phrase] = _together(phrase, question)
            return together[phrase]

        for stem in stems:
            for number in self._by_stem.get(stem, ()):
                phrases = self._groups[number]
                used = [p for p in phrases if stem in p and (
                    len(p) == 1 or present.issuperset(p) and stands_together(p))]
                if not used:
                    continue
                # a longer compound of a word asked alone adds nothing but a tail of its own
                # ("Gewerbesteuerbescheid" for "Gewerbesteuer"), unless it is the group's
                # own term (the first: "Personalausweis" for "Perso"); a phrase's words
                # are parts of its compound ("in Raten zahlen": "Ratenzahlung")
                alone = any(len(p) == 1 for p in used)
                others = [p[0] for p in phrases if len(p) == 1 and p not in used
                          and p[0] not in present
                          and (not alone or stem not in p[0] or p == phrases[0])]
                found.setdefault(stem, []).extend(others)
        return {stem: tuple(dict.fromkeys(alts)) for stem, alts in found.items() if alts}


def _together(phrase: Sequence[str], question: str) -> bool:
    """Whether the stems of ``phrase`` follow each other in one clause of ``question`` with at
    most one word between two of them ("Raten" and "zahlen" in "in Raten zu zahlen", not in
    "raten, wo ich zahlen kann")."""
    for clause in CLAUSE.split(question.lower()):
        tokens = [stem_of(w) for w in WORD.findall(clause)]
        for start, token in enumerate(tokens):
            at = start
            if token != phrase[0]:
                continue
            for part in phrase[1:]:
                ahead = tokens[at + 1 : at + 3]
                if part not in ahead:
                    break
                at += 1 + ahead.index(part)
            else:
                return True
    return False


def phrases_of(group: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """A group's different phrases, each analysed to its stems; empty when the group cannot
    act: fewer than two different phrases (forms of one word, "Hund, Hunde"; stop words
    only) or none of one word (phrases of several words only trigger, see ``Thesaurus``)."""
    phrases = tuple(dict.fromkeys(p for p in (tuple(question_stems(x)) for x in group) if p))
    if len(phrases) < 2 or not any(len(p) == 1 for p in phrases):
        return ()
    return phrases


def members(line: str) -> list[str] | None:
    """The comma-separated words and phrases of one line of a thesaurus file; None for a
    comment or an empty line."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    return [m.strip() for m in line.split(",") if m.strip()]


def parse(text: str) -> list[list[str]]:
    """The groups of a thesaurus file's text (lines of fewer than two words left out)."""
    groups = []
    for line in text.splitlines():
        found = members(line)
        if found is not None and len(found) >= 2:
            groups.append(found)
    return groups


@lru_cache(maxsize=1)
def _built_in_groups() -> tuple[tuple[str, ...], ...]:
    return _read_groups(BUILT_IN)


def _read_groups(path: Path) -> tuple[tuple[str, ...], ...]:
    """The groups of a thesaurus file; a missing or unreadable file (a broken install) is
    logged, and the lexical side works without synonyms."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("thesaurus %s unreadable (%s): questions are matched without synonyms",
                    path, type(exc).__name__)  # fmt: skip
        return ()
    return tuple(tuple(g) for g in parse(text))


@lru_cache(maxsize=1)
def built_in() -> Thesaurus:
    """The list shipped with Wissenslotse (loaded once; the warm-up loads it before the first
    question)."""
    return Thesaurus(_built_in_groups())
